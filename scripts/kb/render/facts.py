"""What a page offers and points at, read from Python-Markdown's own render of it.

A Python-Markdown extension collects, during the render, exactly what MkDocs 1.6 collects: ids of
elements in the tree after `toc` (priority 5), `<a name>`, ids of raw HTML read from the source
before it is stashed (priority 21), and the `a[href]`/`img[src]` of the tree that MkDocs' link
resolver (priority 0) will rewrite. A real HTML parser then reads the finished HTML for what kb
checks beyond MkDocs: raw HTML links, unsafe markup and the readable text.
"""

from __future__ import annotations

import html
import html.parser
import xml.etree.ElementTree as etree
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
import markdown.extensions
import markdown.htmlparser
import markdown.preprocessors
import markdown.treeprocessors
import markdown.util

GLOSSARY_MARKER = "<!-- kb:glossary -->"
# Elements whose text readers do not read as prose (code, and what the browser never shows).
NOT_PROSE = frozenset({"code", "pre", "script", "style", "kbd", "samp", "svg", "math", "template", "textarea"})
# Elements after which readable text starts a new block, so names never run across them.
BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "blockquote",
    "dt", "dd", "dl", "details", "summary", "section", "article", "figure", "figcaption", "br", "hr", "img",
})


@dataclass
class RenderFacts:
    """Everything kb takes from one render of one page."""

    ids: set[str] = field(default_factory=set)  # what `#fragment` links may target
    links: list[tuple[str, str]] = field(default_factory=list)  # ("link" | "image", target): MkDocs resolves these
    raw_links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value) in raw HTML
    tags: list[tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=list)  # every start tag
    text: str = ""  # the readable text, blocks separated by newlines
    glossary_markers: int = 0


class _RawHtmlIds(markdown.preprocessors.Preprocessor):  # type: ignore[misc]
    """MkDocs reads ids from all remaining source lines with an HTML parser before raw HTML is
    stashed, so an id written inside inline code counts for it too; we count what it counts."""

    def __init__(self, facts: _Collector) -> None:
        super().__init__()
        self.facts = facts

    def run(self, lines: list[str]) -> list[str]:
        reader = _IdReader()
        reader.feed("\n".join(lines))
        reader.close()
        self.facts.raw_ids = reader.ids
        return lines


class _IdReader(markdown.htmlparser.htmlparser.HTMLParser):  # type: ignore[name-defined,misc]
    # Python-Markdown's patched copy of the standard parser, as MkDocs uses, so both read alike.
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is not None and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


class _TreeIds(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
    def __init__(self, facts: _Collector) -> None:
        super().__init__()
        self.facts = facts

    def run(self, root: etree.Element) -> None:
        ids = self.facts.tree_ids
        for element in root.iter():
            if ident := element.get("id"):
                ids.add(ident)
            if element.tag == "a" and (name := element.get("name")):
                ids.add(name)


class _TreeLinks(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
    def __init__(self, facts: _Collector) -> None:
        super().__init__()
        self.facts = facts

    def run(self, root: etree.Element) -> None:
        # The elements are kept: whatever later stages make of their URLs is what the HTML holds.
        rewrite = self.facts.rewrite
        for element in root.iter():
            if element.tag in ("a", "img"):
                key = "href" if element.tag == "a" else "src"
                value = element.get(key, "")
                self.facts.links.append((element, key, value))
                if rewrite is not None and value and (new := rewrite(value)) is not None:
                    element.set(key, new)


class _Collector:
    def __init__(self) -> None:
        self.raw_ids: set[str] = set()
        self.tree_ids: set[str] = set()
        self.links: list[tuple[etree.Element, str, str]] = []  # (element, attribute, URL as MkDocs sees it)
        # Set by a renderer that publishes: the URL a link should have instead (a slug link's .md
        # path), or None to leave it. Applied after the link is recorded as written, before MkDocs'
        # own link resolver (same priority, registered later) converts .md paths into URLs.
        self.rewrite: Callable[[str], str | None] | None = None

    def clear(self) -> None:
        self.raw_ids, self.tree_ids, self.links = set(), set(), []

    def tree_links(self) -> tuple[list[tuple[str, str]], Counter[tuple[str, str]]]:
        """The links MkDocs resolves, as ("link" | "image", URL), and the same elements as the
        finished HTML shows them. Python-Markdown hides e-mail autolinks behind entities, which
        MkDocs leaves alone; so do we."""
        resolved: list[tuple[str, str]] = []
        final: Counter[tuple[str, str]] = Counter()
        for element, key, value in self.links:
            shown = element.get(key, "")
            final[element.tag, html.unescape(shown.replace(markdown.util.AMP_SUBSTITUTE, "&"))] += 1
            if markdown.util.AMP_SUBSTITUTE not in value:
                resolved.append(("link" if element.tag == "a" else "image", value))
        return resolved, final


class FactsExtension(markdown.extensions.Extension):  # type: ignore[misc]
    """Registers the collectors at the priorities MkDocs gives its own."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.collector = _Collector()

    def facts(self, rendered: str) -> RenderFacts:
        """The facts of the render that produced `rendered`, the last one this extension took part in."""
        collected = self.collector
        facts = read_html(rendered, *collected.tree_links())
        facts.ids = collected.tree_ids | collected.raw_ids
        return facts

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_RawHtmlIds(self.collector), "kb_raw_html_ids", 21)
        md.treeprocessors.register(_TreeIds(self.collector), "kb_tree_ids", 5)
        md.treeprocessors.register(_TreeLinks(self.collector), "kb_tree_links", 0)
        md.registerExtension(self)

    def reset(self) -> None:
        self.collector.clear()


class _HtmlReader(html.parser.HTMLParser):
    """Reads the finished HTML: every start tag, the links it holds, the readable text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.anchors: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.hidden = 0  # depth inside elements that are not prose
        self.code = 0  # depth inside code, where links are the highlighter's line anchors, not the author's
        self.markers = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = tuple((k, v or "") for k, v in attrs)
        self.tags.append((tag, pairs))
        if not self.code:
            for key, value in pairs:
                if key in ("href", "src"):
                    self.anchors.append((tag, key, value))
        if tag in NOT_PROSE:
            self.hidden += 1
            self.code += tag in ("pre", "code")
        elif tag in BLOCKS:
            self.text.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in NOT_PROSE:
            self.hidden -= 1
            self.code -= tag in ("pre", "code")

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_PROSE:
            self.hidden = max(0, self.hidden - 1)
            self.code = max(0, self.code - (tag in ("pre", "code")))
        elif tag in BLOCKS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        if f"<!--{data}-->" == GLOSSARY_MARKER:
            self.markers += 1


def read_html(rendered: str, links: list[tuple[str, str]], from_tree: Counter[tuple[str, str]]) -> RenderFacts:
    """Facts from finished HTML. The tree's links are known already (`from_tree` counts them as the
    HTML shows them); whatever other `href`/`src` the page holds came from raw HTML, which MkDocs
    leaves alone."""
    reader = _HtmlReader()
    reader.feed(rendered)
    reader.close()
    from_tree = Counter(from_tree)
    raw = []
    for tag, attribute, value in reader.anchors:
        if attribute == ("href" if tag == "a" else "src") and from_tree[tag, value] > 0:
            from_tree[tag, value] -= 1
            continue
        raw.append((tag, attribute, value))
    return RenderFacts(links=links, raw_links=raw, tags=reader.tags, text="".join(reader.text),
                       glossary_markers=reader.markers)


class Renderer:
    """One configured Python-Markdown instance, reset between pages (as cheap as a new one is dear)."""

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        self.facts = FactsExtension()
        self.md = markdown.Markdown(extensions=[*extensions, self.facts], extension_configs=configs)

    def render(self, text: str) -> RenderFacts:
        self.md.reset()
        return self.facts.facts(self.md.convert(text))
