"""Helpers for GraphQL over HTTP: one that fails on any error, one that expects a code."""

from __future__ import annotations

from typing import Any

import httpx

from llp_gql.domain import auth
from llp_gql.models import User
from llp_gql.schema.ids import encode_id
from llp_gql.settings import Settings


async def token_for(user: User, settings: Settings) -> str:
    return (await auth.issue_token(user, settings=settings)).token


async def post(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    return body


async def ok(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """The data of a request that must succeed without any error."""
    body = await post(client, query, variables, token)
    assert not body.get("errors"), body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def fails(
    client: httpx.AsyncClient,
    code: str,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """The body of a request that must fail with ``code`` (and only that code)."""
    body = await post(client, query, variables, token)
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    assert codes == {code}, body
    return body


def gid(type_name: str, pk: int) -> str:
    return encode_id(type_name, pk)
