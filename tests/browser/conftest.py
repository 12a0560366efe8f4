"""Fixtures for browser tests: built sites served on 127.0.0.1 and Debian's Chromium via Playwright."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REPO, build_site, copy_fixture

CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = REPO / "tests" / "artifacts"


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site like a static host such as GitHub Pages: 404.html for missing pages, no
    directory listings, text compressed with gzip for browsers that ask for it."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's URL with a slash
            path = path / "index.html"
        compressible = path.suffix in (".html", ".js", ".css", ".json", ".svg", ".txt", ".md", ".xml")
        if not (compressible and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def list_directory(self, path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@functools.cache
def _serve(directory: str) -> str:
    handler = functools.partial(_SiteHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _servers.append(server)
    return f"http://127.0.0.1:{server.server_address[1]}/"


_servers: list[http.server.ThreadingHTTPServer] = []


@pytest.fixture(scope="session", autouse=True)
def _stop_servers() -> Iterator[None]:
    yield
    for server in _servers:
        server.shutdown()
        server.server_close()


# The renderers the browser tests build the knowledge base with. ProperDocs runs the same plugin on
# the same code as MkDocs (tests/test_renderers.py shows the output is the same), so it is not driven here.
BROWSER_RENDERERS = ["mkdocs", "zensical"]
# What differs on Zensical, so that the tests of these features take `mkdocs_site` and say so by name
# instead of skipping: Zensical's search has fixed fields (kb adds glossary names to the text, unweighted,
# and kb's forgiving query rewriting wraps Material's search worker, which Zensical does not have), and
# "Last update" comes from the git-revision-date-localized plugin, which Zensical does not run.
ZENSICAL_DIFFERS = ("forgiving search and weighted glossary names", "last update from git")


def _build_kb(root: Path, renderer: str) -> str:
    """The real knowledge base, built as `make site RENDERER=<renderer>` builds it, served on 127.0.0.1.
    In a process of its own: drawing diagrams at build time uses Playwright's synchronous API, which
    cannot start inside the event loop that this session's browser keeps running."""
    for name in ("docs", "glossary"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if (REPO / ".cache" / "assets").is_dir():
        shutil.copytree(REPO / ".cache" / "assets", root / ".cache" / "assets")
    if (REPO / ".cache" / "diagrams").is_dir():  # drawings from earlier builds: only new diagrams are drawn
        shutil.copytree(REPO / ".cache" / "diagrams", root / ".cache" / "diagrams")
    command = [sys.executable, "-m", "kb.cli", "build", "--strict", "--renderer", renderer, "-f", "mkdocs.yml"]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    return _serve(str(root / "site"))


_built: dict[str, str] = {}


@pytest.fixture(scope="session", params=BROWSER_RENDERERS)
def kb_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The knowledge base built by each renderer in turn, for the features that every renderer has."""
    renderer: str = request.param
    if renderer not in _built:
        _built[renderer] = _build_kb(tmp_path_factory.mktemp(f"kb-{renderer}"), renderer)
    return _built[renderer]


@pytest.fixture(scope="session")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The knowledge base built by MkDocs, for the features Zensical lacks (ZENSICAL_DIFFERS)."""
    if "mkdocs" not in _built:
        _built["mkdocs"] = _build_kb(tmp_path_factory.mktemp("kb-mkdocs"), "mkdocs")
    return _built["mkdocs"]


@pytest.fixture(scope="session")
def nav_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _serve(str(build_site(copy_fixture("nav-site", tmp_path_factory.mktemp("nav")))))


# Module scope: Playwright's synchronous API keeps an event loop running on this thread while it
# is open, which would break asyncio.run() in tests that come later in the session.
@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install it with `apt-get install -y chromium` (.ci/run does)."
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI the browser tests must run, never skip
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def tab(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
