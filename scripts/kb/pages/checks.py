"""Front-matter checks: the schema, tags, and the slips contributors make most."""

from __future__ import annotations

import re

from kb.pages.frontmatter import to_json_compatible
from kb.pages.page import Page
from kb.pages.schema_checks import schema_findings
from kb.pages.tags import Tag
from kb.report.findings import Finding
from kb.report.rules import rule
from kb.report.suggest import did_you_mean

_STUCK_NUMBER = re.compile(r"^(\d+)(?=[^\W\d_][^\W\d_])")
# A sentence end: terminator, space, then a capital letter (so "e.g. the" and "v1.5" do not count).
_SENTENCE_BREAK = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)[.!?]\s+(?=[A-Z])")


def check_front_matter(page: Page, tags: dict[str, Tag] | None, tags_rel: str) -> list[Finding]:
    if page.front is None:
        return []
    meta = page.meta
    findings = schema_findings("page", to_json_compatible(meta), page.front, page.rel_path, " in its front-matter",
                               _REQUIRED_HINTS)
    findings += _tag_findings(page, tags, tags_rel)
    title = meta.get("title")
    if isinstance(title, str):
        stuck = _STUCK_NUMBER.match(title)
        if stuck and title[stuck.end()].isupper():
            line, column = page.front.position(("title",))
            findings.append(rule("KB210").finding(
                page.rel_path, line, column,
                f"The title {title!r} in {page.rel_path} starts with the number {stuck.group(1)} stuck to a word.",
                f"Write `title: {title[stuck.end():]}` and order pages with `sidebar_position: {int(stuck.group(1))}`.",
            ))
    description = meta.get("description")
    if isinstance(description, str) and _SENTENCE_BREAK.search(description.strip()):
        line, column = page.front.position(("description",))
        findings.append(rule("KB207").finding(
            page.rel_path, line, column,
            f"The description in {page.rel_path} has more than one sentence.",
            "Keep the description to one sentence; put the rest in the page body.",
        ))
    return findings


_REQUIRED_HINTS = {
    "title": "Add `title: ...` with the page title, for example `title: Tokenization`.",
    "description": "Add `description: ...` with one sentence (at most 200 characters) saying what the page covers.",
}


def _tag_findings(page: Page, tags: dict[str, Tag] | None, tags_rel: str) -> list[Finding]:
    assert page.front is not None
    value = page.meta.get("tags")
    if value is None:
        return [rule("KB209").finding(
            page.rel_path, 1, 1, f"{page.rel_path} has no `tags` list.",
            f"Add `tags: [...]` with keys from {tags_rel} so the page is listed on its topics' tag pages.",
        )]
    if tags is None or not isinstance(value, list):
        return []
    findings = []
    choices = list(tags) + [t.label for t in tags.values()]
    for index, tag in enumerate(value):
        if isinstance(tag, str) and tag not in tags:
            line, column = page.front.position(("tags", index))
            suggestion = did_you_mean(tag, choices)
            by_label = next((t.key for t in tags.values() if t.label.casefold() == tag.casefold()), None)
            if by_label:
                suggestion = f"Use the key `{by_label}`, not its label."
            findings.append(rule("KB208").finding(
                page.rel_path, line, column,
                f"The tag `{tag}` in {page.rel_path} is not defined in {tags_rel}.",
                suggestion or f"Use a key from {tags_rel}, or add the tag there with a label and description.",
            ))
    return findings
