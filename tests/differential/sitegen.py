"""Hypothesis strategies for small MkDocs sites that mix the constructs whose ids and links kb must get right.

A site has 2 to 4 pages, an image, optionally a snippet file included with pymdownx.snippets, and one of
the `CONFIGS` below. Pages are drawn in two steps: first blocks that may define ids (headings in every
form and container, attribute lists, raw HTML, footnotes, tabs, code line anchors, fake ids in code), then
links whose targets come from the ids those blocks probably define (the "hints"), corrupted variants of
them, existing and missing pages and images. Whether a hint is right does not matter: MkDocs decides.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from .harness import MINIMAL_THEME_YML, write_minimal_theme

PAGE_PATHS = ("index.md", "guide/a.md", "guide/b.md", "other.md")
SNIPPET = "snippets/part.md"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
ROOT = "@ROOT@"  # replaced by the page's way back to the docs folder ("" or "../")
N = "@N@"  # replaced by a number unique within the page's blocks of one kind

VALIDATION = """\
validation:
  nav:
    omitted_files: info
    not_found: warn
  links:
    not_found: warn
    anchors: warn
    unrecognized_links: warn
"""

_PROJECT_TAIL = """\
  - pymdownx.details
  - pymdownx.highlight:
      anchor_linenums: true
  - pymdownx.inlinehilite
  - pymdownx.keys
  - pymdownx.snippets:
      base_path: ["."]
      restrict_base_path: true
      check_paths: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.tasklist:
      custom_checkbox: true
"""
_PROJECT_HEAD = """\
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
"""

# Name -> the `markdown_extensions` part of mkdocs.yml.
CONFIGS: dict[str, str] = {
    # The project's own list (mkdocs.yml).
    "project": _PROJECT_HEAD + "  - toc:\n      permalink: true\n" + _PROJECT_TAIL,
    # toc under its full module name: MkDocs' builtin `toc` is loaded too, and this one replaces it.
    "toc-dotted": _PROJECT_HEAD
    + "  - markdown.extensions.toc:\n      permalink: true\n"
    + "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n"
    + _PROJECT_TAIL,
    # pymdownx's slugify (keeps Unicode, lower-cases) as the project's docs suggest.
    "toc-pymdownx-slugify": _PROJECT_HEAD
    + "  - toc:\n      permalink: true\n"
    + "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n"
    + _PROJECT_TAIL,
    # toc not listed at all: MkDocs adds it as a builtin, with its defaults.
    "toc-builtin": _PROJECT_HEAD + _PROJECT_TAIL,
    # The whole of markdown_extensions as one mapping, toc with a separator, emoji and smart symbols.
    "mapping-emoji-smartsymbols": """\
markdown_extensions:
  abbr:
  admonition:
  attr_list:
  footnotes:
  md_in_html:
  tables:
  toc:
    permalink: true
    separator: "_"
  pymdownx.details:
  pymdownx.emoji:
    emoji_index: !!python/name:material.extensions.emoji.twemoji
    emoji_generator: !!python/name:material.extensions.emoji.to_svg
  pymdownx.smartsymbols:
  pymdownx.snippets:
    base_path: ["."]
    check_paths: true
  pymdownx.superfences:
  pymdownx.tabbed:
    alternate_style: true
""",
    # pymdownx.emoji with its defaults (emojione PNGs), percent-encoded Unicode slugs, tabs whose ids come
    # from their titles and the heading before them.
    "emoji-tab-slugs": _PROJECT_HEAD
    + "  - toc:\n      permalink: true\n"
    + "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower, percent_encode: true}}\n"
    + "  - pymdownx.emoji\n  - pymdownx.smartsymbols\n"
    + _PROJECT_TAIL.replace(
        "      alternate_style: true\n",
        "      alternate_style: true\n"
        "      combine_header_slug: true\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
    ),
}


def mkdocs_yml(config: str, *, use_directory_urls: bool = True) -> str:
    return (
        "site_name: Differential\ndocs_dir: docs\n" + MINIMAL_THEME_YML + "plugins: []\n"
        f"use_directory_urls: {'true' if use_directory_urls else 'false'}\n" + VALIDATION + CONFIGS[config]
    )


@dataclass(frozen=True)
class Block:
    """A piece of Markdown, the ids it probably defines and lines it needs at the end of the page."""

    text: str
    hints: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    label: str = ""


# Heading text -> ids it probably gets, and definitions it needs.
HEADING_TEXTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Getting started", ("getting-started", "getting_started"), ()),
    ("Punctuation matters!", ("punctuation-matters", "Punctuation-Matters"), ()),
    ("Café & Crème", ("cafe-creme", "café-crème", "caf%C3%A9-cr%C3%A8me"), ()),
    ("Using `code` in *headings* and **bold**", ("using-code-in-headings-and-bold",), ()),
    ("A [link](#getting-started) inside", ("a-link-inside",), ()),
    ("A [reference][ref-h] inside", ("a-reference-inside",), ("[ref-h]: #duplicate",)),
    ("Footnote[^hn] here", ("footnote-here", "footnotehn-here", "footnote1-here"), ("[^hn]: A heading note.",)),
    ("Smile :smile: please", ("smile-please", "smile-smile-please", "smile-😄-please"), ()),
    ("Symbols (c) and --> too", ("symbols-c-and-too", "symbols-and-too", "symbols-©-and-→-too"), ()),
    ("2024: a year (in review)", ("2024-a-year-in-review",), ()),
    ("日本語 text", ("text", "日本語-text"), ()),
    ("Duplicate", ("duplicate", "duplicate_1", "duplicate_2"), ()),
    ("With id { #custom-id }", ("custom-id", "with-id"), ()),
    ('With key { id="kv-id" }', ("kv-id", "with-key"), ()),
    ("With class { .fancy }", ("with-class",), ()),
    ("Closing hashes ##", ("closing-hashes",), ()),
    ("HTML <em>inline</em> here", ("html-inline-here",), ()),
    ("Entities &amp; &copy; here", ("entities-here", "entities-amp-copy-here"), ()),
    ("Escaped \\*stars\\*", ("escaped-stars",), ()),
    ("Keys ++ctrl+alt+del++", ("keys-ctrlaltdel", "keys-ctrl-alt-del", "keys"), ()),
    ('Inline `<a name="in-code">` code', ("inline-a-namein-code-code", "in-code"), ()),
    ("Abbr HTML here", ("abbr-html-here",), ("*[HTML]: Hyper Text Markup Language",)),
    ("Emphasis *with* { #emph-id } id", ("emphasis-with-id", "emph-id"), ()),
)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else "" for line in text.split("\n"))


def _container(kind: str, text: str) -> str:
    if kind == "plain":
        return text
    if kind == "blockquote":
        return "\n".join("> " + line if line else ">" for line in text.split("\n"))
    if kind == "list":
        first, *rest = text.split("\n")
        return "\n".join(["- " + first, *(_indent(line) if line else "" for line in rest)])
    if kind == "nested-list":
        return "- Outer item\n\n" + _indent(_container("list", text))
    if kind == "admonition":
        return '!!! note "An admonition"\n\n' + _indent(text)
    if kind == "details":
        return '??? tip "Details"\n' + _indent(text)
    if kind == "tab":
        return '=== "First tab"\n\n' + _indent(text) + '\n\n=== "Second tab"\n\n    Second.'
    if kind == "md-in-html":
        return "<div markdown>\n\n" + text + "\n\n</div>"
    raise ValueError(kind)


CONTAINERS = ("plain", "blockquote", "list", "nested-list", "admonition", "details", "tab", "md-in-html")


@st.composite
def heading_blocks(draw: st.DrawFn) -> Block:
    text, hints, tail = draw(st.sampled_from(HEADING_TEXTS))
    form = draw(st.sampled_from(("atx", "atx", "atx-nospace", "atx-closed", "setext")))
    level = draw(st.integers(1, 2 if form == "setext" else 4))
    if form == "setext":
        markdown = text + "\n" + ("=" if level == 1 else "-") * max(3, len(text))
    elif form == "atx-nospace":
        markdown = "#" * level + text
    elif form == "atx-closed":
        markdown = "#" * level + " " + text + " " + "#" * level
    else:
        markdown = "#" * level + " " + text
    container = draw(st.sampled_from(CONTAINERS))
    return Block(_container(container, markdown), hints, tail, f"heading:{form}:{container}")


OTHER_ID_BLOCKS: tuple[Block, ...] = (
    Block('<div id="raw-div-@N@">\nRaw block.\n</div>', ("raw-div-@N@",), (), "raw-div-id"),
    Block('Text with <a name="name-@N@"></a> a named anchor.', ("name-@N@",), (), "raw-a-name"),
    Block('Text with <span id="span-@N@">a span</span>.', ("span-@N@",), (), "raw-span-id"),
    Block("A paragraph with an id.\n{ #para-@N@ }", ("para-@N@",), (), "attr-paragraph"),
    Block("Some **strong**{ #strong-@N@ } text.", ("strong-@N@",), (), "attr-strong"),
    Block('Some *emphasis*{ id="em-@N@" } text.', ("em-@N@",), (), "attr-em-keyvalue"),
    Block("A [self link](#duplicate){ #linkid-@N@ } here.", ("linkid-@N@",), (), "attr-link"),
    Block("An image ![logo](@ROOT@img/logo.png){ #imgid-@N@ } here.", ("imgid-@N@",), (), "attr-image"),
    Block("- A list item { #li-@N@ }\n- Another item", ("li-@N@",), (), "attr-list-item"),
    Block("Text with a note.[^f@N@]", ("fn:f@N@", "fnref:f@N@", "fnref2:f@N@"), ("[^f@N@]: The note.",), "footnote"),
    Block("Twice[^t@N@] and twice[^t@N@].", ("fn:t@N@", "fnref:t@N@", "fnref2:t@N@"), ("[^t@N@]: Twice.",),
          "footnote-twice"),
    Block("[^u@N@]: A footnote no one cites.", ("fn:u@N@", "fnref:u@N@"), (), "footnote-unreferenced"),
    Block('```html\n<div id="code-@N@"></div>\n[fake](missing-in-code.md)\n```', ("code-@N@",), (), "fenced-code"),
    Block('Para.\n\n    <a name="indented-@N@"></a>\n    [fake](nope-indented.md)\n\nAfter.', ("indented-@N@",), (),
          "indented-code"),
    Block('Inline `<span id="inline-code-@N@">` and `[fake](nope-inline.md)`.', ("inline-code-@N@",), (),
          "inline-code"),
    Block('```python linenums="1"\nprint(1)\nprint(2)\n```', ("__codelineno-0-1", "__codelineno-1-2"), (),
          "code-linenums"),
    Block('=== "Alpha"\n\n    Alpha text.\n\n=== "Beta Tab"\n\n    Beta text.',
          ("__tabbed_1_1", "__tabbed_1_2", "__tabbed_2_1", "alpha", "beta-tab"), (), "tabs"),
    Block("<!-- <div id=\"commented-@N@\"></div> -->", ("commented-@N@",), (), "html-comment"),
    Block('<div id="box-@N@" markdown>\n\n## Inside a box\n\n</div>', ("box-@N@", "inside-a-box"), (),
          "md-in-html-id"),
    Block("Term\n:   A definition.", (), (), "def-list"),
    Block("Mail <someone@example.com> or visit <https://example.com/x.md>.", (), (), "autolinks"),
    Block("- [ ] a task\n- [x] done", (), (), "tasklist"),
)


@st.composite
def id_blocks(draw: st.DrawFn) -> Block:
    if draw(st.booleans()):
        return draw(heading_blocks())
    return draw(st.sampled_from(OTHER_ID_BLOCKS))


FIXED_TARGETS = (
    "nope.md",
    "@ROOT@missing/page.md",
    "@ROOT@../outside.md",
    "../../../way-out.md",
    "@ROOT@img/missing.png",
    "@ROOT@img/logo.png",
    "@ROOT@img/logo.png#frag",
    "@ROOT@img/logo%20copy.png",
    "@ROOT@img/logo copy.png",
    "@ROOT@snippets/part.md",
    "@ROOT@css/theme.css",  # a file of the theme, not of docs/
    "@ROOT@INDEX.md",
    "@ROOT@guide/../index.md",
    "@ROOT@index.md?a=1&amp;b=2#x",
    "@ROOT@index.md#",
    "@ROOT@index.md#caf%C3%A9-cr%C3%A8me",
    "nope(1).md",
    "mailto:someone@example.com",
    "https://example.com/page.md#x",
    "/index.md",
    "@ROOT@guide",
)


def _corrupt(hint: str) -> tuple[str, ...]:
    return (hint.upper(), hint + "-x", hint + "_1")


def link_targets(page: str, pages: dict[str, tuple[str, ...]]) -> list[str]:
    """Targets a link on `page` can have: to pages, their probable ids, corrupted ids, missing things."""
    folder = posixpath.dirname(page)
    root = "../" * page.count("/")
    targets = [t.replace(ROOT, root) for t in FIXED_TARGETS]
    for other, hints in pages.items():
        rel = posixpath.relpath(other, folder or ".")
        if other == page:
            targets += ["#" + h for h in hints] + ["#" + c for h in hints[:2] for c in _corrupt(h)]
            targets += [rel + "#" + h for h in hints[:1]]
        else:
            targets += [rel, "./" + rel, root + other]
            targets += [rel + "#" + h for h in hints] + [rel + "#" + c for h in hints[:2] for c in _corrupt(h)]
            targets += [rel + "?v=1#" + h for h in hints[:1]]
    targets += ["#fn:99", "#fnref:99", "#"]
    return targets


LINK_FORMS = (
    "inline", "inline", "angle", "titled", "single-quoted-title", "reference", "collapsed", "image",
    "image-reference", "attr", "nested-brackets", "multiline-text", "escaped", "autolink", "raw-html",
    "html-comment", "inline-code", "fenced-code",
)
LINK_CONTAINERS = (
    *CONTAINERS, "table", "footnote", "heading", "def-list", "def-term", "admonition-title", "details-summary",
    "tab-title",
)


def _link_block(target: str, form: str, container: str) -> Block:
    tail: tuple[str, ...] = ()
    if form == "inline":
        link = f"[a link]({target})"
    elif form == "angle":
        link = f"[a link](<{target}>)"
    elif form == "titled":
        link = f'[a link]({target} "A title")'
    elif form == "single-quoted-title":
        link = f"[a link]({target} 'A title')"
    elif form == "image-reference":
        link, tail = f"![an image][i{N}]", (f"[i{N}]: {target}",)
    elif form == "nested-brackets":
        link = f"[a [nested] link]({target})"
    elif form == "multiline-text":
        link = f"[a link\nover two lines]({target})"
    elif form == "escaped":
        link = f"\\[not a link]({target})"
    elif form == "autolink":
        link = f"<{target}>"
    elif form == "html-comment":
        link = f"<!-- [commented]({target}) -->"
    elif form == "reference":
        link, tail = f"[a link][r{N}]", (f"[r{N}]: {target}",)
    elif form == "collapsed":
        link, tail = f"[r{N}][]", (f"[r{N}]: {target}",)
    elif form == "image":
        link = f"![an image]({target})"
    elif form == "attr":
        link = f"[a link]({target}){{ .cls }}"
    elif form == "raw-html":
        link = f'<a href="{target}">raw</a>'
    elif form == "inline-code":
        link = f"`[code]({target})`"
    else:
        return Block(f"```\n[fenced]({target})\n```", (), (), "link:fenced-code")
    sentence = f"See {link} for more."
    if container == "table":
        text = f"| Col | Other |\n| --- | --- |\n| {link} | x |"
    elif container == "footnote":
        text, tail = f"A cited note.[^l{N}]", (*tail, f"[^l{N}]: {sentence}")
    elif container == "heading":
        text = f"## Heading with {link}"
    elif container == "def-list":
        text = f"Term\n:   {sentence}"
    elif container == "def-term":
        text = f"{sentence}\n:   The definition."
    elif container == "admonition-title":
        text = f'!!! note "{sentence}"\n\n    Body.'
    elif container == "details-summary":
        text = f'??? note "{sentence}"\n    Body.'
    elif container == "tab-title":
        text = f'=== "{sentence}"\n\n    Body.'
    else:
        text = _container(container, sentence)
    return Block(text, (), tail, f"link:{form}:{container}")


@st.composite
def link_blocks(draw: st.DrawFn, targets: list[str]) -> Block:
    target = draw(st.sampled_from(targets))
    form = draw(st.sampled_from(LINK_FORMS))
    return _link_block(target, form, draw(st.sampled_from(LINK_CONTAINERS)))


@dataclass
class Site:
    config: str
    use_directory_urls: bool
    pages: dict[str, str]  # docs-relative path -> Markdown
    snippet: str | None
    labels: dict[str, list[str]] = field(default_factory=dict)

    def write(self, root: Path) -> Path:
        (root / "docs" / "img").mkdir(parents=True, exist_ok=True)
        (root / "docs" / "img" / "logo.png").write_bytes(PNG)
        (root / "docs" / "img" / "logo copy.png").write_bytes(PNG)
        write_minimal_theme(root)
        (root / "mkdocs.yml").write_text(mkdocs_yml(self.config, use_directory_urls=self.use_directory_urls),
                                         encoding="utf-8")
        for rel, text in self.pages.items():
            path = root / "docs" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if self.snippet is not None:
            (root / "snippets").mkdir(exist_ok=True)
            (root / SNIPPET).write_text(self.snippet, encoding="utf-8")
        return root

    def describe(self) -> str:
        parts = [f"config: {self.config}, use_directory_urls: {self.use_directory_urls}"]
        parts += [f"--- docs/{rel} ---\n{text}" for rel, text in self.pages.items()]
        if self.snippet is not None:
            parts.append(f"--- {SNIPPET} ---\n{self.snippet}")
        return "\n".join(parts)


def _assemble(blocks: list[Block], root: str, front_matter: bool) -> tuple[str, tuple[str, ...]]:
    """Join blocks into a page; number the @N@ placeholders per block kind. Numbers repeat across kinds, so
    a page may define the same reference (`[r1]: ...`) or footnote twice: Python-Markdown keeps the last
    definition, and kb must too."""
    texts: list[str] = []
    tails: list[str] = []
    hints: list[str] = []
    counters: dict[str, int] = {}
    for block in blocks:
        number = counters[block.label] = counters.get(block.label, 0) + 1
        if block.label in ("raw-div-id", "attr-paragraph") and number > 2:
            number = 1  # the same id twice on a page
        fill = str(number)
        texts.append(block.text.replace(N, fill).replace(ROOT, root))
        tails += [t.replace(N, fill).replace(ROOT, root) for t in block.tail]
        hints += [h.replace(N, fill) for h in block.hints]
    head = "---\ntitle: A page\n---\n\n" if front_matter else ""
    body = "\n\n".join(texts)
    unique_tails = list(dict.fromkeys(tails))
    return head + body + ("\n\n" + "\n\n".join(unique_tails) if unique_tails else "") + "\n", tuple(
        dict.fromkeys(hints)
    )


@st.composite
def sites(draw: st.DrawFn, config: str | None = None) -> Site:
    chosen = config if config is not None else draw(st.sampled_from(sorted(CONFIGS)))
    count = draw(st.integers(2, 4))
    paths = list(PAGE_PATHS[:count])
    with_snippet = draw(st.booleans())
    snippet_blocks = draw(st.lists(id_blocks(), min_size=1, max_size=3)) if with_snippet else []
    id_parts = {p: draw(st.lists(id_blocks(), min_size=1, max_size=5)) for p in paths}
    pages_hints: dict[str, tuple[str, ...]] = {}
    for path in paths:
        _, hints = _assemble(id_parts[path], "", False)
        snippet_hints = tuple(h.replace(N, "1") for b in snippet_blocks for h in b.hints)
        pages_hints[path] = hints + snippet_hints
    pages: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for path in paths:
        links = draw(st.lists(link_blocks(link_targets(path, pages_hints)), min_size=1, max_size=6))
        blocks = draw(st.permutations([*id_parts[path], *links]))
        if with_snippet and draw(st.booleans()):
            blocks = [*blocks, Block(f'--8<-- "{SNIPPET}"', (), (), "snippet-include")]
        root = "../" * path.count("/")
        pages[path], _ = _assemble(blocks, root, draw(st.booleans()))
        labels[path] = [b.label for b in blocks]
    snippet = None
    if with_snippet:
        snippet_links = draw(st.lists(link_blocks(link_targets("index.md", pages_hints)), max_size=2))
        snippet, _ = _assemble([*snippet_blocks, *snippet_links], "", False)
    return Site(chosen, draw(st.booleans()), pages, snippet, labels)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:40].strip("-") or "x"


CONSTRUCT_SNIPPET = (
    "## From a snippet\n\nSee [a link](missing-from-snippet.md), [another](#from-a-snippet)"
    " and ![an image](img/logo.png).\n"
)


def construct_pages() -> dict[str, str]:
    """One page per construct, each alone: every heading text, every heading form in every container,
    every other id block, and every link form in every container (pointing at a missing file, a missing
    anchor, an existing and a missing image), and snippet includes (with `CONSTRUCT_SNIPPET` as SNIPPET)
    at two depths."""
    pages: dict[str, str] = {
        "snippet/include.md": f'# Including\n\n--8<-- "{SNIPPET}"\n',
        "snippet/deeper/include.md": f'# Including deeper\n\n--8<-- "{SNIPPET}"\n',
        "snippet-top.md": f'# Including at the top\n\n--8<-- "{SNIPPET}"\n\n[back](#from-a-snippet)\n',
    }

    def add(path: str, blocks: list[Block]) -> None:
        pages[path], _ = _assemble(blocks, "../" * path.count("/"), False)

    for text, hints, tail in HEADING_TEXTS:
        add(f"heading-text/{_slug(text)}.md", [Block("## " + text, hints, tail)])
    for form in ("atx", "atx-nospace", "atx-closed", "setext"):
        for container in CONTAINERS:
            for text, hints, tail in (HEADING_TEXTS[3], HEADING_TEXTS[12]):
                markdown = {
                    "atx": "## " + text,
                    "atx-nospace": "##" + text,
                    "atx-closed": "## " + text + " ##",
                    "setext": text + "\n" + "-" * len(text),
                }[form]
                block = Block(_container(container, markdown), hints, tail)
                add(f"heading-{form}/{container}/{_slug(text)}.md", [block])
    for number, block in enumerate(OTHER_ID_BLOCKS):
        add(f"block/{number:02d}-{block.label}.md", [block])
    for form in LINK_FORMS:
        for container in LINK_CONTAINERS:
            blocks: list[Block] = []
            for target in ("missing.md", "#missing-anchor", "@ROOT@img/logo.png", "@ROOT@img/missing.png",
                           "@ROOT@css/theme.css"):
                block = _link_block(target, form, container)
                blocks.append(Block(block.text.replace(N, str(len(blocks) + 1)),
                                    (), tuple(t.replace(N, str(len(blocks) + 1)) for t in block.tail), block.label))
            add(f"link/{form}/{container}.md", blocks)
    return pages
