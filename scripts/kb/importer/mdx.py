"""MDX and Docusaurus syntax to Python-Markdown (admonitions, tabs, comments, imports, components), in linear time."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.importer.docusaurus import ADMONITION_TYPES, NotLiteral, read_literal
from kb.report.findings import Finding
from kb.report.rules import rule

MAX_DEPTH = 16  # containers (admonitions, tabs) nested deeper are left as text, with a finding
MAX_STATEMENT_LINES = 200  # an `export` spanning more lines than this is not a statement kb removes
INDENT = "    "
# Single-line, linear patterns only: no nested quantifiers, nothing that can backtrack for long.
_TAG_NAME = re.compile(r"</?([A-Za-z][\w.]*)")
_ATTRIBUTE = re.compile(r"""([A-Za-z_:][-\w:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|\{([^{}]*)\}))?""")
_COMPONENT = re.compile(r"<(/?)([A-Z][\w.]*)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]")
# `src={require('./a.png').default}`, `href={useBaseUrl('/x')}`: JSX that only names a file.
_JSX_URL = re.compile(r"""\b(src|href)=\{\s*(require|useBaseUrl)\(\s*(?:'([^'\n{}]*)'|"([^"\n{}]*)")\s*\)"""
                      r"""(?:\.default)?\s*\}""")


@dataclass
class Converted:
    text: str
    findings: list[Finding] = field(default_factory=list)
    needs: set[str] = field(default_factory=set)  # Markdown extensions the result relies on
    imports: dict[str, str] = field(default_factory=dict)  # MDX imports of Markdown files: name -> path


@dataclass
class _Block:
    kind: str  # root, admonition, tabs, tab, details
    line: int
    title: str = ""
    variant: str = ""
    colons: int = 0
    default: bool = False
    margin: int = 0  # the opening line's indentation (a block inside a list item keeps its place)
    labels: dict[str, str] = field(default_factory=dict)  # <Tabs values={[...]}>: tab labels by value
    children: list[_Block | str] = field(default_factory=list)


def fence_of(stripped: str) -> str | None:
    """The fence a stripped line opens (a run of three or more backticks or tildes), or None."""
    if stripped.startswith("```") or stripped.startswith("~~~"):
        char = stripped[0]
        run = len(stripped) - len(stripped.lstrip(char))
        if char == "`" and "`" in stripped[run:]:
            return None  # inline code such as ```x```
        return char * run
    return None


def closes_fence(stripped: str, fence: str) -> bool:
    """Whether a stripped line closes the code block that `fence` opened."""
    return stripped.startswith(fence) and not stripped.lstrip(fence[0]).strip()


Partials = Callable[[str], "tuple[str, str] | None"]  # import path -> (Markdown body, name in findings)
MAX_PARTIAL_DEPTH = 4
MAX_PARTIALS = 50  # inlined into one page, all depths together: a partial using itself twice cannot explode


def convert(text: str, shown: str, first_line: int = 1, mdx: bool = True, partials: Partials | None = None,
            depth: int = 0, budget: list[int] | None = None) -> Converted:
    """Convert one page body; `first_line` is the file line the body starts on, for findings.
    With `mdx` false (raw notes) import/export lines and JSX are left alone. `partials` reads an
    imported MDX file (`import Intro from './_intro.mdx'`), whose `<Intro />` is replaced by its text."""
    result = Converted("")
    lines = _drop_statements(text.split("\n"), shown, first_line, result) if mdx else text.split("\n")
    if result.imports and partials is not None:
        lines = _inline_partials(lines, shown, first_line, result, partials, depth,
                                 budget if budget is not None else [MAX_PARTIALS])
    lines = reindent_lists(lines)
    root = _parse(lines, shown, first_line, result)
    out: list[str] = []
    _emit(root, "", out)
    body = "\n".join(out)
    if mdx:
        body = _inline(body, shown, first_line, result, text)
    result.text = body
    return result


_INTERRUPTS = ("#", "```", "~~~", ":::", "<", ">", "|", "---", "***", "___", "{/*", "import ", "export ")
_MARKER = re.compile(r"^([-*+]|\d{1,9}[.)])( {1,4}|$)")


@dataclass
class _Item:
    source: int  # the column its content starts at in the source (CommonMark)
    target: int  # the column it starts at for Python-Markdown: four per level


def reindent_lists(lines: list[str]) -> list[str]:
    """CommonMark list nesting (content under the marker's text, often two or three spaces) re-indented in the
    steps of four Python-Markdown needs, and a blank line put before a list that follows a paragraph."""
    out: list[str] = []
    stack: list[_Item] = []
    fence: str | None = None
    fence_shift: tuple[int, int] | None = None
    previous_text = False  # the line before was non-blank text (for lazy continuations)
    after_fence = False  # the line before closed a code block
    last_kind = ""  # "-" or "1": the kind of the last top-level list, which Python-Markdown would merge
    for line in lines:
        expanded = line.expandtabs(4) if "\t" in line[:40] else line
        text = expanded.lstrip(" ")
        indent = len(expanded) - len(text)
        if fence is not None:
            if fence_shift is not None:
                source, target = fence_shift
                out.append(" " * (target + max(0, indent - source)) + text if text else "")
            else:
                out.append(line)
            if closes_fence(text.strip(), fence):
                fence, fence_shift = None, None
                after_fence = True
            continue
        if not text:
            out.append("")
            previous_text = False
            continue
        marker = _MARKER.match(text) if indent < 16 else None
        while stack and indent < stack[-1].source:
            if previous_text and marker is None and not text.startswith(_INTERRUPTS):
                break  # a lazy continuation line: it stays in the item
            stack.pop()
        opened = fence_of(text.strip())
        if marker is not None:
            parent = stack[-1].target if stack else 0
            spaces = len(marker.group(2))
            width = len(marker.group(1)) + (spaces if 0 < spaces <= 4 else 1)
            if not stack and previous_text and out and not _MARKER.match(out[-1].lstrip()):
                out.append("")  # Python-Markdown starts a list only after a blank line
            if after_fence:
                out.append("")  # and a new item after a code block only after one
            kind = "1" if marker.group(1)[0].isdigit() else "-"
            if not stack:
                if last_kind and kind != last_kind and not previous_text:
                    out.append("<!-- -->")  # another kind of list: Python-Markdown would continue the last one
                    out.append("")
                last_kind = kind
            rest = text[len(marker.group(0)):]
            out.append(" " * parent + marker.group(1) + (" " + rest if rest else ""))
            stack.append(_Item(indent + width, parent + len(INDENT)))
        elif stack:
            item = stack[-1]
            out.append(" " * (item.target + max(0, indent - item.source)) + text)
            if opened:
                fence, fence_shift = opened, (indent, item.target + max(0, indent - item.source))
        else:
            out.append(line)
            if opened:
                fence, fence_shift = opened, None
        previous_text = opened is None
        after_fence = False
        if not stack and marker is None and indent < 4:
            last_kind = ""
    return out


def _note(result: Converted, code: str, shown: str, line: int, message: str, hint: str = "") -> None:
    result.findings.append(rule(code).finding(shown, line, 1, message, hint))


def _drop_statements(lines: list[str], shown: str, first_line: int, result: Converted) -> list[str]:
    """MDX `import` and `export` statements (outside code) become blank lines, so line numbers hold."""
    out = list(lines)
    fence: str | None = None
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if fence is not None:
            if closes_fence(stripped, fence):
                fence = None
            i += 1
            continue
        opened = fence_of(stripped)
        if opened:
            fence = opened
            i += 1
            continue
        line = lines[i]
        if line.startswith("import ") or line.startswith("export "):
            end = _statement_end(lines, i)
            if end is None:
                _note(result, "KB703", shown, first_line + i,
                      f"The `{line.split()[0]}` statement at line {first_line + i} of {shown} never ends; "
                      "only its first line is removed.", "Check the source for an unclosed bracket.")
                end = i
            statement = " ".join(lines[i:end + 1])
            imported = _IMPORT_MARKDOWN.match(statement)
            if imported:
                result.imports[imported.group(1)] = imported.group(3)
            for j in range(i, end + 1):
                out[j] = ""
            _note(result, "KB707", shown, first_line + i,
                  f"The MDX `{line.split()[0]}` statement at line {first_line + i} of {shown} was removed.")
            i = end + 1
            continue
        i += 1
    return out


_IMPORT_MARKDOWN = re.compile(r"""^import\s+(\w+)\s+from\s+(['"])([^'"\n]{1,300}\.mdx?)\2""")


def _inline_partials(lines: list[str], shown: str, first_line: int, result: Converted, partials: Partials,
                     depth: int, budget: list[int]) -> list[str]:
    """A line holding only `<Name />` for an imported Markdown file becomes that file's converted text."""
    out: list[str] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            fence = None if closes_fence(stripped, fence) else fence
            out.append(line)
            continue
        opened = fence_of(stripped)
        if opened:
            fence = opened
        name = stripped[1:-2].strip() if stripped.startswith("<") and stripped.endswith("/>") else ""
        path = result.imports.get(name)
        if path is None:
            out.append(line)
            continue
        loaded = partials(path) if depth < MAX_PARTIAL_DEPTH and budget[0] > 0 else None
        budget[0] -= 1
        if loaded is None and budget[0] < -1:
            out.append("")  # the budget is spent: said once already
            continue
        if loaded is None:
            _note(result, "KB703", shown, first_line + index,
                  f"The partial `{path}` used as `<{name} />` at line {first_line + index} of {shown} cannot be read "
                  f"(missing, outside the source, nested too deep or past {MAX_PARTIALS} in one page); the tag was "
                  "removed.",
                  "Copy its text into the page by hand.")
            out.append("")
            continue
        body, partial_shown = loaded
        inner = convert(body, partial_shown, 1, True, partials, depth + 1, budget)
        result.findings += inner.findings
        result.needs |= inner.needs
        margin = line[: len(line) - len(line.lstrip())]
        out += [margin + text if text.strip() else "" for text in inner.text.split("\n")]
        _note(result, "KB707", shown, first_line + index,
              f"The partial `{path}` (`<{name} />`) at line {first_line + index} of {shown} was inlined.")
    return out


def _statement_end(lines: list[str], start: int) -> int | None:
    """The last line of a JavaScript statement starting at `start`: brackets balanced, strings skipped."""
    depth = 0
    quote = ""
    for j in range(start, min(len(lines), start + MAX_STATEMENT_LINES)):
        line = lines[j]
        k = 0
        while k < len(line):
            ch = line[k]
            if quote:
                if ch == "\\":
                    k += 1
                elif ch == quote:
                    quote = ""
            elif ch in "'\"`":
                quote = ch
            elif ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == "/" and line.startswith("//", k):
                break
            k += 1
        if quote in "'\"":
            quote = ""  # plain strings end with their line
        if depth <= 0 and not quote:
            stripped = line.rstrip()
            following = lines[j + 1].strip() if j + 1 < len(lines) else ""
            if not stripped.endswith(("=", "=>", "(", ",", "{", "[")) and not following.startswith((".", "?", ":")):
                return j
    return None


def _parse(lines: list[str], shown: str, first_line: int, result: Converted) -> _Block:
    root = _Block("root", first_line)
    stack = [root]
    fence: str | None = None
    for index, line in enumerate(lines):
        number = first_line + index
        stripped = line.strip()
        top = stack[-1]
        if fence is not None:
            top.children.append(line)
            if closes_fence(stripped, fence):
                fence = None
            continue
        opened = fence_of(stripped)
        if opened:
            fence = opened
            top.children.append(line)
            continue
        depth = len(stack)
        if stripped.startswith(":::"):
            if _admonition(stripped, number, stack, shown, result):
                _set_margin(stack, depth, line)
                continue
        elif stripped.startswith("<") and _jsx_block(stripped, number, stack, shown, result):
            _set_margin(stack, depth, line)
            continue
        stack[-1].children.append(line)
    for block in reversed(stack[1:]):
        what = {"admonition": f"`:::{block.variant}`", "tabs": "`<Tabs>`", "tab": "`<TabItem>`",
                "details": "`<details>`"}[block.kind]
        _note(result, "KB703", shown, block.line,
              f"The {what} opened at line {block.line} of {shown} is never closed; it is closed at the end of the "
              "page.",
              "Check the converted page, and close the block in the source if you import again.")
    return root


def _set_margin(stack: list[_Block], depth: int, line: str) -> None:
    """Record the indentation of a block just opened (the stack grew past `depth`)."""
    if len(stack) > depth:
        expanded = line.expandtabs(4)
        stack[depth].margin = len(expanded) - len(expanded.lstrip())


def _admonition(stripped: str, number: int, stack: list[_Block], shown: str, result: Converted) -> bool:
    colons = len(stripped) - len(stripped.lstrip(":"))
    rest = stripped[colons:].strip()
    if not rest:
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].kind == "admonition" and stack[depth].colons == colons:
                del stack[depth:]
                return True
        _note(result, "KB703", shown, number, f"The `{stripped}` at line {number} of {shown} closes nothing; "
              "it is kept as text.", "Remove it from the source, or open an admonition before it.")
        return False
    word_end = 0
    while word_end < len(rest) and (rest[word_end].isalnum() or rest[word_end] in "-_"):
        word_end += 1
    variant, title = rest[:word_end], rest[word_end:].strip()
    if not variant:
        return False
    if title.startswith("[") and title.endswith("]"):
        title = title[1:-1].strip()
    elif title.startswith("{") and title.endswith("}"):
        found = _attributes(title[1:-1])
        title = found.get("title", "")
    if len(stack) > MAX_DEPTH:
        _note(result, "KB703", shown, number, f"The admonition at line {number} of {shown} is nested more than "
              f"{MAX_DEPTH} levels deep; it is kept as text.", "Flatten the nesting in the source.")
        return False
    kind = ADMONITION_TYPES.get(variant.lower())
    if kind is None:
        _note(result, "KB703", shown, number, f"`:::{variant}` at line {number} of {shown} is not a Docusaurus "
              "admonition type; it became a note.", "Change `!!! note` to the intended type by hand.")
        kind = "note"
    block = _Block("admonition", number, title=title, variant=kind, colons=colons)
    stack[-1].children.append(block)
    stack.append(block)
    result.needs.add("admonition")
    _note(result, "KB707", shown, number, f"`:::{variant}` at line {number} of {shown} became `!!! {kind}`.")
    return True


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text[:2000]):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value is None and match.group(4) is not None:
            inner = match.group(4).strip()
            value = inner[1:-1] if len(inner) > 1 and inner[0] == inner[-1] and inner[0] in "'\"`" else inner
        found[match.group(1)] = "" if value is None else value
    return found


def _jsx_block(stripped: str, number: int, stack: list[_Block], shown: str, result: Converted) -> bool:
    """`<Tabs>`, `<TabItem>` and `<details>` lines that open or close a block; True when the line was one."""
    match = _TAG_NAME.match(stripped)
    if match is None:
        return False
    name = match.group(1)
    closing = stripped.startswith("</")
    kinds = {"Tabs": "tabs", "TabItem": "tab", "details": "details", "Admonition": "admonition"}
    if name not in kinds:
        return False
    kind = kinds[name]
    if closing:
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].kind == kind:
                del stack[depth:]
                return stripped == f"</{name}>"
        return False
    end = stripped.find(">")
    if end < 0 or len(stack) > MAX_DEPTH:
        return False
    attributes = _attributes(stripped[len(name) + 1:end].rstrip("/"))
    block = _Block(kind, number)
    if kind == "admonition":  # <Admonition type="tip" title="...">, the component behind `:::`
        block.variant = ADMONITION_TYPES.get(attributes.get("type", "note").lower(), "note")
        block.title, block.colons = attributes.get("title", ""), -1
        result.needs.add("admonition")
        _note(result, "KB707", shown, number, f"`<Admonition>` at line {number} of {shown} became "
              f"`!!! {block.variant}`.")
    elif kind == "tab":
        value = attributes.get("value", "")
        parent_labels = stack[-1].labels if stack[-1].kind == "tabs" else {}
        block.title = attributes.get("label") or parent_labels.get(value) or value or "Tab"
        block.default = "default" in attributes
        result.needs.update({"pymdownx.tabbed", "pymdownx.superfences"})
    elif kind == "tabs":
        _note(result, "KB707", shown, number, f"`<Tabs>` at line {number} of {shown} became content tabs (`===`).")
        block.labels = _tab_labels(stripped[:end])
        if "groupId" in attributes:
            _note(result, "KB703", shown, number, f"`groupId` of the tabs at line {number} of {shown} is not kept; "
                  "Material links tabs with the same labels when `content.tabs.link` is on.")
    else:
        result.needs.add("pymdownx.details")
    stack[-1].children.append(block)
    stack.append(block)
    rest = stripped[end + 1:].strip()
    if kind == "details" and rest.startswith("<summary>") and "</summary>" in rest:
        close = rest.find("</summary>")
        block.title = rest[len("<summary>"):close].strip()
        rest = rest[close + len("</summary>"):].strip()
    if rest:
        close_tag = f"</{name}>"
        if rest.endswith(close_tag):
            block.children.append(rest[: -len(close_tag)])
            stack.pop()
        else:
            block.children.append(rest)
    return True


def _tab_labels(tag: str) -> dict[str, str]:
    """`values={[{label: 'Apple', value: 'apple'}]}` on `<Tabs>`, the older way to label tabs."""
    start = tag.find("values={")
    if start < 0:
        return {}
    try:
        value = read_literal(tag, start + len("values={"))
    except NotLiteral:
        return {}
    return {str(v["value"]): str(v["label"]) for v in value if isinstance(v, dict) and "value" in v and "label" in v
            } if isinstance(value, list) else {}


def _dedented(children: list[_Block | str]) -> tuple[list[_Block | str], int]:
    """The children without the indentation all their text lines share, and that indentation."""
    texts = [c for c in children if isinstance(c, str) and c.strip()]
    if not texts:
        return children, 0
    margin = min(len(t) - len(t.lstrip(" \t")) for t in texts)
    if not margin:
        return children, 0
    return [c[margin:] if isinstance(c, str) and c.strip() else c for c in children], margin


def _emit(block: _Block, indent: str, out: list[str]) -> None:
    children, shared = (block.children, 0) if block.kind == "root" else _dedented(block.children)
    if block.kind == "details":
        children = [c for c in children if not (isinstance(c, str) and c.strip().startswith("<summary>")
                                                and c.strip().endswith("</summary>"))]
    _emit_children(children, indent, out, shared)


def _emit_children(children: list[_Block | str], indent: str, out: list[str], shared: int = 0) -> None:
    for position, child in enumerate(children):
        if isinstance(child, str):
            out.append(indent + child if child.strip() else "")
            continue
        # Inside a list item: keep it there, in Python-Markdown's steps of four; elsewhere indentation is layout.
        own = max(0, child.margin - shared)
        own = -(-own // len(INDENT)) * len(INDENT) if own and _in_list_item(children, position, own) else 0
        if child.kind == "tabs":  # only its items matter; text between them is JSX layout
            items: list[_Block | str] = [c for c in child.children if isinstance(c, _Block)]
            for item in items:
                if isinstance(item, _Block):
                    item.margin = 0
            _emit_children(items, indent + " " * own, out)
            continue
        indent_here = indent + " " * own
        _blank(out)
        if child.kind == "admonition":
            title = f' "{_quote(child.title)}"' if child.title else ""
            out.append(f"{indent_here}!!! {child.variant}{title}")
        elif child.kind == "tab":
            out.append(f'{indent_here}==={"+" if child.default else ""} "{_quote(child.title)}"')
        else:
            _summary(child, child.children)
            out.append(f'{indent_here}??? note "{_quote(child.title or "Details")}"')
        out.append("")
        inner: list[str] = []
        _emit(child, indent_here + INDENT, inner)
        while inner and not inner[0].strip():
            inner.pop(0)
        out.extend(inner)
        _blank(out)


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]")


def _in_list_item(children: list[_Block | str], position: int, margin: int) -> bool:
    """Whether the nearest line before `position` indented less than `margin` starts a list item."""
    for index in range(position - 1, max(-1, position - 200), -1):
        item = children[index]
        if not isinstance(item, str) or not item.strip():
            continue
        expanded = item.expandtabs(4)
        if len(expanded) - len(expanded.lstrip()) < margin:
            return _LIST_ITEM.match(expanded.lstrip()) is not None
    return False


def _blank(out: list[str]) -> None:
    if out and out[-1].strip():
        out.append("")


def _summary(block: _Block, children: list[_Block | str]) -> list[_Block | str]:
    for index, child in enumerate(children):
        if isinstance(child, str) and child.strip():
            text = child.strip()
            if text.startswith("<summary>") and text.endswith("</summary>") and not block.title:
                block.title = text[len("<summary>"):-len("</summary>")].strip()
                return children[:index] + children[index + 1:]
            return children
    return children


def _quote(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', "&quot;")


def _inline(body: str, shown: str, first_line: int, result: Converted, original: str) -> str:
    """Comments, `<!-- truncate -->`, heading ids and React components, outside code."""
    lines = body.split("\n")
    fence: str | None = None
    fence_start = 0
    in_comment = False
    reported: set[str] = set()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if closes_fence(stripped, fence):
                fence = None
                _highlights(lines, fence_start, index, shown, first_line, result)
            continue
        opened = fence_of(stripped)
        if opened and not in_comment:
            fence, fence_start = opened, index
            continue
        if in_comment:
            end = line.find("*/}")
            if end < 0:
                lines[index] = ""
                continue
            line = line[end + 3:]
            in_comment = False
        if stripped == "<!-- truncate -->" or stripped == "{/* truncate */}":
            lines[index] = ""
            continue
        heading = _HEADING.match(line) is not None
        line, in_comment = _comments(line, heading)
        if heading and "{#" in line:
            result.needs.add("attr_list")
        if "<" in line:
            line = _components(line, shown, first_line, reported, result, original)
        lines[index] = line
    return "\n".join(line for line in lines if line != _DROPPED)


_DROPPED = "\x00dropped"  # a line removed from a code block (no real line holds a NUL: YAML and decoding refuse it)
_MAGIC = {f"{o}highlight-{w}{c}": w for w in ("next-line", "start", "end")
          for o, c in (("// ", ""), ("# ", ""), ("<!-- ", " -->"), ("/* ", " */"), ("{/* ", " */}"), ("-- ", ""))}
_LINE_RANGES = re.compile(r"\{([\d,\s-]{1,200})\}")


def _highlights(lines: list[str], start: int, end: int, shown: str, first_line: int, result: Converted) -> None:
    """Docusaurus' code block extras for pymdownx.highlight: `{1,3-4}` and magic comments become `hl_lines`,
    `showLineNumbers` becomes `linenums`; `title="..."` is understood as it is."""
    opening = lines[start]
    info = opening.strip().lstrip(opening.strip()[0])
    marked: list[int] = []
    ranges = _LINE_RANGES.search(info)
    if ranges:
        marked_text = " ".join(p.strip() for p in ranges.group(1).split(",") if p.strip())
        info = info[: ranges.start()] + info[ranges.end():]
    else:
        marked_text = ""
    number, pending, inside = 0, False, False
    for index in range(start + 1, end):
        kind = _MAGIC.get(lines[index].strip())
        if kind is None:
            number += 1
            if pending or inside:
                marked.append(number)
            pending = False
            continue
        lines[index] = _DROPPED
        pending = kind == "next-line"
        inside = kind == "start" or (inside and kind != "end")
    changed = bool(ranges or marked or "showLineNumbers" in info)
    if not changed:
        return
    wanted = " ".join(filter(None, [marked_text, " ".join(map(str, marked))]))
    info = info.replace("showLineNumbers", 'linenums="1"')
    if wanted:
        info = f'{info.rstrip()} hl_lines="{wanted}"'
    indent = opening[: len(opening) - len(opening.lstrip())]
    run = opening.strip()
    fence = run[: len(run) - len(run.lstrip(run[0]))]
    lines[start] = f"{indent}{fence}{info.strip() if info.strip().startswith(('{', '.')) else info.rstrip()}"
    _note(result, "KB707", shown, first_line, f"Line highlighting of a code block in {shown} became `hl_lines`.")


def _comments(line: str, heading: bool) -> tuple[str, bool]:
    """`{/* ... */}` removed; on a heading, `{/* #id */}` becomes the attribute list `{#id}`."""
    out: list[str] = []
    position = 0
    spans = code_spans(line) if "`" in line else []
    while True:
        start = _outside_code(line, "{/*", position, spans)
        if start < 0:
            out.append(line[position:])
            return "".join(out).rstrip() if len(out) > 1 else "".join(out), False
        out.append(line[position:start])
        end = line.find("*/}", start + 3)
        if end < 0:
            return "".join(out).rstrip(), True
        inner = line[start + 3:end].strip()
        if heading and inner.startswith("#") and inner[1:] and " " not in inner:
            out.append("{" + inner + "}")
        position = end + 3


def _outside_code(line: str, needle: str, start: int, spans: list[tuple[int, int]]) -> int:
    """The first `needle` at or after `start` that is not inside one of the line's inline code `spans`."""
    found = line.find(needle, start)
    while found >= 0 and in_spans(spans, found):
        found = line.find(needle, found + 1)
    return found


def in_spans(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether `offset` falls in one of the sorted, disjoint `spans`."""
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def code_spans(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each inline code span of a line, in order."""
    spans: list[tuple[int, int]] = []
    i = 0
    while True:
        start = line.find("`", i)
        if start < 0:
            return spans
        run = start
        while run < len(line) and line[run] == "`":
            run += 1
        ticks = line[start:run]
        end = line.find(ticks, run)
        while end >= 0 and end + len(ticks) < len(line) and line[end + len(ticks)] == "`":
            end = line.find(ticks, end + len(ticks) + 1)
        if end < 0:
            i = run
            continue
        spans.append((start, end + len(ticks)))
        i = end + len(ticks)


def _components(line: str, shown: str, first_line: int, reported: set[str], result: Converted,
                original: str) -> str:
    """React components (capitalised tags) unwrapped to their text; JSX-only attributes fixed on HTML tags."""
    spans = code_spans(line) if "`" in line else []
    out: list[str] = []
    position = 0
    for match in _COMPONENT.finditer(line):
        start = match.start()
        if start < position or in_spans(spans, start):
            continue
        end = _tag_end(line, match.end())
        if end < 0:
            break  # no later tag on the line can end either: stop rather than rescan it
        name = match.group(2)
        out.append(line[position:start])
        position = end
        if name not in reported:
            reported.add(name)
            line_number = first_line + _line_outside_code(original, f"<{name}")
            _note(result, "KB703", shown, line_number,
                  f"The React component `<{name}>` at line {line_number} of {shown} has no Markdown equivalent; the "
                  "tag was removed and its text kept.",
                  "Rewrite that passage in Markdown if the component did more than wrap text.")
    out.append(line[position:])
    text = "".join(out)
    if "className=" in text:
        text = text.replace("className=", "class=")
    if "={" in text:
        text = _JSX_URL.sub(lambda m: f'{m.group(1)}="{m.group(3) if m.group(3) is not None else m.group(4)}"', text)
    return text


def _line_outside_code(text: str, needle: str) -> int:
    """The 0-based line of the first `needle` outside fenced code (0 when there is none)."""
    fence: str | None = None
    for index, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if fence is not None:
            fence = None if closes_fence(stripped, fence) else fence
        elif (opened := fence_of(stripped)) is not None:
            fence = opened
        elif needle in line:
            return index
    return 0


def _tag_end(line: str, start: int) -> int:
    """The index after the `>` ending a tag begun before `start`, skipping quoted and braced values."""
    depth = 0
    quote = ""
    i = start
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ">" and depth <= 0:
            return i + 1
        i += 1
    return -1
