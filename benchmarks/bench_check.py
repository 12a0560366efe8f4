"""Time `kb check` cold and warm against remark-validate-links on the same synthetic knowledge base."""

# Usage: .venv/bin/python benchmarks/bench_check.py [--pages N (repeatable; 10000 for the large case)]
# [--runs K] [--terms T].
#
# Every figure is the wall time of the whole command, interpreter or Node.js start-up included, as a
# user waits for it: median and range of --runs rounds. Each round runs kb cold (empty .kb-cache/),
# kb warm (the cache that cold run left), kb's bare start-up (`kb check --help`, the floor under
# both) and remark, remark first in one round and last in the next, so that the machine's drift
# hits every column alike. CPU is user+sys of the command and all its workers; peak MiB is the
# largest resident size of any one of its processes.
#
# remark-cli and remark-validate-links (versions in REMARK_PACKAGES, the whole tree pinned by
# benchmarks/package-lock.json) are installed with `npm ci` into .cache/bench-node/ on first use;
# without npm the remark column is skipped. Two broken links (a missing page, a missing heading) are
# seeded into the corpus, and every run of either tool must report exactly those or the benchmark
# stops: a tool that silently checked nothing would otherwise look fast.
#
# The corpus: pages of about 4 KB with front-matter, grouped 20 to a section folder with an index.md,
# each with about 9 internal links, a quarter of them to a heading anchor; with --terms, a glossary
# whose terms the pages mention a couple of times per paragraph, one page in 40 misspelling one.

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WORDS = [
    "model", "token", "attention", "layer", "training", "data", "prompt", "vector", "search", "embedding",
    "context", "window", "parameter", "weight", "gradient", "loss", "decoder", "encoder", "sequence",
    "output", "input", "latent", "sample",
]


# Everyday words, so that domain words make up about a third of the prose, as in real pages.
COMMON = [
    "the", "of", "a", "to", "and", "in", "is", "that", "for", "it", "as", "with", "on", "by", "this",
    "be", "are", "from", "or", "an", "which", "can", "more", "each", "when", "than", "its", "how",
    "what", "one", "into", "only", "most", "other", "new", "used", "large", "small", "first", "same",
]


def _paragraph(rng: random.Random, words: int) -> str:
    chosen = (rng.choice(WORDS) if rng.random() < 0.35 else rng.choice(COMMON) for _ in range(words))
    return " ".join(chosen).capitalize() + "."


SYLLABLES = ["ka", "lo", "mi", "ra", "tu", "ve", "zen", "dra", "qui", "sor", "pel", "nox"]


def term_names(terms: int) -> list[tuple[str, str, str]]:
    """(id, term, abbreviation) for distinct synthetic terms. Like real glossaries, most names start
    with a distinctive word; one in five starts with a word the prose uses all the time."""
    out = []
    for i in range(terms):
        digits = [i // 144 % 12, i // 12 % 12, i % 12]
        coined = "".join(SYLLABLES[d] for d in digits)
        second = WORDS[i % len(WORDS)]
        words = [second.capitalize(), coined] if i % 5 == 0 else [coined.capitalize(), second]
        abbreviation = "".join(w[0].upper() for w in words) + f"{i:03d}"
        out.append(("-".join(w.lower() for w in words), " ".join(words), abbreviation))
    return out


def generate(root: Path, pages: int, seed: int = 7, terms: int = 0) -> None:
    rng = random.Random(seed)
    glossary = term_names(terms)
    if glossary:
        (root / "glossary").mkdir(parents=True)
        for term_id, term, abbreviation in glossary:
            (root / "glossary" / f"{term_id}.yml").write_text(
                f"term: {term}\nabbreviation: {abbreviation}\nshort: A synthetic term for the benchmark.\n",
                encoding="utf-8")
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Bench\nplugins:\n  - kb\n", encoding="utf-8")
    (docs / "tags.yml").write_text("bench:\n  label: Bench\n  description: Synthetic pages.\n", encoding="utf-8")
    names = [f"s{i // 20:04d}/p{i:05d}.md" for i in range(pages)]
    for section in sorted({n.split("/")[0] for n in names}):
        (docs / section).mkdir()
        (docs / section / "index.md").write_text(
            f"---\ntitle: Section {section}\ndescription: A synthetic section.\ntags: [bench]\n---\n\n# {section}\n",
            encoding="utf-8")
    for i, name in enumerate(names):
        lines = ["---", f"title: Page {i}", "description: A synthetic page for the benchmark.",
                 "tags: [bench]", f"sidebar_position: {i % 20}", "---", "", f"# Page {i}", ""]
        if i == 0 and glossary:
            lines += ["All terms: " + ", ".join(t for _, t, _ in glossary) + ".", ""]
            (docs / "glossary.md").write_text(
                "---\ntitle: Glossary\ndescription: Terms.\ntags: [bench]\n---\n\n<!-- kb:glossary -->\n",
                encoding="utf-8")
        for h in range(4):
            lines += [f"## Heading {h} of page {i}", ""]
            for _ in range(2):
                text = _paragraph(rng, 50)
                if glossary:  # a couple of mentions per paragraph, by name or abbreviation
                    _, term, abbreviation = glossary[rng.randrange(len(glossary))]
                    text += f" It uses {term} and {glossary[rng.randrange(len(glossary))][2]}."
                target = names[rng.randrange(pages)]
                rel = "../" + target if target.split("/")[0] != name.split("/")[0] else target.split("/")[1]
                anchor = f"#heading-{rng.randrange(4)}-of-page-{int(target[-8:-3])}" if rng.random() < 0.25 else ""
                lines += [f"{text} See [related]({rel}{anchor}) for more.", ""]
        if glossary and i % TYPO_EVERY == TYPO_EVERY - 1:  # real pages have the odd misspelt name
            lines += [f"Here {_misspelt(glossary[i % len(glossary)][1])} does it.", ""]
        lines.append(f"Also [section](../{name.split('/')[0]}/index.md).")
        (docs / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


TYPO_EVERY = 40


def _misspelt(term: str) -> str:
    """The term with two letters of its longest word swapped: "Kakalo tokne"."""
    words = term.split()
    longest = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[longest]
    words[longest] = word[:-2] + word[-1] + word[-2]
    return " ".join(words)


REPO = Path(__file__).resolve().parent.parent
NODE_DIR = REPO / ".cache" / "bench-node"  # git-ignored (.cache/), outside the tracked files
# The versions compared against; benchmarks/package.json must say the same (checked before installing).
REMARK_PACKAGES = {"remark-cli": "12.0.1", "remark-validate-links": "13.1.0"}
# (text appended to the first page, the link target both tools must name in their report)
SEEDED = [("See [a missing page](missing-page.md).", "missing-page.md"),
          ("See [a missing heading](index.md#no-such-heading).", "#no-such-heading")]
SEEDED_PAGE = "s0000/p00000.md"


class BenchError(RuntimeError):
    """A tool failed or reported something other than the seeded links: its timing would mean nothing."""


@dataclass(frozen=True)
class Run:
    status: int
    wall: float  # seconds, process start-up included
    cpu: float  # user + sys seconds of the process and every child it waited for
    peak_mib: float
    output: str  # stdout and stderr together


def run_timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `command` to completion. os.wait4 gives the usage of this child alone (its workers included),
    where RUSAGE_CHILDREN would mix in every earlier child's peak memory."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB.
    return Run(process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def tool(name: str) -> str:
    """The venv's console script next to this interpreter, else the repository's venv, else PATH."""
    for candidate in (Path(sys.executable).with_name(name), REPO / ".venv" / "bin" / name):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: run `make test` once, or this script with .venv/bin/python")
    return found


def seed_broken_links(root: Path) -> None:
    page = root / "docs" / SEEDED_PAGE
    text = page.read_text(encoding="utf-8") + "".join(f"\n{line}\n" for line, _ in SEEDED)
    page.write_text(text, encoding="utf-8")


def kb_check(root: Path) -> Run:
    run = run_timed([tool("kb"), "check", "-f", str(root / "mkdocs.yml"), "--format", "json"], root)
    try:
        findings = json.loads(run.output)["findings"]
    except (ValueError, KeyError):
        raise BenchError(f"kb check failed (exit status {run.status}):\n{run.output[-2000:]}") from None
    errors = [f"{f['path']}: {f['message']}" for f in findings if f["severity"] == "error"]
    expected = [target for _, target in SEEDED]
    if run.status != 1 or len(errors) != len(SEEDED) or not all(
            any(target in e and SEEDED_PAGE in e for e in errors) for target in expected):
        raise BenchError(f"kb check (exit status {run.status}) should report exactly the seeded {expected}, "
                         f"reported: {errors}")
    return run


def install_remark() -> Path | None:
    """remark's entry points in NODE_DIR, installed from the pinned lock file; None (and why) without npm."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        print("remark-validate-links: skipped, npm or node is not on PATH (install Node.js 16 or later to compare)")
        return None
    manifest = json.loads((REPO / "benchmarks" / "package.json").read_text(encoding="utf-8"))
    if manifest["dependencies"] != REMARK_PACKAGES:
        raise SystemExit(f"benchmarks/package.json pins {manifest['dependencies']}, this script {REMARK_PACKAGES}")
    lock = (REPO / "benchmarks" / "package-lock.json").read_bytes()
    installed = NODE_DIR / "package-lock.json"
    if not (NODE_DIR / "node_modules" / ".bin" / "remark").is_file() or not installed.is_file() \
            or installed.read_bytes() != lock:
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "benchmarks" / "package.json", NODE_DIR / "package.json")
        installed.write_bytes(lock)
        print(f"installing {', '.join(f'{n}@{v}' for n, v in REMARK_PACKAGES.items())} into {NODE_DIR} ...")
        # --ignore-scripts: nothing from the registry runs at install time.
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=NODE_DIR,
                              capture_output=True, text=True)
        if done.returncode != 0:
            installed.unlink()  # so that the next run tries again
            print(f"remark-validate-links: skipped, `npm ci` failed:\n{done.stderr[-1500:]}")
            return None
    return NODE_DIR


def remark_command(node_dir: Path) -> list[str]:
    # The plugin by absolute path: remark resolves names from the working directory, here the corpus,
    # which has no node_modules. repository:false: the corpus is no Git checkout, and only local links
    # matter. --frail turns the warnings into exit status 1; --no-stdout writes no processed files.
    # Front-matter (no remark-frontmatter) parses as a rule and a heading, which adds no links.
    plugin = node_dir / "node_modules" / "remark-validate-links" / "index.js"
    return [str(node_dir / "node_modules" / ".bin" / "remark"), "--use", f"{plugin}=repository:false",
            "--quiet", "--frail", "--no-stdout", "--no-color", "docs/"]


def remark_check(root: Path, command: list[str]) -> Run:
    run = run_timed(command, root)
    warnings = [line for line in run.output.splitlines() if "remark-validate-links:" in line]
    if run.status != 1 or len(warnings) != len(SEEDED) or "Cannot process" in run.output or not all(
            any(target in w for w in warnings) for _, target in SEEDED):
        raise BenchError(f"remark (exit status {run.status}) should report exactly the seeded links, "
                         f"reported:\n{run.output[-2000:]}")
    return run


def rounds(root: Path, runs: int, remark: list[str] | None) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {"kb cold": [], "kb warm": [], "remark-validate-links": [], "kb start-up": []}

    def kb_pair() -> None:
        shutil.rmtree(root / ".kb-cache", ignore_errors=True)
        results["kb cold"].append(kb_check(root))
        results["kb warm"].append(kb_check(root))
        # The floor under both: the interpreter and kb's imports, with no page read (`--help` exits early).
        results["kb start-up"].append(run_timed([tool("kb"), "check", "--help"], root))

    for i in range(runs):
        if remark is not None and i % 2 == 0:
            results["remark-validate-links"].append(remark_check(root, remark))
        kb_pair()
        if remark is not None and i % 2 == 1:
            results["remark-validate-links"].append(remark_check(root, remark))
    return results


def spread(values: list[float], digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def ratio(label: str, top: list[Run], bottom: list[Run], target: str) -> None:
    """The ratio of the medians, and the range of the ratios within each round (same moment, same load)."""
    median = statistics.median(r.wall for r in top) / statistics.median(r.wall for r in bottom)
    pairs = sorted(a.wall / b.wall for a, b in zip(top, bottom, strict=True))
    verdict = "met" if median <= float(target) else "MISSED"
    print(f"{label:<15} {median:.2f}  (rounds {pairs[0]:.2f}-{pairs[-1]:.2f}; target <= {target}: {verdict})")


def versions(node_dir: Path | None) -> str:
    text = f"Python {sys.version.split()[0]}"
    if node_dir is not None:
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        text += f", Node.js {node}, " + ", ".join(f"{n} {v}" for n, v in REMARK_PACKAGES.items())
    return text + f"; {os.cpu_count()} CPUs"


def report(pages: int, terms: int, runs: int, node_dir: Path | None) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"kb-bench-{pages}-"))
    try:
        generate(root, pages, terms=terms)
        seed_broken_links(root)
        remark = remark_command(node_dir) if node_dir is not None else None
        # One untimed round first: it checks both tools find the seeded links, and warms the disk cache.
        rounds(root, 1, remark)
        results = rounds(root, runs, remark)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    terms_note = f", {terms} glossary terms" if terms else ""
    rounds_note = f"{runs} alternating rounds" if runs > 1 else "1 round"
    print(f"\n{pages:,} pages{terms_note}: median [min-max] of {rounds_note}; wall time of the whole command, "
          "start-up included")
    print(f"{'':<22} {'wall s':>21} {'CPU s':>21} {'peak MiB':>10}")
    for label, measured in results.items():
        if measured:
            print(f"{label:<22} {spread([r.wall for r in measured]):>21} {spread([r.cpu for r in measured]):>21} "
                  f"{statistics.median(r.peak_mib for r in measured):>10.0f}")
    if results["remark-validate-links"]:
        ratio("cold / remark", results["kb cold"], results["remark-validate-links"], "1.0")
    ratio("warm / cold", results["kb warm"], results["kb cold"], "0.35")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, action="append", help="corpus size (repeatable; default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="alternating rounds per corpus (default 5)")
    parser.add_argument("--terms", type=int, default=0, help="glossary terms in the corpus (default none)")
    args = parser.parse_args()
    node_dir = install_remark()
    print(versions(node_dir))
    try:
        for pages in args.pages or [1000]:
            report(pages, args.terms, args.runs, node_dir)
    except BenchError as exc:
        raise SystemExit(f"benchmark stopped: {exc}") from None


if __name__ == "__main__":
    main()
