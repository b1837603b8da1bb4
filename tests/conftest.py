"""Fixtures shared by every test: a fresh database per test, a world of roles, a clock.

SQLite in memory by default; PostgreSQL when LLP_TEST_DATABASE_URL is set (a
``{}`` in the database name gives every test a database of its own).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise.context import TortoiseContext, tortoise_test_context

from llp_gql.app import create_app
from llp_gql.db import MODEL_MODULES
from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from tests.factories import World, build_world

TEST_DATABASE_URL = os.environ.get("LLP_TEST_DATABASE_URL", "sqlite://:memory:")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres", "asyncpg"))


@pytest_asyncio.fixture
async def db() -> AsyncIterator[TortoiseContext]:
    async with tortoise_test_context(MODEL_MODULES, db_url=TEST_DATABASE_URL) as ctx:
        yield ctx
        if ON_POSTGRES:
            # Each test made a database of its own ("{}" in the URL); drop it, or
            # thousands pile up on the shared server run after run.
            await ctx.connections.close_all(discard=False)
            for connection in ctx.connections.all():
                await connection.db_delete()


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
