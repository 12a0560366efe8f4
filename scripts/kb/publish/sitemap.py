"""The sitemap without the pages that search engines should not list (unlisted pages)."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit


def prune_sitemap(site: Path, urls: set[str]) -> None:
    """Remove the entries whose `<loc>` is one of `urls` from sitemap.xml, and write sitemap.xml.gz to match."""
    sitemap = site / "sitemap.xml"
    if not urls or not sitemap.is_file() or sitemap.stat().st_size > MAX_SITEMAP_BYTES:
        return
    ET.register_namespace("", SITEMAP_NS)
    tree = ET.parse(sitemap)
    root = tree.getroot()
    for entry in list(root):
        loc = entry.find(f"{{{SITEMAP_NS}}}loc")
        if loc is not None and (loc.text or "").strip() in urls:
            root.remove(entry)
    tree.write(sitemap, encoding="UTF-8", xml_declaration=True)
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as gz:
        gz.write(sitemap.read_bytes())
