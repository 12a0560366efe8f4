"""Check external links: does each URL still answer, where does it redirect, does its #fragment exist.

Every host is resolved once and each of its addresses vetted by the guard before any connection; the HTTP
client then connects only to those vetted addresses (see `_VettedResolver`), so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot switch the target. Redirects are followed by
hand so that every hop goes through the guard again.
"""

from __future__ import annotations

import asyncio
import codecs
import concurrent.futures
import contextlib
import email.utils
import errno
import ipaddress
import random
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import unquote

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict
from yarl import URL

from kb.external.guard import host_address, refusal, refused_name

OUTCOMES = ("ok", "redirected", "broken", "unverifiable", "refused")

# Several large sites answer unknown clients with 403 or a challenge page; a browser-like User-Agent avoids
# most of that, and the trailing token still tells site owners what is calling.
DEFAULT_HEADERS: Mapping[str, str] = {
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
        "genai-kb-linkcheck/0.1"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})

BACKOFF_BASE = 0.2  # seconds; doubled on every retry, plus up to this much jitter
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
# Statuses some servers give to HEAD alone (unimplemented or mishandled), so GET gets a chance.
_HEAD_FALLBACK = frozenset({400, 403, 404, 405, 501})
_CHUNK = 65_536


@dataclass(frozen=True)
class Settings:
    timeout: float = 10.0  # seconds per request
    retries: int = 3  # on timeouts, 429, 5xx and connection resets
    concurrency: int = 16  # requests in flight overall
    per_host: int = 2  # requests in flight per host:port
    interval: float = 0.5  # minimum seconds between request starts to one host:port
    max_redirects: int = 10
    max_retry_after: float = 30.0  # cap for Retry-After and backoff, seconds
    max_body: int = 1_048_576  # bytes read at most from any response
    check_fragments: bool = False  # verify that #fragment ids exist in external HTML
    headers: Mapping[str, str] = field(default_factory=dict)  # merged over DEFAULT_HEADERS
    accept: Mapping[str, frozenset[int]] = field(default_factory=dict)  # host -> extra statuses that count as ok
    allow_hosts: frozenset[str] = frozenset()  # "host:port" (or "host" for every port) exempt from the guard

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_retry_after < 0 or self.interval < 0:
            raise ValueError("timeout must be positive; interval and max_retry_after not negative")
        if self.retries < 0 or self.max_redirects < 0 or self.max_body < 0:
            raise ValueError("retries, max_redirects and max_body must not be negative")
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")


@dataclass(frozen=True)
class Result:
    url: str
    outcome: str  # one of OUTCOMES
    status: int | None  # of the final response; None when the last step got none (refused, timed out)
    detail: str  # short human sentence: "404 Not Found", "resolves to 10.0.0.5, a private address"
    final_url: str | None  # where the redirects ended; None when none was followed
    permanent: bool  # every redirect followed was 301/308, so the link can be updated to final_url
    loop: bool  # redirect loop
    missing_fragment: bool  # the page was read in full and has no element for the #fragment
    elapsed: float  # seconds


@dataclass
class _Page:
    ids: set[str]
    complete: bool  # the whole document was read, so an absent id is really absent


@dataclass
class _Response:
    status: int
    reason: str
    location: str | None
    retry_after: float | None
    challenge: bool
    page: _Page | None
    retried: int = 0


@dataclass
class _Failure:
    outcome: str
    detail: str
    retryable: bool


@dataclass
class _Verdict:
    outcome: str
    status: int | None
    detail: str
    final: URL | None = None
    permanent: bool = False
    loop: bool = False
    page: _Page | None = None


class _VettedResolver(AbstractResolver):
    """Hands the HTTP client only addresses the checker has already vetted, and never looks anything up."""

    def __init__(self) -> None:
        self.vetted: dict[tuple[str, int], list[ResolveResult]] = {}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = self.vetted.get((_normal_host(host), port))
        if not found:
            raise OSError(f"{host}:{port} was not vetted")  # never fall back to a fresh lookup
        if family in (socket.AF_INET, socket.AF_INET6):
            found = [info for info in found if info["family"] == family] or found
        return found

    async def close(self) -> None:
        pass


class _AnchorCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # name= is honoured on any element, not only <a>: a lenient reading avoids false "missing" reports.
        for name, value in attrs:
            if value and name in ("id", "name"):
                self.ids.add(value)

    handle_startendtag = handle_starttag


def _normal_host(host: str) -> str:
    return host.lower().rstrip(".")


def _host_key(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _parse_allow(entries: Iterable[str]) -> tuple[frozenset[tuple[str, int]], frozenset[str]]:
    pairs: set[tuple[str, int]] = set()
    hosts: set[str] = set()
    for entry in entries:
        text = entry.strip().lower()
        host, colon, port = text.rpartition(":")
        if colon and port.isdigit() and (not host.count(":") or host.startswith("[")):
            pairs.add((_allow_host(host), int(port)))
        else:
            hosts.add(_allow_host(text))
    return frozenset(pairs), frozenset(hosts)


def _allow_host(text: str) -> str:
    host = _normal_host(text.strip("[]"))
    if ":" in host:
        with contextlib.suppress(ValueError):
            return str(ipaddress.IPv6Address(host))  # the compressed form yarl gives URL hosts
    return host


def _label(status: int, reason: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason
    return f"{status} {phrase}".strip()


def _times(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _after(detail: str, retried: int) -> str:
    if not retried:
        return detail
    return f"{detail} after {retried} {'retry' if retried == 1 else 'retries'}"


def _retry_after(value: str | None, cap: float) -> float | None:
    """Seconds to wait as asked by a Retry-After header (seconds or an HTTP date), capped; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(cap, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return min(cap, max(0.0, when.timestamp() - time.time()))


def _fragment_present(fragment: str, ids: set[str]) -> bool:
    fragment = fragment.split(":~:", 1)[0]  # a text fragment (#:~:text=...) names no element
    if not fragment or fragment.lower() == "top" or fragment.startswith("!"):
        return True  # the top of the page, or a client-side route
    # GitHub prefixes rendered heading ids with "user-content-" and maps #name onto them in script.
    candidates = {fragment, unquote(fragment)}
    return any(name in ids or f"user-content-{name}" in ids for name in candidates)


def _needs_body(fragment: str) -> bool:
    return not _fragment_present(fragment, set())


def _failure(exc: BaseException) -> _Failure:
    if isinstance(exc, TimeoutError):
        return _Failure("unverifiable", "timed out", True)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return _Failure("broken", f"TLS certificate problem: {exc.certificate_error}", False)
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        return _Failure("unverifiable", "TLS handshake failed", False)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return _Failure("unverifiable", "the address could not be used", False)
    if isinstance(exc, aiohttp.ClientConnectorError):
        # With several addresses the error may merge them and lose errno, but keeps the words.
        if exc.os_error.errno == errno.ECONNREFUSED or "refused" in str(exc.os_error).lower():
            return _Failure("broken", "connection refused", True)
        return _Failure("unverifiable", f"could not connect ({exc.os_error.strerror or exc.os_error})", True)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return _Failure("unverifiable", "connection reset by the server", True)
    if isinstance(exc, aiohttp.ClientOSError):
        if exc.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
            return _Failure("unverifiable", "connection reset by the server", True)
        return _Failure("unverifiable", f"connection failed ({exc.strerror or exc})", True)
    if isinstance(exc, aiohttp.ClientResponseError):
        return _Failure("unverifiable", f"invalid HTTP response ({exc.message})", False)
    return _Failure("unverifiable", f"request failed ({type(exc).__name__})", False)


async def _lookup(host: str, port: int) -> list[tuple[socket.AddressFamily, str]]:
    """Every address `host` resolves to. Tests replace this to simulate DNS answers."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[tuple[socket.AddressFamily, str], None] = {}
    for family, _type, _proto, _name, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            seen[(family, str(sockaddr[0]))] = None
    return list(seen)


@dataclass
class _HostLimit:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class _Checker:
    def __init__(self, settings: Settings, session: aiohttp.ClientSession, resolver: _VettedResolver) -> None:
        self.settings = settings
        self.session = session
        self.resolver = resolver
        self.allowed_pairs, self.allowed_hosts = _parse_allow(settings.allow_hosts)
        self.accept = {_normal_host(host): frozenset(codes) for host, codes in settings.accept.items()}
        self.slots = asyncio.Semaphore(settings.concurrency)
        self.hosts: dict[str, _HostLimit] = {}
        self.vetting: dict[tuple[str, int], asyncio.Task[_Failure | None]] = {}

    @contextlib.asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        limit = self.hosts.get(key)
        if limit is None:
            limit = self.hosts[key] = _HostLimit(asyncio.Semaphore(self.settings.per_host))
        # Host slot first, global slot last: requests queued behind a busy host, or sleeping out its interval,
        # must not hold global slots that requests to other hosts could use.
        async with limit.slots:
            if self.settings.interval > 0:
                # The lock is held until the global slot is ours, so that the start recorded is the real one.
                async with limit.lock:
                    loop = asyncio.get_running_loop()
                    wait = limit.next_start - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    await self.slots.acquire()
                    limit.next_start = loop.time() + self.settings.interval
            else:
                await self.slots.acquire()
            try:
                yield
            finally:
                self.slots.release()

    def backoff(self, retried: int, asked: float | None) -> float:
        if asked is not None:
            return asked  # the server said how long; already capped
        delay = BACKOFF_BASE * 2.0 ** (retried - 1) + random.uniform(0, BACKOFF_BASE)
        return min(self.settings.max_retry_after, delay)

    # -- the guard ---------------------------------------------------------------------------------------

    def allowed(self, host: str, port: int) -> bool:
        return (host, port) in self.allowed_pairs or host in self.allowed_hosts

    async def vet(self, url: URL) -> _Failure | None:
        """A refusal or DNS failure for the URL's host, or None once its addresses are registered as vetted."""
        if url.scheme not in ("http", "https"):
            return _Failure("refused", f"only http and https URLs are checked, not {url.scheme or 'relative'}:",
                            False)
        if not url.raw_host or url.port is None:
            return _Failure("broken", "the URL has no host", False)
        key = (_normal_host(url.raw_host), url.port)
        task = self.vetting.get(key)
        if task is None:
            task = self.vetting[key] = asyncio.create_task(self.vet_host(*key))
        return await asyncio.shield(task)

    async def vet_host(self, host: str, port: int) -> _Failure | None:
        allowed = self.allowed(host, port)
        reason = None if allowed else refused_name(host)
        if reason is not None:
            return _Failure("refused", f"{host} is {reason}", False)
        literal = host_address(host)
        if literal is not None:
            reason = None if allowed else refusal(literal)
            if reason is not None:
                spelled = host.strip("[]")
                detail = f"{spelled} is {reason}" if spelled == str(literal) else f"{spelled} is {literal}, {reason}"
                return _Failure("refused", detail, False)
            family = socket.AF_INET if literal.version == 4 else socket.AF_INET6
            addresses = [(family, str(literal))]
        else:
            found = await self.resolve(host, port)
            if isinstance(found, _Failure):
                return found
            addresses = found
            if not allowed:
                for _family, address in addresses:
                    parsed = host_address(address)
                    reason = "not an IP address" if parsed is None else refusal(parsed)
                    if reason is not None:
                        return _Failure("refused", f"resolves to {address}, {reason}", False)
        self.resolver.vetted[(host, port)] = [
            ResolveResult(hostname=host, host=address, port=port, family=family, proto=0, flags=0)
            for family, address in addresses
        ]
        return None

    async def resolve(self, host: str, port: int) -> list[tuple[socket.AddressFamily, str]] | _Failure:
        retried = 0
        while True:
            try:
                addresses = await asyncio.wait_for(_lookup(host, port), self.settings.timeout)
            except TimeoutError:
                failure = _Failure("unverifiable", "DNS lookup timed out", True)
            except UnicodeError:
                return _Failure("broken", "not a valid host name", False)
            except socket.gaierror as exc:
                if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                    return _Failure("broken", "DNS name not found", False)
                if exc.errno != socket.EAI_AGAIN:
                    return _Failure("unverifiable", f"DNS lookup failed ({exc.strerror})", False)
                failure = _Failure("unverifiable", "DNS lookup failed temporarily", True)
            else:
                if addresses:
                    return addresses
                return _Failure("broken", "DNS name not found", False)
            if retried >= self.settings.retries:
                return _Failure(failure.outcome, _after(failure.detail, retried), False)
            retried += 1
            await asyncio.sleep(self.backoff(retried, None))

    # -- HTTP ----------------------------------------------------------------------------------------------

    async def request(self, method: str, url: URL, wanted: frozenset[str] | None) -> _Response:
        assert url.raw_host is not None and url.port is not None
        key = _host_key(_normal_host(url.raw_host), url.port)
        # The timeout starts once the slot is ours: time spent queueing is not the server's fault.
        async with (
            self.slot(key),
            asyncio.timeout(self.settings.timeout),
            self.session.request(method, url, allow_redirects=False) as response,
        ):
            page = None
            if method == "GET" and wanted is not None and 200 <= response.status < 300 and _is_html(response):
                page = await self.read_page(response, wanted)
            # Leaving the block without reading the body closes the connection instead of draining it.
            return _Response(
                status=response.status,
                reason=response.reason or "",
                location=response.headers.get("Location"),
                retry_after=_retry_after(response.headers.get("Retry-After"), self.settings.max_retry_after),
                challenge="cf-mitigated" in response.headers,
                page=page,
            )

    async def read_page(self, response: aiohttp.ClientResponse, wanted: frozenset[str]) -> _Page:
        """The element ids of an HTML body, reading only until every wanted fragment is found or max_body."""
        charset = response.charset or "utf-8"
        try:
            decoder = codecs.getincrementaldecoder(charset)(errors="replace")
        except LookupError:
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        collector = _AnchorCollector()
        remaining = self.settings.max_body
        while remaining > 0:
            chunk = await response.content.read(min(_CHUNK, remaining))
            if not chunk:
                collector.feed(decoder.decode(b"", final=True))
                return _Page(collector.ids, complete=True)
            remaining -= len(chunk)
            collector.feed(decoder.decode(chunk))
            if all(_fragment_present(fragment, collector.ids) for fragment in wanted):
                break
        return _Page(collector.ids, complete=response.content.at_eof())

    async def fetch(self, url: URL, wanted: frozenset[str] | None) -> _Response | _Failure:
        """One hop: HEAD (or GET when the body is wanted), falling back to GET, retrying what may pass."""
        method = "HEAD" if wanted is None else "GET"
        retried = 0
        while True:
            try:
                response = await self.request(method, url, wanted)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                failure = _failure(exc)
                if not failure.retryable or retried >= self.settings.retries:
                    return _Failure(failure.outcome, _after(failure.detail, retried), False)
                retried += 1
                method = "GET"  # a server that chokes on HEAD may still answer GET
                await asyncio.sleep(self.backoff(retried, None))
                continue
            status = response.status
            # GET right away when HEAD may be what fails; but a server that said when to come back is obeyed.
            head_failed = status in _HEAD_FALLBACK or (status >= 500 and response.retry_after is None)
            if method == "HEAD" and head_failed and not response.challenge:
                method = "GET"
                continue
            if (status == 429 or status >= 500) and not response.challenge and retried < self.settings.retries:
                retried += 1
                method = "GET"
                await asyncio.sleep(self.backoff(retried, response.retry_after))
                continue
            response.retried = retried
            return response

    async def check(self, url: URL, fragments: frozenset[str]) -> _Verdict:
        """Follow `url` (no credentials, no fragment) through its redirects to a verdict."""
        wanted = fragments if self.settings.check_fragments and fragments else None
        visited = {url}
        hops: list[int] = []
        current = url
        while True:
            refused = await self.vet(current)
            if refused is not None:
                detail = refused.detail
                if hops:
                    detail = f"redirect to {current} refused: {detail}" if refused.outcome == "refused" else (
                        f"redirect to {current}: {detail}")
                return self.verdict(refused.outcome, None, detail, current, hops)
            response = await self.fetch(current, wanted)
            if isinstance(response, _Failure):
                return self.verdict(response.outcome, None, response.detail, current, hops)
            status = response.status
            if status in _REDIRECTS and response.location:
                try:
                    target = current.join(URL(response.location))
                    if target.raw_host:
                        target = target.with_user(None)
                    if current.raw_fragment and not target.raw_fragment:
                        # A Location without a fragment keeps the one already in play (RFC 9110, 10.2.2).
                        target = URL(f"{target}#{current.raw_fragment}", encoded=True)
                except ValueError:
                    return self.verdict("broken", status, f"{_label(status, response.reason)} to an invalid URL",
                                        current, hops)
                bare = target.with_fragment(None)
                if bare in visited:
                    return self.verdict("broken", status, f"redirect loop after {_times(len(hops) + 1, 'redirect')}",
                                        target, [*hops, status], loop=True)
                if len(hops) >= self.settings.max_redirects:
                    return self.verdict("broken", status, f"more than {_times(len(hops), 'redirect')}", target, hops)
                hops.append(status)
                visited.add(bare)
                if self.settings.check_fragments and target.raw_fragment and _needs_body(target.raw_fragment):
                    wanted = frozenset({target.raw_fragment})  # a fragment in Location replaces the link's
                current = target
                continue
            outcome, detail = self.classify(response, current, url)
            return self.verdict(outcome, status, detail, current, hops, page=response.page)

    def classify(self, response: _Response, final: URL, original: URL) -> tuple[str, str]:
        status = response.status
        label = _label(status, response.reason)
        accepted = self.accept.get(_normal_host(final.raw_host or ""), frozenset()) | self.accept.get(
            _normal_host(original.raw_host or ""), frozenset())
        if 200 <= status < 300 or status in accepted:
            return "ok", label
        if response.challenge:
            return "unverifiable", f"{label} (a bot challenge)"
        if status in (404, 410):
            return "broken", label
        if status in (403, 999):
            return "unverifiable", f"{label} (likely a bot wall)"
        if status == 401:
            return "unverifiable", f"{label} (needs a login)"
        if status == 429 or status >= 500:
            return "unverifiable", _after(label, response.retried)
        if 400 <= status < 500:
            return "unverifiable", label
        return "unverifiable", f"unexpected {label}"

    @staticmethod
    def verdict(outcome: str, status: int | None, detail: str, final: URL, hops: list[int], *,
                loop: bool = False, page: _Page | None = None) -> _Verdict:
        if outcome == "ok" and hops:
            outcome = "redirected"
            detail = f"{detail} after {_times(len(hops), 'redirect')}"
        return _Verdict(outcome, status, detail, final if hops else None,
                        permanent=bool(hops) and all(code in _PERMANENT for code in hops), loop=loop, page=page)


def _is_html(response: aiohttp.ClientResponse) -> bool:
    return "Content-Type" not in response.headers or response.content_type in ("text/html", "application/xhtml+xml")


def _result(raw: str, verdict: _Verdict, fragment: str, settings: Settings, elapsed: float) -> Result:
    detail = verdict.detail
    final = verdict.final
    missing = False
    if final is not None and fragment and not final.raw_fragment:
        final = final.with_fragment(None)
        final = URL(f"{final}#{fragment}", encoded=True)  # browsers carry the fragment across redirects
    effective = final.raw_fragment if final is not None and final.raw_fragment else fragment
    page = verdict.page
    if settings.check_fragments and page is not None and not _fragment_present(effective, page.ids):
        if page.complete:
            missing = True
            detail = f'{detail}, but the page has no element with id "{unquote(effective)}"'
        else:  # the id may well be further down: say so rather than report it missing
            detail = f"{detail}; #{effective} was not found in the first {settings.max_body:,} bytes"
    return Result(url=raw, outcome=verdict.outcome, status=verdict.status, detail=detail,
                  final_url=str(final) if final is not None else None, permanent=verdict.permanent,
                  loop=verdict.loop, missing_fragment=missing, elapsed=elapsed)


def _prepare(raw: str) -> tuple[URL, str] | Result:
    """The URL to request (no credentials, no fragment) and the fragment, or a Result when it is unusable."""
    fragment = raw.partition("#")[2]
    try:
        url = URL(raw.strip())
        if url.scheme not in ("http", "https"):
            detail = f"only http and https URLs are checked, not {url.scheme or 'relative'}:"
            return Result(raw, "refused", None, detail, None, False, False, False, 0.0)
        if not url.raw_host:
            return Result(raw, "broken", None, "the URL has no host", None, False, False, False, 0.0)
        return url.with_user(None).with_fragment(None), fragment
    except (ValueError, TypeError) as exc:
        return Result(raw, "broken", None, f"not a valid URL ({exc})", None, False, False, False, 0.0)


def _session(settings: Settings, resolver: _VettedResolver) -> aiohttp.ClientSession:
    headers = CIMultiDict(DEFAULT_HEADERS)
    for name, value in settings.headers.items():
        headers[name] = value  # replaces a default whatever its case
    for name in _SECRET_HEADERS:
        headers.popall(name, None)
    # Our own semaphores bound what is in flight, so the connector must not add a second, different limit.
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False, limit=0, limit_per_host=0)
    return aiohttp.ClientSession(
        connector=connector,
        headers=headers,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=settings.timeout),
        trust_env=False,  # no proxies or .netrc credentials from the environment
        auto_decompress=True,
        max_line_size=65_536,  # some large sites send very long headers (cookies, CSP)
        max_field_size=65_536,
    )


async def check_urls(
    urls: Iterable[str], settings: Settings, progress: Callable[[Result], None] | None = None
) -> dict[str, Result]:
    """Check every distinct URL once; URLs that differ only in fragment or credentials share one request."""
    unique = list(dict.fromkeys(urls))
    results: dict[str, Result] = {}
    groups: dict[URL, list[tuple[str, str]]] = {}
    for raw in unique:
        prepared = _prepare(raw)
        if isinstance(prepared, Result):
            results[raw] = prepared
            if progress is not None:
                progress(prepared)
            continue
        target, fragment = prepared
        groups.setdefault(target, []).append((raw, fragment))
    if not groups:
        return {raw: results[raw] for raw in unique}

    resolver = _VettedResolver()
    async with _session(settings, resolver) as session:
        checker = _Checker(settings, session, resolver)

        async def run(target: URL, members: list[tuple[str, str]]) -> None:
            started = time.monotonic()
            fragments = frozenset(fragment for _raw, fragment in members if _needs_body(fragment))
            try:
                verdict = await checker.check(target, fragments)
            except Exception as exc:  # one odd URL must not abort the check of thousands of others
                verdict = _Verdict("unverifiable", None, f"check failed ({type(exc).__name__}: {exc})")
            elapsed = time.monotonic() - started
            for raw, fragment in members:
                result = _result(raw, verdict, fragment, settings, elapsed)
                results[raw] = result
                if progress is not None:
                    progress(result)

        try:
            async with asyncio.TaskGroup() as group:
                for target, members in groups.items():
                    group.create_task(run(target, members))
        except BaseExceptionGroup as failed:
            if len(failed.exceptions) == 1:  # an error from `progress`: raise it as the caller's own
                raise failed.exceptions[0] from None
            raise
    return {raw: results[raw] for raw in unique}


def run_checks(
    urls: Iterable[str], settings: Settings, progress: Callable[[Result], None] | None = None
) -> dict[str, Result]:
    """`check_urls` for synchronous callers. When this thread already runs an event loop (a notebook,
    a test session driving a browser), the check runs in a thread of its own instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check_urls(urls, settings, progress))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, check_urls(list(urls), settings, progress)).result()
