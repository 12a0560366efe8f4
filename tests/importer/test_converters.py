"""Focused tests of the converters: MDX syntax, Docusaurus conventions, links and anchors, notes; hostile input
ends fast, without a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kb.importer import docusaurus, links, mdx, notes
from kb.importer.plan import UnsafePath, safe_target
from kb.render.facts import Renderer


def test_admonitions_with_titles_and_nesting() -> None:
    text = ":::tip[My tip]\n\nUse it.\n\n::::info Outer\n\n:::danger{title=\"Care\"}\nX\n:::\n\n::::\n:::\n"
    result = mdx.convert(text, "a.mdx")
    assert '!!! tip "My tip"' in result.text
    assert '    !!! info "Outer"' in result.text
    assert '        !!! danger "Care"' in result.text
    assert ":::" not in result.text
    assert result.needs == {"admonition"}


def test_caution_and_unknown_types() -> None:
    result = mdx.convert(":::caution\nA\n:::\n\n:::shout\nB\n:::\n", "a.mdx")
    assert "!!! warning" in result.text and "!!! note" in result.text
    assert any("`:::shout`" in f.message for f in result.findings if f.code == "KB703")


def test_tabs_become_content_tabs() -> None:
    text = ("import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
            "<Tabs groupId=\"os\">\n  <TabItem value=\"mac\" label=\"macOS\" default>\n\n"
            "    ```sh\n    brew\n    ```\n\n"
            "  </TabItem>\n  <TabItem value=\"win\">Windows text</TabItem>\n</Tabs>\n")
    result = mdx.convert(text, "a.mdx")
    assert '===+ "macOS"\n\n    ```sh\n    brew\n    ```' in result.text
    assert '=== "win"\n\n    Windows text' in result.text
    assert "import" not in result.text and "<Tab" not in result.text
    assert {"pymdownx.tabbed", "pymdownx.superfences"} <= result.needs


def test_code_is_left_alone() -> None:
    text = "```md\n:::note\n<Tabs>\nimport X from 'y';\n{/* c */}\n```\n\nInline `<Tabs>` and `{/* x */}`.\n"
    result = mdx.convert(text, "a.mdx")
    assert result.text == text


def test_comments_heading_ids_truncate_and_components() -> None:
    text = ("## Title {/* #custom-id */}\n\nA {/* gone */} B\n{/*\nmulti\nline\n*/}\nAfter\n<!-- truncate -->\n"
            "Use <Highlight color=\"#fff\">this</Highlight> and <DocCardList />.\n<div className=\"x\">y</div>\n")
    result = mdx.convert(text, "a.mdx")
    assert "## Title {#custom-id}" in result.text
    assert "A  B" in result.text and "multi" not in result.text and "After" in result.text
    assert "truncate" not in result.text
    assert "Use this and ." in result.text and '<div class="x">' in result.text
    names = " ".join(f.message for f in result.findings if f.code == "KB703")
    assert "<Highlight>" in names and "<DocCardList>" in names


def test_multi_line_export_is_removed_and_notes_keep_import_lines() -> None:
    text = "export const X = ({a}) => (\n  <span style={{color: 'red'}}>\n    {a}\n  </span>\n);\n\nText.\n"
    assert mdx.convert(text, "a.mdx").text.strip() == "Text."
    assert "import this" in mdx.convert("import this\n", "a.md", mdx=False).text


def test_details_become_collapsible_blocks() -> None:
    result = mdx.convert("<details>\n<summary>More</summary>\n\nHidden.\n\n</details>\n", "a.mdx")
    assert '??? note "More"\n\n    Hidden.' in result.text


@pytest.mark.parametrize("name, expected", [
    ("01-intro", (1, "intro")), ("1_intro", (1, "intro")), ("10.setup", (10, "setup")), ("02 - Basics", (2, "Basics")),
    ("2021-08-26-welcome", (None, "2021-08-26-welcome")), ("1.2-notes", (None, "1.2-notes")),
    ("intro", (None, "intro")), ("007", (None, "007")),
])
def test_number_prefixes(name: str, expected: tuple[int | None, str]) -> None:
    assert docusaurus.split_number_prefix(name) == expected


def test_category_files_and_malformed_ones(tmp_path: Path) -> None:
    good = tmp_path / "_category_.json"
    good.write_text('{"label": "Basics", "position": 2, "link": {"type": "generated-index", "description": "D."}}')
    category, findings = docusaurus.read_category(good, "x/_category_.json")
    assert (category.label, category.position, category.description, findings) == ("Basics", 2.0, "D.", [])
    bad = tmp_path / "bad.json"
    bad.write_text('{"label": "Basics",\n "position": }')
    _, findings = docusaurus.read_category(bad, "x/_category_.json")
    assert [(f.code, f.line) for f in findings] == [("KB701", 2)]
    yml = tmp_path / "_category_.yml"
    yml.write_text("label: &a x\nposition: *a\n")
    _, findings = docusaurus.read_category(yml, "x/_category_.yml")
    assert findings and findings[0].code == "KB701"


def test_sidebars_read_as_literals(tmp_path: Path) -> None:
    path = tmp_path / "sidebars.js"
    path.write_text("// c\nconst sidebars = {\n  docs: ['intro', /* x */ {type: 'category', label: 'Guides', "
                    "items: ['guides/a', {type: 'doc', id: 'guides/b', label: 'B'}]}, {type: 'link', href: 'x'},],\n"
                    "};\nmodule.exports = sidebars;\n")
    value, findings = docusaurus.read_sidebars(path, "sidebars.js")
    assert findings == [] and value is not None
    entries = docusaurus.sidebar_entries(value["docs"], "sidebars.js", findings)
    assert entries is not None
    assert [e.doc or e.label for e in entries] == ["intro", "Guides"]
    assert [e.doc for e in entries[1].children] == ["guides/a", "guides/b"]
    assert findings and "link" in findings[0].message
    code = tmp_path / "code.js"
    code.write_text("const sidebars = {docs: require('./x')};\n")
    value, findings = docusaurus.read_sidebars(code, "code.js")
    assert value is None and findings[0].code == "KB701" and findings[0].line == 1


def test_front_matter_mapping_keeps_translates_reports() -> None:
    meta = {"id": "x", "title": "T", "hide_table_of_contents": True, "keywords": "a, b", "custom_edit_url": None,
            "sidebar_position": "3", "mystery": 1}
    mapped, findings = docusaurus.map_front_matter(meta, "x.md")
    assert mapped["hide"] == ["toc"] and mapped["keywords"] == ["a", "b"] and mapped["sidebar_position"] == 3
    assert mapped["mystery"] == 1 and mapped["custom_edit_url"] is None and mapped["id"] == "x"
    reported = " ".join(f.message for f in findings)
    assert "`mystery`" in reported and "`custom_edit_url`" in reported


def test_github_slugs_and_anchor_map() -> None:
    seen: dict[str, int] = {}
    assert links.github_slug("Hello, World!", seen) == "hello-world"
    assert links.github_slug("Hello, World!", seen) == "hello-world-1"
    assert links.github_slug("Café & Crème -- x", {}) == "café--crème----x"
    renderer = Renderer(["toc"], {})
    body = "## Café & Crème\n\n## 02Setup Steps\n"
    before = links.headings(renderer, body)
    after = links.headings(renderer, "## Café & Crème\n\n## Setup Steps\n")
    mapping = links.anchor_map(before, after, fix=lambda t: notes.unstick(t)[1])
    assert mapping["café--crème"] == "cafe-creme"
    assert mapping["02setup-steps"] == "setup-steps"


def test_link_rewriting_outside_code() -> None:
    index = links.LinkIndex(by_source={"a/one.md": "a/one.md", "b/two.mdx": "b/two.md"},
                            by_url={"docs/b/two": "b/two.md"}, anchors={"a/one.md": {}, "b/two.md": {"x-y": "x_y"}})
    body = "[t](../b/two.mdx#x-y) `[c](../b/two.mdx)` [u](/docs/b/two) [e](https://e.org) [m](#nope)\n"
    result = links.rewrite_links(body, "a/one.md", "a/one.md", index, "a/one.md", 1)
    assert result.text.startswith("[t](../b/two.md#x_y) `[c](../b/two.mdx)` [u](../b/two.md) [e](https://e.org)")
    assert [f.code for f in result.findings] == ["KB702"]


def test_notes_decoding_titles_and_descriptions() -> None:
    decoded = notes.decode("caf\xe9 au lait".encode("latin-1"), "n.txt")
    assert decoded.text == "café au lait" and decoded.findings
    decoded = notes.decode("It\u00e2\u20ac\u2122s fine".encode(), "n.md")
    assert decoded.text == "It\u2019s fine"
    tidied = notes.tidy_headings("# 01What Is AI\n\n# 01What Is AI\n\n# Other\n\n## 02Next Step\n", "n.md", 1)
    assert (tidied.title, tidied.position) == ("What Is AI", 1)
    assert tidied.body.split("\n").count("# What Is AI") == 1
    assert "## Other" in tidied.body and "## Next Step" in tidied.body
    assert notes.describe("# T\n\nFirst, e.g. this one. Second.\n") == "First, e.g. this one."
    assert len(notes.describe("word " * 100) or "") <= notes.MAX_DESCRIPTION


def test_plan_paths_stay_inside(tmp_path: Path) -> None:
    for bad in ("../x.md", "/etc/passwd", "a/../../x", "", "a/\x00b"):
        with pytest.raises(UnsafePath):
            safe_target(tmp_path, bad)
    assert safe_target(tmp_path, "docs/a.md") == tmp_path.resolve() / "docs" / "a.md"


# ---- hostile input ------------------------------------------------------------------------------

HOSTILE = {
    "nested jsx": "<Tabs>\n<TabItem value=\"a\">\n" * 5000 + "x\n",
    "nested admonitions": "".join(f"{':' * (3 + i % 50)}note\n" for i in range(5000)),
    "unterminated admonition": ":::note\n" + "text\n" * 10000,
    "huge line": "a" * 2_000_000 + "\n",
    "brackets": "[" * 200_000 + "](" * 100_000 + "\n",
    "open comments": "{/* " * 100_000 + "\n",
    "component soup": "<A " * 100_000 + "\n",
    "unclosed export": "export const x = {\n" + "  a: [\n" * 20_000,
    "colons": ":" * 1_000_000 + "\n",
    "quotes in tags": "<TabItem label=\"" + "\\\"" * 100_000 + "\n",
    "long heading": "# " + "01" * 100_000 + "x\n" + "# " + " #" * 100_000 + "\n",
    "backticks": "`" * 100_000 + " x " + "`" * 99_999 + "\n",
    "code and components": "`a` <B>x</B> {/* c */} [l](m) " * 40_000 + "\n",
    "unclosed code spans": "`` <B> " * 50_000 + "\n",
}


@pytest.mark.hostile
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_ends_fast(name: str) -> None:
    text = HOSTILE[name]
    start = time.monotonic()
    result = mdx.convert(text, "h.mdx")
    rewritten = links.rewrite_links(result.text, "h.mdx", "h.md", links.LinkIndex(), "h.mdx", 1)
    notes.tidy_headings(text, "h.md", 1)
    notes.describe(text)
    notes.first_heading(text)
    assert isinstance(rewritten.text, str)
    assert time.monotonic() - start < 5, name


@pytest.mark.hostile
def test_hostile_sidebars_and_categories(tmp_path: Path) -> None:
    cases = {
        "deep.js": "module.exports = " + "[" * 100_000 + "]" * 100_000,
        "string.js": "module.exports = {a: '" + "x" * 200_000,
        "comment.js": "module.exports = {/* " + "x" * 100_000,
        "template.js": "module.exports = {a: `${x}`}",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        start = time.monotonic()
        value, findings = docusaurus.read_sidebars(path, name)
        assert value is None and findings and findings[0].code == "KB701", name
        assert time.monotonic() - start < 5
    deep = tmp_path / "_category_.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    _, findings = docusaurus.read_category(deep, "_category_.json")
    assert findings and findings[0].code == "KB701"


def test_code_block_highlighting_becomes_hl_lines() -> None:
    text = ('```js title="a.js" {1,3-4} showLineNumbers\na\nb\n```\n\n```py\nx\n# highlight-next-line\ny\n'
            "# highlight-start\nz\nw\n# highlight-end\nv\n```\n")
    result = mdx.convert(text, "a.mdx")
    assert '```js title="a.js"' in result.text and 'linenums="1"' in result.text and 'hl_lines="1 3-4"' in result.text
    assert '```py hl_lines="2 3 4"\nx\ny\nz\nw\nv\n```' in result.text
    assert "highlight-" not in result.text


def test_blocks_in_list_items_stay_there_and_stray_indentation_does_not_make_code() -> None:
    listed = mdx.convert("1. Step one\n\n   :::tip\n   Do it.\n   :::\n", "a.mdx").text
    assert "1. Step one\n\n    !!! tip\n\n        Do it." in listed
    stray = mdx.convert("Text.\n\n  :::note\n  Hi.\n  :::\n", "a.mdx").text
    assert "\n!!! note\n\n    Hi." in stray


def test_commonmark_lists_are_reindented_for_python_markdown() -> None:
    text = ("Intro\n- a\n  - b\n- c\n## Heading\n\n1. one\n\n   para\n\n   ```js\n   x\n   ```\n2. two\n\n"
            "- after an ordered list\n")
    result = mdx.convert(text, "a.md", mdx=False).text
    assert "Intro\n\n- a\n    - b\n- c\n## Heading" in result
    assert "1. one\n\n    para\n\n    ```js\n    x\n    ```\n\n2. two" in result
    assert "<!-- -->\n\n- after an ordered list" in result
    # Written for Python-Markdown already (four spaces a level): the paragraph stays in the inner item.
    fixed = mdx.reindent_lists(["- a", "    - b", "", "        text in b"])
    assert fixed[:3] == ["- a", "    - b", ""] and 8 <= len(fixed[3]) - len(fixed[3].lstrip()) < 12


@pytest.mark.hostile
def test_partials_that_use_themselves_stay_bounded() -> None:
    bomb = "import Self from './_self.mdx';\n\n" + "<Self />\n" * 1000

    def read(path: str) -> tuple[str, str] | None:
        return bomb, "_self.mdx"

    start = time.monotonic()
    result = mdx.convert(bomb, "page.mdx", partials=read)
    assert time.monotonic() - start < 10
    assert result.text.count("\n") < 200_000
    assert any("cannot be read" in f.message for f in result.findings)


def test_tab_labels_from_values_and_admonition_components() -> None:
    text = ("<Tabs values={[{label: 'Apple', value: 'apple'}, {label: 'Pear', value: 'pear'}]}>\n"
            "<TabItem value=\"apple\">A</TabItem>\n<TabItem value=\"pear\">P</TabItem>\n</Tabs>\n\n"
            "<Admonition type=\"caution\" title=\"Careful\">\nMind it.\n</Admonition>\n")
    result = mdx.convert(text, "a.mdx").text
    assert '=== "Apple"' in result and '=== "Pear"' in result
    assert '!!! warning "Careful"\n\n    Mind it.' in result
