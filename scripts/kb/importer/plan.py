"""The plan of writes: each file new, unchanged or existing; nothing outside DIR, no overwrite without `--overwrite`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kb.report.findings import Finding
from kb.report.rules import rule

NEW, UNCHANGED, EXISTS, OVERWRITE = "new", "unchanged", "exists", "overwrite"


class UnsafePath(Exception):
    """A path that would leave DIR or pass through a symbolic link."""


@dataclass
class Write:
    rel: str  # relative to DIR, POSIX style
    data: bytes
    origin: str  # the source it comes from, as findings name it ("" for generated files)
    action: str = NEW


@dataclass
class Plan:
    into: Path
    writes: list[Write]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, UNCHANGED: 0, EXISTS: 0, OVERWRITE: 0}
        for write in self.writes:
            counts[write.action] += 1
        return counts


def safe_target(into: Path, rel: str) -> Path:
    """The absolute path for `rel` inside `into`, refusing `..`, absolute paths and symbolic links on the way."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("..", ".", "") or "\x00" in p for p in parts):
        raise UnsafePath(f"{rel} is not a plain relative path")
    root = into.resolve()
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            raise UnsafePath(f"{rel} passes through the symbolic link {path}")
    if root not in path.parents:
        raise UnsafePath(f"{rel} is outside {root}")
    return path


def decide(into: Path, writes: list[Write], overwrite: bool) -> Plan:
    """Give each write its action by comparing with what DIR holds; the later of two writes to one path loses."""
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    kept: list[Write] = []
    for write in writes:
        if write.rel in seen:
            findings.append(rule("KB704").finding(
                write.origin or write.rel, 1, 1, f"{write.origin or write.rel} would be written to {write.rel}, "
                f"which {seen[write.rel]} already takes; it is skipped.",
                "Rename one of the two files in the source, or import them into different folders."))
            continue
        seen[write.rel] = write.origin or "a generated file"
        try:
            path = safe_target(into, write.rel)
        except UnsafePath as exc:
            findings.append(rule("KB701").finding(
                write.origin or write.rel, 1, 1, f"{write.origin or write.rel} is not imported: {exc}.",
                "Rename the file in the source to a plain name."))
            continue
        if path.exists() or path.is_symlink():
            same = path.is_file() and not path.is_symlink() and _same(path, write.data)
            if same:
                write.action = UNCHANGED
            elif overwrite and path.is_file() and not path.is_symlink():
                write.action = OVERWRITE
            else:
                write.action = EXISTS
                findings.append(rule("KB704").finding(
                    write.rel, 1, 1, f"{write.rel} already exists with other content, so the import from "
                    f"{write.origin or 'kb import'} is skipped.",
                    "Compare the two, then run `kb import` again with `--overwrite` to replace it, or move it away."))
        kept.append(write)
    return Plan(into, kept, findings)


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def apply(plan: Plan) -> None:
    """Write the new files (and, with `--overwrite`, replace changed ones). Raises OSError on failure."""
    for write in plan.writes:
        if write.action not in (NEW, OVERWRITE):
            continue
        path = safe_target(plan.into, write.rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        safe_target(plan.into, write.rel)  # again, now that the folders exist
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        flags |= os.O_EXCL if write.action == NEW else os.O_TRUNC
        descriptor = os.open(path, flags, 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(write.data)
