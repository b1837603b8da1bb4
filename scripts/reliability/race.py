"""R5: exactly one certificate however many requests complete the last lesson at once.

For each database: a fresh database, migrated (``llp_gql.db.migrate``), a learner whose
last lesson is ready to complete, a real ``uvicorn llp_portal.asgi:app`` (production mode,
strong secret), K concurrent ``completeLesson`` requests (one connection each), then
the certificate rows of that enrollment are counted: exactly 1.

    PostgreSQL, 2 workers, K = 200    SQLite file, 1 worker, K = 50

    python scripts/reliability/race.py [--postgres-k 200] [--sqlite-k 50]
                                       [--skip-postgres] [--skip-sqlite]

PostgreSQL: LLP_RACE_POSTGRES_URL (any database of the server; default
postgres://postgres@127.0.0.1:5432/postgres); a scratch database is created and
dropped. Exits 0 when every run issued exactly one certificate.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from _common import (
    COMPLETE,
    Seed,
    Server,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_admin_url,
    query_scalar,
    seed,
    strong_secret,
)


async def fire(base_url: str, seeded: Seed, k: int) -> dict[str, Any]:
    """K concurrent completeLesson requests; what came back."""
    limits = httpx.Limits(max_connections=k, max_keepalive_connections=k)
    payload = {
        "query": COMPLETE,
        "variables": {"e": seeded.enrollment_gid, "l": seeded.last_lesson_gid},
    }
    headers = {"Authorization": f"Bearer {seeded.token}"}
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
        start = asyncio.Event()

        async def one() -> tuple[int, Any]:
            await start.wait()
            try:
                response = await client.post("/graphql", json=payload, headers=headers)
            except httpx.HTTPError as exc:
                return -1, type(exc).__name__
            try:
                return response.status_code, response.json()
            except ValueError:
                return response.status_code, response.text[:200]

        tasks = [asyncio.create_task(one()) for _ in range(k)]
        await asyncio.sleep(0.2)  # every task is waiting on the event
        start.set()
        results = await asyncio.gather(*tasks)
    statuses = collections.Counter(status for status, _ in results)
    codes: collections.Counter[str] = collections.Counter()
    certificate_ids = set()
    for _, body in results:
        if not isinstance(body, dict):
            codes[f"non-JSON: {body}"] += 1
            continue
        for error in body.get("errors") or []:
            codes[(error.get("extensions") or {}).get("code", "no code")] += 1
        data = (body.get("data") or {}).get("completeLesson") or {}
        certificate = (data.get("enrollment") or {}).get("certificate")
        if certificate:
            certificate_ids.add(certificate["id"])
    return {"statuses": dict(statuses), "codes": dict(codes), "certificate_ids": certificate_ids}


def race(database_url: str, *, workers: int, k: int, label: str) -> int:
    migrate(database_url)
    secret = strong_secret()
    seeded = seed(database_url, secret)
    server = Server(database_url, secret, workers=workers)
    try:
        server.wait_ready()
        outcome = asyncio.run(fire(server.base_url, seeded, k))
    finally:
        code = server.stop()
    issued = query_scalar(
        database_url,
        "SELECT COUNT(*) FROM certificate WHERE enrollment_id = $1",
        seeded.enrollment_id,
    )
    print(
        f"  {label}: K={k} workers={workers}: HTTP {outcome['statuses']}, "
        f"error codes {outcome['codes'] or 'none'}, certificate ids seen in answers: "
        f"{len(outcome['certificate_ids'])}, rows: {issued}, server exit {code}"
    )
    errors = [line for line in server.lines if "Traceback" in line or "ERROR" in line]
    if errors:
        print(f"  {label}: server log has {len(errors)} error lines:")
        print("\n".join("    " + line for line in server.lines[-40:]))
    assert isinstance(issued, int)
    return issued


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-k", type=int, default=200)
    parser.add_argument("--sqlite-k", type=int, default=50)
    parser.add_argument("--postgres-workers", type=int, default=2)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)

    parts = []
    ok = True
    if not args.skip_postgres:
        admin_url = postgres_admin_url()
        name = f"llp_race_{secrets.token_hex(4)}"
        url = asyncio.run(create_postgres_database(admin_url, name))
        try:
            issued = race(url, workers=args.postgres_workers, k=args.postgres_k, label="postgres")
        finally:
            asyncio.run(drop_postgres_database(admin_url, name))
        parts.append(f"postgres K={args.postgres_k} → {issued}")
        ok = ok and issued == 1
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite://{Path(scratch) / 'race.sqlite3'}"
            issued = race(url, workers=1, k=args.sqlite_k, label="sqlite")
        parts.append(f"sqlite K={args.sqlite_k} → {issued}")
        ok = ok and issued == 1
    print("R5: certificates issued: " + "; ".join(parts))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
