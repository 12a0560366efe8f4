"""What a built site need not ship: source maps (and the comments that point at them) and the search
languages the site does not use."""

from __future__ import annotations

import json
import re
from pathlib import Path

_MAP_COMMENT = re.compile(r"^/[/*][#@] sourceMappingURL=[^\n]*$", re.MULTILINE)
# Word segmenters Material ships for Japanese and Thai search.
_SEGMENTERS = {"ja": "tinyseg.js", "th": "wordcut.js"}


def remove_source_maps(site: Path) -> int:
    """Delete every `.map` file under assets/ and the comment that names it; returns how many went."""
    removed = 0
    for path in sorted((site / "assets").rglob("*.map")):
        path.unlink()
        removed += 1
    for path in [*(site / "assets").rglob("*.js"), *(site / "assets").rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        trimmed = _MAP_COMMENT.sub("", text)
        if trimmed != text:
            path.write_text(trimmed, encoding="utf-8", errors="surrogateescape")
    return removed


def search_languages(site: Path) -> list[str]:
    try:
        config = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
        return [str(lang) for lang in config.get("lang", ["en"])]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no index read: keep every language rather than guess


def remove_unused_languages(site: Path) -> int:
    """Delete the search language files for languages the index is not built for."""
    languages = search_languages(site)
    folder = site / "assets" / "javascripts" / "lunr"
    if not languages or not folder.is_dir():
        return 0
    keep = {f"lunr.{lang}.min.js" for lang in languages}
    keep |= {_SEGMENTERS[lang] for lang in languages if lang in _SEGMENTERS}
    if languages != ["en"]:
        keep |= {"lunr.stemmer.support.min.js", "lunr.multi.min.js"}
    removed = 0
    for path in sorted(folder.rglob("*.js")):
        if path.name not in keep:
            path.unlink()
            removed += 1
    for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()
    return removed
