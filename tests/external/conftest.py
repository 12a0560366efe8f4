"""Real servers on 127.0.0.1 for the link checker: an aiohttp app and raw sockets, each in its own thread."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from kb.external import checker

PAGE = """<!doctype html><html><head><title>Page</title></head><body>
<h2 id="present">Present</h2>
<p><a name="legacy">old-style anchor</a></p>
<h2 id="user-content-rendered">GitHub-rendered heading</h2>
<p id="caf&eacute;">entity in an id</p>
</body></html>
"""


@dataclass
class State:
    hits: collections.Counter[str] = field(default_factory=collections.Counter)  # "METHOD /path"
    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    starts: list[float] = field(default_factory=list)
    streamed: int = 0
    stream_done: threading.Event = field(default_factory=threading.Event)

    def count(self, path: str) -> int:
        return sum(n for key, n in self.hits.items() if key.split(" ", 1)[1] == path)


def build_app(state: State) -> web.Application:
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        state.hits[f"{request.method} {request.path}"] += 1
        response: web.StreamResponse = await handler(request)
        return response

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="fine")

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]))

    async def flaky(request: web.Request) -> web.Response:
        # /flaky/{code}/{times}/{key}: `code` for the first `times` requests (any method), then 200.
        code, times = int(request.match_info["code"]), int(request.match_info["times"])
        if state.count(request.path) <= times:
            after = request.query.get("after")
            return web.Response(status=code, headers={"Retry-After": after} if after is not None else {})
        return web.Response(text="recovered")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="too late")

    async def head405(request: web.Request) -> web.Response:
        return web.Response(status=405) if request.method == "HEAD" else web.Response(text="GET works")

    async def redirect(request: web.Request) -> web.Response:
        code, left = int(request.match_info["code"]), int(request.match_info["left"])
        if left == 0:
            return web.Response(text="arrived")
        return web.Response(status=code, headers={"Location": str(left - 1)})  # relative on purpose

    async def mixed(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": "/redirect/302/1"})

    async def loop(request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        return web.Response(status=302, headers={"Location": f"/loop/{other}"})

    async def to(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": request.query["target"]})

    async def challenge(request: web.Request) -> web.Response:
        return web.Response(status=503, headers={"cf-mitigated": "challenge"})

    async def endless(request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=405)
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        if "id" in request.query:
            await response.write(f'<h1 id="{request.query["id"]}">Top</h1>'.encode())
        chunk = b"<p>" + b"x" * 65_536 + b"</p>\n"
        try:
            while state.streamed < 1 << 30:
                await response.write(chunk)
                state.streamed += len(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up, as it should
        finally:
            state.stream_done.set()
        return response

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def count(request: web.Request) -> web.Response:
        state.starts.append(time.monotonic())
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            await asyncio.sleep(0.05)
        finally:
            state.in_flight -= 1
        return web.Response(text="counted")

    async def headers(request: web.Request) -> web.Response:
        state.headers.append(dict(request.headers))
        if request.path == "/headers":
            response = web.Response(status=302, headers={"Location": request.query.get("next", "/headers/next")})
            response.set_cookie("session", "secret")
            return response
        return web.Response(text="seen")

    app = web.Application(middlewares=[web.middleware(record)])
    routes = [
        ("/ok", ok), ("/status/{code}", status), ("/flaky/{code}/{times}/{key}", flaky), ("/slow", slow),
        ("/head405", head405), ("/redirect/{code}/{left}", redirect), ("/mixed", mixed), ("/loop/{name}", loop),
        ("/to", to), ("/challenge", challenge), ("/endless", endless), ("/page", page), ("/count", count),
        ("/headers", headers), ("/headers/next", headers),
    ]
    for path, handler in routes:
        app.router.add_route("*", path, handler)
    return app


class HttpServer:
    """The test app served from a background thread with its own event loop."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.state = State()
        self.port = 0
        self.scheme = "https" if ssl_context else "http"
        self._ssl = ssl_context
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(build_app(self.state), handler_cancellation=True, shutdown_timeout=0.5,
                                     access_log=None)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl)
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    def start(self) -> HttpServer:
        self._thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def allow(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}"})


class RawServer:
    """A bare listening socket that records every accepted connection; `reset` answers each with a RST."""

    def __init__(self, reset: bool = False) -> None:
        self.reset = reset
        self.accepted = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            if self.reset:
                with contextlib.suppress(OSError):
                    conn.recv(65_536)  # let the request arrive, then abort instead of answering
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    def start(self) -> RawServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()


@pytest.fixture
def server() -> Iterator[HttpServer]:
    running = HttpServer().start()
    yield running
    running.stop()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    running = RawServer().start()
    yield running
    running.stop()


@pytest.fixture
def reset_server() -> Iterator[RawServer]:
    running = RawServer(reset=True).start()
    yield running
    running.stop()


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address any socket in this process tries to connect to during the test."""
    seen: list[Any] = []
    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        seen.append(address)
        original(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Host names the checker resolved; fails the test on any real DNS query."""
    seen: list[str] = []

    async def lookup(host: str, port: int) -> list[tuple[socket.AddressFamily, str]]:
        seen.append(host)
        raise AssertionError(f"unexpected DNS lookup of {host}")

    monkeypatch.setattr(checker, "_lookup", lookup)
    return seen


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # The checker's real backoff is polite to remote sites; local test servers do not need it.
    monkeypatch.setattr(checker, "BACKOFF_BASE", 0.01)
