"""The API application: its routes, middleware and the lifespan that opens the database.

This is the core's half of the app. It knows nothing of the web pages: the
composition package (``llp_portal.app``) passes them in as ``pages``, so the
dependencies point one way (pages -> domain <- API, and the portal above both).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.transactions import in_transaction

from llp_gql import jobs as queue_jobs
from llp_gql.auth_middleware import AuthenticationMiddleware
from llp_gql.certs.render import warm_up
from llp_gql.client_address import ForwardedHeadersMiddleware
from llp_gql.db import reset_query_caches, tortoise_config
from llp_gql.domain import housekeeping, passwords, queue
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.common_passwords import common_passwords
from llp_gql.faults import DatabaseOutageMiddleware
from llp_gql.observability import RequestLogMiddleware, configure_request_logging
from llp_gql.security_headers import SecurityHeadersMiddleware
from llp_gql.settings import Settings

logger = logging.getLogger("llp_gql")


async def healthz(request: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Readiness: the database answers too."""
    try:
        async with in_transaction() as connection:
            await connection.execute_query("SELECT 1")
    except Exception:
        logger.warning("readiness check failed", exc_info=True)
        return JSONResponse(
            {"status": "unavailable", "code": "SERVICE_UNAVAILABLE"}, status_code=503
        )
    return JSONResponse({"status": "ok"})


@contextlib.asynccontextmanager
async def _housekeeping(settings: Settings, clock: Clock) -> AsyncIterator[None]:
    """Prune expired rows and queue the hourly reminder and report jobs in the background
    while the app runs (every worker does; both are idempotent), and stop before the
    database connections close."""
    if not settings.prune_interval_seconds:
        yield
        return
    task = asyncio.create_task(
        housekeeping.run_periodically(
            settings.prune_interval_seconds,
            clock=clock,
            prune=functools.partial(housekeeping.round_of_work, settings=settings),
        ),
        name="llp-housekeeping",
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def queue_workers(settings: Settings, clock: Clock = utcnow) -> AsyncIterator[None]:
    """Run ``LLP_QUEUE_WORKERS`` queue workers while the app runs. At shutdown each
    finishes the job in hand (bounded: a send gives up after its SMTP timeout) before
    the database closes; a job cut off anyway is retried when its lease ends."""
    if not settings.queue_workers:
        yield
        return
    stop = asyncio.Event()
    handlers = queue_jobs.handlers(settings, clock=clock)
    tasks = [
        asyncio.create_task(
            queue.run_worker(handlers, settings=settings, stop=stop, clock=clock),
            name=f"llp-queue-{n}",
        )
        for n in range(settings.queue_workers)
    ]
    try:
        yield
    finally:
        stop.set()
        _, pending = await asyncio.wait(tasks, timeout=settings.smtp_timeout_seconds + 5)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def create_app(
    settings: Settings,
    *,
    pages: Sequence[BaseRoute] = (),
    manage_database: bool = True,
    clock: Clock = utcnow,
) -> Starlette:
    """Build the ASGI app: the API, the certificate routes, and ``pages``.

    ``pages`` are routes of the web front ends, served behind the same middleware
    (client address, request log, security headers, authentication).
    ``manage_database=False`` leaves the Tortoise context to the caller (the
    tests open a fresh database per test around the app).
    """
    from llp_gql.certs.credential_routes import credential_routes
    from llp_gql.certs.routes import certificate_routes
    from llp_gql.transport import build_graphql_routes

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *build_graphql_routes(settings),
        *certificate_routes(),
        *credential_routes(),
        *pages,
    ]

    # One hashing pool per process (see domain.passwords); the app sizes it.
    passwords.set_max_concurrent_hashes(settings.max_concurrent_hashes)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Here, in the process that serves, after the server configured its logging:
        # a worker process does not inherit the parent's logging set-up.
        configure_request_logging()
        # Parse the certificate fonts once now (0.3 s), not in the first learner's request;
        # the same for the list of common passwords (0.4 s) and the first sign-up.
        await to_thread.run_sync(warm_up)
        _ = await to_thread.run_sync(common_passwords)
        if not manage_database:
            yield
            return
        # A served process (tests manage their own): what start-up built (fonts and
        # their glyphs, the schema, templates) lives as long as it does, so move it out
        # of the collector's view. Under R14's flood a full collection over it stalled
        # the event loop for 113 ms.
        gc.collect()
        gc.freeze()
        reset_query_caches()
        async with (
            RegisterTortoise(app, config=tortoise_config(settings.database_url)),
            _housekeeping(settings, clock),
            queue_workers(settings, clock),
        ):
            yield

    app = Starlette(
        routes=routes,
        middleware=[
            # First: everything after it (logs, limits, audit) sees the resolved client.
            Middleware(
                ForwardedHeadersMiddleware,
                trusted=settings.trusted_proxies,
                header=settings.forwarded_header,
            ),
            Middleware(RequestLogMiddleware),
            Middleware(SecurityHeadersMiddleware, hsts=settings.is_https),
            Middleware(DatabaseOutageMiddleware),
            Middleware(AuthenticationMiddleware),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    return app
