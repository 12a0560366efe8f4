"""The `kb` subcommands: parse the arguments, run the checks, print the findings, return the exit status."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kb.build.renderers import RENDERERS
from kb.check.analysis import Analysis, WorkerFailed, affected_by, analyse, default_jobs, restrict
from kb.check.changes import changes_since
from kb.config.project import ConfigError, Project
from kb.glossary.model import glossary_files, load_glossary
from kb.glossary.render import export_json, export_jsonld
from kb.pages.scaffold import plan_new_page, write_new_page
from kb.pages.urls import natural_url
from kb.report.findings import Finding, Severity, sort_findings
from kb.report.formatters import FORMATTERS
from kb.report.rules import RULES

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kb",
        description="Validate and publish the GenAI knowledge base.",
        epilog="Examples:\n  kb check\n  kb new llms/quantization.md --title Quantization\n  kb serve\n"
               "  kb import ../docusaurus-site --into new-kb\n"
               "Run `kb COMMAND --help` for each command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser(
        "check", help="check pages, front-matter and URLs",
        description="Check every page under docs_dir and report findings with file:line:column.",
        epilog="Examples:\n  kb check\n  kb check --strict --format json > findings.json\n"
               "  kb check --changed-since origin/main --format github\n"
               "Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or configuration problem.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                       help="path to mkdocs.yml (default: ./mkdocs.yml)")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="human",
                       help="output format (default: human)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--changed-since", metavar="REF",
                       help="report only pages changed since the git REF and pages linking to them")
    check.add_argument("--no-cache", action="store_true",
                       help="ignore and do not update the result cache in .kb-cache/")
    check.add_argument("--external", action="store_true", help="also check external http(s) links")
    check.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                       help="processes that render pages (default: the number of cores; 1 renders in this one)")
    _external_arguments(check)
    glossary = sub.add_parser("glossary", help="work with the glossary",
                              description="Glossary tools.", epilog="Example: kb glossary export --format jsonld")
    glossary_sub = glossary.add_subparsers(dest="glossary_command", required=True, metavar="COMMAND")
    export = glossary_sub.add_parser(
        "export", help="write the glossary as JSON or JSON-LD",
        description="Write every glossary term as JSON, or as JSON-LD (a schema.org DefinedTermSet).",
        epilog="Examples:\n  kb glossary export --format json > glossary.json\n"
               "  kb glossary export --format jsonld -o site/glossary.jsonld",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                        help="path to mkdocs.yml (default: ./mkdocs.yml)")
    export.add_argument("--format", choices=["json", "jsonld"], default="json", help="output format (default: json)")
    export.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    links = sub.add_parser(
        "links", help="check external links only",
        description="Check every external http(s) link in pages, front-matter and glossary sources, politely "
                    "(per-host limits, retries, a persistent cache) and safely (no private or metadata addresses).",
        epilog="Examples:\n  kb links\n  kb links --offline\n  kb links --changed-since origin/main --format github\n"
               "  kb links --allow-host 127.0.0.1:8000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    links.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path, help="path to mkdocs.yml")
    links.add_argument("--format", choices=sorted(FORMATTERS), default="human", help="output format (default: human)")
    links.add_argument("--strict", action="store_true", help="fail on warnings too")
    links.add_argument("--changed-since", metavar="REF", help="only links in files changed since the git REF")
    links.add_argument("--no-cache", action="store_true", help="ignore the page cache in .kb-cache/")
    _external_arguments(links)
    new = sub.add_parser(
        "new", help="create a page with valid front-matter",
        description="Create a page under docs/ with front-matter that kb check accepts, positioned after the "
                    "other pages of its folder. Never overwrites an existing file.",
        epilog="Examples:\n  kb new llms/quantization.md --title Quantization\n"
               "  kb new quantization --section llms --title Quantization --tag efficiency",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("path", help="page path under docs/, for example llms/quantization.md")
    new.add_argument("--title", required=True, help="the page title")
    new.add_argument("--section", help="folder under docs/ to put the page in (created with an index.md if new)")
    new.add_argument("--description", help="one sentence for the description (default: a placeholder)")
    new.add_argument("--tag", action="append", dest="tags", help="a tag key from docs/tags.yml (repeatable; "
                     "default: the tags of the section's index.md)")
    new.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path, help="path to mkdocs.yml")
    build = sub.add_parser(
        "build", help="build the site into site/ with MkDocs, ProperDocs or Zensical",
        description="Build the site with the chosen renderer and the same front-matter semantics on each: nav "
                    "order, slugs and redirects, drafts, unlisted pages, meta, the glossary, tooltips, search.",
        epilog="Examples:\n  kb build\n  kb build --renderer zensical --strict\n"
               "Exit status: 0 built, 1 findings or a failed build, 2 usage or configuration problem.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path, help="path to mkdocs.yml")
    build.add_argument("--renderer", choices=sorted(RENDERERS), default="mkdocs", help="renderer (default: mkdocs)")
    build.add_argument("--strict", action="store_true", help="fail on warnings too, the renderer's included")
    serve = sub.add_parser(
        "serve", help="live preview, drafts included",
        description="Start the renderer's live-reloading preview server; draft pages are shown.",
        epilog="Examples:\n  kb serve -a 127.0.0.1:8001\n  kb serve --renderer zensical",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path, help="path to mkdocs.yml")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000",
                       help="address to serve on (default: 127.0.0.1:8000)")
    serve.add_argument("--renderer", choices=sorted(RENDERERS), default="mkdocs", help="renderer (default: mkdocs)")
    imp = sub.add_parser(
        "import", help="bring a Docusaurus site or a folder of notes into the project",
        description="Import a Docusaurus site (a folder with docusaurus.config.*), a Docusaurus docs folder, or "
                    "Markdown/text notes (files or folders) into DIR: front-matter mapped, MDX converted "
                    "(admonitions, tabs, components), links and anchors rewritten, assets copied. When DIR has no "
                    "mkdocs.yml, a new project is created. The source is never modified and an existing file is "
                    "never overwritten without --overwrite; importing again changes nothing.",
        epilog="Examples:\n  kb import ../old-site --into new-kb\n  kb import ../old-site/docs --dry-run\n"
               "  kb import notes/ extra-note.txt --into .\n  kb import ../old-site --into new-kb --format json\n"
               "Exit status: 0 imported (findings to look at are listed), 1 a source file could not be imported, "
               "2 usage problem.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("sources", nargs="+", type=Path, metavar="SOURCE",
                     help="a Docusaurus site or docs folder, or Markdown/text notes (files or folders)")
    imp.add_argument("--into", type=Path, default=Path("."), metavar="DIR",
                     help="the project to import into (default: the current folder); created when it has no mkdocs.yml")
    imp.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")
    imp.add_argument("--overwrite", action="store_true", help="replace existing files whose content differs")
    imp.add_argument("--format", choices=["human", "json"], default="human", help="report format (default: human)")
    imp.add_argument("-q", "--quiet", action="store_true", help="leave the list of translations out of the report")
    sub.add_parser("rules", help="list every rule code with its explanation",
                   description="List every rule code, its default severity and what it means.",
                   epilog="Example: kb rules")
    return parser


def _jobs(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 256:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number from 1 to 256, not {value!r}")
    return int(value)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "rules":
        for r in RULES.values():
            print(f"{r.code}  {r.severity.value:<7}  {r.name}: {r.explanation}")
        return EXIT_OK
    if args.command == "glossary":
        return _glossary_export(args)
    if args.command == "new":
        return _new_page(args)
    if args.command == "build":
        return _build(args)
    if args.command == "import":
        return _import(args)
    if args.command == "serve":
        if RENDERERS[args.renderer].runs_plugin:
            # Become the server process, so that Ctrl+C and signals reach it directly.
            command = [sys.executable, "-m", RENDERERS[args.renderer].module, "serve", "-f", str(args.config_file),
                       "-a", args.dev_addr]
            os.execv(sys.executable, command)
        return _serve(args)
    try:
        project = Project.from_config_file(args.config_file)
        changes = changes_since(project, args.changed_since) if args.changed_since else None
    except ConfigError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    jobs = getattr(args, "jobs", None) or default_jobs()
    try:
        result = analyse(project, use_cache=not args.no_cache, workers=jobs,
                         renamed=changes.renamed if changes else None)
    except WorkerFailed as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sources = affected_by(result, changes) if changes is not None else None
    findings = [] if args.command == "links" else restrict(result, sources)
    checked = result.files_checked if sources is None else len(sources)
    if args.command == "links" or args.external:
        paths = None
        if changes is not None:
            paths = {project.doc_rel(s) for s in changes.changed} | changes.elsewhere
        try:
            findings = sort_findings(findings + _check_external(project, result, args, paths))
        except ConfigError as exc:
            print(f"kb: {exc}", file=sys.stderr)
            return EXIT_USAGE
    sys.stdout.write(FORMATTERS[args.format](findings, checked))
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return EXIT_FINDINGS if any(f.severity in failing for f in findings) else EXIT_OK


def _external_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", help="answer from the external-link cache only")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST:PORT",
                        help="let the checker contact this host even if it is private (repeatable)")
    parser.add_argument("--external-errors", action="store_true",
                        help="treat unverifiable external links (403, 429, timeouts) as errors")


def _check_external(project: Project, result: Analysis, args: argparse.Namespace,
                    sources: set[str] | None) -> list[Finding]:
    from kb.external.checker import run_checks
    from kb.external.links import collect, findings_from, settings_from, summary, to_check
    from kb.external.store import ResultStore

    settings, ignore, ttl = settings_from(project.options.external, args.allow_host, project.rel(project.config_path))
    occurrences = collect(result, sources)
    urls = to_check(occurrences, ignore, settings.check_fragments)
    store = ResultStore(project.root / ".kb-cache" / "external.json", ttl)
    now = time.time()
    results = {url: cached for url in urls if (cached := store.get(url, now)) is not None}
    due = [url for url in urls if url not in results]
    if due and not args.offline:
        progress = Progress(len(due))
        fresh = run_checks(due, settings, progress=progress.update)
        progress.close()
        for fresh_result in fresh.values():
            store.put(fresh_result, now)
        store.save()
        results.update(fresh)
    elif due:
        print(f"kb: {len(due)} external links are not in the cache and were not checked (--offline).",
              file=sys.stderr)
    print(summary(results), file=sys.stderr)
    return findings_from(occurrences, results, settings.check_fragments, args.external_errors)


class Progress:
    """A live counter on a terminal; a plain line every 100 URLs elsewhere (CI logs)."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.problems = total, 0, 0
        self.start = time.monotonic()
        self.live = sys.stderr.isatty()

    def update(self, result: Any) -> None:
        self.done += 1
        self.problems += result.outcome not in ("ok", "redirected")
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        line = f"[{self.done}/{self.total}] {rate:.0f} URLs/s, {self.problems} problems"
        if self.live:
            width = 30
            filled = width * self.done // max(self.total, 1)
            sys.stderr.write(f"\r{'#' * filled}{'.' * (width - filled)} {line}")
        elif self.done % 100 == 0 or self.done == self.total:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.live:
            sys.stderr.write("\n")


def _build(args: argparse.Namespace) -> int:
    from kb.build.pipeline import BuildError, build

    try:
        result = build(args.config_file, args.renderer, strict=args.strict)
    except ConfigError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (BuildError, WorkerFailed) as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    if result.findings:
        sys.stderr.write(FORMATTERS["human"](result.findings, result.checked))
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    if any(f.severity in failing for f in result.findings):
        print("kb: the site was not built; fix the findings above and build again.", file=sys.stderr)
        return EXIT_FINDINGS
    for src in result.missing:
        print(f"kb: {src} was not written where its URL says; kb's steps skipped it. Check the renderer's "
              "messages above.", file=sys.stderr)
    if args.renderer != "mkdocs" or result.missing:
        print(f"Built the site into {result.site} with {args.renderer}.", file=sys.stderr)
    return EXIT_FINDINGS if result.missing and args.strict else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from kb.build.pipeline import serve

    def say(message: str) -> None:
        print(f"kb: {message}", file=sys.stderr)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so that the preview server started for the copy stops too

    signal.signal(signal.SIGTERM, stop)

    try:
        return serve(args.config_file, args.renderer, args.dev_addr, on_change=say)
    except ConfigError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _new_page(args: argparse.Namespace) -> int:
    try:
        project = Project.from_config_file(args.config_file)
        plan = plan_new_page(project, args.path, args.title, args.section, args.description, args.tags)
        write_new_page(plan)
    except (ConfigError, FileExistsError) as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if plan.created_index is not None:
        print(f"Created {project.rel(plan.created_index)} for the new section.")
    print(f"Created {project.rel(plan.path)}. Write the content, then run `kb check`.")
    return EXIT_OK


def _glossary_export(args: argparse.Namespace) -> int:
    try:
        project = Project.from_config_file(args.config_file)
    except ConfigError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    glossary, findings = load_glossary(project)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        sys.stderr.write(FORMATTERS["human"](errors, len(glossary_files(project))))
        print("kb: fix the glossary errors above before exporting.", file=sys.stderr)
        return EXIT_FINDINGS
    if args.format == "json":
        text = export_json(glossary)
    else:
        page_url, _ = natural_url(project.options.glossary_page, project.use_directory_urls)
        base = project.site_url.rstrip("/") + "/" if project.site_url else ""
        text = export_jsonld(glossary, base + page_url, project.site_name)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from kb.importer.pipeline import ImportOptions, run
    from kb.importer.plan import apply
    from kb.importer.report import format_report, report_json

    try:
        result = run(ImportOptions(list(args.sources), args.into, overwrite=args.overwrite))
    except (ConfigError, FileNotFoundError) as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.dry_run:
        try:
            apply(result.plan)
        except OSError as exc:
            print(f"kb: writing {exc.filename or args.into} failed: {exc.strerror or exc}; "
                  "files written before it are kept.", file=sys.stderr)
            return EXIT_USAGE
    if args.format == "json":
        sys.stdout.write(report_json(result.plan, result.findings, args.dry_run))
    else:
        sys.stdout.write(format_report(result.plan, result.findings, args.dry_run, verbose=not args.quiet))
    errors = [f for f in result.findings + result.plan.findings if f.severity is Severity.ERROR]
    return EXIT_FINDINGS if errors else EXIT_OK
