"""R15: hashing floods. How much does the server grow, and how many accounts per email?

A real ``uvicorn llp_portal.asgi:app`` (production mode, one worker) on a fresh SQLite file
(or PostgreSQL), with the per-address limits for sign-up and login raised out of the way
so that every request reaches argon2 (the worst case for memory; the throttles are
tested elsewhere). Then, one wave after another, each wave's requests released at once:

1. 40 concurrent ``signUp`` with distinct emails;
2. 40 concurrent ``signUp`` with one email (half of them in upper case);
3. 40 concurrent ``login``: 20 right passwords, 10 wrong ones, 10 unknown emails.

The server's resident memory is read from ``/proc/<pid>/status``: ``VmRSS`` before the
first wave (after one warm-up sign-up and login) and every 10 ms during the waves, and
``VmHWM`` (the peak the kernel saw) at the end. Growth = max(peak sampled, VmHWM) -
VmRSS before: an upper bound, since VmHWM also holds the start-up peak.

    python scripts/reliability/hash_flood.py [--concurrency 40] [--max-hashes N]
                                             [--postgres]

``--max-hashes`` sets LLP_MAX_CONCURRENT_HASHES for the server (default: the
setting's default); ``--max-hashes 40`` shows what an unbounded server does. Exits 0
when growth <= 300 MiB, every email has exactly one account and every answer was
OK, CONFLICT or UNAUTHENTICATED.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _common import (
    Server,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_admin_url,
    query_scalar,
    strong_secret,
)

TARGET_MIB = 300
PASSWORD = "a long enough password"  # noqa: S105 - a test account's, on a scratch database
SIGN_UP = (
    "mutation($e: String!, $p: String!, $n: String!) { signUp(email: $e, password: $p, "
    "name: $n) { token } }"
)
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
ROOMY = {
    # Out of the way: every request must reach argon2.
    "LLP_SIGNUPS_PER_ADDRESS": "100000",
    "LLP_LOGIN_ATTEMPTS_PER_ADDRESS": "100000",
    "LLP_LOGIN_ATTEMPTS_PER_ACCOUNT": "100000",
}


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


class Sampler:
    """Reads VmRSS every 10 ms in a thread; keeps the highest."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, memory_kib(self.pid)["VmRSS"])
            time.sleep(0.01)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def wave(client: httpx.AsyncClient, calls: list[tuple[str, dict[str, str]]]) -> Any:
    """Release every call at once; count the answers by code, time the slowest."""
    start = asyncio.Event()

    async def one(query: str, variables: dict[str, str]) -> tuple[str, float]:
        await start.wait()
        began = time.monotonic()
        try:
            response = await client.post("/graphql", json={"query": query, "variables": variables})
        except httpx.HTTPError as exc:
            return type(exc).__name__, time.monotonic() - began
        elapsed = time.monotonic() - began
        if response.status_code >= 500:
            return f"HTTP {response.status_code}", elapsed
        errors = response.json().get("errors") or []
        return (errors[0]["extensions"]["code"] if errors else "OK"), elapsed

    tasks = [asyncio.create_task(one(q, v)) for q, v in calls]
    await asyncio.sleep(0.2)  # every request is waiting on the event
    start.set()
    results = await asyncio.gather(*tasks)
    return collections.Counter(code for code, _ in results), max(t for _, t in results)


async def flood(base_url: str, n: int) -> list[tuple[str, Any, float]]:
    distinct = [
        (SIGN_UP, {"e": f"flood{i}@mail.example", "p": PASSWORD, "n": "F"}) for i in range(n)
    ]
    same = [
        (
            SIGN_UP,
            {"e": "TWIN@mail.example" if i % 2 else "twin@mail.example", "p": PASSWORD, "n": "T"},
        )
        for i in range(n)
    ]
    logins = [
        (
            LOGIN,
            {
                "e": f"flood{i}@mail.example" if i % 4 < 3 else f"ghost{i}@mail.example",
                "p": PASSWORD if i % 4 < 2 else "a wrong password!",
            },
        )
        for i in range(n)
    ]
    report = []
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    for name, calls in (
        ("signUp, distinct emails", distinct),
        ("signUp, one email", same),
        ("login", logins),
    ):
        # Fresh connections for each wave: one left idle by the last wave may be closed
        # by the server's keep-alive timeout just as it is reused.
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=300) as client:
            codes, slowest = await wave(client, calls)
        report.append((name, codes, slowest))
    return report


async def warm_up(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        for query, variables in (
            (SIGN_UP, {"e": "warm@mail.example", "p": PASSWORD, "n": "W"}),
            (LOGIN, {"e": "warm@mail.example", "p": PASSWORD}),
        ):
            response = await client.post("/graphql", json={"query": query, "variables": variables})
            assert not response.json().get("errors"), response.text


def run(database_url: str, n: int, max_hashes: int | None) -> bool:
    migrate(database_url)
    env = dict(ROOMY)
    if max_hashes is not None:
        env["LLP_MAX_CONCURRENT_HASHES"] = str(max_hashes)
    server = Server(database_url, strong_secret(), env=env)
    try:
        server.wait_ready()
        pid = server.process.pid
        asyncio.run(warm_up(server.base_url))
        before = memory_kib(pid)["VmRSS"]
        with Sampler(pid) as sampler:
            began = time.monotonic()
            report = asyncio.run(flood(server.base_url, n))
            took = time.monotonic() - began
        after = memory_kib(pid)
    finally:
        server.stop()
    peak = max(sampler.peak, after["VmHWM"])
    growth_mib = (peak - before) / 1024
    per_email = [
        int(query_scalar(database_url, 'SELECT COUNT(*) FROM "user" WHERE email = $1', email) or 0)
        for email in [f"flood{i}@mail.example" for i in range(n)] + ["twin@mail.example"]
    ]
    # Anything but these is a failure: a 5xx, INTERNAL, a dropped connection.
    expected = {"OK", "CONFLICT", "UNAUTHENTICATED"}
    unexpected = sum(
        count for _, codes, _ in report for code, count in codes.items() if code not in expected
    )
    print(
        f"R15 hashing flood: {n} concurrent requests a wave, LLP_MAX_CONCURRENT_HASHES="
        f"{max_hashes if max_hashes is not None else 'default'}, {database_url.split('://')[0]}"
    )
    for name, codes, slowest in report:
        print(f"  {name:<24} {dict(sorted(codes.items()))}  slowest {slowest:.2f} s")
    print(
        f"  resident memory: {before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB "
        f"(sampled {sampler.peak / 1024:.0f}, VmHWM {after['VmHWM'] / 1024:.0f}), "
        f"growth {growth_mib:.0f} MiB (target <= {TARGET_MIB}); waves took {took:.1f} s"
    )
    print(
        f"  accounts per email: min {min(per_email)}, max {max(per_email)} "
        f"({len(per_email)} emails; target exactly 1); unexpected answers {unexpected}"
    )
    if unexpected:
        print("  server output (errors):")
        for line in server.lines:
            if "error" in line.lower() or "traceback" in line.lower():
                print("    " + line)
    return growth_mib <= TARGET_MIB and set(per_email) == {1} and unexpected == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--max-hashes", type=int, default=None)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if args.postgres:
        admin = postgres_admin_url()
        name = f"llp_hash_flood_{secrets.token_hex(4)}"
        url = asyncio.run(create_postgres_database(admin, name))
        try:
            ok = run(url, args.concurrency, args.max_hashes)
        finally:
            asyncio.run(drop_postgres_database(admin, name))
    else:
        with tempfile.TemporaryDirectory() as folder:
            ok = run(
                f"sqlite://{Path(folder) / 'flood.sqlite3'}", args.concurrency, args.max_hashes
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
