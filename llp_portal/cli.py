"""The ``llp-gql`` command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from tortoise.exceptions import DBConnectionError, OperationalError

from llp_gql.settings import Settings, SettingsError, secret_problem

log = logging.getLogger("llp_portal.cli")
T = TypeVar("T")


def _settings(mode: str | None = None) -> Settings:
    try:
        return Settings.from_env(mode=mode)  # type: ignore[arg-type]
    except SettingsError as exc:
        raise SystemExit(f"llp-gql: {exc}") from None


def _where(database_url: str) -> str:
    """The database's address without its password, for messages."""
    rest = database_url.split("://", 1)[-1]
    return rest.rsplit("@", 1)[-1]


def _run_db(settings: Settings, action: Awaitable[T]) -> T:
    """Run a database action; a database that cannot be reached or opened ends the
    command with one clear line and exit status 1, never a traceback.

    The database is pinged first: some failures (a SQLite file in a missing folder)
    make aerich wait rather than fail."""
    try:
        asyncio.run(asyncio.wait_for(_ping(settings.database_url), timeout=15))
    except (OSError, TimeoutError, DBConnectionError, OperationalError) as exc:
        if asyncio.iscoroutine(action):
            action.close()  # never started: say so to Python instead of a warning
        _fail(settings, exc)
    try:
        return asyncio.run(asyncio.wait_for(action, timeout=600))
    except (OSError, TimeoutError, DBConnectionError, OperationalError) as exc:
        _fail(settings, exc)


def _fail(settings: Settings, exc: BaseException) -> NoReturn:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    raise SystemExit(
        f"llp-gql: cannot use the database at {_where(settings.database_url)}: {reason}"
    ) from None


async def _ping(database_url: str) -> None:
    from tortoise import Tortoise

    from llp_gql.db import tortoise_config

    if database_url.startswith("sqlite://"):
        # Checked here: aiosqlite's worker thread, failing to open a file, can outlive
        # the event loop and print a traceback after our message.
        path = Path(database_url.removeprefix("sqlite://").split("?", 1)[0])
        if str(path) != ":memory:":
            folder = path.parent.resolve()
            if not folder.is_dir():
                raise OSError(f"the folder {folder} does not exist")
            if not os.access(folder, os.W_OK):
                raise OSError(f"the folder {folder} is not writable")

    await Tortoise.init(config=tortoise_config(database_url))
    try:
        connection = Tortoise.get_connection("default")
        await connection.execute_query("SELECT 1")
    finally:
        await Tortoise.close_connections()


def _refuse_sqlite_workers(settings: Settings, workers: int) -> None:
    if settings.is_sqlite and workers > 1:
        raise SystemExit(
            "llp-gql: SQLite allows one worker only (several processes lose writes with "
            '"database is locked"). Use --workers 1, or set LLP_DATABASE_URL to a '
            "PostgreSQL database (postgres://user:pass@host/db) to run several workers."
        )


# uvicorn believes X-Forwarded-For from 127.0.0.1 by default: a client behind a local
# proxy could then pick a new address per request and escape every per-address limit.
# The app reads forwarded headers itself, from LLP_TRUSTED_PROXIES only
# (llp_gql/client_address.py), so uvicorn's own handling stays off in every case.
_NO_PROXY_HEADERS: dict[str, Any] = {"proxy_headers": False, "forwarded_allow_ips": ""}


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    _refuse_sqlite_workers(settings, workers)
    _run_db(settings, asyncio.sleep(0))  # the ping alone
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if workers > 1:
        # Each worker process builds its own app from the environment; in dev/demo
        # they must share the generated secret or one worker's tokens fail on another.
        os.environ["LLP_ENV"] = settings.mode
        os.environ["LLP_SECRET_KEY"] = settings.secret_key
        os.environ["LLP_DATABASE_URL"] = settings.database_url
        os.environ["LLP_PUBLIC_BASE_URL"] = settings.public_base_url
        uvicorn.run(
            "llp_portal.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
            timeout_graceful_shutdown=20,
            **_NO_PROXY_HEADERS,
        )
        return
    from llp_portal.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=20,
        **_NO_PROXY_HEADERS,
    )


def _local_base_url(settings: Settings, host: str, port: int) -> Settings:
    """Dev and demo without LLP_PUBLIC_BASE_URL link to the address they listen on
    (production refuses to start without one, see Settings.from_env)."""
    if os.environ.get("LLP_PUBLIC_BASE_URL", "").strip():
        return settings
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a bind address, not a link target
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return settings.replace(public_base_url=f"http://{host}:{port}")


def cmd_serve(args: argparse.Namespace) -> None:
    settings = _settings()
    if settings.debug:
        settings = _local_base_url(settings, args.host, args.port)
    _serve(settings, args.host, args.port, args.workers)


def cmd_migrate(args: argparse.Namespace) -> None:
    from llp_gql.db import migrate

    settings = _settings(mode="dev") if args.allow_weak_secret else _settings()
    applied = _run_db(settings, migrate(settings.database_url))
    print("Applied: " + ", ".join(applied) if applied else "The database is up to date.")


def cmd_create_staff(args: argparse.Namespace) -> None:
    from tortoise import Tortoise

    from llp_gql.db import tortoise_config
    from llp_gql.domain.accounts import create_staff
    from llp_gql.errors import LLPError

    settings = _settings(mode="dev")  # creating a user needs no secret
    password = os.environ.get("LLP_STAFF_PASSWORD") or getpass.getpass("Password: ")

    async def run() -> None:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            user = await create_staff(args.email, args.name, password)
            print(f"Created staff account {user.email}.")
        finally:
            await Tortoise.close_connections()

    try:
        _run_db(settings, run())
    except LLPError as exc:
        raise SystemExit(f"llp-gql: {exc.message}") from None


def cmd_prune(args: argparse.Namespace) -> None:
    """What the running service does every LLP_PRUNE_INTERVAL_SECONDS, once, now: for a
    cron job, or a deployment that turned the background task off."""
    from tortoise import Tortoise

    from llp_gql.db import tortoise_config
    from llp_gql.domain.housekeeping import Pruned, prune_expired

    settings = _settings(mode="dev")  # deleting expired rows needs no secret

    async def run() -> Pruned:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return await prune_expired()
        finally:
            await Tortoise.close_connections()

    print(_run_db(settings, run()).describe())


def cmd_work(args: argparse.Namespace) -> None:
    """Run queue workers (mail and other after-commit work) in a process of their own,
    until SIGTERM or SIGINT; web processes may then set LLP_QUEUE_WORKERS=0. On
    SQLite the web server's own workers do this: a second process would lose writes."""
    import signal

    from tortoise import Tortoise

    from llp_gql.app import queue_workers
    from llp_gql.db import tortoise_config

    settings = _settings()
    if settings.is_sqlite:
        raise SystemExit(
            "llp-gql: on SQLite the server runs the queue itself (one process only); "
            "`work` is for PostgreSQL deployments"
        )
    settings = settings.replace(queue_workers=max(1, settings.queue_workers))

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, stop.set)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            async with queue_workers(settings):
                print(f"llp-gql: {settings.queue_workers} queue worker(s) running; Ctrl-C stops")
                await stop.wait()
        finally:
            await Tortoise.close_connections()

    _run_db(settings, run())


def cmd_export_schema(args: argparse.Namespace) -> None:
    from llp_gql.schema import schema_sdl

    text = schema_sdl()
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}")


def cmd_demo(args: argparse.Namespace) -> None:
    from llp_gql.db import migrate
    from llp_gql.demo import DEMO_PASSWORD, LEARNER_ROLES, seed_demo

    os.environ.setdefault("LLP_DATABASE_URL", f"sqlite://{args.database}")
    settings = _local_base_url(_settings(mode="demo"), args.host, args.port)
    if not settings.is_sqlite:
        print("Demo on a non-SQLite database: seeding it as well.")
    _run_db(settings, migrate(settings.database_url))
    logins = _run_db(settings, seed_demo(settings))
    url = f"http://{args.host}:{args.port}"
    print("\nLLP demo is ready.")
    print(f"  GraphQL + GraphiQL: {url}/graphql")
    print(f"  Admin UI:          {url}/admin")
    print(f"  Learner app:       {url}/learn")
    print(f"  Database:          {settings.database_url}")
    print(f"  Certificate links: {settings.public_base_url} (set LLP_PUBLIC_BASE_URL to change)")
    print(f"\nLogins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        where = "/learn" if role in LEARNER_ROLES else "/admin"
        print(f"  {role:<16} {email:<24} at {url}{where}")
    print()
    _serve(settings, args.host, args.port, 1)


def cmd_rotate_signing_key(args: argparse.Namespace) -> None:
    """Make a new credential signing key and retire the others; they stay published, so
    every credential signed before still verifies. Needs the service's LLP_SECRET_KEY."""
    from tortoise import Tortoise

    from llp_gql.db import tortoise_config
    from llp_gql.domain.signing_keys import PublishedKey, rotate

    settings = _settings()
    # Dev and demo draw a random secret when none is set: a key sealed with it could
    # never be opened by the server.
    problem = secret_problem(os.environ.get("LLP_SECRET_KEY"))
    if problem:
        raise SystemExit(f"llp-gql: {problem} The server's own LLP_SECRET_KEY is needed.")

    async def run() -> PublishedKey:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return await rotate(settings.secret_key)
        finally:
            await Tortoise.close_connections()

    key = _run_db(settings, run())
    print(f"New signing key {key.kid} ({key.public_multibase}); older keys are retired.")


def cmd_export_certificates(args: argparse.Namespace) -> None:
    from llp_gql.certs.cli_export import export_certificates

    settings = _settings(mode="dev")
    raise SystemExit(_run_db(settings, export_certificates(settings, args.company, Path(args.out))))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llp-gql", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)

    serve = sub.add_parser("serve", help="run the server (settings from LLP_* variables)")
    server_options(serve)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="migrate, seed a demo world on SQLite and serve it")
    server_options(demo)
    demo.add_argument("--database", default="llp-demo.sqlite3", help="SQLite file to use")
    demo.set_defaults(func=cmd_demo)

    mig = sub.add_parser("migrate", help="apply the database migrations")
    mig.add_argument("--allow-weak-secret", action="store_true", help=argparse.SUPPRESS)
    mig.set_defaults(func=cmd_migrate)

    staff = sub.add_parser("create-staff", help="create a staff account")
    staff.add_argument("--email", required=True)
    staff.add_argument("--name", required=True)
    staff.set_defaults(func=cmd_create_staff)

    prune = sub.add_parser(
        "prune", help="delete expired sessions, API tokens and rate-limit counters now"
    )
    prune.set_defaults(func=cmd_prune)

    work = sub.add_parser("work", help="run queue workers (mail) in their own process")
    work.set_defaults(func=cmd_work)

    schema = sub.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    schema.add_argument("--out", default="-", help="file to write, - for stdout")
    schema.set_defaults(func=cmd_export_schema)

    rotate = sub.add_parser(
        "rotate-signing-key",
        help="new key for signing credentials; old ones stay published so old credentials verify",
    )
    rotate.set_defaults(func=cmd_rotate_signing_key)

    export = sub.add_parser("export-certificates", help="write a company's certificates as ZIP")
    export.add_argument("--company", required=True, help="company name or id")
    export.add_argument("--out", required=True)
    export.set_defaults(func=cmd_export_certificates)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":  # pragma: no cover
    main()
