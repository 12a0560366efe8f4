"""Internal links, images and anchors, resolved exactly as MkDocs resolves them, plus what it cannot see:
slug links, raw HTML targets, unsafe URLs and markup, orphans."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from kb.pages.page import Page
from kb.pages.urls import PageUrl, relative_url
from kb.render.scan import UNSAFE_TAGS, URL_ATTRIBUTES, Link, PageScan
from kb.report.findings import Finding
from kb.report.rules import rule
from kb.report.suggest import closest

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico"})


@dataclass
class LinkIndex:
    """Everything a link can point at: pages, their URLs and anchors, and other files."""

    pages: dict[str, Page]
    urls: dict[str, PageUrl]
    scans: dict[str, PageScan]
    assets: set[str]  # non-Markdown files under docs/, relative paths
    site_url: str
    extra_anchors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # old path -> new path, from git
    theme_files: Callable[[], Set[str]] = frozenset  # the theme's static files, listed only when needed
    _theme: Set[str] | None = None
    _anchors: dict[str, set[str]] = field(default_factory=dict)
    _by_url: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_url = {u.url.strip("/"): src for src, u in self.urls.items()}

    def anchors(self, src: str) -> set[str]:
        """The ids the page's render offers, plus those kb's own page generation adds."""
        if src not in self._anchors:
            scan = self.scans.get(src)
            self._anchors[src] = {*scan.ids, *self.extra_anchors.get(src, ())} if scan else set()
        return self._anchors[src]

    def page_for_url(self, url_path: str) -> str | None:
        key = url_path.strip("/")
        if key.endswith("index.html"):
            key = key[: -len("index.html")].strip("/")
        elif key.endswith(".html"):
            key = key[: -len(".html")]
        return self._by_url.get(key)

    def exists(self, src: str) -> bool:
        return src in self.pages or self.is_asset(src)

    def resolve_file(self, target: str, path: str) -> str | None:
        """The docs path a relative link arrives at: the file, or for a folder link its index page."""
        if self.exists(target):
            return target
        if not posixpath.splitext(path)[1]:  # a folder: its index page
            for name in ("index.md", "README.md"):
                candidate = posixpath.join(target, name) if target != "." else name
                if candidate in self.pages:
                    return candidate
        return None

    def markdown_target(self, page_src: str, target: str) -> str | None:
        """For a link MkDocs would leave as written but kb resolves (a slug URL, a folder), the
        relative .md path that MkDocs converts into the page's URL; None for every other link."""
        split = split_target(target.strip())
        if split is None:
            return None
        path, fragment = split
        folder = posixpath.dirname(page_src)
        if path.startswith("/"):
            src = self.page_for_url(path)
        elif path:
            written = posixpath.normpath(posixpath.join(folder, path))
            src = self.resolve_file(written, path) if not written.startswith("../") else None
            src = src if src != written else None
        else:
            src = None
        if src is None or src not in self.pages:
            return None
        return posixpath.relpath(src, folder or ".") + (f"#{fragment}" if fragment else "")

    def is_asset(self, src: str) -> bool:
        """A file under docs/ other than a page, or one of the theme's static files."""
        if src in self.assets:
            return True
        if self._theme is None:
            self._theme = self.theme_files()
        return src in self._theme


@dataclass
class LinkReport:
    findings: list[Finding]
    inbound: dict[str, set[str]]  # page -> pages that link to it
    external: list[tuple[str, Link]]  # (page src, link) for http(s), mailto, ...
    # Every docs path each page's links aim at, found or not (for --changed-since).
    targets: dict[str, set[str]] = field(default_factory=dict)


def is_unsafe_url(value: str) -> bool:
    normalised = _CONTROL.sub("", html.unescape(value)).lower()
    return normalised.startswith(UNSAFE_SCHEMES)


def split_target(target: str) -> tuple[str, str] | None:
    """A link target's path (percent-decoded) and fragment; None for a URL with a scheme or host."""
    if ":" in target or target.startswith("//"):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith("//"):
            return None
        path, fragment = parts.path, parts.fragment
    else:  # the common case, split by hand: urlsplit is slow at this volume
        path, _, fragment = target.partition("#")
        path = path.split("?", 1)[0]
    return (unquote(path) if "%" in path else path), fragment


def check_links(index: LinkIndex, sources: list[str] | None = None) -> LinkReport:
    report = LinkReport([], {}, [])
    for src in sources if sources is not None else list(index.scans):
        page, scan = index.pages[src], index.scans[src]
        checker = _PageChecker(index, page, report)
        for link in scan.links:
            checker.check(link)
        checker.check_tags(scan)
    return report


def orphan_findings(index: LinkIndex, inbound: dict[str, set[str]], in_nav: set[str]) -> list[Finding]:
    findings = []
    for src, page in index.pages.items():
        if src in in_nav or page.draft or index.urls[src].url == "" or inbound.get(src, set()) - {src}:
            continue
        findings.append(rule("KB412").finding(
            page.rel_path, 1, 1, f"{page.rel_path} is not in the navigation and no page links to it.",
            "Link to it from a related page, or remove `unlisted: true` so it appears in the nav.",
        ))
    return findings


class _PageChecker:
    def __init__(self, index: LinkIndex, page: Page, report: LinkReport) -> None:
        self.index, self.page, self.report = index, page, report
        self.folder = page.folder
        self.url = index.urls[page.src].url

    def add(self, code: str, link: Link, message: str, hint: str = "") -> None:
        self.report.findings.append(rule(code).finding(self.page.rel_path, link.line, link.column, message, hint))

    def describe(self, link: Link) -> str:
        what = {"image": "image", "html": f"raw HTML {link.attribute}"}.get(link.kind, "link")
        return f"The {what} `{link.target}` in {self.page.rel_path}"

    def check(self, link: Link) -> None:
        target = link.target.strip()
        if not target:
            self.add("KB401", link, f"{self.describe(link)} has an empty target.",
                     "Write the path of the page or file to link to, such as `../llms/tokenization.md`.")
            return
        if is_unsafe_url(target):
            self.add("KB410", link, f"{self.describe(link)} uses an unsafe URL scheme.",
                     "Only link to http(s) URLs, relative paths and anchors; script and data URLs are not allowed.")
            return
        split = split_target(target)
        if split is None:
            self._external(link, target)
            return
        path, fragment = split
        if link.kind == "html":
            self._raw_html(link, path, fragment)
        elif not path:
            if fragment:
                self._anchor(link, self.page.src, fragment)
        elif path.startswith("/"):
            self._root_relative(link, path, fragment)
        else:
            self._relative(link, path, fragment)

    def _external(self, link: Link, target: str) -> None:
        site = self.index.site_url
        if site and site.startswith(("http://", "https://")) and not site.startswith(("http://127.", "http://localhost")):
            bare = target.split("://", 1)[-1]
            if bare.startswith(site.split("://", 1)[-1].rstrip("/")):
                self.add("KB409", link, f"{self.describe(link)} points at this site's own URL.",
                         "Link to the page's .md file with a relative path so the link works in previews too.")
                return
        self.report.external.append((self.page.src, link))

    def _relative(self, link: Link, path: str, fragment: str) -> None:
        target = posixpath.normpath(posixpath.join(self.folder, path))
        self.report.targets.setdefault(self.page.src, set()).add(target)
        if target == ".." or target.startswith("../"):
            self.add("KB405", link, f"{self.describe(link)} points outside the docs folder.",
                     "Only files under docs/ are published; move the file into docs/ or link to its public URL.")
            return
        # A folder link arrives at its index page (the plugin points it there: LinkIndex.markdown_target).
        resolved = self.index.resolve_file(target, path)
        if resolved is None:
            self._missing(link, target)
            return
        self._arrived(link, resolved, fragment, written=path)

    def _missing(self, link: Link, target: str) -> None:
        is_image = link.kind == "image" or posixpath.splitext(target)[1].lower() in IMAGE_EXTENSIONS
        pool = [a for a in self.index.assets if posixpath.splitext(a)[1].lower() in IMAGE_EXTENSIONS] \
            if is_image else list(self.index.pages) + sorted(self.index.assets)
        best = closest(target, pool, cutoff=50)
        hint = f"Did you mean `{posixpath.relpath(best, self.folder or '.')}`?" if best else \
            "Check the path: it is relative to this page's folder."
        if target in self.index.renamed:
            hint = f"It was renamed: link to `{posixpath.relpath(self.index.renamed[target], self.folder or '.')}`."
        code = "KB406" if is_image else "KB402"
        self.add(code, link, f"{self.describe(link)} points at `{target}`, which does not exist.", hint)

    def _root_relative(self, link: Link, path: str, fragment: str) -> None:
        src = self.index.page_for_url(path)
        if src is None and self.index.is_asset(path.strip("/")):
            return
        if src is None:
            urls = ["/" + u.url for u in self.index.urls.values()]
            best = closest(path if path.endswith("/") else path + "/", urls, cutoff=50)
            hint = f"Did you mean `{best.rstrip('/') or '/'}`?" if best else "Use a page's slug or a relative .md path."
            if path.endswith(".md"):
                hint = "Root-relative .md paths are not rewritten; write the path relative to this page."
            self.add("KB404", link, f"{self.describe(link)} matches no page URL or slug.", hint)
            return
        self._arrived(link, src, fragment, written=path)  # a slug link: see LinkIndex.markdown_target

    def _arrived(self, link: Link, src: str, fragment: str, written: str) -> None:
        self.report.targets.setdefault(self.page.src, set()).add(src)
        target_page = self.index.pages.get(src)
        if target_page is None:
            return  # an asset: nothing more to check
        self.report.inbound.setdefault(src, set()).add(self.page.src)
        if target_page.draft and not self.page.draft:
            self.add("KB407", link, f"{self.describe(link)} points at the draft page {target_page.rel_path}.",
                     "Remove the link until the page is published, or remove `draft: true` from it.")
        if src == self.page.src and link.kind != "image":
            self.add("KB413", link, f"{self.describe(link)} points back at the same page through `{written}`.",
                     f"Write `#{fragment}` alone." if fragment else "Remove the link, or link to a heading with `#id`.")
        if fragment:
            self._anchor(link, src, fragment)

    def _anchor(self, link: Link, src: str, fragment: str) -> None:
        anchors = self.index.anchors(src)
        if fragment in anchors:
            return
        where = "this page" if src == self.page.src else self.index.pages[src].rel_path
        best = closest(fragment, anchors, cutoff=50)
        self.add("KB403", link, f"{self.describe(link)} points at `#{fragment}`, which {where} does not define.",
                 f"Did you mean `#{best}`?" if best else "Link to one of the page's headings; ids are case-sensitive.")

    def _raw_html(self, link: Link, path: str, fragment: str) -> None:
        if not path:
            if fragment:
                self._anchor(link, self.page.src, fragment)
            return
        base = self.url if self.url.endswith("/") or not self.url else posixpath.dirname(self.url)
        resolved = posixpath.normpath(posixpath.join(base, path)) if not path.startswith("/") else path.strip("/")
        if path.endswith(".md"):
            md_target = posixpath.normpath(posixpath.join(self.folder, path))
            hint = "Raw HTML is copied as is, so .md paths are not turned into URLs; use a Markdown link."
            if md_target in self.index.pages:
                hint += f" Its built URL from here is `{relative_url(self.index.urls[md_target].url, self.url)}`."
            self.add("KB408", link,
                     f"{self.describe(link)} points at a Markdown file, which the built site does not have.", hint)
            return
        if resolved.startswith(".."):
            self.add("KB408", link, f"{self.describe(link)} climbs above the site root.", "Check the number of `../`.")
            return
        src = self.index.page_for_url(resolved)
        if src is not None:
            self.report.targets.setdefault(self.page.src, set()).add(src)
            self.report.inbound.setdefault(src, set()).add(self.page.src)
            if fragment:
                self._anchor(link, src, fragment)
            return
        if self.index.is_asset(resolved):
            return
        # The usual slip: a path written relative to the source folder instead of the built URL.
        as_source = self.index.page_for_url(posixpath.normpath(posixpath.join(self.folder, path)))
        if as_source is not None:
            best: str | None = self.index.urls[as_source].url
        else:
            best = closest(resolved, [u.url for u in self.index.urls.values()] + sorted(self.index.assets), cutoff=50)
        shown = resolved + ("/" if path.endswith("/") else "")
        self.add("KB408", link,
                 f"{self.describe(link)} resolves to `/{shown}` in the built site, which does not exist.",
                 (f"Raw HTML is relative to the page URL `/{self.url}`; did you mean "
                  f"`{relative_url(best, self.url)}`?") if best
                 else "Raw HTML paths are relative to the built page URL.")

    def check_tags(self, scan: PageScan) -> None:
        for code, place, message, hint in unsafe_markup(scan, self.page.rel_path):
            self.add(code, place, message, hint)


def unsafe_markup(scan: PageScan, where: str) -> list[tuple[str, Link, str, str]]:
    """Script a rendered page would carry to readers: script-running elements, event handlers,
    script URLs in any URL attribute (SVG animation values included) and meta refreshes."""
    found = []
    for tag in scan.tags:
        place = Link("html", tag.name, tag.line, tag.column)
        if tag.name in UNSAFE_TAGS:
            found.append(("KB411", place, f"{where} contains a `<{tag.name}>` element, which is not allowed.",
                          "Pages must not embed scripts or foreign content; link to the resource instead."))
        for name, value in tag.attributes:
            if name.startswith("on"):
                found.append(("KB411", place, f"The `{name}` attribute on `<{tag.name}>` in {where} is an inline "
                              "event handler, which is not allowed.", "Remove the attribute."))
            elif name in URL_ATTRIBUTES and any(is_unsafe_url(part) for part in _url_values(name, value)):
                found.append(("KB410", place, f"The `{name}` attribute on `<{tag.name}>` in {where} uses an "
                              "unsafe URL scheme.", "Use an http(s) or relative URL."))
    return found


def _url_values(name: str, value: str) -> list[str]:
    if name == "values":  # SVG animation: a list of values, each may become the URL
        return value.split(";")
    if name == "content":  # <meta http-equiv="refresh" content="0; url=...">
        return [value.split("url=", 1)[-1].strip(" '\"")] if "url=" in value.lower() else []
    return [value]


def iter_nav_sources(nav: object) -> Iterator[str]:
    """Markdown paths named in an explicit mkdocs.yml nav."""
    if isinstance(nav, str):
        if nav.endswith(".md"):
            yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from iter_nav_sources(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from iter_nav_sources(value)
