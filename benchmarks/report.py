"""B10 (report half): the compliance report of 100,000 assignments on PostgreSQL.

    python -m benchmarks.report [--url postgres://postgres@127.0.0.1:5432] [--scale 1.0]

Seeds B9's world in SQL (``benchmarks.scale``: 10,000 employees, 20 courses,
10 assignments each, 2,000 completed with a certificate), plus progress on a
tenth of the open assignments and due dates on a third (half of them past).
Then drives the portal app in-process through a bare ASGI call (httpx's
ASGITransport would hold the whole body) and reads the stream as a browser would,
dropping each chunk:

- the CSV (``/admin/reports/compliance.csv``, all rows and the overdue ones) and an
  XLSX (``.xlsx``, of the people matching "Person 1": about a ninth, since an XLSX
  holds at most ``LLP_REPORT_XLSX_MAX_ROWS`` rows): time to
  the first byte, to the first data row, to the end; bytes, rows; statements;
  peak RSS growth of the process (VmHWM after - VmRSS before) in the timed run,
  and the peak of Python allocations (tracemalloc) in a second run, since tracing
  slows Python down;
- the report page (``/admin/reports/compliance``: a COUNT and the first 25 rows).

Targets (BENCHMARKS.md B10): first byte <= 200 ms, memory growth <= 50 MiB.
``--scale 0.1`` runs the same at a tenth of the size.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

import asyncpg
from tortoise import Tortoise

from benchmarks import scale
from benchmarks.infra import proc_status, reset_peak
from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.db import migrate, tortoise_config
from llp_gql.domain import auth
from llp_gql.models import User
from llp_gql.settings import Settings
from llp_portal.app import create_app

FIRST_BYTE_MS = 200.0
GROWTH_MIB = 50.0


@dataclass
class Run:
    status: int = 0
    first_byte_ms: float = 0.0
    first_row_ms: float = 0.0
    total_ms: float = 0.0
    size: int = 0
    lines: int = 0
    statements: int = 0
    rss_growth_mib: float = 0.0
    python_peak_mib: float | None = None


async def _get(app: Any, path: str, cookie: str, counter: scale.StatementCounter) -> Run:
    """GET ``path`` through the ASGI app, timing each body chunk and keeping none."""
    run = Run()
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"b10.test"),
            (b"cookie", f"{SESSION_COOKIE}={cookie}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("b10.test", 80),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    started = time.perf_counter()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            run.status = message["status"]
            return
        body: bytes = message.get("body", b"")
        if body and not run.size:
            run.first_byte_ms = (time.perf_counter() - started) * 1000
        if body and not run.first_row_ms and run.lines + body.count(b"\n") > 1:
            run.first_row_ms = (time.perf_counter() - started) * 1000
        run.size += len(body)
        run.lines += body.count(b"\n")

    counter.count = 0
    before = proc_status("self")
    peak_reset = reset_peak("self")
    await app(scope, receive, send)
    run.total_ms = (time.perf_counter() - started) * 1000
    after = proc_status("self")
    run.statements = counter.count
    base = before["VmRSS"] if peak_reset else before["VmHWM"]
    run.rss_growth_mib = max(0, after["VmHWM"] - base) / 1024
    return run


async def _traced(app: Any, path: str, cookie: str, counter: scale.StatementCounter) -> float:
    tracemalloc.start()
    try:
        _ = await _get(app, path, cookie, counter)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


async def _seed(db: asyncpg.Connection, factor: float) -> int:
    company, admin = await scale._seed_people(db, int(scale.EMPLOYEES * factor))
    await scale._enroll(db, company, admin, range(0, 1 + scale.PER_EMPLOYEE_LATER))
    await scale._complete_some(db, int(scale.CERTIFICATES * factor))
    # progress on a tenth of the open assignments (first lesson done), due dates on a third
    await db.execute(
        "INSERT INTO lesson_progress (enrollment_id, lesson_id, status, watched_spans, "
        "covered_seconds, attempts_used, attempts_carried, extra_attempts, started_at, "
        "completed_at, updated_at) SELECT e.id, l.id, 'COMPLETED', '[]', 0, 0, 0, 0, now(), "
        "now(), now() FROM enrollment e JOIN lesson l ON l.course_id = e.course_id "
        "AND l.position = 1 WHERE e.completed_at IS NULL AND e.id % 10 = 0"
    )
    await db.execute(
        "UPDATE enrollment SET due_at = now() + ((id % 60) - 30) * interval '1 day' "
        "WHERE id % 3 = 0"
    )
    await db.execute("ANALYZE")
    return int(admin)


async def run(base_url: str, factor: float) -> int:
    name = f"llp_b10_{secrets.token_hex(4)}"
    server = await asyncpg.connect(f"{base_url}/postgres")
    await server.execute(f'CREATE DATABASE "{name}"')
    url = f"{base_url}/{name}"
    results: dict[str, Run] = {}
    try:
        _ = await migrate(url)
        db = await asyncpg.connect(url)
        try:
            started = time.perf_counter()
            admin_id = await _seed(db, factor)
            rows = await db.fetchval("SELECT count(*) FROM enrollment")
            print(f"seeded {rows} assignments in {time.perf_counter() - started:.1f} s")
        finally:
            await db.close()
        settings = Settings(mode="dev", database_url=url, secret_key="b10-" * 15).replace(
            queue_workers=0
        )
        await Tortoise.init(config=tortoise_config(url))
        counter = scale.StatementCounter()
        db_log = logging.getLogger("tortoise.db_client")
        db_log.addHandler(counter)
        db_log.setLevel(logging.DEBUG)
        db_log.propagate = False
        try:
            admin = await User.get(id=admin_id)
            session = await auth.issue_token(admin, settings=settings, kind=auth.SESSION)
            app = create_app(settings, manage_database=False)
            paths = {
                "report page": "/admin/reports/compliance",
                "CSV": "/admin/reports/compliance.csv",
                "CSV overdue": "/admin/reports/compliance.csv?overdue=1",
                # an XLSX holds at most LLP_REPORT_XLSX_MAX_ROWS (20,000): about 11,000 here
                "XLSX q=Person 1": "/admin/reports/compliance.xlsx?q=Person%201",
            }
            _ = await _get(app, paths["report page"], session.token, counter)  # warm up
            for label, path in paths.items():
                results[label] = await _get(app, path, session.token, counter)
                assert results[label].status == 200, (label, results[label])
                if label != "report page":
                    results[label].python_peak_mib = await _traced(
                        app, path, session.token, counter
                    )
        finally:
            await Tortoise.close_connections()
    finally:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()
    return _print(results)


def _print(results: dict[str, Run]) -> int:
    print(
        "\n| download | rows | MB | first byte ms | first row ms | total s | statements "
        "| RSS growth MiB | Python peak MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failed = 0
    for label, r in results.items():
        peak = "" if r.python_peak_mib is None else f"{r.python_peak_mib:.1f}"
        print(
            f"| {label} | {max(0, r.lines - 1)} | {r.size / 1e6:.1f} | {r.first_byte_ms:.0f} "
            f"| {r.first_row_ms:.0f} | {r.total_ms / 1000:.2f} | {r.statements} "
            f"| {r.rss_growth_mib:.1f} | {peak} |"
        )
        if label.startswith("XLSX"):
            print("|   (XLSX: rows and first row are not counted in a zip) | | | | | | | | |")
        if label.startswith("CSV"):
            failed += r.first_byte_ms > FIRST_BYTE_MS or r.rss_growth_mib > GROWTH_MIB
    print(f"\nB10 report targets: first byte <= {FIRST_BYTE_MS:.0f} ms, growth <= {GROWTH_MIB} MiB")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(run(args.url.rstrip("/"), args.scale)))


if __name__ == "__main__":
    main()
