"""External links: which URLs the knowledge base holds (with their places), the checker's settings
from mkdocs.yml, and the findings its results become. The network work is in kb.external."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urldefrag, urlsplit

from kb.check.analysis import Analysis
from kb.report.findings import Finding, Severity
from kb.report.rules import rule
from kb.report.suggest import did_you_mean

# Keys of the `external` option of the kb plugin, with the type each value must have.
EXTERNAL_OPTIONS: dict[str, type | tuple[type, ...]] = {
    "ignore": list, "accept": dict, "headers": dict, "allow_hosts": list, "timeout": (int, float),
    "retries": int, "concurrency": int, "per_host": int, "interval": (int, float), "max_redirects": int,
    "max_retry_after": (int, float), "check_fragments": bool, "ttl": dict,
}
_HTTP = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Occurrence:
    url: str
    path: str
    line: int
    column: int


def collect(analysis: Analysis, sources: set[str] | None = None) -> list[Occurrence]:
    """Every http(s) URL in pages (Markdown and raw HTML), front-matter values and glossary `sources`.
    `sources`, when given, limits pages and glossary files to those paths (relative to the project)."""
    found: list[Occurrence] = []
    for src, page in analysis.pages.items():
        if sources is not None and page.rel_path not in sources:
            continue
        scan = analysis.index.scans.get(src)
        for link in scan.links if scan else ():
            if _HTTP.match(link.target):
                found.append(Occurrence(link.target.strip(), page.rel_path, link.line, link.column))
        for key, value in page.meta.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and _HTTP.match(item):
                    line, column = page.front.key_positions.get(key, (1, 1)) if page.front else (1, 1)
                    found.append(Occurrence(item.strip(), page.rel_path, line, column))
    for term in analysis.glossary.terms.values():
        if sources is not None and term.rel_path not in sources:
            continue
        for index, url in enumerate(term.sources):
            line, column = term.where.position(("sources", index))
            found.append(Occurrence(url, term.rel_path, line, column))
    return found


def settings_from(options: dict[str, Any], allow_hosts: list[str],
                  where: str) -> tuple[Any, list[re.Pattern[str]], dict[str, float]]:
    """The checker Settings, the ignore patterns and the cache's time-to-live per outcome, from the
    plugin's `external` option; a ConfigError for anything wrong in it."""
    from kb.config.project import ConfigError
    from kb.external.checker import OUTCOMES, Settings

    for key, value in options.items():
        if key not in EXTERNAL_OPTIONS:
            hint = did_you_mean(key, list(EXTERNAL_OPTIONS)) or f"Known keys: {', '.join(EXTERNAL_OPTIONS)}."
            raise ConfigError(f"{where}: the kb option `external` has no key `{key}`. {hint}")
        expected = EXTERNAL_OPTIONS[key]
        if (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected):
            names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
            raise ConfigError(f"{where}: `external.{key}` must be a {names}, not {value!r}.")
    try:
        ignore = [re.compile(p) for p in options.get("ignore", [])]
    except re.error as exc:
        raise ConfigError(f"{where}: an `external.ignore` pattern is not a valid regular expression: {exc}.") from exc
    accept = {}
    for host, codes in options.get("accept", {}).items():
        if not isinstance(codes, list) or not all(isinstance(c, int) for c in codes):
            raise ConfigError(f"{where}: `external.accept.{host}` must be a list of status codes, such as [403].")
        accept[str(host).lower()] = frozenset(codes)
    plain = {k: v for k, v in options.items() if k in ("timeout", "retries", "concurrency", "per_host", "interval",
                                                        "max_redirects", "max_retry_after", "check_fragments")}
    ttl = options.get("ttl", {})
    for outcome, seconds in ttl.items():
        if outcome not in OUTCOMES or isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ConfigError(f"{where}: `external.ttl` maps outcomes ({', '.join(OUTCOMES)}) to seconds, "
                              f"not {outcome!r}: {seconds!r}.")
    hosts = frozenset([*options.get("allow_hosts", []), *allow_hosts])
    for host in hosts:
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d+", host):
            raise ConfigError(f"`{host}` is not HOST:PORT (for example 127.0.0.1:8000).")
    try:  # Settings itself knows which values are allowed (a timeout of 0, a per_host of 0 are not)
        settings = Settings(**plain, headers={str(k): str(v) for k, v in options.get("headers", {}).items()},
                            accept=accept, allow_hosts=hosts)
    except ValueError as exc:
        raise ConfigError(f"{where}: the kb option `external` has a bad value: {exc}.") from exc
    return settings, ignore, ttl


def to_check(occurrences: list[Occurrence], ignore: list[re.Pattern[str]], keep_fragments: bool) -> list[str]:
    urls = {o.url if keep_fragments else urldefrag(o.url)[0] for o in occurrences}
    return sorted(u for u in urls if not any(p.search(u) for p in ignore))


def findings_from(occurrences: list[Occurrence], results: dict[str, Any], keep_fragments: bool,
                  unverifiable_is_error: bool) -> list[Finding]:
    findings = []
    for o in occurrences:
        result = results.get(o.url if keep_fragments else urldefrag(o.url)[0])
        if result is not None:
            findings += _finding(o, result, unverifiable_is_error)
    return findings


def _finding(o: Occurrence, result: Any, unverifiable_is_error: bool) -> list[Finding]:
    where = f"The link {o.url} in {o.path}"
    out: list[Finding] = []
    if result.outcome == "refused":
        out.append(rule("KB605").finding(o.path, o.line, o.column, f"{where} was not fetched: {result.detail}.",
                                         "Public pages should link to public addresses; remove the link or "
                                         "allow the host with --allow-host HOST:PORT for an intranet."))
    elif result.outcome == "broken" and result.loop:
        out.append(rule("KB604").finding(o.path, o.line, o.column, f"{where} redirects in a loop.",
                                         "Open it in a browser to find the page's real address."))
    elif result.outcome == "broken":
        out.append(rule("KB601").finding(o.path, o.line, o.column, f"{where} is broken: {result.detail}.",
                                         "Find the document's new address (a web archive can help) or "
                                         "remove the link."))
    elif result.outcome == "unverifiable":
        finding = rule("KB602").finding(o.path, o.line, o.column, f"{where} could not be verified: {result.detail}.",
                                        "Check it by hand; if the site blocks checkers, add its host to "
                                        "`external.accept` or the URL to `external.ignore` in mkdocs.yml.")
        out.append(replace(finding, severity=Severity.ERROR) if unverifiable_is_error else finding)
    if result.permanent and result.final_url and result.outcome in ("ok", "redirected"):
        out.append(rule("KB603").finding(o.path, o.line, o.column, f"{where} moved permanently.",
                                         f"Link to {result.final_url} instead."))
    if getattr(result, "missing_fragment", False):
        out.append(rule("KB606").finding(o.path, o.line, o.column,
                                         f"{where} points at #{urlsplit(o.url).fragment}, which that page lacks.",
                                         "Link to an id the page defines, or drop the fragment."))
    return out


def summary(results: dict[str, Any]) -> str:
    """Counts by outcome and, for problems, by host."""
    by_outcome = Counter(r.outcome for r in results.values())
    problems = Counter(urlsplit(u).netloc for u, r in results.items() if r.outcome not in ("ok", "redirected"))
    counts = ", ".join(f"{n} {o}" for o, n in sorted(by_outcome.items())) or "none"
    lines = [f"External links: {counts}."]
    if problems:
        lines.append("Problems by host: " + ", ".join(f"{h} {n}" for h, n in problems.most_common(10)) + ".")
    return "\n".join(lines)
