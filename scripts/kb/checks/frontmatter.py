"""Front-matter checks: the schema, tags, and the slips contributors make most."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..findings import Finding
from ..frontmatter import to_json_compatible
from ..page import Page
from ..rules import rule
from ..schema import load_schema, validator

if TYPE_CHECKING:
    from jsonschema import ValidationError
from ..suggest import did_you_mean
from ..tags import Tag

_STUCK_NUMBER = re.compile(r"^(\d+)(?=[^\W\d_][^\W\d_])")
# A sentence end: terminator, space, then a capital letter (so "e.g. the" and "v1.5" do not count).
_SENTENCE_BREAK = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)[.!?]\s+(?=[A-Z])")


def check_front_matter(page: Page, tags: dict[str, Tag] | None, tags_rel: str) -> list[Finding]:
    if page.front is None:
        return []
    meta = page.meta
    findings = _schema_findings(page, to_json_compatible(meta))
    findings += _tag_findings(page, tags, tags_rel)
    title = meta.get("title")
    if isinstance(title, str):
        stuck = _STUCK_NUMBER.match(title)
        if stuck and title[stuck.end()].isupper():
            line, column = page.front.position(("title",))
            findings.append(rule("KB210").finding(
                page.rel_path, line, column,
                f"The title {title!r} in {page.rel_path} starts with the number {stuck.group(1)} stuck to a word.",
                f"Write `title: {title[stuck.end():]}` and order pages with `sidebar_position: {int(stuck.group(1))}`.",
            ))
    description = meta.get("description")
    if isinstance(description, str) and _SENTENCE_BREAK.search(description.strip()):
        line, column = page.front.position(("description",))
        findings.append(rule("KB207").finding(
            page.rel_path, line, column,
            f"The description in {page.rel_path} has more than one sentence.",
            "Keep the description to one sentence; put the rest in the page body.",
        ))
    return findings


def _schema_findings(page: Page, data: dict[str, Any]) -> list[Finding]:
    assert page.front is not None
    known = list(load_schema("page")["properties"])
    findings = []
    for error in validator("page").iter_errors(data):
        if error.validator == "required":
            field = str(error.message).split("'")[1]
            findings.append(rule("KB204").finding(
                page.rel_path, 1, 1, f"{page.rel_path} has no `{field}` in its front-matter.",
                _REQUIRED_HINTS.get(field, f"Add `{field}: ...` to the front-matter."),
            ))
        elif error.validator == "additionalProperties" and not error.path:
            for key in sorted(set(data) - set(known)):
                line, column = page.front.key_positions.get(key, (1, 1))
                hint = did_you_mean(key, known, cutoff=70) or f"Known fields are: {', '.join(known)}."
                findings.append(rule("KB206").finding(
                    page.rel_path, line, column,
                    f"The front-matter field `{key}` in {page.rel_path} is not known.", hint,
                ))
        else:
            path = tuple(error.absolute_path)
            line, column = page.front.position(path)
            findings.append(rule("KB205").finding(
                page.rel_path, line, column,
                f"`{_dotted(path)}` in {page.rel_path} {_describe(error)}.", _value_hint(path, error),
            ))
    return findings


_REQUIRED_HINTS = {
    "title": "Add `title: ...` with the page title, for example `title: Tokenization`.",
    "description": "Add `description: ...` with one sentence (at most 200 characters) saying what the page covers.",
}


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "front-matter"


def _describe(error: ValidationError) -> str:
    value: Any = error.instance
    expected: Any = error.validator_value
    if error.validator == "type":
        return f"must be {_TYPE_NAMES.get(str(error.validator_value), error.validator_value)}, not {_show(value)}"
    if error.validator == "maxLength":
        return f"is {len(value)} characters long; the limit is {expected}"
    if error.validator == "minLength":
        return "must not be empty"
    if error.validator == "format":
        return f"must be a date written YYYY-MM-DD, not {_show(value)}"
    if error.validator == "uniqueItems":
        return "lists the same value twice"
    if error.validator == "enum":
        return f"must be one of {', '.join(map(str, expected))}, not {_show(value)}"
    return f"is invalid: {error.message}"


_TYPE_NAMES = {
    "string": "text", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping",
}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "an empty value"
    return repr(value)


def _value_hint(path: tuple[Any, ...], error: ValidationError) -> str:
    field = path[0] if path else ""
    if error.validator == "type" and error.validator_value == "array":
        return f"Write a YAML list, for example `{field}: [first, second]`."
    if field == "description" and error.validator == "maxLength":
        return "Shorten the description to one sentence of at most 200 characters."
    if field == "last_reviewed":
        return "Write the date as `last_reviewed: 2026-01-31`."
    if error.validator == "type" and error.validator_value == "boolean":
        return f"Write `{field}: true` or `{field}: false`."
    if error.validator == "type" and error.validator_value == "number":
        return f"Write a number without quotes, for example `{field}: 3`."
    if error.validator == "type" and error.validator_value == "string":
        return f"Put the value of `{field}` in double quotes."
    return "See the front-matter reference in CONTRIBUTING.md."


def _tag_findings(page: Page, tags: dict[str, Tag] | None, tags_rel: str) -> list[Finding]:
    assert page.front is not None
    value = page.meta.get("tags")
    if value is None:
        return [rule("KB209").finding(
            page.rel_path, 1, 1, f"{page.rel_path} has no `tags` list.",
            f"Add `tags: [...]` with keys from {tags_rel} so the page is listed on its topics' tag pages.",
        )]
    if tags is None or not isinstance(value, list):
        return []
    findings = []
    choices = list(tags) + [t.label for t in tags.values()]
    for index, tag in enumerate(value):
        if isinstance(tag, str) and tag not in tags:
            line, column = page.front.position(("tags", index))
            suggestion = did_you_mean(tag, choices)
            by_label = next((t.key for t in tags.values() if t.label.casefold() == tag.casefold()), None)
            if by_label:
                suggestion = f"Use the key `{by_label}`, not its label."
            findings.append(rule("KB208").finding(
                page.rel_path, line, column,
                f"The tag `{tag}` in {page.rel_path} is not defined in {tags_rel}.",
                suggestion or f"Use a key from {tags_rel}, or add the tag there with a label and description.",
            ))
    return findings
