"""Reading files as text (size limit, UTF-8 with line-accurate errors, BOM, CRLF, mojibake) and walking
folders of them safely."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kb.report.findings import Finding
from kb.report.rules import rule

# Mojibake from UTF-8 read as cp1252/latin-1 always contains one of these lead characters.
_MOJIBAKE_LEADS = frozenset("ÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ")


@dataclass
class SourceText:
    """A decoded file. `text` has LF line endings and no BOM; line numbers are unchanged."""

    rel_path: str
    text: str | None
    findings: list[Finding] = field(default_factory=list)


def read_source(path: Path, rel_path: str, max_size: int, root: Path | None = None) -> SourceText:
    """Read `path` as UTF-8, returning findings instead of raising for any bad input. Only a regular
    file is read (never a FIFO or a device, which could block or never end), only inside `root`
    when it is given, and never more than `max_size` bytes."""
    data, findings = read_limited(path, rel_path, max_size, root)
    if data is None:
        return SourceText(rel_path, None, findings)
    return decode_source(data, rel_path)


def read_limited(path: Path, rel_path: str, max_size: int, root: Path | None = None,
                 ) -> tuple[bytes | None, list[Finding]]:
    """The bytes of `path` under the same rules as `read_source`, undecoded (for readers that must
    guess an encoding), or None and the finding that says why not."""
    def unreadable(reason: str, hint: str = "Check that the file exists and is readable.",
                   ) -> tuple[None, list[Finding]]:
        return None, [rule("KB105").finding(rel_path, 1, 1, f"{rel_path} {reason}.", hint)]

    try:
        real = path
        # Folders on the way were vetted when they were listed; only a link at the end needs resolving.
        if root is not None and os.path.islink(path):
            real = path.resolve(strict=True)
            if root.resolve() not in real.parents:
                return unreadable(f"is a symbolic link to {real}, outside the project",
                                  "Copy the file into the project instead of linking to it.")
        # Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return unreadable("is not a regular file (a FIFO, a device or a socket)",
                                  "Replace it with an ordinary file, or remove it from the folder.")
            if info.st_size > max_size:
                return None, [rule("KB103").finding(
                    rel_path, 1, 1,
                    f"{rel_path} is {info.st_size:,} bytes, over the limit of {max_size:,} bytes.",
                    "Split the page into smaller pages, or raise `max_page_size` for the kb plugin in mkdocs.yml.",
                )]
            data = handle.read(max_size + 1)  # a file that grows while we read is still capped
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        return unreadable(f"could not be read: {getattr(exc, 'strerror', None) or exc}")
    if len(data) > max_size:
        return None, [rule("KB103").finding(
            rel_path, 1, 1, f"{rel_path} grew past the limit of {max_size:,} bytes while it was read.",
            "Split the page into smaller pages.")]
    return data, []


def decode_source(data: bytes, rel_path: str) -> SourceText:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SourceText(rel_path, None, [_decode_error(data, exc, rel_path)])
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(rel_path, text, find_mojibake(text, rel_path))


def _decode_error(data: bytes, exc: UnicodeDecodeError, rel_path: str) -> Finding:
    start = exc.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", start)
    raw_line = data[line_start: line_end if line_end != -1 else len(data)].rstrip(b"\r")
    # Column counts characters, so decode what precedes the bad byte leniently.
    column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    guess = raw_line.decode("cp1252", errors="replace").strip()
    return rule("KB101").finding(
        rel_path, line, column,
        f"{rel_path} is not valid UTF-8: byte 0x{data[start]:02X} at line {line}, column {column} cannot be decoded.",
        f"Re-save the file as UTF-8. Read as Windows-1252 the line would be: {guess[:120]!r}.",
    )


def find_mojibake(text: str, rel_path: str) -> list[Finding]:
    if text.isascii():
        return []
    from ftfy import fix_text  # imported lazily: most files are ASCII and never need it
    from ftfy.badness import is_bad

    findings = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.isascii() or not any(ch in _MOJIBAKE_LEADS for ch in line):
            continue
        if not is_bad(line):
            continue
        fixed = fix_text(line)
        if fixed == line:
            continue
        column = next((i for i, (a, b) in enumerate(zip(line, fixed, strict=False)) if a != b), 0) + 1
        findings.append(rule("KB102").finding(
            rel_path, number, column,
            f"Line {number} of {rel_path} contains mojibake (UTF-8 text decoded with the wrong encoding).",
            f"Replace the line with: {fixed.strip()[:160]}",
        ))
    return findings


class TreeEntry(NamedTuple):
    """A file found by `walk_tree`, or an entry it did not follow and why."""

    rel: str  # relative to the top folder, POSIX style ("" for the top folder itself)
    path: Path
    problem: str = ""  # "" for a file; "loop", "unlisted", "dangling" or "outside" for an entry not followed
    detail: str = ""  # "unlisted": the system's reason; "outside": where the symbolic link leads


def walk_tree(top: Path, root: Path, skip: Callable[[str, str], bool]) -> Iterator[TreeEntry]:
    """Every file under `top`, folder by folder in name order, and every entry not followed: a folder
    walked already (a symbolic link back into the tree), a folder that cannot be listed, a symbolic
    link that leads nowhere or outside `root`. Symbolic links inside `root` are followed.
    `skip(folder, name)` leaves an entry of a folder (relative to `top`) out without a word."""
    root = root.resolve()
    walked: set[Path] = set()
    pending: list[tuple[Path, str]] = [(top, "")]
    while pending:
        folder, relative = pending.pop()
        real = folder.resolve()
        if real in walked:
            yield TreeEntry(relative, folder, "loop")
            continue
        walked.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield TreeEntry(relative, folder, "unlisted", exc.strerror or str(exc))
            continue
        for entry in entries:
            if skip(relative, entry.name):
                continue
            rel = f"{relative}/{entry.name}" if relative else entry.name
            target = Path(entry.path)
            if entry.is_symlink():
                try:
                    resolved = target.resolve(strict=True)
                except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
                    yield TreeEntry(rel, target, "dangling")
                    continue
                if resolved != root and root not in resolved.parents:
                    yield TreeEntry(rel, target, "outside", str(resolved))
                    continue
            if entry.is_dir():
                pending.append((target, rel))
            else:
                yield TreeEntry(rel, target)
