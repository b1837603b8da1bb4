"""R17: the mail queue with SMTP down, two workers draining, and a restart mid-send.

Against a scratch PostgreSQL database, two real servers (``uvicorn llp_portal.asgi:app``,
production mode, one queue worker each) share the queue; a real SMTP server
(aiosmtpd, in this process) counts what it accepts by Message-ID and takes
``--send-delay`` seconds per message, so that sends are in flight when a server stops.

1. The SMTP server is down (its port refuses connections).
2. ``--mails`` people ask for a password reset through the API, spread over both servers.
3. After ``--down`` seconds (30 for R17) the SMTP server comes up.
4. Once some mails have arrived, one server is restarted mid-send (SIGTERM, then a new
   one; ``--kill`` sends SIGKILL instead, which no process survives gracefully).
5. When every job is DONE (or ``--timeout`` passes), the figures:

- mails lost: reset links in the database whose mail the SMTP server never accepted;
- mails sent twice: accepted copies beyond the first of each Message-ID.

    python scripts/reliability/mail_queue.py [--down 30] [--mails 60] [--kill]

Prints ``R17: mails lost: L; mails sent twice: T (...)`` and exits 1 unless both are 0.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import secrets
import signal
import sys
import threading
import time
from typing import Any

import httpx
from _common import (
    Server,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    migrate,
    postgres_admin_url,
    query_scalar,
    strong_secret,
)
from aiosmtpd.controller import Controller

REQUEST = "mutation($e: String!) { requestPasswordReset(email: $e) }"


class CountingInbox:
    """Counts accepted messages by Message-ID; each takes ``delay`` seconds to accept."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        message_id = ""
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                message_id = line.split(":", 1)[1].strip()
                break
        with self.lock:
            self.counts[message_id] += 1
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


def seed_people(database_url: str, count: int) -> list[str]:
    async def run() -> list[str]:
        from tortoise import Tortoise

        from llp_gql.db import tortoise_config
        from llp_gql.domain.passwords import hash_password
        from llp_gql.models import AccountType, User

        await Tortoise.init(config=tortoise_config(database_url))
        try:
            password_hash = hash_password("a long enough password")
            emails = [f"person{n}@mail.example" for n in range(count)]
            await User.bulk_create(
                [
                    User(
                        email=email,
                        name=f"Person {n}",
                        password_hash=password_hash,
                        account_type=AccountType.INDIVIDUAL,
                    )
                    for n, email in enumerate(emails)
                ]
            )
            return emails
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())


def expected_message_ids(database_url: str) -> set[str]:
    """The Message-ID each reset link's mail must carry (derived from its job key: the
    key of the ``password_reset.request`` job that made the link)."""

    async def run() -> set[str]:
        import asyncpg

        from llp_gql.mail.transport import message_id_for
        from llp_gql.settings import Settings

        connection = await asyncpg.connect(database_url)
        try:
            rows = await connection.fetch(
                "SELECT id FROM job WHERE kind = 'password_reset.request'"
            )
            links = await connection.fetchval("SELECT count(*) FROM password_reset_token")
        finally:
            await connection.close()
        # Every request here is for an account under its hourly cap: one link each.
        assert links == len(rows), f"{links} links for {len(rows)} requests"
        settings = Settings(mail_from="LLP <no-reply@llp.example>")
        return {message_id_for(f"mail:password-reset:{row['id']}", settings) for row in rows}

    return asyncio.run(run())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--down", type=float, default=30.0, help="seconds SMTP stays down")
    parser.add_argument("--mails", type=int, default=60)
    parser.add_argument("--send-delay", type=float, default=0.1)
    parser.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGTERM")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()

    admin_url = postgres_admin_url()
    name = f"llp_r17_{secrets.token_hex(4)}"
    database_url = asyncio.run(create_postgres_database(admin_url, name))
    secret = strong_secret()
    smtp_port = free_port()
    inbox = CountingInbox(args.send_delay)
    env = {
        "LLP_SMTP_HOST": "127.0.0.1",
        "LLP_SMTP_PORT": str(smtp_port),
        "LLP_SMTP_TLS": "none",
        "LLP_SMTP_TIMEOUT_SECONDS": "5",
        "LLP_MAIL_FROM": "LLP <no-reply@llp.example>",
        "LLP_QUEUE_POLL_INTERVAL_SECONDS": "0.2",
        "LLP_QUEUE_BACKOFF_SECONDS": "1",
        "LLP_QUEUE_BACKOFF_MAX_SECONDS": "4",
        "LLP_QUEUE_MAX_ATTEMPTS": "100",
        "LLP_QUEUE_LEASE_SECONDS": "20",
        "LLP_RESET_REQUESTS_PER_ADDRESS": "100000",
    }
    servers: list[Server] = []
    controller: Controller | None = None
    restarted = "no"
    try:
        migrate(database_url)
        emails = seed_people(database_url, args.mails)
        servers = [Server(database_url, secret, env=env) for _ in range(2)]
        for server in servers:
            server.wait_ready()
        # 1-2. SMTP down; the requests come in through both servers.
        started = time.monotonic()
        with httpx.Client(timeout=30) as client:
            for n, email in enumerate(emails):
                response = client.post(
                    f"{servers[n % 2].base_url}/graphql",
                    json={"query": REQUEST, "variables": {"e": email}},
                )
                assert response.json() == {"data": {"requestPasswordReset": True}}, response.text
        # 3. Up after --down seconds.
        time.sleep(max(0.0, args.down - (time.monotonic() - started)))
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        # 4. A restart mid-send, once a fifth of the mails went out.
        deadline = time.monotonic() + args.timeout
        while inbox.total() < max(1, args.mails // 5) and time.monotonic() < deadline:
            time.sleep(0.02)
        old = servers[0]
        if args.kill:
            old.process.send_signal(signal.SIGKILL)
            old.process.wait()
            restarted = f"SIGKILL after {inbox.total()} mails"
        else:
            old.stop()
            restarted = f"SIGTERM after {inbox.total()} mails"
        servers[0] = Server(database_url, secret, env=env)
        servers[0].wait_ready()
        # 5. Until every job is done.
        while time.monotonic() < deadline:
            pending = query_scalar(database_url, "SELECT count(*) FROM job WHERE state <> 'DONE'")
            if pending == 0:
                break
            time.sleep(0.5)
        time.sleep(1.0)  # a late duplicate would arrive now
        expected = expected_message_ids(database_url)
        with inbox.lock:
            counts = dict(inbox.counts)
        lost = len(expected - set(counts))
        twice = sum(count - 1 for count in counts.values() if count > 1)
        unknown = len(set(counts) - expected)
        pending = query_scalar(database_url, "SELECT count(*) FROM job WHERE state <> 'DONE'")
        print(
            f"R17: mails lost: {lost}; mails sent twice: {twice} "
            f"({len(expected)} mails, SMTP down {args.down:g} s, 2 workers, restart mid-send: "
            f"{restarted}; jobs not done: {pending}; unexpected mails: {unknown})"
        )
        return 0 if lost == 0 and twice == 0 and unknown == 0 else 1
    finally:
        for server in servers:
            server.stop()
        if controller is not None:
            controller.stop()
        asyncio.run(drop_postgres_database(admin_url, name))


if __name__ == "__main__":
    sys.exit(main())
