"""Splitting YAML front-matter from a page body while keeping file line numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import yaml

from kb.pages.yamlsafe import MAX_DEPTH, Refusal, compose
from kb.report.findings import Finding
from kb.report.rules import rule

Position = tuple[int, int]  # 1-based line and column in the file
NodePath = tuple[Any, ...]

_FENCE = "---"


# libyaml's parser is about ten times faster; PyYAML falls back to pure Python without it.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader whose impossible dates (2026-13-45) stay text, so the schema can report them."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_CLOSERS = ("---", "...")


class _HasPositions:
    positions: dict[NodePath, Position]
    key_positions: dict[str, Position]

    def position(self, path: NodePath) -> Position:
        """The closest known position for a schema path, falling back to the first line."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return (1, 1)


@dataclass
class FrontMatter(_HasPositions):
    meta: dict[str, Any]
    body: str
    body_line: int  # file line on which the body starts
    positions: dict[NodePath, Position] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)


def split_front_matter(text: str, rel_path: str) -> tuple[FrontMatter | None, list[Finding]]:
    """Split `text` into front-matter and body. Returns (None, findings) when unusable."""
    if not text.strip():
        return None, [rule("KB104").finding(
            rel_path, 1, 1, f"{rel_path} is empty.",
            "Add front-matter with `title` and `description`, then the page content; see CONTRIBUTING.md.",
        )]
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        return None, [rule("KB201").finding(
            rel_path, 1, 1, f"{rel_path} has no front-matter: the first line must be `---`.",
            "Start the page with a block such as:\n---\ntitle: ...\ndescription: ...\n---",
        )]
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _CLOSERS), None)
    if closing is None:
        return None, [rule("KB202").finding(
            rel_path, 1, 1, f"The front-matter opened at line 1 of {rel_path} is never closed.",
            "Add a line containing only `---` after the last front-matter field.",
        )]
    yaml_text = "\n".join(lines[1:closing])
    body = "\n".join(lines[closing + 1:])
    mapping, findings = parse_mapping(yaml_text, 2, rel_path, f"The front-matter of {rel_path}")
    if mapping is None:
        return None, findings
    return FrontMatter(mapping.data, body, closing + 2, mapping.positions, mapping.key_positions), findings


@dataclass
class YamlMapping(_HasPositions):
    data: dict[str, Any]
    positions: dict[NodePath, Position] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)


def parse_mapping(
    yaml_text: str, first_line: int, rel_path: str, what: str,
) -> tuple[YamlMapping | None, list[Finding]]:
    """Parse a YAML mapping whose first line is line `first_line` of the file, keeping every node's
    position. `what` names the document in messages ("The front-matter of docs/a.md")."""
    offset = first_line  # a 0-based YAML mark plus this is the 1-based file line
    try:
        # One loader composes and constructs: creating one costs as much as a small parse.
        loader, node = compose(yaml_text, _Loader)
    except Refusal as exc:
        line = exc.line + offset
        return None, [rule("KB202").finding(
            rel_path, line, exc.column, f"{what} {exc} (line {line}).",
            f"Write plain `key: value` pairs, at most {MAX_DEPTH} levels deep, without `&anchors` and `*aliases`.",
        )]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + offset) if mark else offset
        column = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [rule("KB202").finding(
            rel_path, line, column, f"{what} is not valid YAML at line {line}: {problem}.", _yaml_hint(problem),
        )]
    except yaml.YAMLError as exc:  # a control character or NUL byte, reported without a mark
        return None, [rule("KB202").finding(
            rel_path, offset, 1, f"{what} is not valid YAML: {str(exc).splitlines()[0]}.",
            "Remove control characters and NUL bytes; YAML allows only printable text, tabs and newlines.",
        )]
    if node is None:
        return YamlMapping({}), []
    if not isinstance(node, yaml.MappingNode):
        kind = {yaml.ScalarNode: "a single value", yaml.SequenceNode: "a list"}.get(type(node), "not a mapping")
        return None, [rule("KB203").finding(
            rel_path, node.start_mark.line + offset, node.start_mark.column + 1,
            f"{what} is {kind}, not a mapping of `key: value` lines.",
            "Write one `key: value` pair per line, for example `title: Tokenization`.",
        )]
    findings: list[Finding] = []
    mapping = YamlMapping({})
    _index_positions(node, (), offset, mapping, findings, rel_path, what)
    try:
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:  # for example an unhashable key
        return None, [rule("KB202").finding(
            rel_path, offset, 1, f"{what} cannot be read: {exc}.", "Use plain `key: value` pairs with string keys.",
        )]
    bad = [k for k in data if not isinstance(k, str)]  # a list: the bad key may itself be None (`~:`)
    if bad:
        return None, [rule("KB203").finding(
            rel_path, offset, 1, f"{what} has the non-text key {bad[0]!r}.", "Keys must be names such as `title`.",
        )]
    mapping.data = data
    return mapping, findings


def _index_positions(
    node: yaml.Node, path: NodePath, offset: int, mapping: YamlMapping, findings: list[Finding],
    rel_path: str, what: str,
) -> None:
    mapping.positions[path] = (node.start_mark.line + offset, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line, column = key_node.start_mark.line + offset, key_node.start_mark.column + 1
            if not path:
                mapping.key_positions[key] = (line, column)
            if key in seen:
                findings.append(rule("KB205").finding(
                    rel_path, line, column,
                    f"The key `{key}` appears twice in {what[0].lower() + what[1:]} (lines {seen[key]} and {line}).",
                    "Keep one of them; YAML silently uses the last.",
                ))
            seen[key] = line
            _index_positions(value_node, (*path, key), offset, mapping, findings, rel_path, what)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_positions(item, (*path, index), offset, mapping, findings, rel_path, what)


def _yaml_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "A value contains ': '; put the whole value in double quotes."
    if "found character '\\t'" in problem or "tab" in problem:
        return "YAML does not allow tabs for indentation; use spaces."
    if "could not find expected ':'" in problem:
        return "Each line needs `key: value`; check for a missing colon or an unclosed quote."
    return "Check the quoting and indentation on that line; values with ':' or '#' need quotes."


def to_json_compatible(value: Any) -> Any:
    """Dates become ISO strings so that a JSON Schema can validate YAML values."""
    if isinstance(value, dict):
        return {k: to_json_compatible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_compatible(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value
