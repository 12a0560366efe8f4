"""Findings: what every check returns instead of printing."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem at one place. `path` is relative to the project root, POSIX style."""

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    # Deduplicate: the same problem can be reached twice (for example through two slugs).
    return sorted(set(findings), key=Finding.sort_key)


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity.value for f in findings)
    return {s.value: counts.get(s.value, 0) for s in Severity}
