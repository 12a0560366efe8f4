"""`kb links` and `kb check --external` end to end: collection, findings at file:line, cache, offline."""

import json
from pathlib import Path

import pytest

from kb.cli import main

from ..conftest import page, write_site
from .conftest import HttpServer


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    status = main([*args, "-f", str(root / "mkdocs.yml"), "--format", "json"])
    out, err = capsys.readouterr()
    return status, json.loads(out), err


@pytest.fixture
def site(tmp_path: Path, server: HttpServer) -> Path:
    base = server.base
    return write_site(tmp_path, {
        "docs/index.md": page(body=f"# Home\n\nGood [ok]({base}/ok), gone [404]({base}/status/404).\n\n"
                                   f"Moved <{base}/redirect/301/1> and private [box](http://10.0.0.1/admin).\n"),
        "docs/other.md": page(body=f"# Other\n\n<a href=\"{base}/status/410\">raw gone</a> [again]({base}/ok)\n"),
        "glossary/term.yml": f"term: Thing\nshort: A thing.\nsources: [\"{base}/status/404\"]\n",
        "docs/glossary.md": page(body="<!-- kb:glossary -->\n"),
    })


def test_links_reports_each_occurrence_at_its_place(site: Path, server: HttpServer,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    status, data, err = run(site, capsys, "links", "--allow-host", server.base.split("//")[1])
    found = {(f["code"], f["path"], f["line"]) for f in data["findings"]}
    assert status == 1
    assert ("KB601", "docs/index.md", 8) in found  # 404
    assert ("KB603", "docs/index.md", 10) in found  # permanent redirect, with the new URL as hint
    assert ("KB605", "docs/index.md", 10) in found  # private address, never fetched
    assert ("KB601", "docs/other.md", 8) in found  # raw HTML href, 410
    assert ("KB601", "glossary/term.yml", 3) in found  # glossary sources
    assert not any(f["code"].startswith("KB2") for f in data["findings"])  # external only
    assert "External links:" in err
    moved = next(f for f in data["findings"] if f["code"] == "KB603")
    assert moved["hint"].startswith("Link to " + server.base)


def test_second_run_and_offline_answer_from_the_cache(site: Path, server: HttpServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    allow = server.base.split("//")[1]
    first = run(site, capsys, "links", "--allow-host", allow)[1]["findings"]
    hits = sum(server.state.hits.values())
    assert run(site, capsys, "links", "--allow-host", allow)[1]["findings"] == first
    assert sum(server.state.hits.values()) == hits  # nothing fetched again
    assert run(site, capsys, "links", "--offline")[1]["findings"] == first


def test_check_external_adds_to_the_internal_findings(site: Path, server: HttpServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    status, data, _ = run(site, capsys, "check", "--external", "--allow-host", server.base.split("//")[1])
    assert status == 1 and {"KB601", "KB605"} <= {f["code"] for f in data["findings"]}


def test_bad_external_option_is_a_clear_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_site(tmp_path, {"docs/index.md": page()},
                      "site_name: t\nplugins:\n  - kb:\n      external:\n        per_hots: 2\n")
    assert main(["links", "-f", str(root / "mkdocs.yml")]) == 2
    err = capsys.readouterr().err
    assert "no key `per_hots`" in err and "Did you mean `per_host`?" in err


@pytest.mark.parametrize(("options", "fragment"), [
    ("per_host: 0", "bad value"),
    ("timeout: 0", "bad value"),
    ("ttl: {ok: a week}", "`external.ttl`"),
])
def test_bad_external_values_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              options: str, fragment: str) -> None:
    root = write_site(tmp_path, {"docs/index.md": page()},
                      f"site_name: t\nplugins:\n  - kb:\n      external:\n        {options}\n")
    assert main(["links", "-f", str(root / "mkdocs.yml")]) == 2
    assert fragment in capsys.readouterr().err
