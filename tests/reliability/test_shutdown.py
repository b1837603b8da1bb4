"""Graceful shutdown: on SIGTERM, ``llp-gql serve`` finishes the requests in flight.

The real CLI serves a migrated SQLite file in production mode; a GraphQL request made
slow on purpose (2 s, see slow_serve.py) is in flight when SIGTERM arrives. It must
complete with 200 and its data, new connections must be refused, and the process must
end within uvicorn's graceful-shutdown timeout (20 s, llp_portal/cli.py) after a clean
application shutdown.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from llp_gql.db import migrate

REPO = Path(__file__).resolve().parents[2]
GRACE_SECONDS = 20  # timeout_graceful_shutdown in llp_portal/cli.py


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def wait_for(predicate: Callable[[], bool], seconds: float) -> None:
    """Poll (the server's log file) until ``predicate`` holds."""
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError


@pytest.mark.slow
async def test_sigterm_lets_requests_in_flight_finish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = f"sqlite://{tmp_path / 'shutdown.sqlite3'}"
    await migrate(database_url)
    port = free_port()
    env = {
        **os.environ,
        "LLP_ENV": "production",
        "LLP_SECRET_KEY": secrets.token_urlsafe(48),
        "LLP_DATABASE_URL": database_url,
        "LLP_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: ASYNC220 - starts and returns at once
            [sys.executable, "-m", "tests.reliability.slow_serve", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_for(lambda: "Application startup complete" in log.read_text(), 30)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            slow = asyncio.create_task(
                client.post(
                    "/graphql",
                    json={"query": "{ courses { totalCount } }"},
                    headers={"x-test-delay": "2"},
                )
            )
            await asyncio.sleep(0.7)  # the request is inside the app, sleeping
            assert not slow.done()
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            await wait_for(lambda: "Shutting down" in log.read_text(), 5)
            # No new connections once shutting down.
            with pytest.raises(httpx.ConnectError):
                async with httpx.AsyncClient(base_url=base, timeout=2) as fresh:
                    await fresh.get("/healthz")
            response = await slow
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"courses": {"totalCount": 0}}}
        code = await asyncio.to_thread(process.wait, GRACE_SECONDS + 5)
        elapsed = time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text()
    with capsys.disabled():
        print(
            f"\nShutdown: in-flight request {response.status_code} after SIGTERM; "
            f"exit status {code} after {elapsed:.1f} s (limit {GRACE_SECONDS} s)"
        )
    assert elapsed < GRACE_SECONDS, elapsed
    assert "Application shutdown complete" in text, text
    assert "Cancel" not in text, text
    assert "Traceback" not in text, text
    # uvicorn re-raises the signal it caught once the shutdown is done, so a clean stop
    # ends "killed by SIGTERM" (what init systems expect); any other status is a crash.
    assert code in (0, -signal.SIGTERM), (code, text)
