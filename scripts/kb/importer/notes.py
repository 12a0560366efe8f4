"""Raw notes made presentable: encodings and mojibake repaired, title and description found, headings fixed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.glossary.matcher import TermMatcher
from kb.report.findings import Finding
from kb.report.rules import rule

MAX_DESCRIPTION = 200
_STUCK = re.compile(r"^(\d{1,4})(?=[^\W\d_][^\W\d_])")  # "01What": a number glued to a word
_MARKUP = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # links and images: their text


@dataclass
class Decoded:
    text: str
    findings: list[Finding] = field(default_factory=list)


def decode(data: bytes, shown: str) -> Decoded:
    """UTF-8 when it is; else Windows-1252 (which covers Latin-1), said so. Then mojibake repaired line by line."""
    findings: list[Finding] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace") if _cp1252_ok(data) else data.decode("latin-1")
        findings.append(rule("KB707").finding(
            shown, line, 1, f"{shown} is not UTF-8 (first at line {line}); it was read as Windows-1252/Latin-1 "
            "and written as UTF-8.", "Check accented letters on the imported page."))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = _repair(text, shown, findings)
    return Decoded(text, findings)


def _cp1252_ok(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _repair(text: str, shown: str, findings: list[Finding]) -> str:
    from ftfy import TextFixerConfig, fix_text
    from ftfy.badness import is_bad

    config = TextFixerConfig(uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False,
                             normalization=None, explain=False)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if line.isascii() or not is_bad(line):
            continue
        fixed = fix_text(line, config)
        if fixed != line:
            lines[number - 1] = fixed
            findings.append(rule("KB707").finding(
                shown, number, 1, f"Mojibake on line {number} of {shown} was repaired: {fixed.strip()[:80]!r}."))
    return "\n".join(lines)


def unstick(text: str) -> tuple[int | None, str]:
    """"01What Is Generative AI" -> (1, "What Is Generative AI")."""
    match = _STUCK.match(text)
    if match is None:
        return None, text
    return int(match.group(1)), text[match.end():]


@dataclass
class Tidied:
    body: str
    title: str | None
    position: int | None
    findings: list[Finding] = field(default_factory=list)


def tidy_headings(body: str, shown: str, first_line: int) -> Tidied:
    """Numbers stuck to heading words removed, the first heading taken as the title, later top
    headings that repeat it removed and other extra top headings made second-level."""
    lines = body.split("\n")
    findings: list[Finding] = []
    title: str | None = None
    position: int | None = None
    fence = ""
    out: list[str] = []
    for index, line in enumerate(lines):
        number = first_line + index
        stripped = line.strip()
        if fence:
            fence = "" if stripped.startswith(fence) else fence
            out.append(line)
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
            out.append(line)
            continue
        parsed = atx(line)
        if parsed is None:
            out.append(line)
            continue
        hashes, text = parsed
        stuck, fixed = unstick(text)
        if stuck is not None:
            findings.append(rule("KB707").finding(
                shown, number, 1,
                f"The heading {text!r} at line {number} of {shown} lost its number prefix: {fixed!r}."))
        if len(hashes) == 1:
            if title is None:
                title, position = fixed, stuck
            elif fixed.casefold() == title.casefold():
                findings.append(rule("KB707").finding(
                    shown, number, 1,
                    f"The heading {text!r} at line {number} of {shown} repeats the title; it was removed."))
                if out and not out[-1].strip() and index + 1 < len(lines) and not lines[index + 1].strip():
                    out.pop()
                continue
            else:
                hashes = "##"
                findings.append(rule("KB707").finding(
                    shown, number, 1, f"The second top heading {fixed!r} at line {number} of {shown} became a "
                    "second-level heading, so the page has one title."))
        out.append(f"{hashes} {fixed}")
    return Tidied("\n".join(out), title, position, findings)


def plain_title(body: str, shown: str, first_line: int) -> tuple[str, list[Finding]]:
    """A text note whose first line is short, unpunctuated and followed by a blank line: that line is its
    title, made a heading."""
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or start + 1 >= len(lines) or lines[start + 1].strip():
        return body, []
    line = lines[start].strip()
    if len(line) > 100 or line.endswith((".", ":", ";", ",", "!", "?")) or line.startswith(("#", "-", "*", "<", "`")):
        return body, []
    lines[start] = f"# {line}"
    return "\n".join(lines), [rule("KB707").finding(
        shown, first_line + start, 1, f"The first line of {shown}, {line!r}, became its title heading.")]


def first_heading(body: str) -> str | None:
    for line in body.split("\n"):
        parsed = atx(line)
        if parsed is not None and parsed[0] == "#":
            return unstick(parsed[1])[1]
    return None


def atx(line: str) -> tuple[str, str] | None:
    """An ATX heading's `#` run and its text (closing hashes removed), or None."""
    if not line.startswith("#"):
        return None
    level = len(line) - len(line.lstrip("#"))
    if level > 6 or (len(line) > level and line[level] not in " \t"):
        return None
    text = line[level:].strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed.endswith((" ", "\t"))):
        text = closed.rstrip()
    return "#" * level, text


def describe(body: str) -> str | None:
    """The first sentence of the first paragraph, plain text, at most 200 characters."""
    paragraph: list[str] = []
    fence = ""
    for line in body.split("\n"):
        stripped = line.strip()
        if fence:
            fence = "" if stripped.startswith(fence) else fence
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
            continue
        if not stripped:
            if paragraph:
                break
            continue
        if stripped[0] in "#<|>!=:-*+" or (stripped[0].isdigit() and ". " in stripped[:5]):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    if not paragraph:
        return None
    text = _MARKUP.sub(lambda m: m.group(1), " ".join(paragraph)[:4000])
    text = text.replace("**", "").replace("__", "").replace("`", "").replace("*", "").strip()
    end = _sentence_end(text)
    sentence = text[:end].strip() if end else text
    if len(sentence) > MAX_DESCRIPTION:
        cut = sentence.rfind(" ", 0, MAX_DESCRIPTION - 1)
        sentence = sentence[: cut if cut > 0 else MAX_DESCRIPTION - 1].rstrip(",;:") + "…"
    return sentence or None


def _sentence_end(text: str) -> int:
    """The index just after the first full stop, question or exclamation mark that ends a sentence."""
    for index, ch in enumerate(text):
        if ch in ".!?" and (index + 1 == len(text) or text[index + 1] == " "):
            before = text[max(0, index - 4):index].lower()
            if before.endswith(("e.g", "i.e", " vs", "etc")):
                continue
            following = text[index + 2:index + 3]
            if index + 1 == len(text) or following.isupper() or following.isdigit() or not following:
                return index + 1
    return 0


def near_misses(matcher: TermMatcher | None, body: str, shown: str, first_line: int) -> list[Finding]:
    """Text that looks like a misspelt glossary term: reported (KB706), never changed."""
    if matcher is None or not body.strip():
        return []
    _, misses = matcher.scan(body)
    findings = []
    for miss in misses:
        line = first_line + body.count("\n", 0, miss.start)
        expected = " or ".join(f"`{e}`" for e in miss.expected)
        findings.append(rule("KB706").finding(
            shown, line, 1, f"`{miss.surface}` at line {line} of {shown} looks like the glossary term {expected}; "
            "it was not changed.", f"Write {expected}, or add `{miss.surface}` to the aliases of {miss.term_id}."))
    return findings
