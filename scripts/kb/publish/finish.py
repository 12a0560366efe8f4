"""The last steps on each built page, for every renderer: site name, diagrams, tag descriptions, then
meta tags, the site's scripts and the Content-Security-Policy inserted in a single copy of the page."""

from __future__ import annotations

import html
from dataclasses import dataclass

from kb.config.project import Options
from kb.pages.page import Page
from kb.pages.urls import relative_url
from kb.publish.csp import policy_insertion
from kb.publish.diagrams import MERMAID_URL, BuildDiagrams
from kb.publish.meta import meta_insertion
from kb.publish.pages import bundle_position, single_site_name, with_tag_descriptions


def insert_all(page: str, insertions: list[tuple[int, str]]) -> str:
    """The page with each text inserted at its offset (equal offsets keep their order), copied once:
    a built page carries the whole nav, and each copy of it costs more than the step that asks for it."""
    if not insertions:
        return page
    parts: list[str] = []
    last = 0
    for offset, text in sorted(insertions, key=lambda insertion: insertion[0]):
        parts += (page[last:offset], text)
        last = offset
    parts.append(page[last:])
    return "".join(parts)


@dataclass
class PageFinisher:
    """What finishing a page needs besides the page: the options, the site's name, the tags'
    descriptions, the diagram renderer, and the scripts of the site's own to load before the theme's."""

    options: Options
    site_name: str
    descriptions: dict[str, str]
    diagrams: BuildDiagrams
    local_mermaid: bool  # the site publishes its own Mermaid at MERMAID_URL
    scripts: tuple[str, ...] = ()  # site-root-relative URLs, loaded just before the theme's bundle

    def finish(self, output: str, page: Page | None, url: str, content: str) -> str:
        """`output` is the built page at `url`; `page` its source (None for theme pages); `content`
        the part its author wrote, whose inline scripts the policy must not allow."""
        output = single_site_name(output, self.site_name)
        scripts = list(self.scripts)
        if 'class="mermaid"' in output:
            output = self.diagrams.draw(output)
            if 'class="mermaid"' in output and self.local_mermaid:  # not drawn at build time: the browser draws it
                # Before the theme's bundle: it decides at start-up whether a global `mermaid` exists.
                scripts.insert(0, MERMAID_URL)
        if self.descriptions and 'class="md-tag"' in output:
            output = with_tag_descriptions(output, self.descriptions)
        insertions: list[tuple[int, str]] = []
        if page is not None:
            insertions += meta_insertion(output, page)
        if scripts and (at := bundle_position(output)) >= 0:
            tags = "".join(f'<script src="{html.escape(relative_url(script, url))}"></script>\n' for script in scripts)
            insertions.append((at, tags))
        if self.options.content_security_policy:
            # The inserted scripts load from the site (no inline text), so the policy is the same before and after.
            insertions += policy_insertion(output, content)
        return insert_all(output, insertions)
