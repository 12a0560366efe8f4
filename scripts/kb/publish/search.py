"""What kb adds to a built site's search index, for Material's and Zensical's formats: the names of the
glossary terms each page covers or mentions, and spelling variants, so that "tokenisation" finds what the
site spells "tokenization" (and the other way round) in British and American forms of -ize/-ise words."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.glossary.model import Glossary
from kb.render.scan import PageScan

# A word with an -iz-/-is- or -yz-/-ys- stem and one of the endings that carry it. Linear: the letters
# before the stem are a plain run, and the alternatives are fixed strings.
_VARIANT = re.compile(r"\b([A-Za-z]{3,}?)([iy])([zs])(e|es|ed|er|ers|ing|ation|ations|able)\b")
# Words that end like the pattern but have no other spelling.
_FIXED = frozenset({"size", "sizes", "sized", "prize", "prizes", "seize", "seized", "raise", "raised", "raises",
                    "raising", "noise", "noises", "wise", "rise", "rises", "arise", "arises", "promise",
                    "promised", "precise", "concise", "expertise", "exercise", "exercises", "advise", "advised",
                    "surprise", "surprised", "devise", "devised", "revise", "revised", "supervise", "supervised",
                    "compromise", "premise", "premises", "comprise", "comprises", "enterprise", "franchise",
                    "otherwise", "likewise", "paradise", "merchandise", "televise", "improvise", "disguise",
                    "citizen", "raiser", "advertise",
                    "advertised", "advertising", "rising", "arising", "promising", "cruise", "praise", "praised"})


def spelling_variants(text: str) -> str:
    """The other spelling of every -ize/-ise (-yze/-yse) word in `text`, each once, space-separated."""
    found: dict[str, None] = {}
    for match in _VARIANT.finditer(text):
        word = match.group(0).lower()
        if word in _FIXED and match.group(2) == "i":
            continue
        stem, vowel, letter, ending = match.groups()
        other = "s" if letter.lower() == "z" else "z"
        variant = f"{stem}{vowel}{other}{ending}".lower()
        if variant not in _FIXED:
            found.setdefault(variant, None)
    return " ".join(found)


# Extra search fields (Material's search indexes every field named in its config).
SEARCH_ABBREVIATIONS = "kb_abbreviations"
SEARCH_VARIANTS = "kb_variants"  # the British or American spelling of the page's -ize and -ise words
SEARCH_COVERS = "kb_covers"
SEARCH_MENTIONS = "kb_mentions"
MAX_INDEX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class PageNames:
    """The glossary names one page is found by: abbreviations and names of the terms it explains in
    depth (the glossary's `page`), and names of the terms it only mentions."""

    abbreviations: str = ""
    covers: str = ""
    mentions: str = ""


def page_names(glossary: Glossary, scans: dict[str, PageScan]) -> dict[str, PageNames]:
    """For each page (by docs path), every name of the terms it covers or mentions, space-separated."""
    terms = glossary.terms
    in_depth: dict[str, set[str]] = {}
    for term in terms.values():
        in_depth.setdefault(term.page.split("#", 1)[0], set()).add(term.id)
    result = {}
    for src in set(scans) | set(in_depth):
        scan = scans.get(src)
        covered = in_depth.get(src, set())
        mentioned = set(scan.terms if scan else ()) - covered

        def names(ids: set[str]) -> str:
            return " ".join(sorted({name for term_id in ids if term_id in terms for name in terms[term_id].names}))

        abbreviations = sorted({terms[t].abbreviation for t in covered if t in terms and terms[t].abbreviation})
        result[src] = PageNames(" ".join(abbreviations), names(covered), names(mentioned))
    return result


def _read_index(path: Path) -> dict[str, Any] | None:
    if not path.is_file() or path.stat().st_size > MAX_INDEX_BYTES:
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def _write_index(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")


def add_material_fields(index_path: Path, names_by_url: dict[str, PageNames], forgiving: bool) -> None:
    """Material's index (`search/search_index.json`, lunr with weighted fields): each page gets the names
    of its terms in fields of their own, weighted: abbreviations of the terms it explains most (so that
    "LLM" finds the page that explains LLMs before those about LLMOps), their names like a title, names
    of terms it only mentions a little; and the other spelling of its -ize/-ise words."""
    data = _read_index(index_path)
    if data is None:
        return
    for doc in data.get("docs", []):
        location = doc.get("location", "")
        if forgiving:
            variants = spelling_variants(f"{doc.get('title', '')} {doc.get('text', '')}")
            if variants:
                doc[SEARCH_VARIANTS] = variants
        if "#" in location or location not in names_by_url:
            continue
        found = names_by_url[location]
        for field, value in ((SEARCH_ABBREVIATIONS, found.abbreviations), (SEARCH_COVERS, found.covers),
                             (SEARCH_MENTIONS, found.mentions)):
            if value:
                doc[field] = value
    fields = data.setdefault("config", {}).setdefault("fields", {})
    # Material weighs tag labels a thousand times a title, so a broad label ("Agents and LLMOps")
    # would put every page of its tag above the page that answers the query ("LLM"); a tag weighs
    # like a title here.
    if isinstance(fields.get("tags"), dict):
        fields["tags"]["boost"] = min(fields["tags"].get("boost", 1000), 1000)
    fields[SEARCH_ABBREVIATIONS] = {"boost": 3000}
    fields[SEARCH_VARIANTS] = {"boost": 1}
    fields[SEARCH_COVERS] = {"boost": 1000}
    fields[SEARCH_MENTIONS] = {"boost": 10}
    _write_index(index_path, data)


def add_text_synonyms(index_path: Path, names_by_url: dict[str, PageNames], hidden: set[str],
                      forgiving: bool) -> None:
    """An index whose fields are fixed (Zensical's `search.json`: title, text, path): the names and
    spelling variants join the text of the page's own entry, in an element readers never see, and the
    entries of `hidden` pages (unlisted) leave the index."""
    data = _read_index(index_path)
    if data is None:
        return
    items = [item for item in data.get("items", [])
             if isinstance(item, dict) and str(item.get("location", "")).split("#", 1)[0] not in hidden]
    for item in items:
        location = str(item.get("location", ""))
        extra = []
        if forgiving:
            extra.append(spelling_variants(f"{item.get('title', '')} {item.get('text', '')}"))
        if "#" not in location and location in names_by_url:
            found = names_by_url[location]
            extra += [found.abbreviations, found.covers, found.mentions]
        words = " ".join(e for e in extra if e)
        if words:
            item["text"] = f"{item.get('text', '')} <span hidden>{html.escape(words)}</span>"
    data["items"] = items
    _write_index(index_path, data)
