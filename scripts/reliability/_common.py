"""What the reliability scripts share: databases, a seeded learner, a real uvicorn server.

Run the scripts from anywhere; they put the repository on ``sys.path`` (and on the
server's ``PYTHONPATH``), so an uninstalled checkout works.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
COMPLETE = """mutation($e: ID!, $l: ID!) { completeLesson(enrollmentId: $e, lessonId: $l) {
  lessonProgress { status } enrollment { status certificate { id } } } }"""


def postgres_admin_url() -> str:
    """A URL to the server's maintenance database (``postgres``)."""
    url = os.environ.get("LLP_RACE_POSTGRES_URL") or os.environ.get("LLP_TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return DEFAULT_POSTGRES
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def with_database(admin_url: str, name: str) -> str:
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def postgres_reachable(admin_url: str | None = None) -> bool:
    parts = urlsplit(admin_url or postgres_admin_url())
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2):
            pass
    except OSError:
        return False

    async def probe() -> bool:
        import asyncpg

        try:
            connection = await asyncpg.connect(admin_url or postgres_admin_url(), timeout=5)
        except Exception:
            return False
        await connection.close()
        return True

    return asyncio.run(probe())


async def create_postgres_database(admin_url: str, name: str) -> str:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database(admin_url, name)


async def drop_postgres_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def strong_secret() -> str:
    return secrets.token_urlsafe(48)


def migrate(database_url: str) -> None:
    from llp_gql.db import migrate as run

    asyncio.run(run(database_url))


@dataclass
class Seed:
    """One individual learner enrolled in a course whose last lesson is ready to complete."""

    token: str
    enrollment_id: int
    enrollment_gid: str
    last_lesson_gid: str
    reading_gid: str
    course_id: int
    extra: dict[str, object] = field(default_factory=dict)


def seed(database_url: str, secret: str, *, email: str = "racer@mail.example") -> Seed:
    """A published course (reading, activity), its learner, the reading done."""

    async def run() -> Seed:
        from tortoise import Tortoise

        from llp_gql.db import tortoise_config
        from llp_gql.domain import accounts, auth, enrollments, progress
        from llp_gql.domain.clock import utcnow
        from llp_gql.models import Course, CourseStatus, Lesson, LessonKind
        from llp_gql.schema.ids import encode_id
        from llp_gql.settings import Settings

        settings = Settings(database_url=database_url, secret_key=secret)
        await Tortoise.init(config=tortoise_config(database_url))
        try:
            user = await accounts.sign_up(
                email,
                "a long enough password",
                "Rae Racer",
                settings=settings,
                client_address=None,
            )
            course = await Course.create(
                title="Racing", description="Two lessons", status=CourseStatus.PUBLISHED
            )
            reading = await Lesson.create(
                course=course, position=1, kind=LessonKind.READING, title="Read", body="Text"
            )
            activity = await Lesson.create(
                course=course, position=2, kind=LessonKind.ACTIVITY, title="Do", body="Do it"
            )
            enrollment = await enrollments.enroll_self(user, course.id)
            await progress.complete_lesson(
                user, enrollment.id, reading.id, settings=settings, clock=utcnow
            )
            issued = await auth.issue_token(user, settings=settings)
            return Seed(
                token=issued.token,
                enrollment_id=enrollment.id,
                enrollment_gid=encode_id("Enrollment", enrollment.id),
                last_lesson_gid=encode_id("Lesson", activity.id),
                reading_gid=encode_id("Lesson", reading.id),
                course_id=course.id,
            )
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())


def query_scalar(database_url: str, sql: str, *params: object) -> object:
    """One value from the database, outside the server (sqlite3 or asyncpg)."""
    if database_url.startswith("sqlite://"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite://"))) as db:
            row = db.execute(sql.replace("$1", "?").replace("$2", "?"), params).fetchone()
            return row[0] if row else None

    async def run() -> object:
        import asyncpg

        connection = await asyncpg.connect(database_url)
        try:
            return await connection.fetchval(sql, *params)
        finally:
            await connection.close()

    return asyncio.run(run())


class Server:
    """``uvicorn llp_portal.asgi:app`` in a subprocess, its output collected in a thread."""

    def __init__(
        self,
        database_url: str,
        secret: str,
        *,
        workers: int = 1,
        app: str = "llp_portal.asgi:app",
        extra_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.lines: list[str] = []
        environment = {
            **os.environ,
            "LLP_DATABASE_URL": database_url,
            "LLP_SECRET_KEY": secret,
            "LLP_ENV": "production",
            "LLP_PUBLIC_BASE_URL": self.base_url,
            # The suites send many anonymous and refused requests from one address (the
            # graphql-http audit, schemathesis); R14 sets its own.
            "LLP_ANONYMOUS_QUERIES_PER_ADDRESS": "100000000",
            "LLP_REFUSED_QUERIES_PER_CALLER": "100000000",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            **(env or {}),
        }
        # LLP_SERVER_CPUS pins the server to those cores (taskset), so that load
        # generated on this machine runs on the others, as a remote client's would.
        pinned = os.environ.get("LLP_SERVER_CPUS")
        command = [
            *(["taskset", "-c", pinned] if pinned else []),
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--no-access-log",  # uvicorn's access log prints query strings (download tokens)
            *extra_args,
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed module
            command,
            cwd=REPO,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_ready(self, timeout: float = 60) -> None:
        """Until every worker finished start-up and /readyz answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited ({self.process.returncode}):\n" + self.output()
                )
            started = sum("Application startup complete" in line for line in self.lines)
            if started >= self.workers:
                try:
                    if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
            time.sleep(0.1)
        raise TimeoutError("the server did not become ready:\n" + self.output())

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        return self.process.returncode


DEMO_ROLES = {
    "staff": "staff@llp.example",
    "admin": "admin@acme.example",
    "employee": "olivia@acme.example",
    "individual": "sam@mail.example",
}


def demo_world(database_url: str, secret: str) -> dict[str, str]:
    """Seed the demo world (llp_gql.demo) and return an API token per role."""
    from llp_gql.demo import seed_demo
    from llp_gql.settings import Settings

    settings = Settings(mode="demo", database_url=database_url, secret_key=secret)
    asyncio.run(seed_demo(settings))

    async def tokens() -> dict[str, str]:
        from tortoise import Tortoise

        from llp_gql.db import tortoise_config
        from llp_gql.domain import auth
        from llp_gql.models import User

        await Tortoise.init(config=tortoise_config(database_url))
        try:
            found = {}
            for role, email in DEMO_ROLES.items():
                user = await User.get(email=email)
                found[role] = (await auth.issue_token(user, settings=settings)).token
            return found
        finally:
            await Tortoise.close_connections()

    return asyncio.run(tokens())
