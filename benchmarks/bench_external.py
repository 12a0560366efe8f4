"""Benchmark the external link checker against local servers and print URLs per second.

    .venv/bin/python benchmarks/bench_external.py
    .venv/bin/python benchmarks/bench_external.py --urls 5000 --servers 20 --per-host 4

The servers (10 aiohttp apps on 127.0.0.1, each answering after 20 ms) run in a child process so that
they do not compete with the checker for the GIL; each counts its own requests in flight, and the
benchmark fails if any host ever saw more than --per-host at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import urllib.request

from aiohttp import web

from kb.external import Settings, run_checks


async def serve(count: int, delay: float) -> None:
    """Start `count` servers, print their ports as one JSON line, then serve until killed."""
    ports: list[int] = []
    for _ in range(count):
        stats = {"in_flight": 0, "max_in_flight": 0, "requests": 0}

        async def page(request: web.Request, stats: dict[str, int] = stats) -> web.Response:
            stats["requests"] += 1
            stats["in_flight"] += 1
            stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
            try:
                await asyncio.sleep(delay)
            finally:
                stats["in_flight"] -= 1
            return web.Response(text="ok")

        async def report(request: web.Request, stats: dict[str, int] = stats) -> web.Response:
            return web.json_response(stats)

        app = web.Application()
        app.router.add_get("/__stats", report)
        app.router.add_route("*", "/page/{n}", page)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=512)
        await site.start()
        ports.append(runner.addresses[0][1])
    print(json.dumps(ports), flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds each server takes to answer")
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.servers, args.delay))
        return

    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--servers", str(args.servers), "--delay", str(args.delay)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        ports: list[int] = json.loads(child.stdout.readline())
        urls = [f"http://127.0.0.1:{ports[n % len(ports)]}/page/{n}" for n in range(args.urls)]
        settings = Settings(
            per_host=args.per_host, interval=0.0, concurrency=args.concurrency,
            allow_hosts=frozenset(f"127.0.0.1:{port}" for port in ports),
        )
        started = time.perf_counter()
        results = run_checks(urls, settings)
        elapsed = time.perf_counter() - started

        outcomes: dict[str, int] = {}
        for result in results.values():
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        stats = []
        for port in ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=5) as answer:
                stats.append(json.load(answer))
        peak = max(s["max_in_flight"] for s in stats)
        print(f"{len(urls)} URLs on {len(ports)} servers ({args.delay * 1000:.0f} ms each) in {elapsed:.2f} s: "
              f"{len(urls) / elapsed:.0f} URLs/s")
        print(f"outcomes: {outcomes}; requests served: {sum(s['requests'] for s in stats)}")
        print(f"max concurrent requests per host: {[s['max_in_flight'] for s in stats]} (limit {args.per_host})")
        assert outcomes == {"ok": len(urls)}, outcomes
        assert peak <= args.per_host, f"a host saw {peak} requests at once, more than per_host={args.per_host}"
    finally:
        child.terminate()
        child.wait(5)


if __name__ == "__main__":
    main()
