"""JSON Schema validation turned into findings that point at the offending YAML line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from kb.pages.schema import fast_validator, load_schema, validator
from kb.report.findings import Finding
from kb.report.rules import rule
from kb.report.suggest import did_you_mean

if TYPE_CHECKING:
    from jsonschema import ValidationError


class Positioned(Protocol):
    key_positions: dict[str, tuple[int, int]]

    def position(self, path: tuple[Any, ...]) -> tuple[int, int]: ...


def schema_findings(
    schema: str, data: dict[str, Any], where: Positioned, rel_path: str, missing_suffix: str,
    required_hints: dict[str, str],
) -> list[Finding]:
    """Validate `data` against a shipped schema; each error becomes a finding at its YAML line."""
    if _surely_valid(schema, data):
        return []
    known = list(load_schema(schema)["properties"])
    findings = []
    for error in validator(schema).iter_errors(data):
        if error.validator == "required":
            field = str(error.message).split("'")[1]
            findings.append(rule("KB204").finding(
                rel_path, 1, 1, f"{rel_path} has no `{field}`{missing_suffix}.",
                required_hints.get(field, f"Add `{field}: ...`."),
            ))
        elif error.validator == "additionalProperties" and not error.path:
            for key in sorted(set(data) - set(known)):
                line, column = where.key_positions.get(key, (1, 1))
                hint = did_you_mean(key, known, cutoff=70) or f"Known fields are: {', '.join(known)}."
                findings.append(rule("KB206").finding(
                    rel_path, line, column, f"The field `{key}` in {rel_path} is not known.", hint,
                ))
        else:
            path = tuple(error.absolute_path)
            line, column = where.position(path)
            findings.append(rule("KB205").finding(
                rel_path, line, column, f"`{_dotted(path)}` in {rel_path} {_describe(error)}.",
                _value_hint(path, error),
            ))
    return findings


def _surely_valid(schema: str, data: dict[str, Any]) -> bool:
    try:
        return fast_validator(schema).is_valid(data)
    except ValueError:  # a value JSON has no type for (YAML allows a few): let the full validator judge
        return False


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


