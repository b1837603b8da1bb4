"""The GraphQL endpoint assembled: the served schema and its routes.

``build_schema(settings)`` wraps the schema's ``Query`` and ``Mutation`` with the
limits and error handling of the settings (``extensions.py``);
``build_graphql_routes(settings)`` serves it at ``/graphql`` (``view.py``) with
GraphiQL's assets (``graphiql.py``), the door throttle (``throttle.py``) and the
lexical precheck (``precheck.py``) in front.
"""

from __future__ import annotations

from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.websockets import WebSocket
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult

from llp_gql.client_address import client_address
from llp_gql.schema import Mutation, Query
from llp_gql.schema.context import Context
from llp_gql.schema.key_scopes import KeyScopes
from llp_gql.settings import Settings
from llp_gql.transport.budget import Budget
from llp_gql.transport.extensions import build_extensions
from llp_gql.transport.fast_leaves import FastLeavesExecutionContext
from llp_gql.transport.graphiql import GRAPHIQL_STATIC_PATH, graphiql_static_app
from llp_gql.transport.precheck import Precheck
from llp_gql.transport.throttle import REFUSAL_CODES, DoorThrottle
from llp_gql.transport.view import LLPGraphQLView

__all__ = ["build_graphql_routes", "build_schema"]


class LLPSchema(strawberry.Schema):
    """Strawberry logs every error with a traceback, expected ones included; the
    masking extension already logs the unexpected ones with their request id."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        return None


def build_schema(settings: Settings) -> strawberry.Schema:
    """The served schema: the contract with the limits and error handling of ``settings``."""
    extensions: list[Any] = build_extensions(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_fields=settings.max_fields,
        max_cost=settings.max_query_cost,
        max_page_size=settings.max_page_size,
        mask_errors=True,
        hide_suggestions=not settings.debug,
    )
    # The API keys' scope gate, before anything runs (llp_gql/schema/key_scopes.py).
    extensions.insert(0, KeyScopes)
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    config = StrawberryConfig(
        disable_field_suggestions=not settings.debug,
        batching_config=(
            {"max_operations": settings.max_batch_operations}
            if settings.max_batch_operations > 1
            else None
        ),
    )
    return LLPSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=config,
        execution_context_class=FastLeavesExecutionContext,
    )


def build_graphql_routes(settings: Settings) -> list[BaseRoute]:
    """``/graphql`` and GraphiQL's assets, for one app (one per worker)."""
    schema = build_schema(settings)

    throttle = DoorThrottle(settings)

    async def get_context(request: Request | WebSocket, response: Response | WebSocket) -> Context:
        assert isinstance(request, Request)  # no WebSocket protocols are enabled
        state = request.scope.get("state", {})
        address = client_address(request)
        await throttle.admit(state.get("user"), address, request.app.state.clock())
        return Context(
            settings=settings,
            clock=request.app.state.clock,
            viewer=state.get("user"),
            token=state.get("token"),
            client_address=address,
        )

    async def on_result(request: Request, result: ExecutionResult) -> None:
        codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
        if codes & REFUSAL_CODES:
            user = request.scope.get("state", {}).get("user")
            await throttle.refused(user, client_address(request), request.app.state.clock())

    precheck = Precheck(
        Budget(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_fields=settings.max_fields,
            max_cost=settings.max_query_cost,
            max_page_size=settings.max_page_size,
        ),
        max_tokens=settings.max_tokens,
    )
    view: LLPGraphQLView[Context] = LLPGraphQLView(
        schema,
        context_getter=get_context,
        on_result=on_result,
        precheck=precheck,
        max_body_bytes=settings.max_body_bytes,
        graphiql=True,
    )
    return [
        Mount(GRAPHIQL_STATIC_PATH, app=graphiql_static_app()),
        # No methods= here: the view answers other methods itself, with a GraphQL 405.
        Route("/graphql", view),
    ]
