"""The catalogue of rule codes. Codes are stable: never reuse or renumber one."""

from __future__ import annotations

from dataclasses import dataclass

from kb.report.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    explanation: str

    def finding(self, path: str, line: int, column: int, message: str, hint: str = "") -> Finding:
        return Finding(self.code, self.severity, path, max(line, 1), max(column, 1), message, hint)


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

_ALL = [
    # Files and encoding
    Rule("KB101", "not-utf8", E, "The file is not valid UTF-8; the finding points at the first undecodable byte."),
    Rule("KB102", "mojibake", W, "Text that looks like UTF-8 decoded with the wrong encoding, such as 'â€”' for '—'."),
    Rule("KB103", "file-too-large", E, "The file is larger than the `max_page_size` option allows."),
    Rule("KB104", "empty-file", E, "The page is empty; every page needs front-matter and content."),
    Rule("KB105", "unreadable", E, "The file could not be read (permissions, or it vanished during the check)."),
    Rule("KB106", "render-failed", E, "Python-Markdown, configured as the site configures it, could not render "
         "the page (for example a snippet file that does not exist); the build would fail the same way."),
    Rule("KB107", "render-too-slow", E, "Python-Markdown needs longer than `render_timeout` seconds for the "
         "page, so `mkdocs build` would hang on it too; usually one pathological line (thousands of `[`)."),
    Rule("KB108", "mdx-file", E, "An `.mdx` file under docs/, which MkDocs does not read as a page; "
         "`kb import` converts it to Markdown."),
    # Front-matter
    Rule("KB201", "no-front-matter", E, "The page does not start with a `---` front-matter block."),
    Rule("KB202", "yaml-syntax", E, "The front-matter is not valid YAML, or its closing `---` is missing."),
    Rule("KB203", "front-matter-not-mapping", E, "The front-matter must be a mapping of `key: value` lines."),
    Rule("KB204", "missing-field", E, "A required field (front-matter or glossary term) is missing."),
    Rule("KB205", "invalid-value", E, "A field has the wrong type or an invalid value, or a key appears twice."),
    Rule("KB206", "unknown-field", W, "A key that no tool here reads; usually a typo."),
    Rule("KB207", "description-sentences", W, "The description should be a single sentence."),
    Rule("KB208", "unknown-tag", E, "A tag that `docs/tags.yml` does not define."),
    Rule("KB209", "missing-tags", W, "The page has no `tags` list, so it appears on no tag page."),
    Rule("KB210", "title-number-prefix", W, "The title starts with a number stuck to a word, as in '01What Is ...'."),
    Rule("KB211", "tags-file", E, "`docs/tags.yml` is malformed: each tag needs a `label` and a `description`."),
    # URLs and navigation
    Rule("KB301", "url-conflict", E, "Two pages would be published at the same URL."),
    Rule("KB302", "bad-slug", E, "A `slug` that escapes the site or contains characters that are not URL-safe."),
    # Internal links, anchors and unsafe content
    Rule("KB401", "empty-link", E, "A link or image with an empty target, such as `[text]()`."),
    Rule("KB402", "missing-file", E, "A relative link to a page or file that does not exist under docs/."),
    Rule("KB403", "missing-anchor", E, "A link to a #fragment that the target page does not define (case-sensitive)."),
    Rule("KB404", "unknown-slug", E, "A root-relative link such as `/genai` that matches no page URL or slug. "
         "Beyond MkDocs, which leaves such links as they are: kb resolves Docusaurus-style slug links."),
    Rule("KB405", "link-escapes-docs", E, "A relative link that climbs out of docs/ with `..`."),
    Rule("KB406", "missing-image", E, "An image whose file does not exist."),
    Rule("KB407", "link-to-draft", E, "A published page links to a draft page, which the built site leaves out."),
    Rule("KB408", "raw-html-target", E,
         "A raw HTML href/src (or #fragment) that will not exist in the built site. Beyond MkDocs, "
         "which neither rewrites nor checks raw HTML."),
    Rule("KB409", "own-site-absolute-url", E, "An absolute URL to this site's own `site_url`; write a relative link."),
    Rule("KB410", "unsafe-url", E, "A `javascript:`, `vbscript:` or `data:` URL in a link or HTML attribute. "
         "Beyond MkDocs, which lets them through."),
    Rule("KB411", "unsafe-html", E,
         "`<script>`, `<iframe>`, `<object>`, `<embed>` or an inline event handler such as `onclick=`, "
         "as found in the rendered page. Beyond MkDocs, which lets them through."),
    Rule("KB412", "orphan-page", W, "A page that is not in the nav and that no page links to."),
    Rule("KB413", "self-link", W, "A link to the page's own URL through a path; use `#anchor` alone."),
    # Glossary
    Rule("KB501", "bad-term-id", E, "A glossary file name (the term's id) that is not lowercase and hyphenated."),
    Rule("KB502", "duplicate-term", E, "Two terms, or a term and another's alias or abbreviation, are the same name."),
    Rule("KB503", "unresolved-reference", E, "A `see_also` id or `page` path in a glossary term that does not exist."),
    Rule("KB504", "unused-term", W, "A term that no page mentions by its name, abbreviation or aliases."),
    Rule("KB505", "term-near-miss", W, "Text one or two edits, a look-alike or a wrong case away from a term."),
    Rule("KB506", "glossary-page", E, "The glossary page lacks its single `<!-- kb:glossary -->` marker "
         "(without a page, kb generates one)."),
    # External links
    Rule("KB601", "external-broken", E, "An external link that is gone: 404, 410, unknown host, refused connection."),
    Rule("KB602", "external-unverifiable", W, "An external link that could not be verified (403, 429, timeouts)."),
    Rule("KB603", "external-moved", I, "An external link that redirects permanently; link to the new address."),
    Rule("KB604", "external-redirect-loop", E, "An external link whose redirects go round in a loop."),
    Rule("KB605", "external-refused", E, "An external link to a private, loopback or metadata address; never fetched."),
    Rule("KB606", "external-fragment", W, "An external link whose #fragment the target page does not define."),
    # kb import
    Rule("KB701", "import-unreadable", E, "`kb import` could not read a source file, or its front-matter, "
         "`_category_` file or sidebars file is malformed; the file is skipped or imported without that part."),
    Rule("KB702", "import-broken-link", W, "A link or image that is already broken in the imported source; "
         "it is kept as written."),
    Rule("KB703", "import-no-equivalent", W, "Docusaurus or MDX syntax with no MkDocs equivalent (a React "
         "component, a JSX expression); its text is kept where it has any."),
    Rule("KB704", "import-exists", W, "A file `kb import` would write already exists with other content; "
         "it is left alone unless `--overwrite` is given."),
    Rule("KB705", "import-config", W, "The project's mkdocs.yml lacks a Markdown extension the imported "
         "content needs, or a tag the pages use; kb import never edits an existing mkdocs.yml or tags file."),
    Rule("KB706", "import-near-miss", W, "Imported text that looks like a misspelt glossary term; reported, "
         "never changed."),
    Rule("KB707", "import-translated", I, "Something `kb import` translated: a front-matter field, an "
         "admonition, tabs, a link, repaired text, a title taken from a heading."),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}


def rule(code: str) -> Rule:
    return RULES[code]
