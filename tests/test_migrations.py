"""R10: migrations take an empty database to head, and the models need no new migration."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from llp_gql import db
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the dialect under test, dropped afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite://{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"llp_mig_{uuid.uuid4().hex[:12]}"
    yield TEST_DATABASE_URL.replace("{}", "").rsplit("/", 1)[0] + f"/{name}"


async def _create_postgres_database(url: str) -> None:
    import asyncpg

    base, name = url.rsplit("/", 1)
    connection = await asyncpg.connect(base.replace("postgres://", "postgresql://") + "/postgres")
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_postgres_database(url: str) -> None:
    import asyncpg

    base, name = url.rsplit("/", 1)
    connection = await asyncpg.connect(base.replace("postgres://", "postgresql://") + "/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def test_empty_database_to_head_then_no_drift(database_url: str, tmp_path: Path) -> None:
    if ON_POSTGRES:
        await _create_postgres_database(database_url)
    try:
        # given an empty database, when migrated twice
        first = await db.migrate(database_url)
        second = await db.migrate(database_url)
        # then the first run applies everything and the second nothing
        assert first
        assert second == []
        # and diffing the models against the migrated state writes no new migration
        scratch = tmp_path / "scratch"
        shutil.copytree(db.migrations_location(database_url), scratch)
        before = sorted(p.name for p in (scratch / "models").glob("*.py"))
        assert await db.make_migration(database_url, "drift", scratch) == ""
        assert sorted(p.name for p in (scratch / "models").glob("*.py")) == before
    finally:
        if ON_POSTGRES:
            await _drop_postgres_database(database_url)


def test_both_dialects_ship_migrations() -> None:
    for url in ("sqlite://x.sqlite3", "postgres://u@h/db"):
        files = list((db.migrations_location(url) / "models").glob("0_*.py"))
        assert len(files) == 1, url


def test_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported database URL"):
        db.dialect("mysql://u@h/db")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs both dialects")
async def test_sqlite_then_postgres_in_one_process(database_url: str, tmp_path: Path) -> None:
    # Tortoise caches compiled INSERTs by connection name, not dialect: without
    # db.reset_query_caches the second migration sent SQLite's "?" to PostgreSQL.
    await _create_postgres_database(database_url)
    try:
        assert await db.migrate(f"sqlite://{tmp_path / 'first.sqlite3'}")
        assert await db.migrate(database_url)
    finally:
        await _drop_postgres_database(database_url)


@pytest.mark.skipif(not ON_POSTGRES, reason="trigram indexes are PostgreSQL's")
async def test_a_search_by_part_of_a_name_can_use_the_trigram_indexes(database_url: str) -> None:
    """B9: the employee search (``companies.matching_people``) read every person of every
    tenant; the indexes of migration 5 must match the SQL Tortoise sends, or PostgreSQL
    never uses them."""
    import asyncpg
    from tortoise import Tortoise
    from tortoise.expressions import Q

    from llp_gql.models import User

    await _create_postgres_database(database_url)
    try:
        assert await db.migrate(database_url)
        await Tortoise.init(config=db.tortoise_config(database_url))
        try:
            # The search alone (the company's own index may win on a near-empty table).
            query = User.filter(Q(name__icontains="ünez") | Q(email__icontains="ünez"))
            sql, values = query.sql(params_inline=False), ["%ünez%", "%ünez%"]
        finally:
            await Tortoise.close_connections()
        connection = await asyncpg.connect(database_url.replace("postgres://", "postgresql://"))
        try:
            await connection.execute("SET enable_seqscan = off")
            plan = "\n".join(r[0] for r in await connection.fetch(f"EXPLAIN {sql}", *values))
        finally:
            await connection.close()
        assert "idx_user_name_trgm" in plan, plan
        assert "idx_user_email_trgm" in plan, plan
    finally:
        await _drop_postgres_database(database_url)
