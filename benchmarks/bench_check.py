"""Benchmark `kb check` on a synthetic knowledge base and print wall time and peak memory.

    .venv/bin/python benchmarks/bench_check.py            # 1,000 and 10,000 pages, then 1,000 with 500 terms
    .venv/bin/python benchmarks/bench_check.py --pages 1000

Each measurement runs in a fresh process so that peak memory (max RSS) belongs to it alone, and
each figure is the median of three runs. The glossary's share is measured with alternating runs
with and without the glossary, in wall time and in CPU time (this process and its workers).
The corpus: pages of about 4 KB with front-matter, grouped 20 to a section folder with an index.md,
each with about 9 internal links, a quarter of them to a heading anchor; with a glossary, pages
mention a couple of terms per paragraph and one page in 40 misspells one.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


def child(root: Path, no_cache: bool) -> None:
    from kb.cli import main

    args = ["check", "-f", str(root / "mkdocs.yml"), "--format", "json"] + (["--no-cache"] if no_cache else [])
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - the findings themselves are not the point
    status = main(args)
    elapsed = time.perf_counter() - start
    sys.stdout = sys.__stdout__
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "cpu": _cpu_seconds() - cpu_before, "peak_mib": peak_mib,
                      "status": status}))


def _cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes: far steadier than wall time on a
    shared machine, and the sum of the work whichever core did it."""
    usages = map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(u.ru_utime + u.ru_stime for u in usages)


def measure(root: Path, no_cache: bool = False) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(root)] + (["--no-cache"] if no_cache else [])
    started = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started  # includes interpreter start-up and imports
    return result


def median_of(root: Path, cold: bool = False, no_cache: bool = False, repeat: int = 3) -> dict[str, float]:
    """The median run of `repeat` (by check time): this machine's timings vary from run to run."""
    results = []
    for _ in range(repeat):
        if cold:
            shutil.rmtree(root / ".kb-cache", ignore_errors=True)
        elif not no_cache and not (root / ".kb-cache").exists():
            measure(root)  # fill the cache first
        results.append(measure(root, no_cache=no_cache))
    return sorted(results, key=lambda r: r["seconds"])[len(results) // 2]


ALTERNATIONS = 11


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--terms", type=int, default=500, help="glossary size for the glossary case (default 500)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-cache", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.no_cache)
        return
    print(f"{'pages':>7} {'terms':>6} {'run':<8} {'check s':>8} {'process s':>10} {'peak MiB':>9}")
    for pages in args.pages or [1000, 10000]:
        root = Path(tempfile.mkdtemp(prefix=f"kb-bench-{pages}-"))
        try:
            generate(root, pages)
            report(root, pages, 0)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    # The glossary's cost: the same 1,000 pages (which mention the terms) with and without glossary/.
    root = Path(tempfile.mkdtemp(prefix="kb-bench-glossary-"))
    try:
        generate(root, 1000, terms=args.terms)
        report(root, 1000, args.terms)
        # Cold runs with and without glossary/, alternated so that the machine's drift hits both alike.
        runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for _ in range(ALTERNATIONS):
            for with_glossary in (True, False):
                on, off = root / "glossary", root / "glossary-off"
                if with_glossary and off.exists():
                    off.rename(on)
                elif not with_glossary and on.exists():
                    on.rename(off)
                shutil.rmtree(root / ".kb-cache", ignore_errors=True)
                runs[with_glossary].append(measure(root))
        # The check's own time (the target), its CPU time, and the whole command's time, start-up included.
        for what, unit in (("seconds", "wall"), ("cpu", "CPU"), ("wall", "whole-command wall")):
            with_terms = [r[what] for r in runs[True]]
            without = [r[what] for r in runs[False]]
            on, off = statistics.median(with_terms), statistics.median(without)
            pairs = sorted(a / b - 1 for a, b in zip(with_terms, without, strict=True))
            print(f"glossary checks add {on / off - 1:.0%} {unit} time to a cold kb check of 1,000 pages "
                  f"({args.terms} terms): {on:.2f} s against {off:.2f} s, medians of {ALTERNATIONS} alternating "
                  f"runs (pairs from {pairs[0]:+.0%} to {pairs[-1]:+.0%})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(root: Path, pages: int, terms: int) -> dict[str, float]:
    runs = [("cold", median_of(root, cold=True)), ("warm", median_of(root)),
            ("nocache", median_of(root, no_cache=True))]
    for label, r in runs:
        print(f"{pages:>7} {terms:>6} {label:<8} {r['seconds']:>8.2f} {r['wall']:>10.2f} {r['peak_mib']:>9.0f}")
    return runs[0][1]


if __name__ == "__main__":
    main()
