"""``llp-gql`` with a slow /graphql: for the graceful-shutdown test (test_shutdown.py).

Runs the real CLI (``python -m tests.reliability.slow_serve serve --port P``), whose
``serve`` builds the app with ``llp_portal.app.create_app``; here that factory's app is
wrapped so that a request carrying ``X-Test-Delay: <seconds>`` sleeps that long before
it reaches the application. Everything else (uvicorn, its graceful-shutdown timeout)
is the production code path.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Receive, Scope, Send

import llp_portal.app
from llp_portal import cli

_real_create_app = llp_portal.app.create_app


def _delay(scope: Scope) -> float:
    for name, value in scope.get("headers", ()):
        if name == b"x-test-delay":
            return min(float(value.decode()), 30.0)
    return 0.0


def create_app(*args: Any, **kwargs: Any) -> Any:
    inner = _real_create_app(*args, **kwargs)

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (delay := _delay(scope)):
            await asyncio.sleep(delay)
        await inner(scope, receive, send)

    return slow


llp_portal.app.create_app = create_app  # type: ignore[assignment]

if __name__ == "__main__":
    cli.main()
