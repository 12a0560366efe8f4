"""Docusaurus conventions: number prefixes, `_category_` files, literal sidebars, front-matter mapping, URLs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.pages.frontmatter import parse_mapping
from kb.pages.source import read_limited
from kb.pages.yamlsafe import Refusal, compose
from kb.report.findings import Finding
from kb.report.rules import rule

MAX_SMALL_FILE = 256 * 1024  # _category_ files and sidebars
ADMONITION_TYPES = {"note": "note", "tip": "tip", "info": "info", "warning": "warning", "danger": "danger",
                    "caution": "warning", "important": "info", "secondary": "note", "success": "success"}
# Docusaurus front-matter fields kb check accepts as they are (see page.schema.json).
KEPT = frozenset({"id", "title", "description", "keywords", "slug", "sidebar_label", "sidebar_position", "draft",
                  "unlisted", "tags", "pagination_label", "pagination_next", "pagination_prev", "custom_edit_url",
                  "hide_title", "hide_table_of_contents", "toc_min_heading_level", "toc_max_heading_level",
                  "parse_number_prefixes", "displayed_sidebar", "sidebar_class_name", "sidebar_key",
                  "sidebar_custom_props", "image", "last_update", "hide", "icon", "status", "subtitle", "template",
                  "search", "last_reviewed"})
NOT_APPLIED = {
    "hide_title": "Material for MkDocs always shows the page's first heading",
    "pagination_label": "Material's footer uses the nav label",
    "pagination_next": "Material's footer follows the nav order",
    "pagination_prev": "Material's footer follows the nav order",
    "custom_edit_url": "the edit button follows `edit_uri` in mkdocs.yml",
    "toc_min_heading_level": "the table of contents depth is set by `toc` in mkdocs.yml",
    "toc_max_heading_level": "the table of contents depth is set by `toc` in mkdocs.yml",
    "displayed_sidebar": "the site has one nav",
    "sidebar_class_name": "nav entries take no CSS class",
    "sidebar_key": "nav entries need no key",
    "sidebar_custom_props": "nav entries take no custom props",
    "image": "no social card plugin is configured",
    "last_update": "the date comes from git (git-revision-date-localized) when the plugin is installed",
    "parse_number_prefixes": "kb import has already removed the number prefixes",
}


def split_number_prefix(name: str) -> tuple[int | None, str]:
    """`01-intro` -> (1, "intro"), as Docusaurus reads number prefixes: digits, then `-`, `_` or `.`
    (spaces allowed around), then more name; dates (2021-08-26-post) and versions (1.2-x) are not prefixes."""
    i = 0
    while i < len(name) and name[i].isdigit():
        i += 1
    if i == 0 or i > 9:
        return None, name
    j = i
    while j < len(name) and name[j] == " ":
        j += 1
    k = j
    while k < len(name) and name[k] in "-_.":
        k += 1
    if k == j:
        return None, name
    while k < len(name) and name[k] == " ":
        k += 1
    rest = name[k:]
    if not rest or rest[0] in "-_. " or rest[0].isdigit():
        return None, name  # a date or a version number
    return int(name[:i]), rest


@dataclass
class Category:
    label: str | None = None
    position: float | None = None
    description: str | None = None
    slug: str | None = None
    doc_link: str | None = None  # `link: {type: doc, id}`
    generated_index: bool = False
    title: str | None = None
    other: dict[str, Any] = field(default_factory=dict)


def read_category(path: Path, shown: str) -> tuple[Category, list[Finding]]:
    """A `_category_.json` or `_category_.yml` file; malformed files give a finding and an empty category."""
    data, findings = read_limited(path, shown, MAX_SMALL_FILE)
    if data is None:
        return Category(), [_retag(f) for f in findings]
    text = data.decode("utf-8", errors="replace")
    value: Any
    if path.suffix == ".json":
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
            return Category(), [rule("KB701").finding(
                shown, line, column, f"{shown} is not valid JSON at line {line}, column {column}: "
                f"{getattr(exc, 'msg', exc)}; the category is imported without its label and position.",
                "Fix the JSON (a missing comma or quote), then run `kb import` again.")]
    else:
        try:
            loader, node = compose(text)
            value = loader.construct_document(node) if node is not None else {}
        except (yaml.YAMLError, Refusal, ValueError, TypeError) as exc:
            refused_at: Any = getattr(exc, "line", None)
            mark: Any = getattr(exc, "problem_mark", None)
            number = (refused_at + 1) if isinstance(refused_at, int) else (mark.line + 1 if mark else 1)
            return Category(), [rule("KB701").finding(
                shown, number, 1, f"{shown} is not valid YAML at line {number}: {exc}; the category is imported "
                "without its label and position.", "Fix the YAML, then run `kb import` again.")]
    if not isinstance(value, dict):
        return Category(), [rule("KB701").finding(
            shown, 1, 1, f"{shown} must hold an object with `label`, `position` and `link`.",
            'Write for example {"label": "Basics", "position": 2}.')]
    category = Category()
    label, position, link = value.get("label"), value.get("position"), value.get("link")
    if isinstance(label, str) and label.strip():
        category.label = label.strip()
    if isinstance(position, (int, float)) and not isinstance(position, bool):
        category.position = float(position)
    if isinstance(value.get("description"), str):
        category.description = value["description"]
    if isinstance(link, dict):
        if link.get("type") == "generated-index":
            category.generated_index = True
            for key in ("description", "slug", "title"):
                if isinstance(link.get(key), str):
                    setattr(category, key, link[key])
        elif link.get("type") == "doc" and isinstance(link.get("id"), str):
            category.doc_link = link["id"]
    category.other = {k: v for k, v in value.items() if k not in ("label", "position", "link", "description")}
    return category, []


def _retag(finding: Finding) -> Finding:
    return rule("KB701").finding(finding.path, finding.line, finding.column, finding.message, finding.hint)


@dataclass
class FrontMatterResult:
    meta: dict[str, Any] | None  # None: no front-matter block at all
    body: str
    body_line: int
    findings: list[Finding] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # the file line of each key


def split(text: str, shown: str) -> FrontMatterResult:
    """Front-matter and body; YAML that kb will not read (aliases, deep nesting, bad syntax) is a finding
    and the page is imported with no front-matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatterResult(None, text, 1)
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        return FrontMatterResult(None, text, 1, [rule("KB701").finding(
            shown, 1, 1, f"The front-matter opened at line 1 of {shown} is never closed; the page is imported "
            "with its text as it is.", "Add a line `---` after the last front-matter field in the source.")])
    mapping, findings = parse_mapping("\n".join(lines[1:closing]), 2, shown, f"The front-matter of {shown}")
    body = "\n".join(lines[closing + 1:])
    if mapping is None:
        return FrontMatterResult({}, body, closing + 2, [_retag(f) for f in findings])
    lines_of = {key: position[0] for key, position in mapping.key_positions.items()}
    return FrontMatterResult(dict(mapping.data), body, closing + 2, lines=lines_of)


def map_front_matter(meta: dict[str, Any], shown: str,
                     lines: dict[str, int] | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """Docusaurus fields kept, translated or reported; nothing dropped without a word. `lines` gives
    the file line of each key, for the findings."""
    out: dict[str, Any] = {}
    notes: list[Finding] = []
    where = lines or {}
    key = ""

    def note(message: str, hint: str = "") -> None:
        notes.append(rule("KB707").finding(shown, where.get(key, 1), 1, message, hint))

    for key, value in meta.items():
        if key == "hide_table_of_contents" and value is True:
            out.setdefault("hide", [])
            if isinstance(out["hide"], list) and "toc" not in out["hide"]:
                out["hide"].append("toc")
            note(f"`hide_table_of_contents: true` in {shown} became `hide: [toc]`.")
            continue
        if key == "sidebar_position" and isinstance(value, str):
            try:
                out[key] = float(value) if "." in value else int(value)
                note(f"`sidebar_position` in {shown} was text; it is written as a number.")
                continue
            except ValueError:
                pass
        if key == "keywords" and isinstance(value, str):
            out[key] = [w.strip() for w in value.split(",") if w.strip()]
            note(f"`keywords` in {shown} was one text; it became a list.")
            continue
        if key in KEPT:
            out[key] = value
            if key in NOT_APPLIED:
                notes.append(rule("KB703").finding(
                    shown, where.get(key, 1), 1, f"`{key}` at line {where.get(key, 1)} of {shown} is kept but not "
                    f"applied: {NOT_APPLIED[key]}.",
                    f"Remove `{key}` if the difference does not matter."))
            continue
        out[key] = value
        notes.append(rule("KB703").finding(
            shown, where.get(key, 1), 1, f"The front-matter field `{key}` at line {where.get(key, 1)} of {shown} has "
            "no meaning for MkDocs or kb; it is kept.",
            f"Remove `{key}`, or keep it for another tool (`kb check` warns about it as KB206)."))
    return out, notes


# ---- sidebars: JavaScript literals read without running anything --------------------------------

class NotLiteral(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_MAX_LITERAL_DEPTH = 30
_MAX_TOKENS = 200_000


class _Literal:
    """A reader for the subset of JavaScript that sidebars files are written in: objects, arrays,
    strings, numbers, booleans, null, comments and trailing commas. Anything else stops it."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.i, self.steps = text, start, 0

    def skip(self) -> None:
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch in " \t\r\n":
                self.i += 1
            elif text.startswith("//", self.i):
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise NotLiteral("a comment is never closed", self.i)
                self.i = end + 2
            else:
                return

    def value(self, depth: int = 0) -> Any:
        self.steps += 1
        if depth > _MAX_LITERAL_DEPTH or self.steps > _MAX_TOKENS:
            raise NotLiteral("it nests too deep or is too long", self.i)
        self.skip()
        if self.i >= len(self.text):
            raise NotLiteral("it ends too early", self.i)
        ch = self.text[self.i]
        if ch == "{":
            return self._object(depth)
        if ch == "[":
            return self._array(depth)
        if ch in "'\"`":
            return self._string()
        word = self._word()
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        try:
            return float(word) if "." in word else int(word)
        except ValueError:
            raise NotLiteral(f"`{word or ch}` is code, not a literal", self.i - len(word)) from None

    def _word(self) -> str:
        start = self.i
        while self.i < len(self.text) and (self.text[self.i].isalnum() or self.text[self.i] in "_$.-"):
            self.i += 1
        return self.text[start:self.i]

    def _string(self) -> str:
        quote = self.text[self.i]
        out: list[str] = []
        self.i += 1
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == "\\" and self.i + 1 < len(self.text):
                out.append(self.text[self.i + 1])
                self.i += 2
                continue
            if ch == quote:
                self.i += 1
                return "".join(out)
            if quote == "`" and self.text.startswith("${", self.i):
                raise NotLiteral("a template string computes its value", self.i)
            out.append(ch)
            self.i += 1
        raise NotLiteral("a string is never closed", self.i)

    def _array(self, depth: int) -> list[Any]:
        self.i += 1
        items: list[Any] = []
        while True:
            self.skip()
            if self.text.startswith("]", self.i):
                self.i += 1
                return items
            if self.text.startswith("...", self.i):
                raise NotLiteral("a spread (`...`) computes its value", self.i)
            items.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif not self.text.startswith("]", self.i):
                raise NotLiteral("an array item is followed by neither `,` nor `]`", self.i)

    def _object(self, depth: int) -> dict[str, Any]:
        self.i += 1
        items: dict[str, Any] = {}
        while True:
            self.skip()
            if self.text.startswith("}", self.i):
                self.i += 1
                return items
            if self.i >= len(self.text):
                raise NotLiteral("an object is never closed", self.i)
            ch = self.text[self.i]
            key = self._string() if ch in "'\"" else self._word()
            if not key:
                raise NotLiteral(f"`{ch}` is code, not a key", self.i)
            self.skip()
            if not self.text.startswith(":", self.i):
                raise NotLiteral(f"the key `{key}` has no `:` value (shorthand or a method)", self.i)
            self.i += 1
            items[key] = self.value(depth + 1)
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif not self.text.startswith("}", self.i):
                raise NotLiteral("an object entry is followed by neither `,` nor `}`", self.i)


def read_literal(text: str, start: int) -> Any:
    """The JavaScript literal at `start` in `text`; raises NotLiteral when it is code."""
    return _Literal(text, start).value()


_SIDEBARS_START = re.compile(r"(?:\bconst\s+\w+\s*(?::\s*[\w.<>]+\s*)?=|module\.exports\s*=|export\s+default)\s*")


def read_sidebars(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The sidebars object of sidebars.js/.ts/.json, or None with a finding saying what could not be read."""
    data, findings = read_limited(path, shown, MAX_SMALL_FILE)
    if data is None:
        return None, [_retag(f) for f in findings]
    text = data.decode("utf-8", errors="replace")
    start = 0
    if path.suffix != ".json":
        match = next((m for m in _SIDEBARS_START.finditer(text) if text.startswith("{", m.end())), None)
        if match is None:
            return None, [rule("KB701").finding(
                shown, 1, 1, f"{shown} has no sidebars object written as a literal, so its order is not used.",
                "Pages are ordered by `sidebar_position`, number prefixes and `_category_` files instead.")]
        start = match.end()
    reader = _Literal(text, start)
    try:
        value = reader.value()
    except NotLiteral as exc:
        line = text.count("\n", 0, exc.offset) + 1
        return None, [rule("KB701").finding(
            shown, line, 1, f"{shown} cannot be read without running it at line {line}: {exc}; its order is not used.",
            "Write the sidebars as plain arrays and objects, or order the pages with `sidebar_position`.")]
    if not isinstance(value, dict):
        return None, [rule("KB701").finding(shown, 1, 1, f"{shown} does not hold an object of sidebars.",
                                            "Export an object such as {docs: ['intro']}.")]
    return value, []


@dataclass
class NavEntry:
    label: str | None  # a category label, or None for a doc
    doc: str | None = None  # doc id
    children: list[NavEntry] = field(default_factory=list)


def sidebar_entries(value: Any, shown: str, findings: list[Finding]) -> list[NavEntry] | None:
    """One sidebar as nav entries; None when it is autogenerated (the file system gives the order)."""
    if isinstance(value, dict):  # the shorthand {"Category": [items]}
        return [NavEntry(label, children=_items(items, shown, findings)) for label, items in value.items()]
    if not isinstance(value, list):
        return None
    if any(isinstance(v, dict) and v.get("type") == "autogenerated" for v in value):
        return None
    return _items(value, shown, findings)


def _items(value: Any, shown: str, findings: list[Finding], depth: int = 0) -> list[NavEntry]:
    if depth > _MAX_LITERAL_DEPTH:
        return []
    if isinstance(value, dict):
        return [NavEntry(str(k), children=_items(v, shown, findings, depth + 1)) for k, v in value.items()]
    entries: list[NavEntry] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            entries.append(NavEntry(None, item))
        elif isinstance(item, dict) and item.get("type") in ("doc", "ref") and isinstance(item.get("id"), str):
            entries.append(NavEntry(item.get("label") if isinstance(item.get("label"), str) else None, item["id"]))
        elif isinstance(item, dict) and item.get("type") == "category":
            link: dict[str, Any] = item["link"] if isinstance(item.get("link"), dict) else {}
            entry = NavEntry(str(item.get("label", "")), children=_items(item.get("items", []), shown, findings,
                                                                          depth + 1))
            if link.get("type") == "doc" and isinstance(link.get("id"), str):
                entry.doc = link["id"]
            entries.append(entry)
        elif isinstance(item, dict) and "type" not in item:
            entries += _items(item, shown, findings, depth + 1)
        else:
            kind = item.get("type") if isinstance(item, dict) else type(item).__name__
            findings.append(rule("KB703").finding(
                shown, 1, 1, f"A sidebar item of type `{kind}` in {shown} has no MkDocs equivalent and is left out "
                "of the nav.", "Add it to `nav` in mkdocs.yml by hand if it is needed."))
    return entries


def doc_url(route_base: str, folder: str, name: str, slug: str | None, is_index: bool) -> str:
    """The path Docusaurus publishes a doc at, without leading or trailing slashes."""
    if slug is not None:
        path = slug.strip("/") if slug.startswith("/") else "/".join(p for p in (folder, slug.strip("/")) if p)
    else:
        path = folder if is_index else "/".join(p for p in (folder, name) if p)
    return "/".join(p for p in (route_base.strip("/"), path) if p)
