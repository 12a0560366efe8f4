"""Where each page is published: natural URLs, Docusaurus-style slugs, conflicts and redirects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.pages.page import Page
from kb.report.findings import Finding
from kb.report.rules import rule

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
# A segment that ends like a file name would be a folder named like one of the site's files.
_FILE_LIKE = re.compile(r"\.[A-Za-z0-9]{1,5}$")
# What the theme and MkDocs write at the site root besides pages.
RESERVED = frozenset({"404", "assets", "search", "sitemap.xml", "sitemap.xml.gz", "llms.txt", "llms-full.txt"})
MAX_SLUG = 200
MAX_SEGMENT = 100  # file systems refuse names over 255 bytes; readers over far less


@dataclass(frozen=True)
class PageUrl:
    src: str
    url: str  # relative to the site root: "" for the home page, "models/compare/"
    dest: str  # output file: "models/compare/index.html"
    default_url: str  # the URL the page would have without a slug
    default_dest: str

    @property
    def redirected(self) -> bool:
        return self.url != self.default_url


def relative_url(target: str, base: str) -> str:
    """`target` relative to the page at `base`; both are site-root-relative URLs like "a/b/"."""
    base_dir = base.rsplit("/", 1)[0] if "/" in base else ""
    base_parts = [p for p in base_dir.split("/") if p]
    target_path, slash, _ = target.rpartition("/")
    target_parts = [p for p in target_path.split("/") if p] if slash else []
    leaf = target.rsplit("/", 1)[-1]
    common = 0
    while common < min(len(base_parts), len(target_parts)) and base_parts[common] == target_parts[common]:
        common += 1
    parts = [".."] * (len(base_parts) - common) + target_parts[common:]
    result = "/".join([*parts, leaf]) if leaf else "/".join(parts) + ("/" if parts else "")
    return result or "./"


def natural_url(src: str, use_directory_urls: bool) -> tuple[str, str]:
    """The URL and output file MkDocs gives a Markdown source."""
    folder, _, name = src.rpartition("/")
    folder = folder + "/" if folder else ""
    stem = name.rsplit(".", 1)[0]
    if stem in ("index", "README"):
        return folder, folder + "index.html"
    if use_directory_urls:
        return f"{folder}{stem}/", f"{folder}{stem}/index.html"
    return f"{folder}{stem}.html", f"{folder}{stem}.html"


def _url_for_path(path: str, use_directory_urls: bool) -> tuple[str, str]:
    if not path:
        return "", "index.html"
    if use_directory_urls:
        return path + "/", path + "/index.html"
    return path + ".html", path + ".html"


def resolve_slug(page: Page, slug: str) -> str | None:
    """The site path a slug points at ("genai", "models/compare"), or None when it escapes the site."""
    base = "" if slug.startswith("/") else page.folder
    parts: list[str] = [p for p in base.split("/") if p]
    for part in slug.strip("/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def compute_urls(pages: list[Page], use_directory_urls: bool) -> tuple[dict[str, PageUrl], list[Finding]]:
    findings: list[Finding] = []
    urls: dict[str, PageUrl] = {}
    for page in pages:
        default_url, default_dest = natural_url(page.src, use_directory_urls)
        url, dest = default_url, default_dest
        slug = page.slug
        if slug is not None:
            problem = _slug_problem(page, slug)
            if problem:
                line, column = page.front.position(("slug",)) if page.front else (1, 1)
                findings.append(rule("KB302").finding(page.rel_path, line, column, *problem))
            else:
                url, dest = _url_for_path(resolve_slug(page, slug) or "", use_directory_urls)
        urls[page.src] = PageUrl(page.src, url, dest, default_url, default_dest)
    findings.extend(_conflicts(pages, urls))
    return urls, findings


def _slug_problem(page: Page, slug: str) -> tuple[str, str] | None:
    segments = [s for s in slug.strip("/").split("/") if s]
    if ".." in segments or "." in segments:
        if resolve_slug(page, slug) is None:
            return (f"The slug {slug!r} of {page.rel_path} escapes the site root.",
                    "Use an absolute slug such as `/genai` instead of climbing with `..`.")
        return (f"The slug {slug!r} of {page.rel_path} contains `.` or `..` segments.",
                "Write the slug without `.` and `..`, for example `/models/compare`.")
    if len(slug) > MAX_SLUG or any(len(s) > MAX_SEGMENT for s in segments):
        return (f"The slug of {page.rel_path} is {len(slug)} characters long; slugs may have at most {MAX_SLUG}, "
                f"and {MAX_SEGMENT} between slashes.", "Use a short slug of a few words, such as `/compare`.")
    file_like = next((s for s in segments if _FILE_LIKE.search(s)), None)
    if file_like is not None:
        return (f"The slug {slug!r} of {page.rel_path} ends a segment like a file name (`{file_like}`), so the "
                "page would be written into a folder of that name and clash with files of the site.",
                "Drop the extension: slugs name folders, such as `/compare`.")
    reserved = (resolve_slug(page, slug) or "").split("/", 1)[0]
    if reserved in RESERVED:
        return (f"The slug {slug!r} of {page.rel_path} takes `/{reserved}`, which the theme or kb uses for "
                "its own files.", f"Choose another slug, such as `/{reserved}-page`.")
    bad = next((s for s in segments if not _SAFE_SEGMENT.match(s)), None)
    if bad is not None or "//" in slug:
        suggestion = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9._~/-]+", "-", slug.strip().lower())).strip("-")
        return (f"The slug {slug!r} of {page.rel_path} is not URL-safe: use letters, digits, '-', '_', '.' and '~'.",
                f"Did you mean `{suggestion}`?" if suggestion else "Use a short lowercase slug such as `compare`.")
    return None


def _conflicts(pages: list[Page], urls: dict[str, PageUrl]) -> list[Finding]:
    # Case-insensitive, because case-insensitive file systems would merge the two outputs.
    by_url: dict[str, list[Page]] = {}
    for page in pages:
        by_url.setdefault(urls[page.src].url.casefold(), []).append(page)
    findings = []
    for claimants in by_url.values():
        if len(claimants) < 2:
            continue
        # Report on a page with a slug when there is one: it is the one that moved.
        first, *others = sorted(claimants, key=lambda p: (p.slug is None, p.src))
        line, column = first.front.position(("slug",)) if first.front and first.slug else (1, 1)
        names = " and ".join(o.rel_path for o in others)
        findings.append(rule("KB301").finding(
            first.rel_path, line, column,
            f"{first.rel_path} and {names} would both be published at /{urls[first.src].url}.",
            "Give one of them a different `slug`, or rename the file.",
        ))
    return findings
