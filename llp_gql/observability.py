"""Request ids and structured request logs that never contain secrets.

The app configures its own request log (``configure_request_logging``, called by the
app's lifespan in every process that serves): ``llp-gql serve --workers N`` and a plain
``uvicorn llp_portal.asgi:app`` import the app in fresh worker processes, where logging
set up by the parent process does not exist, so a log configured only there
printed nothing from the workers.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llp_gql.domain.principals import key_of

request_id_var: ContextVar[str | None] = ContextVar("llp_request_id", default=None)
# Set by llp_gql.client_address.ForwardedHeadersMiddleware: the audit log records it
# without the domain knowing about requests.
client_address_var: ContextVar[str | None] = ContextVar("llp_client_address", default=None)
logger = logging.getLogger("llp_gql.access")

_HANDLER_MARK = "_llp_request_log"


def configure_request_logging() -> None:
    """Make ``llp_gql`` INFO records (the request log) reach stderr, in this process.

    Leaves a deployment's own logging alone: when the root logger has handlers they
    get the records; only a process without any (a fresh server worker) gets a
    plain one-line-per-record handler. Also silences the server's access log
    (``uvicorn.access``), which prints query strings and with them download tokens;
    the request log replaces it. Idempotent.
    """
    app_logger = logging.getLogger("llp_gql")
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    ours = any(getattr(handler, _HANDLER_MARK, False) for handler in app_logger.handlers)
    if not ours and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        setattr(handler, _HANDLER_MARK, True)
        app_logger.addHandler(handler)
    logging.getLogger("uvicorn.access").disabled = True


_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")[:64]
            if text and all(ch in _SAFE_ID for ch in text):
                return str(text)
    return secrets.token_hex(8)


class RequestLogMiddleware:
    """One JSON line per request: id, method, path, status, ms, user id.

    The query string is never logged: download links carry their token there.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if logger.isEnabledFor(logging.INFO):
                user = scope.get("state", {}).get("user")
                key = key_of(user)
                logger.info(
                    json.dumps(
                        {
                            "request_id": request_id,
                            "method": scope.get("method"),
                            "path": scope.get("path"),
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 1),
                            "user_id": getattr(user, "id", None),
                            # An API key by its public prefix, never its secret.
                            "api_key": key.prefix if key is not None else None,
                        }
                    )
                )
            request_id_var.reset(token)
