from __future__ import annotations

import asyncio
import email.utils
import itertools
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from kb.external import Result, Settings, check_urls, run_checks
from kb.external import checker as checker_module
from tests.external.conftest import HttpServer, RawServer


def check(server: HttpServer, *paths: str, **overrides: Any) -> dict[str, Result]:
    settings = Settings(**{"timeout": 2.0, "retries": 1, "interval": 0.0, "allow_hosts": server.allow,
                           **overrides})
    return run_checks([server.base + path for path in paths], settings)


def one(server: HttpServer, path: str, **overrides: Any) -> Result:
    return check(server, path, **overrides)[server.base + path]


def test_ok(server: HttpServer) -> None:
    result = one(server, "/ok")
    assert (result.outcome, result.status, result.detail) == ("ok", 200, "200 OK")
    assert result.final_url is None and not result.permanent and not result.loop
    assert server.state.hits == {"HEAD /ok": 1}


@pytest.mark.parametrize(("code", "detail"), [(404, "404 Not Found"), (410, "410 Gone")])
def test_not_found_and_gone_are_broken(server: HttpServer, code: int, detail: str) -> None:
    result = one(server, f"/status/{code}")
    assert (result.outcome, result.status, result.detail) == ("broken", code, detail)
    assert server.state.hits[f"GET /status/{code}"] == (1 if code == 404 else 0)  # GET only where HEAD may lie


def test_429_with_retry_after_then_ok(server: HttpServer) -> None:
    started = time.monotonic()
    result = one(server, "/flaky/429/1/a?after=1")
    assert (result.outcome, result.status) == ("ok", 200)
    assert time.monotonic() - started >= 0.95  # Retry-After: 1 was honoured


def test_retry_after_is_capped(server: HttpServer) -> None:
    started = time.monotonic()
    result = one(server, "/flaky/429/1/b?after=3600", max_retry_after=0.2)
    assert result.outcome == "ok"
    assert time.monotonic() - started < 1.5


def test_retry_after_http_date() -> None:
    soon = email.utils.formatdate(time.time() + 20, usegmt=True)
    delay = checker_module._retry_after(soon, cap=30.0)
    assert delay is not None and 18 <= delay <= 20
    assert checker_module._retry_after(soon, cap=5.0) == 5.0
    assert checker_module._retry_after("Wed, 21 Oct 2015 07:28:00 GMT", cap=5.0) == 0.0
    assert checker_module._retry_after("soon", cap=5.0) is None


def test_persistent_429_is_unverifiable(server: HttpServer) -> None:
    result = one(server, "/flaky/429/99/c?after=0", retries=2)
    assert (result.outcome, result.status) == ("unverifiable", 429)
    assert result.detail == "429 Too Many Requests after 2 retries"


def test_503_then_ok(server: HttpServer) -> None:
    result = one(server, "/flaky/503/2/d")
    assert (result.outcome, result.status) == ("ok", 200)
    # HEAD 503, then GET 503 (HEAD may be what fails), one retry: GET 200.
    assert server.state.hits == {"HEAD /flaky/503/2/d": 1, "GET /flaky/503/2/d": 2}


def test_persistent_5xx_is_unverifiable(server: HttpServer) -> None:
    result = one(server, "/status/502", retries=3)
    assert (result.outcome, result.detail) == ("unverifiable", "502 Bad Gateway after 3 retries")


def test_slow_server_times_out(server: HttpServer) -> None:
    started = time.monotonic()
    result = one(server, "/slow", timeout=0.2, retries=3)
    assert (result.outcome, result.status, result.detail) == ("unverifiable", None, "timed out after 3 retries")
    assert time.monotonic() - started < 2.5


def test_head_not_allowed_falls_back_to_get(server: HttpServer) -> None:
    result = one(server, "/head405")
    assert (result.outcome, result.status) == ("ok", 200)
    assert server.state.hits == {"HEAD /head405": 1, "GET /head405": 1}


def test_redirect_chain_to_ok(server: HttpServer) -> None:
    results = check(server, "/redirect/301/3", "/redirect/302/1", "/mixed", "/redirect/308/1#part")
    permanent = results[server.base + "/redirect/301/3"]
    assert (permanent.outcome, permanent.status, permanent.permanent) == ("redirected", 200, True)
    assert permanent.final_url == server.base + "/redirect/301/0"
    assert permanent.detail == "200 OK after 3 redirects"
    temporary = results[server.base + "/redirect/302/1"]
    assert (temporary.outcome, temporary.permanent) == ("redirected", False)
    mixed = results[server.base + "/mixed"]
    assert (mixed.outcome, mixed.permanent, mixed.final_url) == ("redirected", False, server.base + "/redirect/302/0")
    fragment = results[server.base + "/redirect/308/1#part"]
    assert (fragment.permanent, fragment.final_url) == (True, server.base + "/redirect/308/0#part")


def test_redirect_loop_is_broken(server: HttpServer) -> None:
    result = one(server, "/loop/a")
    assert (result.outcome, result.loop, result.status) == ("broken", True, 302)
    assert "redirect loop" in result.detail


def test_too_many_redirects(server: HttpServer) -> None:
    result = one(server, "/redirect/302/5", max_redirects=3)
    assert (result.outcome, result.loop, result.detail) == ("broken", False, "more than 3 redirects")


def test_redirect_to_metadata_is_refused(server: HttpServer, connects: list[Any]) -> None:
    result = one(server, "/to?target=http://169.254.169.254/latest/meta-data/")
    assert result.outcome == "refused"
    assert result.final_url == "http://169.254.169.254/latest/meta-data/"
    assert "cloud metadata" in result.detail
    assert connects and all(address[0] == "127.0.0.1" for address in connects)


def test_redirect_to_other_schemes_is_refused(server: HttpServer) -> None:
    result = one(server, "/to?target=file:///etc/passwd")
    assert result.outcome == "refused" and "only http and https" in result.detail


def test_bot_wall(server: HttpServer) -> None:
    result = one(server, "/status/403")
    assert (result.outcome, result.detail) == ("unverifiable", "403 Forbidden (likely a bot wall)")
    challenge = one(server, "/challenge", retries=3)
    assert challenge.outcome == "unverifiable" and "challenge" in challenge.detail
    assert server.state.hits["HEAD /challenge"] + server.state.hits["GET /challenge"] == 1  # no retries


def test_accepted_status_counts_as_ok(server: HttpServer) -> None:
    result = one(server, "/status/403", accept={"127.0.0.1": frozenset({403})})
    assert (result.outcome, result.status) == ("ok", 403)


def test_other_client_errors_are_unverifiable(server: HttpServer) -> None:
    assert one(server, "/status/418").outcome == "unverifiable"
    assert one(server, "/status/401").detail == "401 Unauthorized (needs a login)"


def test_connection_reset(reset_server: RawServer) -> None:
    url = f"http://127.0.0.1:{reset_server.port}/"
    allow = frozenset({f"127.0.0.1:{reset_server.port}"})
    settings = Settings(timeout=2.0, retries=2, interval=0.0, allow_hosts=allow)
    result = run_checks([url], settings)[url]
    assert (result.outcome, result.detail) == ("unverifiable", "connection reset by the server after 2 retries")
    # Three attempts; aiohttp itself may retry each once, as it does for a stale keep-alive connection.
    assert 3 <= reset_server.accepted <= 6


def test_connection_refused_on_closed_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = run_checks([url], Settings(retries=3, interval=0, allow_hosts=frozenset({f"127.0.0.1:{port}"})))[url]
    assert (result.outcome, result.detail) == ("broken", "connection refused after 3 retries")


def test_untrusted_certificate_is_broken(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = HttpServer(context).start()
    try:
        result = one(server, "/ok")
    finally:
        server.stop()
    assert result.outcome == "broken" and result.detail.startswith("TLS certificate problem")
    assert server.state.hits == {}


def test_huge_body_is_never_read_beyond_max_body(server: HttpServer) -> None:
    started = time.monotonic()
    result = one(server, "/endless#nowhere", check_fragments=True, max_body=200_000)
    assert time.monotonic() - started < 3
    assert (result.outcome, result.missing_fragment) == ("ok", False)  # not found, but not all was read
    assert "not found in the first 200,000 bytes" in result.detail
    assert server.state.stream_done.wait(3)
    assert server.state.streamed < 32 * 1024 * 1024  # only what socket buffers hold, not the gigabyte on offer


def test_reading_stops_once_the_fragment_is_found(server: HttpServer) -> None:
    started = time.monotonic()
    result = one(server, "/endless?id=early#early", check_fragments=True, max_body=1 << 30)
    assert time.monotonic() - started < 3
    assert (result.outcome, result.missing_fragment, result.detail) == ("ok", False, "200 OK")
    assert server.state.stream_done.wait(3)
    assert server.state.streamed < 32 * 1024 * 1024


def test_huge_body_without_fragments_reads_nothing(server: HttpServer) -> None:
    started = time.monotonic()
    result = one(server, "/endless")
    assert (result.outcome, result.status) == ("ok", 200)
    assert time.monotonic() - started < 3
    assert server.state.stream_done.wait(3)


def test_fragments(server: HttpServer) -> None:
    fragments = ["", "#present", "#legacy", "#rendered", "#caf%C3%A9", "#top", "#absent", "#:~:text=Present"]
    results = check(server, *[f"/page{fragment}" for fragment in fragments], check_fragments=True)
    missing = {fragment for fragment in fragments if results[f"{server.base}/page{fragment}"].missing_fragment}
    assert missing == {"#absent"}
    assert 'no element with id "absent"' in results[f"{server.base}/page#absent"].detail
    assert all(result.outcome == "ok" for result in results.values())
    assert server.state.hits == {"GET /page": 1}  # one request serves every fragment


def test_fragment_through_redirect(server: HttpServer) -> None:
    results = check(server, "/to?target=/page#present", "/to?target=/page#gone", check_fragments=True)
    assert results[f"{server.base}/to?target=/page#present"].final_url == f"{server.base}/page#present"
    assert not results[f"{server.base}/to?target=/page#present"].missing_fragment
    assert results[f"{server.base}/to?target=/page#gone"].missing_fragment


def test_fragments_ignored_unless_asked(server: HttpServer) -> None:
    result = one(server, "/page#absent")
    assert (result.outcome, result.missing_fragment) == ("ok", False)
    assert server.state.hits == {"HEAD /page": 1}


def test_each_url_is_requested_once(server: HttpServer) -> None:
    base = server.base
    urls = [f"{base}/ok", f"{base}/ok", f"{base}/ok#a", f"{base}/ok#b",
            f"http://user:pw@127.0.0.1:{server.port}/ok"]
    seen: list[Result] = []
    results = run_checks(urls, Settings(interval=0, allow_hosts=server.allow), progress=seen.append)
    assert list(results) == list(dict.fromkeys(urls))
    assert sorted(r.url for r in seen) == sorted(results)
    assert all(r.outcome == "ok" for r in results.values())
    assert server.state.hits == {"HEAD /ok": 1}


def test_credentials_and_cookies_are_never_sent(server: HttpServer) -> None:
    url = f"http://user:secret@127.0.0.1:{server.port}/headers?next=http://again:pw@127.0.0.1:{server.port}/headers/next"
    settings = Settings(interval=0, allow_hosts=server.allow,
                        headers={"Authorization": "Bearer token", "cookie": "a=b", "X-Test": "yes"})
    result = run_checks([url], settings)[url]
    assert result.outcome == "redirected"
    assert result.final_url == f"http://127.0.0.1:{server.port}/headers/next"
    assert len(server.state.headers) == 2
    for headers in server.state.headers:
        names = {name.lower() for name in headers}
        assert "authorization" not in names and "cookie" not in names
        assert headers["X-Test"] == "yes"
        assert headers["User-Agent"].startswith("Mozilla/5.0")


def test_configured_headers_replace_defaults_whatever_their_case(server: HttpServer) -> None:
    url = f"{server.base}/headers?next=/headers/next"
    run_checks([url], Settings(interval=0, allow_hosts=server.allow, headers={"user-agent": "custom/1"}))
    assert [h.get("User-Agent") for h in server.state.headers] == ["custom/1", "custom/1"]


def test_errors_in_progress_reach_the_caller(server: HttpServer) -> None:
    def progress(result: Result) -> None:
        raise KeyError("from progress")

    with pytest.raises(KeyError, match="from progress"):
        run_checks([server.base + "/ok"], Settings(interval=0, allow_hosts=server.allow), progress=progress)


def test_allow_hosts_forms() -> None:
    pairs, hosts = checker_module._parse_allow(["127.0.0.1:8080", "[::FFFF:127.0.0.1]:80", "Intranet.Example.",
                                                "::1", "localhost:3000"])
    assert pairs == {("127.0.0.1", 8080), ("::ffff:7f00:1", 80), ("localhost", 3000)}
    assert hosts == {"intranet.example", "::1"}


def test_per_host_limit(server: HttpServer) -> None:
    results = check(server, *[f"/count?n={n}" for n in range(12)], per_host=2, concurrency=16)
    assert all(result.outcome == "ok" for result in results.values())
    assert server.state.max_in_flight == 2


def test_global_limit(server: HttpServer) -> None:
    check(server, *[f"/count?n={n}" for n in range(6)], per_host=4, concurrency=1)
    assert server.state.max_in_flight == 1


def test_interval_between_request_starts(server: HttpServer) -> None:
    check(server, *[f"/count?n={n}" for n in range(4)], per_host=4, interval=0.2)
    starts = sorted(server.state.starts)
    assert len(starts) == 4
    # Seen from the server, so the first request's connection set-up can blur its gap a little.
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.15
    assert starts[-1] - starts[0] >= 0.55


# -- the guard in action ---------------------------------------------------------------------------------

def test_refused_without_any_connection(raw_server: RawServer, connects: list[Any], lookups: list[str]) -> None:
    port = raw_server.port
    urls = [
        f"http://2130706433:{port}/", f"http://0x7f.1:{port}/", f"http://0177.0.0.1:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/", f"http://127.1:{port}/", f"http://localhost:{port}/",
        f"http://127.0.0.2:{port}/", "http://2130706433/", "http://0x7f.1/", "http://[::ffff:127.0.0.1]/",
        "http://127.1/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/", "http://[fd00:ec2::254]/", "http://100.100.100.200/",
        "https://[::1]/", "http://app.localhost/", "http://db.internal:5432/",
    ]
    # Allowing the canonical spelling must not let other spellings of the same address through.
    settings = Settings(interval=0, allow_hosts=frozenset({f"127.0.0.1:{port}"}))
    results = run_checks(urls, settings)
    assert {url: r.outcome for url, r in results.items()} == dict.fromkeys(urls, "refused")
    assert results["http://2130706433/"].detail == "2130706433 is 127.0.0.1, a loopback address"
    assert results["http://10.0.0.1/"].detail == "10.0.0.1 is a private address"
    metadata = results["http://metadata.google.internal/"]
    assert metadata.detail == "metadata.google.internal is a cloud metadata host name"
    assert raw_server.accepted == 0
    assert connects == []
    assert lookups == []


def test_non_http_urls_and_garbage() -> None:
    results = run_checks(["ftp://example.com/file", "mailto:someone@example.com", "http:///nohost", "http://[::1"],
                         Settings())
    assert results["ftp://example.com/file"].outcome == "refused"
    assert results["mailto:someone@example.com"].outcome == "refused"
    assert results["http:///nohost"].outcome == "broken"
    assert results["http://[::1"].outcome == "broken"


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, Iterable[list[str]] | Exception]) -> list[str]:
    """Replace DNS: each name answers from its sequence of address lists, in turn, or raises."""
    asked: list[str] = []
    pending = {name: iter(answer) if not isinstance(answer, Exception) else answer for name, answer in answers.items()}

    async def lookup(host: str, port: int) -> list[tuple[socket.AddressFamily, str]]:
        asked.append(host)
        answer = pending[host]
        if isinstance(answer, Exception):
            raise answer
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, a) for a in next(answer)]

    monkeypatch.setattr(checker_module, "_lookup", lookup)
    return asked


def test_names_resolving_to_private_addresses_are_refused(monkeypatch: pytest.MonkeyPatch,
                                                          connects: list[Any]) -> None:
    fake_dns(monkeypatch, {
        "intranet.example": [["10.0.0.5"]],
        "mixed.example": [["93.184.215.14", "127.0.0.1"]],
        "v6.example": [["2606:4700::1111", "::ffff:169.254.169.254"]],
        "gone.example": socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
    })
    urls = ["https://intranet.example/", "https://mixed.example/", "https://v6.example/", "https://gone.example/"]
    results = run_checks(urls, Settings(interval=0))
    assert results["https://intranet.example/"].detail == "resolves to 10.0.0.5, a private address"
    assert results["https://mixed.example/"].detail == "resolves to 127.0.0.1, a loopback address"
    assert results["https://v6.example/"].outcome == "refused"
    assert (results["https://gone.example/"].outcome, results["https://gone.example/"].detail) == (
        "broken", "DNS name not found")
    assert connects == []


def test_connections_go_only_to_the_vetted_address(server: HttpServer, monkeypatch: pytest.MonkeyPatch,
                                                   connects: list[Any]) -> None:
    # A rebinding DNS server would answer differently the second time; there must be no second time.
    asked = fake_dns(monkeypatch, {"pinned.test": [["127.0.0.1"], ["10.1.2.3"], ["10.1.2.3"]]})
    base = f"http://pinned.test:{server.port}"
    urls = [f"{base}/ok", f"{base}/redirect/301/2", f"{base}/head405", f"{base}/status/404"]
    settings = Settings(interval=0, allow_hosts=frozenset({f"pinned.test:{server.port}"}))
    results = run_checks(urls, settings)
    assert [r.outcome for r in results.values()] == ["ok", "redirected", "ok", "broken"]
    assert asked == ["pinned.test"]
    assert connects and all(address == ("127.0.0.1", server.port) for address in connects)


def test_resolver_never_looks_up_unvetted_names() -> None:
    resolver = checker_module._VettedResolver()
    with pytest.raises(OSError, match="not vetted"):
        asyncio.run(resolver.resolve("example.com", 443))


def test_check_urls_inside_a_running_loop(server: HttpServer) -> None:
    async def main() -> dict[str, Result]:
        return await check_urls([server.base + "/ok"], Settings(interval=0, allow_hosts=server.allow))

    assert asyncio.run(main())[server.base + "/ok"].outcome == "ok"


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        Settings(per_host=0)
    with pytest.raises(ValueError):
        Settings(timeout=0)
