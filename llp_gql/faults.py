"""Turning a database outage into a clean 503 with a code, never a raw 500."""

from __future__ import annotations

import json
import logging
import socket

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import DBConnectionError, OperationalError

logger = logging.getLogger("llp_gql.faults")

# What asyncpg and the socket layer raise while PostgreSQL is away.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    DBConnectionError,
    ConnectionError,
    socket.gaierror,
    TimeoutError,
)

try:  # asyncpg is only there with the PostgreSQL extra
    import asyncpg

    OUTAGE_ERRORS += (
        asyncpg.exceptions.CannotConnectNowError,
        asyncpg.exceptions.ConnectionDoesNotExistError,
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.AdminShutdownError,
    )
except ImportError:  # pragma: no cover
    pass

BODY = json.dumps(
    {
        "errors": [
            {
                "message": "The database is briefly unavailable; try again.",
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    }
).encode()


def is_outage(exc: BaseException) -> bool:
    """A lost or refused connection, also when Tortoise wrapped it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OUTAGE_ERRORS):
            return True
        if isinstance(current, OperationalError) and "connect" in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False


class DatabaseOutageMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or not is_outage(exc):
                raise
            logger.warning("database unavailable: %s", type(exc).__name__)
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"retry-after", b"2"),
                        (b"content-length", str(len(BODY)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": BODY})
