"""Budgets of the built knowledge base: HTML page weight and search index size.

    .venv/bin/python benchmarks/bench_site.py            # builds the site into a temporary folder
    .venv/bin/python benchmarks/bench_site.py --site site # measures an existing build

Redirect stubs are not pages and are left out. Sizes are raw and gzip-compressed (what a browser
downloads from a host that compresses).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(into: Path) -> Path:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(into)))
    return into


def kib(size: float) -> str:
    return f"{size / 1024:,.1f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an existing site/ folder (default: build one)")
    args = parser.parse_args()
    site = args.site or build(Path(tempfile.mkdtemp(prefix="kb-site-")))
    pages = [p for p in site.rglob("*.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000]]
    sizes = [p.stat().st_size for p in pages]
    zipped = [len(gzip.compress(p.read_bytes())) for p in pages]
    index = site / "search" / "search_index.json"
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"HTML pages:          {len(pages)}")
    print(f"average page weight: {kib(statistics.mean(sizes))} ({kib(statistics.mean(zipped))} gzipped)")
    print(f"largest page:        {kib(max(sizes))} ({max(pages, key=lambda p: p.stat().st_size).relative_to(site)})")
    if index.is_file():
        data = index.read_bytes()
        print(f"search index:        {kib(len(data))} ({kib(len(gzip.compress(data)))} gzipped)")
    print(f"whole site:          {kib(total)}")


if __name__ == "__main__":
    main()
