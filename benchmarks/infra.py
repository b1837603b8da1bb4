"""Databases and server processes for the harness."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import httpx

from benchmarks.load import pin

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "LLP_BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# Another checkout's harness on the same PostgreSQL drops llp_bench: give yours another name.
PG_DATABASE = os.environ.get("LLP_BENCH_PG_DATABASE", "llp_bench")
if not PG_DATABASE.replace("_", "").isalnum():
    raise SystemExit(f"LLP_BENCH_PG_DATABASE must be letters, digits and _: {PG_DATABASE!r}")


def pg_url() -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{PG_DATABASE}"


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_database(kind: str, workdir: Path) -> str:
    """A fresh, empty database; returns its URL."""
    if kind == "sqlite":
        return f"sqlite://{workdir / 'bench.sqlite3'}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
    asyncio.run(_pg_admin(f"CREATE DATABASE {PG_DATABASE}"))
    return pg_url()


def drop_database(kind: str) -> None:
    if kind == "postgres":
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def scalar(url: str, sql: str) -> Any:
    """One value from the database, outside the server (for the harness's checks)."""
    if url.startswith("sqlite://"):
        connection = sqlite3.connect(url.removeprefix("sqlite://"), timeout=30)
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()

    async def run() -> Any:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    return asyncio.run(run())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def proc_status(pid: int | str) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process (or "self"), in KiB."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
    return values


def reset_peak(pid: int | str) -> bool:
    """Reset VmHWM to the current RSS (Linux ``clear_refs`` 5); False when not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


SERVER_KINDS = ("uvicorn", "uvicorn-nodelay", "granian")


def granian_version() -> str | None:
    """The installed granian's version (the ``bench`` extra), or None."""
    try:
        from importlib.metadata import version

        return version("granian")
    except Exception:
        return None


class Server:
    """An ASGI server in a subprocess, as users run it, with settings from the environment.

    ``kind``: ``uvicorn`` (its command line, as ``llp-gql serve`` runs it),
    ``uvicorn-nodelay`` (the same through ``benchmarks.uvicorn_nodelay``: the listening
    socket of ``--workers N`` made as ``IPPROTO_TCP``, Kludex/uvicorn#3149) or ``granian``
    (``granian --interface asgi``; the ``bench`` extra installs it).
    """

    def __init__(
        self,
        app: str,
        database_url: str,
        secret: str,
        *,
        core: int | None,
        workers: int = 1,
        kind: str = "uvicorn",
        extra_env: dict[str, str] | None = None,
        log: Path | None = None,
        repo: Path = REPO,
        wait: bool = True,
    ) -> None:
        """``repo``: the checkout to import the app from (another one for before/after runs);
        ``wait=False``: return at once, call ``wait_ready`` later (servers starting together).
        """
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "LLP_ENV": "production",
            "LLP_DATABASE_URL": database_url,
            "LLP_SECRET_KEY": secret,
            "LLP_PUBLIC_BASE_URL": "https://llp.example",
            # wrk sends thousands of anonymous requests a minute from one address; the
            # throttle's database write is still measured, its 429s would not be.
            "LLP_ANONYMOUS_QUERIES_PER_ADDRESS": "100000000",
            "PYTHONPATH": str(repo),
            **(extra_env or {}),
        }
        if kind not in SERVER_KINDS:
            raise ValueError(f"unknown server kind {kind!r}")
        self.kind = kind
        self.workers = workers
        if kind == "granian":
            argv = [sys.executable, "-m", "granian", "--interface", "asgi"]
            argv += ["--host", "127.0.0.1", "--port", str(self.port)]
            argv += ["--workers", str(workers), "--no-ws", "--log-level", "warning"]
            argv += ["--no-access-log", app]
        else:
            module = "uvicorn" if kind == "uvicorn" else "benchmarks.uvicorn_nodelay"
            argv = [sys.executable, "-m", module, app, "--host", "127.0.0.1"]
            argv += ["--port", str(self.port), "--no-access-log", "--log-level", "warning"]
            # As llp-gql serve runs it: the app reads forwarded headers itself.
            argv += ["--no-proxy-headers"]
            if workers > 1:
                argv += ["--workers", str(workers)]
        self._log: IO[bytes] | int = (
            open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        )
        self.process = subprocess.Popen(
            [*pin(core), *argv],
            cwd=repo,
            env=env,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        if wait:
            self.wait_ready()

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not become ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            # Its own session: the signal reaches the server and its worker processes only.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not isinstance(self._log, int):
            self._log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
