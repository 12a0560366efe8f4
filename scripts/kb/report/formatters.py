"""Rendering findings for people (human), GitHub Actions (github) and other tools (json)."""

from __future__ import annotations

import json
from collections.abc import Callable

from kb.report.findings import Finding, count_by_severity


def format_human(findings: list[Finding], checked: int) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.code} {f.message}")
        if f.hint:
            lines.extend(f"    {text}" for text in f"hint: {f.hint}".split("\n"))
    counts = count_by_severity(findings)
    noun = "file" if checked == 1 else "files"
    if findings:
        parts = [f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items() if n]
        lines.append(f"{', '.join(parts)} in {checked} {noun} checked.")
    else:
        lines.append(f"No problems in {checked} {noun} checked.")
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def format_github(findings: list[Finding], checked: int) -> str:
    lines = []
    for f in findings:
        message = f.message + (f"\nHint: {f.hint}" if f.hint else "")
        props = (
            f"file={_escape_property(f.path)},line={f.line},col={f.column},"
            f"title={_escape_property(f.code)}"
        )
        lines.append(f"::{_GITHUB_LEVELS[f.severity.value]} {props}::{_escape_data(message)}")
    counts = count_by_severity(findings)
    lines.append(f"kb check: {counts['error']} errors, {counts['warning']} warnings, "
                 f"{counts['info']} notices in {checked} files.")
    return "\n".join(lines) + "\n"


def format_json(findings: list[Finding], checked: int) -> str:
    summary: dict[str, int] = dict(count_by_severity(findings))
    summary["files"] = checked
    return json.dumps({"findings": [f.to_dict() for f in findings], "summary": summary}, indent=2) + "\n"


def format_markdown(findings: list[Finding], checked: int) -> str:
    """A Markdown report, for GitHub's job summary ($GITHUB_STEP_SUMMARY) or a pull-request comment."""
    counts = count_by_severity(findings)
    lines = ["## kb check", "",
             f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notices "
             f"in {checked} files checked.", ""]
    if findings:
        lines += ["| Location | Severity | Code | Message | Fix |", "| --- | --- | --- | --- | --- |"]
        for f in findings[:200]:
            cells = [f"`{f.path}:{f.line}:{f.column}`", f.severity.value, f.code, f.message, f.hint]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        if len(findings) > 200:
            lines += ["", f"... and {len(findings) - 200} more; run `kb check` locally for the full list."]
    return "\n".join(lines) + "\n"


FORMATTERS: dict[str, Callable[[list[Finding], int], str]] = {
    "human": format_human,
    "github": format_github,
    "json": format_json,
    "markdown": format_markdown,
}
