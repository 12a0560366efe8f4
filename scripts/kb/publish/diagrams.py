"""Mermaid diagrams drawn once, when the site is built, by the site's own Mermaid in a headless
Chromium: pages then carry plain SVG (no 2.7 MB library to download) at their natural size, and a
diagram wider than the text scrolls sideways instead of shrinking its labels."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

# How Python-Markdown's superfences writes a ```mermaid block (custom fence, fence_code_format).
_BLOCK = re.compile(r'<pre class="mermaid"><code>([^<]*)</code></pre>')
# Mermaid sizes its SVG to the container ("max-width: 812px" with width="100%"); kb keeps it natural.
_MAX_WIDTH = re.compile(r'(<svg\b[^>]*?)\s+style="max-width:\s*([0-9.]+)px;?"')
_WIDTH_100 = re.compile(r'(<svg\b[^>]*?)\swidth="100%"')
CHROMIUM = Path("/usr/bin/chromium")
# Where the site serves its own Mermaid, for the diagrams left to readers' browsers.
MERMAID_URL = "assets/javascripts/mermaid.min.js"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Each drawing's id comes from its source: Mermaid scopes the drawing's styles by id, so two drawings
# on one page (one drawn now, one from the cache) must never share one.
_RENDER = """async (jobs) => {
    mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: "neutral",
                        flowchart: {htmlLabels: false}});
    const out = [];
    for (const [id, code] of jobs) {
        try { out.push((await mermaid.render(id, code)).svg); }
        catch (error) { out.push(null); }
    }
    return out;
}"""


def diagrams_in(page: str) -> list[str]:
    """The Mermaid source of every diagram block on a built page, in order."""
    return [html.unescape(code) for code in _BLOCK.findall(page)]


def natural_size(svg: str) -> str:
    """The SVG at the width Mermaid laid it out for, so its text keeps the size it was drawn at."""
    match = _MAX_WIDTH.search(svg)
    if match is None:
        return svg
    svg = _MAX_WIDTH.sub(lambda m: f'{m.group(1)} style="max-width: none;"', svg, count=1)
    return _WIDTH_100.sub(lambda m: f'{m.group(1)} width="{match.group(2)}"', svg, count=1)


def with_svgs(page: str, svgs: dict[str, str]) -> str:
    """Each diagram block that has a drawing replaced by it, in a box that scrolls when wider than the text."""
    def replace(match: re.Match[str]) -> str:
        svg = svgs.get(html.unescape(match.group(1)))
        if svg is None:
            return match.group(0)
        return f'<div class="kb-diagram" style="overflow-x: auto">{natural_size(svg)}</div>'

    return _BLOCK.sub(replace, page)


class DiagramRenderer:
    """One headless Chromium for a whole build, started at the first diagram; drawings are kept in a
    cache folder by their source and the Mermaid file, so a rebuild draws only new diagrams."""

    def __init__(self, mermaid_js: Path, cache_dir: Path) -> None:
        self.mermaid_js, self.cache_dir = mermaid_js, cache_dir
        self._version = hashlib.sha256(mermaid_js.read_bytes()).hexdigest()[:16]
        self._playwright: Any = None
        self._browser: Any = None
        self._page: Any = None

    def _path(self, code: str) -> Path:
        return self.cache_dir / f"{hashlib.sha256((self._version + code).encode()).hexdigest()}.svg"

    def render(self, codes: list[str]) -> dict[str, str]:
        """Drawings for the diagrams that could be drawn; the others are left out of the result."""
        drawn: dict[str, str] = {}
        missing = []
        for code in dict.fromkeys(codes):
            try:
                drawn[code] = self._path(code).read_text(encoding="utf-8")
            except OSError:
                missing.append(code)
        if missing:
            for code, svg in zip(missing, self._draw(missing), strict=True):
                if svg:
                    drawn[code] = svg
                    try:
                        self.cache_dir.mkdir(parents=True, exist_ok=True)
                        self._path(code).write_text(svg, encoding="utf-8")
                    except OSError:
                        pass  # no cache: drawn again next time
        return drawn

    def _draw(self, codes: list[str]) -> list[str | None]:
        if self._page is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            self._page = self._browser.new_page()
            self._page.set_content("<!doctype html><html><body></body></html>")
            self._page.add_script_tag(path=str(self.mermaid_js))
        jobs = [["kb-diagram-" + hashlib.sha256(code.encode()).hexdigest()[:12], code] for code in codes]
        result: list[str | None] = self._page.evaluate(_RENDER, jobs)
        return result

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._playwright = self._browser = self._page = None


def available() -> bool:
    """Whether diagrams can be drawn here: Playwright installed and Debian's Chromium present."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


class BuildDiagrams:
    """Diagrams drawn for one build, page by page: Chromium started at the first diagram, and after a
    failure the rest left for readers' browsers (said once through `report`, as the site is complete)."""

    def __init__(self, mermaid_js: Path | None, cache_dir: Path, enabled: bool,
                 report: Callable[[str], None]) -> None:
        self.mermaid_js, self.cache_dir, self.report = mermaid_js, cache_dir, report
        self.enabled = enabled and mermaid_js is not None
        self._renderer: DiagramRenderer | None = None
        self._failed = False

    def draw(self, page: str) -> str:
        """The built page with its diagrams as SVG, when they can be drawn here."""
        if not self.enabled or self._failed or self.mermaid_js is None:
            return page
        try:
            if self._renderer is None:
                if not available():
                    raise RuntimeError(f"Playwright or {CHROMIUM} is missing")
                self._renderer = DiagramRenderer(self.mermaid_js, self.cache_dir)
            return with_svgs(page, self._renderer.render(diagrams_in(page)))
        except Exception as exc:
            self._failed = True
            self.report(f"Diagrams are left for the browser to draw ({type(exc).__name__}: {exc}); "
                        "install Debian's chromium and Playwright to draw them at build time.")
            return page

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
        self._renderer, self._failed = None, False
