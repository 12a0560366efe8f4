"""Measure the CPU time the kb plugin adds to `mkdocs build` of the synthetic knowledge base."""

# Usage: .venv/bin/python benchmarks/bench_plugin.py [--pages N] [--runs K]
#
# The site is bench_check.py's corpus with a mkdocs.yml whose theme (Material, navigation.prune
# included), validation and markdown_extensions are copied from the repository's mkdocs.yml, built
# with `plugins: [kb, search]` and with `plugins: [search]`, alternately, .kb-cache/ emptied before
# every build. CPU time is user+sys of the mkdocs process and every worker it waited for (os.wait4):
# unlike wall time it does not hide work that kb moves onto the second core. Wall time is printed
# for reference.

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from bench_check import REPO, BenchError, Run, generate, run_timed, tool

# The blocks of the real mkdocs.yml the synthetic site shares, copied as text: loading the file with
# a YAML loader would need mkdocs' !ENV and !!python/name constructors, and text keeps its comments.
SHARED_BLOCKS = ("theme", "validation", "markdown_extensions")
TARGET = 0.15


def top_level_block(config: str, key: str) -> str:
    """The lines of `key:` and everything indented (or blank, or a comment) under it."""
    lines = config.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        raise SystemExit(f"mkdocs.yml has no top-level {key}: block to model the synthetic site on")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " #"):
        end += 1
    return "\n".join(lines[start:end]).rstrip() + "\n"


def site_config(plugins: list[str]) -> str:
    real = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    shared = [top_level_block(real, key) for key in SHARED_BLOCKS]
    if "navigation.prune" not in shared[0]:
        raise SystemExit("the repository's mkdocs.yml no longer turns on navigation.prune; the benchmark assumes it")
    head = ("site_name: Bench\nsite_url: http://127.0.0.1:8000/\ndocs_dir: docs\n"
            "exclude_docs: |\n  tags.yml\n")
    return head + "".join(shared) + "plugins:\n" + "".join(f"  - {p}\n" for p in plugins)


def build(root: Path, with_kb: bool) -> Run:
    (root / "mkdocs.yml").write_text(site_config(["kb", "search"] if with_kb else ["search"]), encoding="utf-8")
    shutil.rmtree(root / ".kb-cache", ignore_errors=True)  # kb cold in both builds
    shutil.rmtree(root / "site", ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = run_timed([tool("mkdocs"), "build", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")], root, env)
    if run.status != 0:
        raise BenchError(f"mkdocs build ({'with' if with_kb else 'without'} kb) failed with exit status "
                         f"{run.status}:\n{run.output[-2000:]}")
    # kb writes its cache on every build: proof that the plugin ran, and ran only when asked to.
    if (root / ".kb-cache").exists() != with_kb:
        raise BenchError(f"the kb plugin {'did not run' if with_kb else 'ran'} in the build "
                         f"{'with' if with_kb else 'without'} it")
    return run


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind, alternating (default 3)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix=f"kb-bench-plugin-{args.pages}-"))
    runs: dict[bool, list[Run]] = {True: [], False: []}
    try:
        generate(root, args.pages)
        build(root, with_kb=True)  # untimed: checks both configurations build, warms the disk cache
        for i in range(args.runs):
            # Alternate which goes first, so that drift in the machine's speed hits both alike.
            for with_kb in (True, False) if i % 2 == 0 else (False, True):
                runs[with_kb].append(build(root, with_kb))
    except BenchError as exc:
        raise SystemExit(f"benchmark stopped: {exc}") from None
    finally:
        shutil.rmtree(root, ignore_errors=True)
    builds = f"{args.runs} alternating builds" if args.runs > 1 else "1 build"
    print(f"mkdocs build of {args.pages:,} synthetic pages (Material, navigation.prune), kb cache cold; "
          f"median [min-max] of {builds} each, start-up included")
    print(f"{'plugins':<14} {'CPU s':>22} {'wall s':>22}")
    for with_kb, label in ((False, "[search]"), (True, "[kb, search]")):
        print(f"{label:<14} {spread([r.cpu for r in runs[with_kb]]):>22} {spread([r.wall for r in runs[with_kb]]):>22}")
    on, off = (statistics.median(r.cpu for r in runs[k]) for k in (True, False))
    pairs = sorted(a.cpu / b.cpu - 1 for a, b in zip(runs[True], runs[False], strict=True))
    verdict = "met" if on / off - 1 <= TARGET else "MISSED"
    print(f"kb plugin overhead: {on / off - 1:+.1%} CPU time (pairs {pairs[0]:+.1%} to {pairs[-1]:+.1%}; "
          f"target <= {TARGET:.0%}: {verdict})")


if __name__ == "__main__":
    main()
