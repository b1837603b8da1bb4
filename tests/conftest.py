"""Fixtures shared by every test: a fresh database per test, a world of roles, a clock.

SQLite in memory by default; PostgreSQL when LLP_TEST_DATABASE_URL is set:
- with ``{}`` in the database name, every test gets a database of its own
  (created and dropped around it);
- without, the named database is created once per session and emptied before
  each test (every row deleted, every id sequence restarted), which is just as
  fresh and much faster than creating a database per test; CI uses this.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import generate_config
from tortoise.context import TortoiseContext, tortoise_test_context

from llp_gql.db import MODEL_MODULES, reset_query_caches
from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import World, build_world

TEST_DATABASE_URL = os.environ.get("LLP_TEST_DATABASE_URL", "sqlite://:memory:")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres", "asyncpg"))
# Under pytest-xdist (scripts/test.sh runs two workers), each worker empties its own
# database: the worker's id is appended to the name.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if ON_POSTGRES and _WORKER and "{}" not in TEST_DATABASE_URL:
    _base, _, _query = TEST_DATABASE_URL.partition("?")
    TEST_DATABASE_URL = f"{_base}_{_WORKER}" + (f"?{_query}" if _query else "")


PER_TEST_DATABASES = not ON_POSTGRES or "{}" in TEST_DATABASE_URL
_session_schema: dict[str, object] = {"ready": False}


async def _admin_execute(statement: str) -> None:
    import asyncpg

    base = TEST_DATABASE_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    connection = await asyncpg.connect(base + "/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _session_database() -> str:
    return TEST_DATABASE_URL.rsplit("/", 1)[1].split("?", 1)[0]


@pytest.fixture(scope="session", autouse=True)
def _drop_session_database() -> Iterator[None]:
    yield
    if not PER_TEST_DATABASES and _session_schema["ready"]:
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{_session_database()}" WITH (FORCE)'))


@asynccontextmanager
async def fresh_database() -> AsyncIterator[TortoiseContext]:
    """A Tortoise context on an empty database with the current schema."""
    reset_query_caches()  # a test may have met another database in this process
    if PER_TEST_DATABASES:
        async with tortoise_test_context(MODEL_MODULES, db_url=TEST_DATABASE_URL) as ctx:
            yield ctx
            if ON_POSTGRES:
                # Drop this test's own database, or thousands pile up on the server.
                await ctx.connections.close_all(discard=False)
                for connection in ctx.connections.all():
                    await connection.db_delete()
        return
    first = not _session_schema["ready"]
    if first:
        name = _session_database()
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await _admin_execute(f'CREATE DATABASE "{name}"')
    ctx = TortoiseContext()
    async with ctx:
        config = generate_config(
            TEST_DATABASE_URL, app_modules={"models": MODEL_MODULES}, testing=True
        )
        await ctx.init(config=config)
        if first:
            await ctx.generate_schemas(safe=False)
            _session_schema["ready"] = True
        else:
            connection = ctx.db()
            if _session_schema.get("reset") is None:
                _session_schema["reset"] = await _reset_script(connection)
            await connection.execute_script(str(_session_schema["reset"]))
        yield ctx


async def _reset_script(connection: BaseDBAsyncClient) -> str:
    """Empty every table and restart every id sequence, as TRUNCATE ... RESTART IDENTITY
    would, but in about 15 ms instead of 300: TRUNCATE rewrites each table's files,
    DELETE of a few rows does not. Foreign-key triggers are off while deleting
    (session_replication_role), so the order of the tables does not matter."""
    _, tables = await connection.execute_query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    _, sequences = await connection.execute_query(
        "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
    )
    return "\n".join(
        [
            "SET session_replication_role = replica;",
            # The names come from the catalogue of our own test database.
            *(f'DELETE FROM "{row["tablename"]}";' for row in tables),  # noqa: S608
            "SET session_replication_role = DEFAULT;",
            *(f'ALTER SEQUENCE "{row["sequence_name"]}" RESTART;' for row in sequences),
        ]
    )


@pytest_asyncio.fixture
async def db() -> AsyncIterator[TortoiseContext]:
    async with fresh_database() as ctx:
        yield ctx


@pytest_asyncio.fixture
async def world(db: TortoiseContext) -> World:
    return await build_world()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> Settings:
    return Settings(
        mode="dev",
        database_url=TEST_DATABASE_URL,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        public_base_url="https://llp.example",
        # Suites send thousands of anonymous (and refused) requests within one FakeClock
        # minute; tests/schema/test_query_budget.py checks the throttles with small limits.
        anonymous_queries_per_address=1_000_000,
        refused_queries_per_caller=1_000_000,
    )


@pytest_asyncio.fixture
async def app(db: TortoiseContext, settings: Settings, clock: FakeClock) -> Starlette:
    """The real app around the test's database (the test owns the Tortoise context)."""
    return create_app(settings, manage_database=False, clock=clock)


@pytest_asyncio.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://llp.example") as c:
        yield c
