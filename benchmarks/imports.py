"""B10 (import half): preview, then apply, a CSV of 10,000 new employees, in-process.

    python -m benchmarks.imports                  # SQLite and PostgreSQL
    python -m benchmarks.imports --db sqlite --rows 2000

Each database is fresh (migrated); a company with an admin and two published
courses is seeded. Every row names a group (20 of them) and one course with a due
date, so apply creates 10,000 people, 20 groups, 10,000 enrollments, 10,000
invitation jobs and 10,000 assignment audit rows. Measured per step: wall time,
statements sent, and memory: the peak of Python allocations (tracemalloc, in a
second run on a second company, since tracing slows Python down) and the growth
of the process's peak RSS (ru_maxrss) over the timed run. Target (BENCHMARKS.md
B10): each step <= 20 s.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from benchmarks.infra import create_database, drop_database, postgres_available
from llp_gql.db import migrate, tortoise_config
from llp_gql.domain import imports
from llp_gql.models import AccountType, Company, Course, CourseStatus, Role, User
from llp_gql.settings import Settings

TARGET_SECONDS = 20.0


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.n += 1


def make_csv(rows: int, domain: str) -> str:
    lines = ["email,name,group,courses,due_date"]
    for i in range(rows):
        course = "Fire Safety" if i % 2 else "First Aid"
        lines.append(f"person{i}@{domain},Person Number {i},Team {i % 20},{course},2031-06-30")
    return "\n".join(lines) + "\n"


async def _seed(name: str) -> User:
    company = await Company.create(name=name)
    return await User.create(
        email=f"admin@{name.lower()}.example",
        name="Admin",
        password_hash="x",
        account_type=AccountType.EMPLOYEE,
        role=Role.COMPANY_ADMIN,
        company=company,
    )


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _step(work: Callable[[], Awaitable[Any]], counter: _Count) -> tuple[float, int, Any]:
    counter.n = 0
    start = time.perf_counter()
    result = await work()
    return time.perf_counter() - start, counter.n, result


async def run_db(kind: str, url: str, rows: int) -> dict[str, Any]:
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    counter = _Count()
    db_log = logging.getLogger("tortoise.db_client")
    db_log.addHandler(counter)
    db_log.setLevel(logging.DEBUG)
    db_log.propagate = False
    try:
        for title in ("Fire Safety", "First Aid"):
            await Course.create(title=title, status=CourseStatus.PUBLISHED)
        settings = Settings(database_url=url)
        admin = await _seed("Timed")
        text = make_csv(rows, "timed.example")

        def call(dry_run: bool, who: User = admin, body: str = text) -> Awaitable[Any]:
            return imports.import_csv(who, body, dry_run=dry_run, settings=settings)

        rss_before = _rss_kib()
        preview_s, preview_q, preview = await _step(lambda: call(True), counter)
        apply_s, apply_q, applied = await _step(lambda: call(False), counter)
        again_s, again_q, again = await _step(lambda: call(True), counter)
        rss_growth = _rss_kib() - rss_before
        assert preview.totals.new == rows, preview.totals
        assert applied.totals.new_assignments == rows, applied.totals
        assert again.totals.unchanged == rows, again.totals

        traced = await _seed("Traced")
        traced_text = make_csv(rows, "traced.example")
        tracemalloc.start()
        _ = await call(True, traced, traced_text)
        _, preview_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        _ = await call(False, traced, traced_text)
        _, apply_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "db": kind,
            "rows": rows,
            "csv_bytes": len(text.encode()),
            "preview_s": preview_s,
            "preview_statements": preview_q,
            "apply_s": apply_s,
            "apply_statements": apply_q,
            "again_s": again_s,
            "again_statements": again_q,
            "preview_peak_mib": preview_peak / 2**20,
            "apply_peak_mib": apply_peak / 2**20,
            "rss_growth_mib": rss_growth / 1024,
        }
    finally:
        db_log.removeHandler(counter)
        await Tortoise.close_connections()


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| db | rows | preview s (statements) | apply s (statements) | preview again s "
        "| peak Python MiB preview / apply | peak RSS growth MiB | target <= 20 s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        met = r["preview_s"] <= TARGET_SECONDS and r["apply_s"] <= TARGET_SECONDS
        lines.append(
            f"| {r['db']} | {r['rows']:,} ({r['csv_bytes'] / 1e6:.2f} MB) "
            f"| {r['preview_s']:.2f} ({r['preview_statements']}) "
            f"| {r['apply_s']:.2f} ({r['apply_statements']}) "
            f"| {r['again_s']:.2f} ({r['again_statements']}) "
            f"| {r['preview_peak_mib']:.0f} / {r['apply_peak_mib']:.0f} "
            f"| {r['rss_growth_mib']:.0f} | {'met' if met else 'NOT met'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for kind in kinds:
        if kind == "postgres" and (why := postgres_available()) is not None:
            print(f"PostgreSQL skipped: {why}")
            continue
        url = create_database(kind, Path(tempfile.mkdtemp(prefix="llp-b10-")))
        try:
            results.append(asyncio.run(run_db(kind, url, args.rows)))
        finally:
            drop_database(kind)
    print(table(results))


if __name__ == "__main__":
    main()
