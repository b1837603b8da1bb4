"""Database configuration and migrations (aerich), shared by the app, CLI and tests."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

MODEL_MODULES = ["llp_gql.models"]


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for a URL; the aerich model is registered with ours."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": [*MODEL_MODULES, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def dialect(database_url: str) -> str:
    """``sqlite`` or ``postgres``; aerich writes SQL per dialect, so each has its own folder."""
    scheme = database_url.split(":", 1)[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgres", "postgresql", "asyncpg", "psycopg"}:
        return "postgres"
    raise ValueError(f"Unsupported database URL scheme {scheme!r}: use sqlite:// or postgres://")


def migrations_root() -> Path:
    """Where the migrations are: inside the installed wheel, or at the top of a checkout."""
    packaged = Path(__file__).parent / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "migrations"


def migrations_location(database_url: str) -> Path:
    return migrations_root() / dialect(database_url)


# For running aerich by hand from a checkout (see [tool.tortoise] in pyproject.toml).
AERICH_CONFIG = tortoise_config(os.environ.get("LLP_DATABASE_URL", "sqlite://llp.sqlite3"))


async def migrate(database_url: str) -> list[str]:
    """Bring the database to the newest migration; returns the versions applied.

    aerich splits this in two: a database without its tracking table is set up by
    ``init_db`` (which applies every shipped migration in order), an initialised
    one is brought up to date by ``upgrade``. One Command does both, because
    aerich keeps Tortoise's global state between the calls.
    """
    from aerich import Command

    reset_query_caches()
    command = Command(
        tortoise_config(database_url), app="models", location=str(migrations_location(database_url))
    )
    try:
        try:
            await command.init_db(safe=True)
        except FileExistsError:
            await command.init()
            applied: list[str] = await command.upgrade(run_in_transaction=True)
            return applied
        return ["init"]
    finally:
        await _close(command)


def reset_query_caches() -> None:
    """Forget the SQL Tortoise compiled for earlier databases of this process.

    Tortoise caches each model's INSERT statement by connection *name* and table,
    not by dialect (tortoise-orm 1.1, backends/base/executor.py EXECUTOR_CACHE), so
    after a SQLite database a PostgreSQL one named "default" would get SQLite's
    "?" placeholders. It only matters when one process meets two databases, as the
    migration commands and tests do; the cache refills on the next query.
    """
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    EXECUTOR_CACHE.clear()


async def _close(command: Any) -> None:
    """Close aerich's connections and forget its global Tortoise apps and compiled
    queries, so that a later database in the same process starts clean."""
    from tortoise import Tortoise

    await command.aclose()
    await Tortoise._reset_apps()
    reset_query_caches()


async def make_migration(database_url: str, name: str, location: Path | None = None) -> str:
    """Write a new migration for the model changes (empty string: nothing changed).

    Runs against a database that it first brings to the newest migration in
    ``location``; the drift test points it at a scratch copy.
    """
    from aerich import Command

    where = location or migrations_location(database_url)
    reset_query_caches()
    command = Command(tortoise_config(database_url), app="models", location=str(where))
    app_dir = where / "models"
    first = not app_dir.exists() or not any(app_dir.glob("*.py"))
    try:
        with contextlib.suppress(FileExistsError):  # already initialised
            await command.init_db(safe=True)
        if first:
            return "init"
        await command.init()
        await command.upgrade(run_in_transaction=True)
        result: str = await command.migrate(name=name, no_input=True)
        return result
    finally:
        await _close(command)
