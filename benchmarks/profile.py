"""Profile the GraphQL paths of B1, B1+, B2 and B3 (and their baselines) with pyinstrument.

``python -m benchmarks.profile [--db sqlite|postgres] [--requests N] [--out DIR]``

Seeds a database like the harness, then sends requests straight into the ASGI
app in this process (no HTTP client, no network: only the server's own work
is in the profile), serially. Writes per scenario the pyinstrument text tree
(``profile-<name>.txt``), plus ``profile.md``: milliseconds per request,
GraphQL's share, the top frames by own time, and own time per library.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks import queries
from benchmarks.infra import REPO, create_database, drop_database

Send = Callable[[dict[str, Any]], Awaitable[None]]
LIBRARIES = [
    ("graphql", "graphql-core"),
    ("strawberry", "strawberry"),
    ("tortoise", "tortoise-orm"),
    ("pypika", "pypika (SQL building)"),
    ("aiosqlite", "aiosqlite"),
    ("sqlite3", "sqlite3"),
    ("asyncpg", "asyncpg"),
    ("iso8601", "iso8601 (datetime parsing)"),
    ("uvloop", "uvloop"),
    ("llp_gql", "llp_gql (the app)"),
    ("benchmarks", "benchmarks (baseline)"),
    ("starlette", "starlette"),
    ("asyncio", "asyncio (event loop)"),
    ("orjson", "orjson"),
]


class Driver:
    """Calls the ASGI app directly with one request and collects the answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def request(
        self, method: str, path: str, body: bytes = b"", token: str | None = None
    ) -> tuple[int, bytes]:
        raw_path, _, query = path.partition("?")
        headers = [(b"host", b"bench"), (b"accept", b"application/json")]
        if body:
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": raw_path,
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8000),
            "app": self.app,
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


WAITING = "waiting in epoll (for the database thread or socket)"


def _library(function: str, path: str, caller: str) -> str:
    """The library a frame's own time is counted to. Builtins, generated code and the
    standard library count to their caller's library (``isinstance`` called by
    graphql-core is graphql-core's cost); only the event loop and its wait stand alone."""
    if function.endswith(".poll") or function.endswith(".select"):
        return WAITING
    parts = Path(path).parts if path else ()
    for key, label in LIBRARIES:
        if key in parts or any(p.startswith(key + ".") for p in parts):
            return label
    return caller


def _own_times(session: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Own (self) time per frame and per library, from a pyinstrument session."""
    frames: dict[str, float] = defaultdict(float)
    libraries: dict[str, float] = defaultdict(float)

    def walk(frame: Any, caller: str) -> None:
        if frame.is_synthetic:
            return
        path = frame.file_path or ""
        library = _library(frame.function, path, caller)
        own = frame.total_self_time
        if own > 0:
            short = "/".join(Path(path).parts[-2:]) if path else "?"
            frames[f"{frame.function} ({short}:{frame.line_no})"] += own
            libraries[library] += own
        for child in frame.children:
            walk(child, library)

    root = session.root_frame()
    if root is not None:
        walk(root, "other")
    return frames, libraries


async def profile(url: str, manifest: Any, requests: int, out: Path) -> str:
    from pyinstrument import Profiler
    from tortoise import Tortoise

    from benchmarks.baseline import build_app
    from benchmarks.inproc import _settings
    from llp_gql.db import tortoise_config

    await Tortoise.init(config=tortoise_config(url))
    driver = Driver(build_app(_settings(url), manage_database=False))
    dashboard = json.dumps({"query": queries.DASHBOARD}).encode()
    lessons = json.dumps({"query": queries.DASHBOARD_LESSONS}).encode()
    catalog = json.dumps({"query": queries.CATALOG, "variables": {"first": 50}}).encode()
    token = manifest.dashboard_token
    slot = manifest.heartbeats[0]
    second = itertools.count(1_000_000)

    def heartbeat_graphql() -> bytes:
        # Every report covers the next second (as the harness's wrk script does).
        s = float(next(second))
        variables = {"e": slot.enrollment, "l": slot.lesson, "from": s, "to": s + 1}
        return json.dumps({"query": queries.HEARTBEAT, "variables": variables}).encode()

    def heartbeat_baseline() -> bytes:
        s = float(next(second))
        body = {"enrollmentId": slot.enrollment, "lessonId": slot.lesson}
        return json.dumps({**body, "fromSecond": s, "toSecond": s + 1}).encode()

    cases: list[tuple[str, str, str, bytes | Callable[[], bytes], str | None]] = [
        ("B1-graphql", "POST", "/graphql", dashboard, token),
        ("B1-baseline", "GET", "/bench/dashboard", b"", token),
        ("B1+-graphql", "POST", "/graphql", lessons, token),
        ("B1+-baseline", "GET", "/bench/dashboard?lessons=1", b"", token),
        ("B2-graphql", "POST", "/graphql", heartbeat_graphql, slot.token),
        ("B2-baseline", "POST", "/bench/heartbeat", heartbeat_baseline, slot.token),
        ("B3-graphql", "POST", "/graphql", catalog, None),
        ("B3-baseline", "GET", "/bench/catalog?first=50", b"", None),
    ]
    lines = [
        f"Profiled with pyinstrument, {requests} serial requests per case, straight into the",
        f"ASGI app (no HTTP), database `{url.split(':', 1)[0]}`.",
        "",
    ]
    timings: dict[str, float] = {}
    try:
        for name, method, path, make_body, auth in cases:
            bodies = (lambda b=make_body: b) if isinstance(make_body, bytes) else make_body
            for _ in range(20):  # warm the caches (parser, validation, ORM)
                status, answer = await driver.request(method, path, bodies(), auth)
                if status != 200 or b'"errors"' in answer:
                    raise RuntimeError(f"{name}: {status} {answer[:300]!r}")
            started = time.perf_counter()
            for _ in range(requests):
                await driver.request(method, path, bodies(), auth)
            timings[name] = (time.perf_counter() - started) * 1000 / requests
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
            for _ in range(requests):
                await driver.request(method, path, bodies(), auth)
            session = profiler.stop()
            (out / f"profile-{name}.txt").write_text(
                profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
            )
            frames, libraries = _own_times(session)
            total = sum(frames.values()) or 1.0
            lines += [
                f"## {name}: {timings[name]:.2f} ms per request (unprofiled)",
                "",
                "| own time | frame |",
                "|---:|---|",
            ]
            for frame, own in sorted(frames.items(), key=lambda x: -x[1])[:10]:
                lines.append(f"| {own / total:.1%} | `{frame}` |")
            lines += ["", "| own time | library (builtins and stdlib count to their caller) |"]
            lines += ["|---:|---|"]
            for library, own in sorted(libraries.items(), key=lambda x: -x[1]):
                lines.append(f"| {own / total:.1%} | {library} |")
            lines.append("")
        lines += await _profile_b6(driver, manifest, out, timings)
    finally:
        await Tortoise.close_connections()
    summary = [
        "| scenario | GraphQL ms | baseline ms | ratio (baseline / GraphQL time) |",
        "|---|---:|---:|---:|",
    ]
    for scenario in ("B1", "B1+", "B2", "B3"):
        a, b = timings[f"{scenario}-graphql"], timings[f"{scenario}-baseline"]
        summary.append(f"| {scenario} | {a:.2f} | {b:.2f} | {b / a:.2f} |")
    a, b = timings["B6-last"], timings["B6-earlier"]
    summary.append(f"| B6 (last / earlier, profiled) | {a:.2f} | {b:.2f} | {b / a:.2f} |")
    return "\n".join([*lines[:3], *summary, "", *lines[3:]])


async def _profile_b6(
    driver: Driver, manifest: Any, out: Path, timings: dict[str, float]
) -> list[str]:
    """B6: each seeded enrollment's earlier lesson, then its last one (which issues the
    certificate), serially; the two kinds of request in two profiles."""
    from pyinstrument import Profiler

    profilers = {"earlier": Profiler(interval=0.0005, async_mode="disabled")}
    profilers["last"] = Profiler(interval=0.0005, async_mode="disabled")
    spent = {"earlier": 0.0, "last": 0.0}
    slots = manifest.completions[4:]  # the first four warm up
    for index, slot in enumerate(manifest.completions):
        for kind, lesson in (("earlier", slot.earlier_lesson), ("last", slot.last_lesson)):
            variables = {"e": slot.enrollment, "l": lesson}
            body = json.dumps({"query": queries.COMPLETE, "variables": variables}).encode()
            profiler = profilers[kind] if index >= 4 else None
            started = time.perf_counter()
            if profiler is not None:
                profiler.start()
            status, answer = await driver.request("POST", "/graphql", body, slot.token)
            if profiler is not None:
                profiler.stop()
                spent[kind] += time.perf_counter() - started
            if status != 200 or b'"errors"' in answer:
                raise RuntimeError(f"B6 {kind}: {status} {answer[:300]!r}")
    lines: list[str] = []
    for kind, profiler in profilers.items():
        name = f"B6-{kind}"
        timings[name] = spent[kind] * 1000 / max(1, len(slots))
        (out / f"profile-{name}.txt").write_text(
            profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
        )
        lines += [f"## {name}: {timings[name]:.2f} ms per request (profiled)", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if (os.cpu_count() or 1) > 1 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    with tempfile.TemporaryDirectory(prefix="llp-profile-") as tmp:
        url = create_database(args.db, Path(tmp))
        try:
            manifest = Path(tmp) / "manifest.json"
            subprocess.run(
                [
                    *(sys.executable, "-m", "benchmarks.seed", "--url", url),
                    *("--out", str(manifest), "--secret", secrets.token_urlsafe(48), "--b6", "104"),
                ],
                cwd=REPO,
                check=True,
            )
            from benchmarks.seed import Manifest

            seeded = Manifest.from_json(json.loads(manifest.read_text(encoding="utf-8")))
            text = asyncio.run(profile(url, seeded, args.requests, args.out))
        finally:
            drop_database(args.db)
    (args.out / "profile.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
