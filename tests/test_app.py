"""The app shell: health probes, request ids and logs, and database outages as 503."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.exceptions import DBConnectionError, IntegrityError

from llp_gql.faults import DatabaseOutageMiddleware, is_outage
from llp_gql.observability import RequestLogMiddleware


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ok"}


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await client.get("/healthz", headers={"X-Request-ID": "bad id\n<script>"})
    assert made.headers["x-request-id"] != "bad id\n<script>"
    assert len(made.headers["x-request-id"]) == 16


async def test_request_log_is_json_without_query_string(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="llp_gql.access"):
        await client.get("/certificates/1/download?token=SECRET-TOKEN-VALUE")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "llp_gql.access"]
    assert lines[-1]["path"] == "/certificates/1/download"
    assert lines[-1]["status"] == 403
    assert "SECRET-TOKEN-VALUE" not in caplog.text


def _failing_app(exc: Exception) -> Starlette:
    async def boom(request: Request) -> Response:
        raise exc

    app = Starlette(routes=[Route("/", boom)])
    app.add_middleware(DatabaseOutageMiddleware)
    app.add_middleware(RequestLogMiddleware)
    return app


async def test_a_lost_database_is_a_clean_503() -> None:
    app = _failing_app(DBConnectionError("connection refused"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/")
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert response.headers["retry-after"] == "2"


def test_only_connection_failures_count_as_outages() -> None:
    assert is_outage(DBConnectionError("x"))
    assert is_outage(ConnectionRefusedError())
    wrapped = RuntimeError("wrapper")
    wrapped.__cause__ = OSError("socket")
    assert not is_outage(wrapped)
    assert not is_outage(IntegrityError("duplicate key"))
    assert not is_outage(ValueError("x"))
