"""A persistent cache of link-check results, so repeated runs do not hit the same sites again and again.

Stored as JSON, never pickle: the file may come from an untrusted CI cache. Each outcome has its own
lifetime: a working link is re-checked weekly, an unverifiable one soon, since the cause is often transient.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kb.external.checker import OUTCOMES, Result

STORE_FORMAT = 1
DAY = 86_400.0
DEFAULT_TTL: Mapping[str, float] = MappingProxyType(
    {"ok": 7 * DAY, "redirected": 7 * DAY, "broken": DAY, "unverifiable": 3_600.0, "refused": DAY}
)
_TYPES: dict[str, tuple[type, ...]] = {
    "url": (str,),
    "outcome": (str,),
    "status": (int, type(None)),
    "detail": (str,),
    "final_url": (str, type(None)),
    "permanent": (bool,),
    "loop": (bool,),
    "missing_fragment": (bool,),
    "elapsed": (float, int),
}


def _decode(data: Any) -> Result | None:
    """A Result from its stored form, or None when the entry is damaged or from an incompatible version."""
    if not isinstance(data, dict) or set(data) != {f.name for f in fields(Result)}:
        return None
    for name, types in _TYPES.items():
        value = data[name]
        # bool is an int: a stored true must not pass as a status code.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return None
    if data["outcome"] not in OUTCOMES:
        return None
    return Result(**{**data, "elapsed": float(data["elapsed"])})


class ResultStore:
    def __init__(self, path: Path, ttl: Mapping[str, float] = DEFAULT_TTL) -> None:
        self.path = path
        self.ttl = {**DEFAULT_TTL, **ttl}  # a partial mapping (from configuration) adjusts only what it names
        self.entries: dict[str, tuple[float, Result]] = {}
        self.dirty = False
        self._latest = 0.0  # the latest `now` seen, to drop expired entries on save
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # a missing or unreadable store only means checking again
        entries = data.get("entries") if isinstance(data, dict) and data.get("format") == STORE_FORMAT else None
        if not isinstance(entries, dict):
            return
        for url, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            checked, stored = entry.get("checked"), _decode(entry.get("result"))
            if stored is not None and stored.url == url and isinstance(checked, int | float) \
                    and not isinstance(checked, bool):
                self.entries[url] = (float(checked), stored)

    def _fresh(self, checked: float, result: Result, now: float) -> bool:
        # A check dated in the future (clock changes, a copied file) is not trusted.
        return checked <= now < checked + self.ttl.get(result.outcome, 0.0)

    def get(self, url: str, now: float) -> Result | None:
        """The stored result for `url` while it is still fresh at time `now` (seconds since the epoch)."""
        self._latest = max(self._latest, now)
        entry = self.entries.get(url)
        if entry is None or not self._fresh(entry[0], entry[1], now):
            return None
        return entry[1]

    def put(self, result: Result, now: float) -> None:
        self._latest = max(self._latest, now)
        self.entries[result.url] = (now, result)
        self.dirty = True

    def save(self) -> None:
        """Write the store atomically, so an interrupted run never leaves a half-written file."""
        if self._latest:
            kept = {url: e for url, e in self.entries.items() if self._fresh(e[0], e[1], self._latest)}
            self.dirty = self.dirty or len(kept) != len(self.entries)
            self.entries = kept
        if not self.dirty and self.path.exists():
            return
        payload = {
            "format": STORE_FORMAT,
            "entries": {url: {"checked": checked, "result": asdict(result)} for url, (checked, result) in
                        sorted(self.entries.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.dirty = False
