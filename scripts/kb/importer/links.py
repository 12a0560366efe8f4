"""Links and images rewritten to relative `.md` and asset paths; Docusaurus heading slugs mapped to MkDocs ids."""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from kb.importer.mdx import closes_fence, code_spans, fence_of, in_spans
from kb.render.facts import Renderer
from kb.report.findings import Finding
from kb.report.rules import rule

# Single-line and linear: a link target after `](`, a reference definition, an HTML src/href.
_INLINE = re.compile(r"\]\(\s*(<[^<>\n]*>|[^\s()<>]+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]{1,999}\]:\s*(<[^<>\n]*>|\S+)")
_HTML_URL = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def github_slug(text: str, seen: dict[str, int]) -> str:
    """The id Docusaurus gives a heading (github-slugger): lower case, punctuation dropped, spaces
    as hyphens, repeats numbered -1, -2."""
    kept = "".join(ch for ch in text.lower() if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    slug = kept.replace(" ", "-")
    base, count = slug, seen.get(slug)
    while slug in seen:
        count = (count or 0) + 1
        slug = f"{base}-{count}"
        seen[base] = count
    seen.setdefault(slug, 0)
    return slug


MAX_HEADING = 1000  # longer heading lines are left out of the anchor map


def outside_fences(lines: list[str]) -> Iterator[tuple[int, str]]:
    """The lines (with their index) that are not inside a fenced code block or its fences, the
    blocks found as the MDX conversion finds them."""
    fence: str | None = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if closes_fence(stripped, fence):
                fence = None
            continue
        fence = fence_of(stripped)
        if fence is None:
            yield number, line


def heading_lines(body: str) -> str:
    """Only the ATX headings of `body` (outside code, at any indentation), one paragraph each: the ids toc
    gives them depend on nothing else, and no paragraph can make Python-Markdown slow."""
    found: list[str] = []
    for _, line in outside_fences(body.split("\n")):
        stripped = line.strip()
        if stripped.startswith("#") and len(stripped) <= MAX_HEADING:
            level = len(stripped) - len(stripped.lstrip("#"))
            if level <= 6 and stripped[level:level + 1] in (" ", "\t"):
                found.append(stripped)
    return "\n\n".join(found)


def headings(renderer: Renderer, body: str) -> list[tuple[str, str]]:
    """(text, id) of every heading, in order, from Python-Markdown's toc as the target project configures it."""
    renderer.render(heading_lines(body))
    tokens: list[dict[str, Any]] = list(getattr(renderer.md, "toc_tokens", []) or [])
    found: list[tuple[str, str]] = []
    while tokens:
        token = tokens.pop(0)
        found.append((html.unescape(str(token.get("name", ""))), str(token.get("id", ""))))
        tokens[0:0] = list(token.get("children", []))
    return found


def anchor_map(before: list[tuple[str, str]], after: list[tuple[str, str]],
               fix: Callable[[str], str] = lambda t: t) -> dict[str, str]:
    """Old anchors (as Docusaurus slugged them, and as MkDocs would have from the source as written) to
    the ids of the converted page. Headings are paired in order by text, after `fix` (number prefixes)."""
    mapping = {ident: ident for _, ident in after}
    seen: dict[str, int] = {}
    cursor = 0
    for text, old_id in before:
        wanted = fix(text)
        target = None
        for index in range(cursor, len(after)):
            if after[index][0] == wanted:
                target, cursor = after[index][1], index + 1
                break
        if target is None:  # a heading that was dropped as a duplicate: its first twin
            target = next((ident for t, ident in after if t == wanted), None)
        slug = github_slug(text, seen)
        if target is not None:
            mapping.setdefault(slug, target)
            mapping.setdefault(old_id, target)
    return mapping


@dataclass
class Target:
    """What a link points at in the new project."""

    path: str  # relative to docs_dir
    asset_from: str = ""  # a source file to copy there (static files)


@dataclass
class LinkIndex:
    """Everything links can resolve to: source files, doc ids and Docusaurus URLs, each mapped to its new path."""

    by_source: dict[str, str] = field(default_factory=dict)  # source path (docs-relative) -> docs path
    by_id: dict[str, str] = field(default_factory=dict)
    by_url: dict[str, str] = field(default_factory=dict)  # "docs/guides/formik" -> docs path
    assets: dict[str, str] = field(default_factory=dict)  # source asset path -> docs path
    static: dict[str, str] = field(default_factory=dict)  # "/img/x.png" -> absolute static file
    anchors: dict[str, dict[str, str]] = field(default_factory=dict)  # docs path -> old anchor -> id
    site_prefix: str = ""  # the docs folder relative to the site root, for @site/ paths
    copies: dict[str, str] = field(default_factory=dict)  # docs path -> absolute static file to copy
    directory_urls: bool = True  # as the project publishes pages: raw HTML URLs are relative to the page URL


@dataclass
class Rewritten:
    text: str
    findings: list[Finding] = field(default_factory=list)


def rewrite_links(body: str, source_rel: str, target_rel: str, index: LinkIndex, shown: str,
                  first_line: int) -> Rewritten:
    """Rewrite every link and image target in `body` (outside code) that the index resolves."""
    result = Rewritten("")
    lines = body.split("\n")
    for number, line in outside_fences(lines):
        if "](" not in line and "]:" not in line and "=" not in line:
            continue
        spans = code_spans(line) if "`" in line else []
        edits: list[tuple[int, int, str]] = []
        matches = [(m.start(1), m.end(1)) for m in _INLINE.finditer(line)]
        reference = _REFERENCE.match(line)
        if reference:
            matches.append((reference.start(1), reference.end(1)))
        html_from = len(matches)
        for m in _HTML_URL.finditer(line):
            group = 1 if m.group(1) is not None else 2
            matches.append((m.start(group), m.end(group)))
        for position, (start, end) in enumerate(matches):
            if in_spans(spans, start):
                continue
            raw = line[start:end]
            bracketed = raw.startswith("<") and raw.endswith(">")
            target = raw[1:-1] if bracketed else raw
            new = resolve(target, source_rel, target_rel, index)
            if new is None:
                result.findings.append(rule("KB702").finding(
                    shown, first_line + number, start + 1,
                    f"The link `{target}` at line {first_line + number} of {shown} is already broken in the source; "
                    "it is kept as written.", "Fix or remove the link after the import."))
                continue
            if position >= html_from and new != target:
                new = _as_built(new, target_rel, index.directory_urls)
            if new != target:
                edits.append((start, end, f"<{new}>" if bracketed or " " in new else new))
        for start, end, new in sorted(edits, reverse=True):
            line = line[:start] + new + line[end:]
        lines[number] = line
    result.text = "\n".join(lines)
    return result


def _as_built(relative: str, target_rel: str, directory_urls: bool) -> str:
    """A relative `.md` or asset path as raw HTML needs it: MkDocs leaves raw HTML alone, so the URL is
    relative to the built page's URL (`a/b/` for a/b.md), and pages are folders, not `.md` files."""
    if not relative or relative.startswith(("#", "/")) or _SCHEME.match(relative):
        return relative
    path, hash_mark, fragment = relative.partition("#")
    if path.endswith(".md"):
        path = path[: -len("index.md")] if posixpath.basename(path) == "index.md" else path[:-3] + "/"
        path = path or "./"
    if directory_urls and posixpath.basename(target_rel) != "index.md":
        path = "../" + path
    return path + hash_mark + fragment


def resolve(target: str, source_rel: str, target_rel: str, index: LinkIndex) -> str | None:
    """The new target for one link: unchanged when it needs nothing, None when it is broken."""
    if not target or _SCHEME.match(target) or target.startswith("//"):
        return target
    path, _, fragment = target.partition("#")
    path, _, query = path.partition("?")
    if not path:
        return _with_anchor(posixpath.basename(target_rel), target_rel, fragment, index, own=True)
    found = _find(unquote(path), source_rel, index)
    if found is None:
        return None
    relative = posixpath.relpath(found, posixpath.dirname(target_rel) or ".")
    if query and found not in index.anchors:
        relative += "?" + query
    if found not in index.anchors:  # an asset
        return relative + (f"#{fragment}" if fragment else "")
    return _with_anchor(relative, found, fragment, index, own=False)


def _with_anchor(relative: str, page: str, fragment: str, index: LinkIndex, own: bool) -> str | None:
    if not fragment:
        return relative
    anchors = index.anchors.get(page, {})
    new = anchors.get(fragment) or anchors.get(unquote(fragment))
    if new is None:
        return None
    return f"#{new}" if own else f"{relative}#{new}"


def _find(path: str, source_rel: str, index: LinkIndex) -> str | None:
    if path.startswith("@site/"):
        inner = path[len("@site/"):]
        prefix = index.site_prefix.strip("/") + "/" if index.site_prefix else ""
        if prefix and inner.startswith(prefix):
            return _by_source(inner[len(prefix):], index)
        if inner.startswith("static/"):
            return _static("/" + inner[len("static/"):], index)
        return None
    if path.startswith("/"):
        return _static(path, index) or _by_url(path.strip("/"), index) or index.by_id.get(path.strip("/"))
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path))
    found = _by_source(joined, index) if not joined.startswith("../") else None
    if found is not None:
        return found
    # Docusaurus then tries a file path from the docs folder itself.
    from_root = posixpath.normpath(path)
    found = _by_source(from_root, index) if not from_root.startswith("../") else None
    if found is not None:
        return found
    # Docusaurus resolves extensionless links as URLs, relative to the page's own URL.
    url = _url_of(source_rel, index)
    if url is not None:
        resolved = posixpath.normpath(posixpath.join(url if _is_index(source_rel) else posixpath.dirname(url), path))
        found = _by_url(resolved.strip("/"), index)
        if found is not None:
            return found
    return index.by_id.get(joined)


def _by_url(url: str, index: LinkIndex) -> str | None:
    """A page by its Docusaurus URL; routes match without regard to case there, so here too."""
    found = index.by_url.get(url)
    if found is None:
        folded = url.casefold()
        found = next((page for known, page in index.by_url.items() if known.casefold() == folded), None)
    return found


def _is_index(source_rel: str) -> bool:
    return posixpath.splitext(posixpath.basename(source_rel))[0].lower() in ("index", "readme")


def _url_of(source_rel: str, index: LinkIndex) -> str | None:
    page = index.by_source.get(source_rel)
    if page is None:
        return None
    return next((url for url, p in index.by_url.items() if p == page), None)


def _by_source(path: str, index: LinkIndex) -> str | None:
    if path in index.by_source:
        return index.by_source[path]
    if path in index.assets:
        return index.assets[path]
    for suffix in (".md", ".mdx"):
        if path + suffix in index.by_source:
            return index.by_source[path + suffix]
    return None


def _static(path: str, index: LinkIndex) -> str | None:
    absolute = index.static.get(path)
    if absolute is None:
        return None
    docs_path = path.lstrip("/")
    index.copies[docs_path] = absolute
    return docs_path
