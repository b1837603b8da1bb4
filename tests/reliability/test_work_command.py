"""`llp-gql work`: queue workers in a process of their own (PostgreSQL deployments).

Given a reset mail queued in a fresh PostgreSQL database, the command delivers it
(to the embedded outbox) and stops cleanly on SIGTERM; on SQLite it refuses, since
a second process would lose writes there.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time

import pytest

from tests.reliability.processes import REPO, require_postgres

SEED = """
import asyncio
from tortoise import Tortoise
from llp_gql.db import migrate, tortoise_config
from llp_gql.domain import password_reset
from llp_gql.settings import Settings
from tests.factories import make_user

async def main():
    settings = Settings.from_env()
    await migrate(settings.database_url)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    await make_user("worker@mail.example")
    await password_reset.request_reset(
        "worker@mail.example", settings=settings, client_address="192.0.2.9"
    )
    await Tortoise.close_connections()

asyncio.run(main())
"""

COUNT = """
import asyncio
from tortoise import Tortoise
from llp_gql.db import tortoise_config
from llp_gql.models import OutboxMail
from llp_gql.settings import Settings

async def main():
    settings = Settings.from_env()
    await Tortoise.init(config=tortoise_config(settings.database_url))
    print(await OutboxMail.filter(recipient="worker@mail.example").count())
    await Tortoise.close_connections()

asyncio.run(main())
"""


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "LLP_ENV": "production",
        "LLP_DATABASE_URL": database_url,
        "LLP_SECRET_KEY": secrets.token_urlsafe(48),
        "LLP_PUBLIC_BASE_URL": "https://llp.example",
        "LLP_QUEUE_POLL_INTERVAL_SECONDS": "0.2",
        "PYTHONPATH": str(REPO),
    }


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.processes
def test_work_delivers_queued_mail_and_stops_on_sigterm() -> None:
    admin_url = require_postgres()
    sys.path.insert(0, str(REPO / "scripts" / "reliability"))
    from _common import create_postgres_database, drop_postgres_database

    name = f"llp_work_{os.getpid()}"
    database_url = asyncio.run(create_postgres_database(admin_url, name))
    try:
        env = _env(database_url)
        _python(SEED, env)
        assert _python(COUNT, env) == "0"  # queued, not delivered
        worker = subprocess.Popen(
            [sys.executable, "-m", "llp_portal.cli", "work"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while _python(COUNT, env) != "1":
                assert worker.poll() is None, worker.communicate()
                assert time.monotonic() < deadline, "the mail was not delivered"
                time.sleep(0.5)
        finally:
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        assert "queue worker(s) running" in out
    finally:
        asyncio.run(drop_postgres_database(admin_url, name))


def test_work_refuses_sqlite() -> None:
    env = {
        **os.environ,
        "LLP_ENV": "dev",
        "LLP_DATABASE_URL": "sqlite://:memory:",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, "-m", "llp_portal.cli", "work"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "on SQLite the server runs the queue itself" in done.stderr
