"""R6: PostgreSQL stopped for 10 s under write load, then started again.

A real ``uvicorn llp_portal.asgi:app`` (1 worker, production mode) on a scratch PostgreSQL
database; several client loops send ``signUp`` mutations (each a new user row) with a
15 s client timeout; half of the loops also send a valid bearer token (its look-up is
the request's first database query, in the authentication middleware). After a warm-up
the cluster is stopped (``pg_ctlcluster --skip-systemctl-redirect <version> main stop
-m fast``), kept down for 10 s while the load goes on, then started. Measured:

- acknowledged writes lost: answers 200 with a token and no error, whose user row is
  missing afterwards;
- hung requests: no answer within 15 s;
- raw 500s, and 503s with ``extensions.code`` SERVICE_UNAVAILABLE;
- any other answer during the outage (GraphQL errors inside a 200 included), printed;
- seconds to recover: from the moment PostgreSQL accepts connections again (pg_isready)
  to the first acknowledged write.

    python scripts/reliability/outage.py [--down 10] [--clients 8]

THIS STOPS THE SHARED POSTGRESQL SERVER. Run it by hand only, never inside the test
suite. PostgreSQL is always started again (try/finally), also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
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
    seed,
    strong_secret,
)

SIGN_UP = """mutation($e: String!, $p: String!, $n: String!) {
  signUp(email: $e, password: $p, name: $n) { token user { id } } }"""
CLIENT_TIMEOUT = 15.0


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    if not versions:
        raise SystemExit("no PostgreSQL cluster under /etc/postgresql")
    return versions[-1]


def pg_ctl(action: str) -> None:
    command = [
        shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster",
        "--skip-systemctl-redirect",
        cluster_version(),
        "main",
        action,
    ]
    if action == "stop":
        command += ["-m", "fast"]  # disconnect the server's pooled connections at once
    subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 - fixed argv


def pg_ready() -> bool:
    command = [shutil.which("pg_isready") or "/usr/bin/pg_isready", "-h", "127.0.0.1", "-q"]
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603 - fixed argv


def ensure_started() -> None:
    if not pg_ready():
        try:
            pg_ctl("start")
        except subprocess.CalledProcessError as exc:
            print(f"pg_ctlcluster start failed: {exc.stderr}", file=sys.stderr)
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(0.5)
    print("WARNING: PostgreSQL is still not ready", file=sys.stderr)


@dataclass
class Outcome:
    at: float
    kind: str  # ok | 503 | raw500 | hung | error | other
    email: str
    detail: str = ""


@dataclass
class Load:
    base_url: str
    token: str
    outcomes: list[Outcome] = field(default_factory=list)
    running: bool = True

    async def client_loop(self, number: int) -> None:
        timeout = httpx.Timeout(CLIENT_TIMEOUT)
        headers = {"Authorization": f"Bearer {self.token}"} if number % 2 else {}
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, headers=headers
        ) as client:
            sequence = 0
            while self.running:
                sequence += 1
                email = f"load-{number}-{sequence}-{secrets.token_hex(3)}@mail.example"
                self.outcomes.append(await self.one(client, email))
                await asyncio.sleep(0.05)

    async def one(self, client: httpx.AsyncClient, email: str) -> Outcome:
        variables = {"e": email, "p": "a long enough password", "n": "Load Tester"}
        try:
            response = await client.post(
                "/graphql", json={"query": SIGN_UP, "variables": variables}
            )
        except httpx.TimeoutException:
            return Outcome(time.monotonic(), "hung", email)
        except httpx.HTTPError as exc:
            return Outcome(time.monotonic(), "error", email, type(exc).__name__)
        now = time.monotonic()
        who = "with token" if "authorization" in client.headers else "anonymous"
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        codes = (
            [
                (error.get("extensions") or {}).get("code")
                for error in (body or {}).get("errors") or []
            ]
            if isinstance(body, dict)
            else []
        )
        detail = f"({who}) {response.status_code} {response.text[:300]}"
        if response.status_code == 200 and not codes and body and body.get("data"):
            return Outcome(now, "ok", email)
        if response.status_code == 503 and codes == ["SERVICE_UNAVAILABLE"]:
            return Outcome(now, "503", email, detail)
        if response.status_code >= 500:
            return Outcome(now, "raw500", email, detail)
        return Outcome(now, "other", email, detail)


async def run_load(
    base_url: str, token: str, clients: int, warmup: float, down: float, after: float
) -> tuple[Load, float, float, float]:
    load = Load(base_url, token)
    tasks = [asyncio.create_task(load.client_loop(i)) for i in range(clients)]
    await asyncio.sleep(warmup)
    stopped_at = time.monotonic()
    await asyncio.to_thread(pg_ctl, "stop")
    print(f"  PostgreSQL stopped ({time.monotonic() - stopped_at:.1f} s)")
    await asyncio.sleep(down)
    starting = time.monotonic()
    start = asyncio.create_task(asyncio.to_thread(pg_ctl, "start"))
    for _ in range(1200):  # PostgreSQL is ready before pg_ctlcluster returns
        if await asyncio.to_thread(pg_ready):
            break
        await asyncio.sleep(0.1)
    started_at = time.monotonic()
    await start
    print(
        f"  PostgreSQL accepting connections {started_at - starting:.1f} s after start "
        f"(pg_ctlcluster returned after {time.monotonic() - starting:.1f} s); "
        f"{started_at - stopped_at:.1f} s from stop to ready"
    )
    await asyncio.sleep(after)
    load.running = False
    await asyncio.gather(*tasks)
    return load, stopped_at, started_at, time.monotonic()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--down", type=float, default=10.0, help="seconds PostgreSQL is down")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client loops")
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--after", type=float, default=12.0, help="seconds of load after start")
    parser.add_argument("--server-log", type=Path, help="write the server's output here")
    args = parser.parse_args(argv)

    admin_url = postgres_admin_url()
    name = f"llp_outage_{secrets.token_hex(4)}"
    server: Server | None = None
    try:
        url = asyncio.run(create_postgres_database(admin_url, name))
        migrate(url)
        secret = strong_secret()
        seeded = seed(url, secret)
        server = Server(url, secret, workers=1)
        server.wait_ready()
        load, stopped_at, started_at, _ended_at = asyncio.run(
            run_load(
                server.base_url, seeded.token, args.clients, args.warmup, args.down, args.after
            )
        )
    finally:
        ensure_started()  # whatever happened above, PostgreSQL runs again
        exit_code = server.stop() if server else None

    acknowledged = [o.email for o in load.outcomes if o.kind == "ok"]
    present = 0
    for email in acknowledged:
        present += int(
            bool(query_scalar(url, 'SELECT COUNT(*) FROM "user" WHERE email = $1', email))
        )
    asyncio.run(drop_postgres_database(admin_url, name))
    lost = len(acknowledged) - present
    kinds = collections.Counter(o.kind for o in load.outcomes)
    during = collections.Counter(o.kind for o in load.outcomes if stopped_at <= o.at <= started_at)
    recovered = [o.at for o in load.outcomes if o.kind == "ok" and o.at > started_at]
    recovery = (min(recovered) - started_at) if recovered else float("inf")
    failures_after = [
        o for o in load.outcomes if o.kind != "ok" and recovered and o.at > min(recovered)
    ]

    print(
        f"  requests: {len(load.outcomes)} ({dict(kinds)}); during the outage: "
        f"{dict(during)}; acknowledged writes: {len(acknowledged)}, rows found: {present}"
    )
    print(f"  server exit status: {exit_code}; failures after recovery: {len(failures_after)}")
    unexpected = [o for o in load.outcomes if o.kind in ("other", "raw500", "error")]
    if unexpected:
        print("  answers other than 200 or a clean 503 (first 10 of each kind):")
        seen: collections.Counter[str] = collections.Counter()
        for outcome in unexpected:
            key = outcome.kind + outcome.detail[:75]
            seen[key] += 1
            if seen[key] <= 1:
                print(f"    [{outcome.kind}] at +{outcome.at - stopped_at:.1f} s: {outcome.detail}")
        print("    counts: " + ", ".join(f"{k[:90]!r}: {v}" for k, v in seen.most_common(10)))
    lines = server.lines if server else []
    if args.server_log:
        args.server_log.write_text("\n".join(lines) + "\n")
    raised = collections.Counter(
        line.split(":", 1)[0]
        for line in lines
        if line
        and not line.startswith((" ", "Traceback", "INFO", "The above", "During"))
        and ("Error" in line.split(":", 1)[0] or "Exception" in line.split(":", 1)[0])
    )
    if raised:
        print(
            "  exceptions in the server log: "
            + ", ".join(f"{name} x{count}" for name, count in raised.most_common(8))
        )
    log_errors = [line for line in lines if "Traceback" in line]
    print(f"  server log: {len(server.lines) if server else 0} lines, {len(log_errors)} tracebacks")
    print(
        f"R6: lost {lost}, hung {kinds['hung']}, raw 500 {kinds['raw500']}, "
        f"503s {kinds['503']}, recovery {recovery:.1f} s "
        f"(other answers {kinds['other']}, connection errors {kinds['error']})"
    )
    ok = lost == 0 and kinds["hung"] == 0 and kinds["raw500"] == 0 and recovery < 5
    return 0 if ok and not kinds["other"] else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
