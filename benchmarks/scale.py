"""B9: one company of 10,000 employees on PostgreSQL, its paged views at 10k and 100k enrollments.

``python -m benchmarks.scale [--url postgres://postgres@127.0.0.1:5432] [--repeat 9] [--scale 0.1]``

Creates a scratch database, seeds it in SQL (``generate_series``: seconds, not
minutes), then times each view in-process (the portal app over httpx's ASGI
transport, no network) twice: with 10,000 enrollments (one per employee), then
after adding 90,000 more (ten per employee, 2,000 of them completed with a
certificate). Prints, per view, the median milliseconds and the statements sent
at each size, and the ratio 100k/10k (BENCHMARKS.md: <= 1.3, queries equal).
The views: the admin dashboard, progress matrix, employee list, audit log and
export page, and GraphQL ``company.enrollments`` (first page and 50th page).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from tortoise import Tortoise

from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.db import migrate, tortoise_config
from llp_gql.domain import auth
from llp_gql.domain.passwords import hash_password
from llp_gql.models import User
from llp_gql.settings import Settings
from llp_portal.app import create_app

EMPLOYEES = 10_000
COURSES = 20
PER_EMPLOYEE_LATER = 9  # 10k enrollments first, then 9 more per employee: 100k
CERTIFICATES = 2_000

# Views whose work grows with the company by nature (a count over every enrollment):
# their statements must stay equal, their time is reported but not held to 1.3.
# The export page shows how many certificates its filters select (a COUNT over the
# company's certificates: none at 10k, 2,000 at 100k) beside a LIMITed, index-driven
# preview of the newest ten.
AGGREGATES = {"admin dashboard", "admin export page"}

ENROLLMENTS = """query($after: String) { company { enrollments(first: 25, after: $after) {
  edges { cursor node { id status progressPercent learner { name } course { title } } }
  pageInfo { endCursor } } } }"""


class StatementCounter(logging.Handler):
    """Counts the statements Tortoise's client logs (one DEBUG line per statement)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class Figure:
    milliseconds: float
    statements: int


async def _seed_people(db: asyncpg.Connection, employees: int) -> tuple[int, int]:
    company = await db.fetchval(
        "INSERT INTO company (name, created_at) VALUES ('B9 Corporation', now()) RETURNING id"
    )
    admin = await db.fetchval(
        'INSERT INTO "user" (email, name, password_hash, account_type, role, company_id, '
        "created_at) VALUES ('admin@b9.example', 'B9 Admin', $1, 'EMPLOYEE', "
        "'COMPANY_ADMIN', $2, now()) RETURNING id",
        hash_password("b9-admin-password"),
        company,
    )
    await db.execute(
        'INSERT INTO "user" (email, name, password_hash, account_type, role, company_id, '
        "created_at) SELECT 'person' || g || '@b9.example', 'Person ' || g, '', 'EMPLOYEE', "
        "'LEARNER', $1, now() - (g || ' minutes')::interval FROM generate_series(1, $2) g",
        company,
        employees,
    )
    for n in range(COURSES):
        course = await db.fetchval(
            "INSERT INTO course (title, description, status, created_at, published_at) "
            "VALUES ($1, 'Scale course', 'PUBLISHED', now(), now()) RETURNING id",
            f"Course {n + 1:02d}",
        )
        await db.execute(
            "INSERT INTO lesson (course_id, position, kind, title, body) "
            "SELECT $1, p, 'READING', 'Reading ' || p, 'Text' FROM generate_series(1, 3) p",
            course,
        )
    return company, admin


async def _enroll(db: asyncpg.Connection, company: int, admin: int, course_slots: range) -> None:
    """Each employee gets the courses at ``course_slots`` (0-based, by course id order)."""
    await db.execute(
        "INSERT INTO enrollment (learner_id, course_id, source, assigned_by_id, company_id, "
        "created_at) SELECT u.id, c.id, 'ASSIGNED', $1, $2, now() "
        'FROM "user" u JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS slot '
        "FROM course) c ON c.slot BETWEEN $3 AND $4 "
        "WHERE u.company_id = $2 AND u.role = 'LEARNER'",
        admin,
        company,
        course_slots.start,
        course_slots.stop - 1,
    )


async def _complete_some(db: asyncpg.Connection, count: int) -> None:
    """``count`` enrollments completed (every lesson done) with a certificate each."""
    await db.execute(
        "UPDATE enrollment SET completed_at = now() WHERE id IN "
        "(SELECT id FROM enrollment WHERE completed_at IS NULL ORDER BY id DESC LIMIT $1)",
        count,
    )
    await db.execute(
        "INSERT INTO lesson_progress (enrollment_id, lesson_id, status, watched_spans, "
        "covered_seconds, attempts_used, attempts_carried, extra_attempts, started_at, "
        "completed_at, updated_at) "
        "SELECT e.id, l.id, 'COMPLETED', '[]', 0, 0, 0, 0, now(), now(), now() FROM enrollment e "
        "JOIN lesson l ON l.course_id = e.course_id WHERE e.completed_at IS NOT NULL"
    )
    await db.execute(
        "INSERT INTO certificate (enrollment_id, verification_code, learner_name, learner_email, "
        "course_title, company_name, issued_at, template_version, pdf, sha256) "
        "SELECT e.id, md5(random()::text || e.id), u.name, u.email, c.title, 'B9 Corporation', "
        "now(), 1, '\\x25504446'::bytea, md5(e.id::text) FROM enrollment e "
        'JOIN "user" u ON u.id = e.learner_id JOIN course c ON c.id = e.course_id '
        "WHERE e.completed_at IS NOT NULL"
    )


async def _time(
    call: Callable[[], Awaitable[httpx.Response]], counter: StatementCounter, repeat: int
) -> Figure:
    response = await call()  # warm the caches (templates, parsed documents)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    samples = []
    counter.count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return Figure(statistics.median(samples), counter.count // repeat)


async def _measure(
    client: httpx.AsyncClient, token: str, counter: StatementCounter, repeat: int
) -> dict[str, Figure]:
    bearer = {"Authorization": f"Bearer {token}"}

    async def graphql(after: str | None) -> httpx.Response:
        return await client.post(
            "/graphql", json={"query": ENROLLMENTS, "variables": {"after": after}}, headers=bearer
        )

    cursor: str | None = None
    for _ in range(49):
        page: dict[str, Any] = (await graphql(cursor)).json()["data"]["company"]["enrollments"]
        cursor = page["pageInfo"]["endCursor"]
    fiftieth = cursor
    views: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
        "admin dashboard": lambda: client.get("/admin/dashboard"),
        "admin progress matrix": lambda: client.get("/admin/progress"),
        "admin employees": lambda: client.get("/admin/employees"),
        "admin employees search": lambda: client.get("/admin/employees?q=person 99"),
        "admin audit log": lambda: client.get("/admin/audit"),
        "admin export page": lambda: client.get("/admin/export"),
        "graphql enrollments p1": lambda: graphql(None),
        "graphql enrollments p50": lambda: graphql(fiftieth),
    }
    return {name: await _time(call, counter, repeat) for name, call in views.items()}


async def run(base_url: str, repeat: int, scale: float = 1.0) -> int:
    employees = max(100, round(EMPLOYEES * scale))
    certificates = max(20, round(CERTIFICATES * scale))
    name = f"llp_b9_{secrets.token_hex(4)}"
    server = await asyncpg.connect(f"{base_url}/test")
    await server.execute(f'CREATE DATABASE "{name}"')
    url = f"{base_url}/{name}"
    try:
        _ = await migrate(url)
        db = await asyncpg.connect(url)
        try:
            started = time.perf_counter()
            company, admin_id = await _seed_people(db, employees)
            await _enroll(db, company, admin_id, range(0, 1))
            await db.execute("ANALYZE")
            print(f"seeded {employees:,} enrollments in {time.perf_counter() - started:.1f} s")
            settings = Settings(mode="dev", database_url=url, secret_key="b9-" * 20).replace(
                queue_workers=0
            )
            await Tortoise.init(config=tortoise_config(url))
            counter = StatementCounter()
            db_log = logging.getLogger("tortoise.db_client")
            db_log.addHandler(counter)
            db_log.setLevel(logging.DEBUG)
            db_log.propagate = False
            try:
                admin = await User.get(id=admin_id)
                api = await auth.issue_token(admin, settings=settings)
                session = await auth.issue_token(admin, settings=settings, kind=auth.SESSION)
                app = create_app(settings, manage_database=False)
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport,
                    base_url="http://b9.test",
                    cookies={SESSION_COOKIE: session.token},
                ) as client:
                    small = await _measure(client, api.token, counter, repeat)
                    started = time.perf_counter()
                    await _enroll(db, company, admin_id, range(1, 1 + PER_EMPLOYEE_LATER))
                    await _complete_some(db, certificates)
                    await db.execute("ANALYZE")
                    more = employees * PER_EMPLOYEE_LATER
                    print(f"seeded {more:,} more in {time.perf_counter() - started:.1f} s")
                    large = await _measure(client, api.token, counter, repeat)
            finally:
                await Tortoise.close_connections()
        finally:
            await db.close()
    finally:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()
    size = f"{employees:,} employees, {employees:,} then {employees * 10:,} enrollments"
    print(f"\nB9 ({size}; {repeat} requests each, median ms; statements per request)")
    print(f"{'view':28} {'1x ms':>8} {'10x ms':>8} {'ratio':>6} {'q 1x':>6} {'q 10x':>7}")
    failed = 0
    for view, before in small.items():
        after = large[view]
        ratio = after.milliseconds / before.milliseconds
        paged = view not in AGGREGATES
        held = after.statements == before.statements and (ratio <= 1.3 or not paged)
        verdict = "" if held else "  <-- over"
        failed += bool(verdict)
        print(
            f"{view:28} {before.milliseconds:8.1f} {after.milliseconds:8.1f} {ratio:6.2f} "
            f"{before.statements:6d} {after.statements:7d}{verdict}"
        )
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="0.1: a 1,000-employee company (a quick run)"
    )
    args = parser.parse_args()
    raise SystemExit(asyncio.run(run(args.url.rstrip("/"), args.repeat, args.scale)))


if __name__ == "__main__":
    main()
