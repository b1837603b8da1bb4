"""Request logs from every worker, without tokens, however the server is started.

``llp-gql serve --workers 2`` once wrote no request log at all: logging was set up in
the parent process only, and workers are fresh processes. A plain
``uvicorn llp_portal.asgi:app`` printed uvicorn's access log instead, query strings
(download tokens) included. Both are started here as users start them and must
log one line per request, without the token sent in the query string or header.

``llp-gql serve --workers 2`` needs PostgreSQL (it refuses SQLite); it is skipped only
when PostgreSQL is unreachable and LLP_REQUIRE_POSTGRES is unset. The plain uvicorn
run uses SQLite and always runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts" / "reliability"
sys.path.insert(0, str(SCRIPTS))

from _common import (  # noqa: E402
    create_postgres_database,
    drop_postgres_database,
    free_port,
    migrate,
    strong_secret,
)

from tests.reliability.processes import require_postgres  # noqa: E402

REQUESTS = 12


class Running:
    """A server subprocess whose output (stdout and stderr) is collected."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_ready(self, workers: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "\n".join(self.lines)
            started = sum("Application startup complete" in line for line in self.lines)
            if started >= workers:
                return
            time.sleep(0.2)
        raise TimeoutError("\n".join(self.lines))

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(5)
        return "\n".join(self.lines)


def exercise(base_url: str, secret: str) -> None:
    """Requests carrying ``secret`` where tokens travel: query string and header."""
    for i in range(REQUESTS):
        # A new connection each time, so that both workers get some.
        with httpx.Client(base_url=base_url, timeout=30) as client:
            if i % 3 == 0:
                response = client.get(f"/certificates/{i + 1}/download", params={"token": secret})
                assert response.status_code == 403
            elif i % 3 == 1:
                response = client.get(
                    "/graphql", params={"token": secret}, headers={"Accept": "text/html"}
                )
                assert response.status_code == 200
            else:
                response = client.post(
                    "/graphql",
                    json={"query": "{ __typename }"},
                    headers={"Authorization": f"Bearer {secret}"},
                )
                assert response.status_code == 200


def request_lines(output: str) -> list[dict[str, object]]:
    found = []
    for line in output.splitlines():
        if line.startswith("{") and '"request_id"' in line:
            record = json.loads(line)
            if str(record["path"]).startswith(("/certificates/", "/graphql")):
                found.append(record)
    return found


def check(output: str, secret: str) -> None:
    lines = request_lines(output)
    assert len(lines) == REQUESTS, output
    assert {line["status"] for line in lines} == {200, 403}
    assert secret not in output
    assert secret[:20] not in output


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin_url = require_postgres()
    name = f"llp_log_workers_{secrets.token_hex(4)}"
    url = asyncio.run(create_postgres_database(admin_url, name))
    try:
        migrate(url)
        yield url
    finally:
        asyncio.run(drop_postgres_database(admin_url, name))


@pytest.mark.slow
@pytest.mark.processes
def test_llp_gql_serve_with_two_workers_logs_every_request(postgres_url: str) -> None:
    port = free_port()
    secret = "TOKEN" + secrets.token_urlsafe(40)
    server = Running(
        [sys.executable, "-m", "llp_portal.cli", "serve", "--workers", "2", "--port", str(port)],
        {
            "LLP_ENV": "production",
            "LLP_DATABASE_URL": postgres_url,
            "LLP_SECRET_KEY": strong_secret(),
            "LLP_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        },
        port,
    )
    try:
        server.wait_ready(workers=2)
        exercise(server.base_url, secret)
    finally:
        output = server.stop()
    check(output, secret)


@pytest.mark.slow
@pytest.mark.processes
def test_plain_uvicorn_with_two_workers_logs_every_request(tmp_path: Path) -> None:
    database_url = f"sqlite://{tmp_path / 'log.sqlite3'}"
    migrate(database_url)
    port = free_port()
    secret = "TOKEN" + secrets.token_urlsafe(40)
    # uvicorn's defaults otherwise: its access log is on unless the app turns it off.
    server = Running(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "llp_portal.asgi:app",
            "--workers",
            "2",
            "--port",
            str(port),
            "--no-proxy-headers",
        ],
        {
            "LLP_ENV": "production",
            "LLP_DATABASE_URL": database_url,
            "LLP_SECRET_KEY": strong_secret(),
            "LLP_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "LLP_ANONYMOUS_QUERIES_PER_ADDRESS": "1000",
        },
        port,
    )
    try:
        server.wait_ready(workers=2)
        exercise(server.base_url, secret)
    finally:
        output = server.stop()
    check(output, secret)
