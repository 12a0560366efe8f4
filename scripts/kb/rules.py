"""The catalogue of rule codes. Codes are stable: never reuse or renumber one."""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    explanation: str

    def finding(self, path: str, line: int, column: int, message: str, hint: str = "") -> Finding:
        return Finding(self.code, self.severity, path, max(line, 1), max(column, 1), message, hint)


E, W = Severity.ERROR, Severity.WARNING

_ALL = [
    # Files and encoding
    Rule("KB101", "not-utf8", E, "The file is not valid UTF-8; the finding points at the first undecodable byte."),
    Rule("KB102", "mojibake", W, "Text that looks like UTF-8 decoded with the wrong encoding, such as 'â€”' for '—'."),
    Rule("KB103", "file-too-large", E, "The file is larger than the `max_page_size` option allows."),
    Rule("KB104", "empty-file", E, "The page is empty; every page needs front-matter and content."),
    Rule("KB105", "unreadable", E, "The file could not be read (permissions, or it vanished during the check)."),
    # Front-matter
    Rule("KB201", "no-front-matter", E, "The page does not start with a `---` front-matter block."),
    Rule("KB202", "yaml-syntax", E, "The front-matter is not valid YAML, or its closing `---` is missing."),
    Rule("KB203", "front-matter-not-mapping", E, "The front-matter must be a mapping of `key: value` lines."),
    Rule("KB204", "missing-field", E, "A required front-matter field (`title`, `description`) is missing."),
    Rule("KB205", "invalid-value", E, "A front-matter field has the wrong type or an invalid value."),
    Rule("KB206", "unknown-field", W, "A front-matter key that no tool here reads; usually a typo."),
    Rule("KB207", "description-sentences", W, "The description should be a single sentence."),
    Rule("KB208", "unknown-tag", E, "A tag that `docs/tags.yml` does not define."),
    Rule("KB209", "missing-tags", W, "The page has no `tags` list, so it appears on no tag page."),
    Rule("KB210", "title-number-prefix", W, "The title starts with a number stuck to a word, as in '01What Is ...'."),
    Rule("KB211", "tags-file", E, "`docs/tags.yml` is malformed: each tag needs a `label` and a `description`."),
    # URLs and navigation
    Rule("KB301", "url-conflict", E, "Two pages would be published at the same URL."),
    Rule("KB302", "bad-slug", E, "A `slug` that escapes the site or contains characters that are not URL-safe."),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}


def rule(code: str) -> Rule:
    return RULES[code]
