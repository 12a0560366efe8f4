from __future__ import annotations

import json
from pathlib import Path

from kb.external import Result, ResultStore


def result(url: str, outcome: str = "ok", status: int | None = 200) -> Result:
    return Result(url=url, outcome=outcome, status=status, detail="200 OK", final_url=None, permanent=False,
                  loop=False, missing_fragment=False, elapsed=0.25)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "external.json"
    store = ResultStore(path)
    moved = Result("https://a.example/", "redirected", 200, "200 OK after 1 redirect", "https://b.example/#x",
                   True, False, True, 1.5)
    store.put(moved, now=1000.0)
    store.put(result("https://c.example/", "broken", 404), now=1000.0)
    store.save()
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1  # plain JSON, never pickle
    assert [p.name for p in path.parent.iterdir()] == ["external.json"]  # no temporary file left behind

    again = ResultStore(path)
    assert again.get("https://a.example/", now=1001.0) == moved
    assert again.get("https://c.example/", now=1001.0) == result("https://c.example/", "broken", 404)
    assert again.get("https://unknown.example/", now=1001.0) is None


def test_entries_expire_by_outcome(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "s.json")
    store.put(result("https://ok.example/"), now=0.0)
    store.put(result("https://gone.example/", "broken", 404), now=0.0)
    store.put(result("https://wall.example/", "unverifiable", 403), now=0.0)
    hour, day = 3600.0, 86400.0
    assert store.get("https://wall.example/", now=hour - 1) is not None
    assert store.get("https://wall.example/", now=hour) is None
    assert store.get("https://gone.example/", now=day - 1) is not None
    assert store.get("https://gone.example/", now=day) is None
    assert store.get("https://ok.example/", now=7 * day - 1) is not None
    assert store.get("https://ok.example/", now=7 * day) is None
    assert store.get("https://ok.example/", now=-1.0) is None  # checked "in the future": not trusted


def test_custom_ttl_and_pruning_on_save(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = ResultStore(path, ttl={"ok": 10.0, "refused": 0.0})
    store.put(result("https://old.example/"), now=0.0)
    store.put(result("https://new.example/"), now=100.0)
    store.put(result("https://refused.example/", "refused", None), now=100.0)  # ttl 0: never kept
    store.put(result("https://gone.example/", "broken", 404), now=0.0)  # default ttl: one day
    store.save()
    assert list(json.loads(path.read_text(encoding="utf-8"))["entries"]) == ["https://gone.example/",
                                                                           "https://new.example/"]


def test_damaged_files_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    for text in ["not json", "[]", '{"format": 1, "entries": []}', '{"format": 99, "entries": {}}']:
        path.write_text(text, encoding="utf-8")
        assert ResultStore(path).entries == {}
    good = {"checked": 5.0, "result": {**result("https://a.example/").__dict__}}
    bad_status = {"checked": 5.0, "result": {**result("https://b.example/").__dict__, "status": True}}
    wrong_url = {"checked": 5.0, "result": {**result("https://x.example/").__dict__}}
    path.write_text(json.dumps({"format": 1, "entries": {
        "https://a.example/": good, "https://b.example/": bad_status, "https://c.example/": wrong_url,
        "https://d.example/": "junk"}}), encoding="utf-8")
    assert list(ResultStore(path).entries) == ["https://a.example/"]
