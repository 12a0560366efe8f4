"""Spelling variants for the search index, so that "tokenisation" finds what the site spells
"tokenization" (and the other way round): British and American forms of -ize/-ise and -yze/-yse words."""

from __future__ import annotations

import re

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
