"""The GraphQL HTTP endpoint: strawberry's ASGI view, hardened for hostile input.

Strawberry answers some malformed requests with a 500 or a plain-text 400. Here
every refusal is a GraphQL-shaped JSON body with a stable code, checked before the
application's ``get_context`` runs (so garbage never costs a session look-up):

    refusal                                             status  extensions.code
    method other than GET / POST                         405    METHOD_NOT_ALLOWED
    mutation over GET                                    405    METHOD_NOT_ALLOWED
    Accept allows neither JSON media type                406    NOT_ACCEPTABLE
    POST body that is not application/json (UTF-8)       415    UNSUPPORTED_MEDIA_TYPE
    body larger than ``max_body_bytes``                  413    BODY_TOO_LARGE
    empty, non-UTF-8, non-JSON or non-object body,       400    BAD_REQUEST
      bad ``query`` / ``variables`` / ``operationName``
      / ``extensions``
    JSON array while batching is off                     400    BATCH_NOT_ALLOWED
    batch over ``batching_config["max_operations"]``     400    BATCH_TOO_LARGE

Responses follow GraphQL over HTTP: ``application/graphql-response+json`` when the
client prefers it, and then a request error (no ``data``) answers 400.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from typing_extensions import TypeVar

from llp_gql.errors import LLPError
from llp_gql.transport.errors import (
    INTERNAL,
    INTERNAL_MESSAGE,
    format_error,
    is_unexpected,
    mask_error,
    request_id_var,
)
from llp_gql.transport.graphiql import GRAPHIQL_STATIC_PATH, graphiql_page
from llp_gql.transport.payload import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    Rejected,
    error_response,
    limited_receive,
    negotiate,
    read_payload,
    request_data,
)

__all__ = ["DEFAULT_MAX_BODY_BYTES", "LLPGraphQLView"]

logger = logging.getLogger("llp_gql.graphql")

# Defaults to Any so that LLPGraphQLView(schema) needs no annotation.
ContextT = TypeVar("ContextT", default=Any)
ContextGetter = Callable[[Request | WebSocket, Response | WebSocket], Awaitable[Any]]
ResultHook = Callable[[Request, ExecutionResult], Awaitable[None]]
Precheck = Callable[[str], list[GraphQLError]]

DEFAULT_MAX_BODY_BYTES = 1_048_576
# Where __call__ leaves the validated POST payload for parse_http_body.
_PAYLOAD_KEY = "llp_gql.graphql_payload"


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's Starlette adapter, keeping the request reachable for parse_http_body."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class LLPGraphQLView(GraphQL[ContextT, None]):
    """Strawberry's ASGI view with the refusals listed in the module docstring.

    Pass ``context_getter`` (``async (request, response) -> context``) or subclass
    and override ``get_context``; ``on_result`` (``async (request, result)``) sees
    every result, its errors coded, before it is answered. Batching follows the schema's
    ``StrawberryConfig(batching_config={"max_operations": n})``: off when unset.
    ``precheck`` (``text -> errors``) may refuse a document before it is parsed.
    The schema is expected to carry ``build_extensions(...)``; an error reaching
    the view without a code escaped them and is masked here.
    """

    request_adapter_class = _RequestAdapter

    def __init__(
        self,
        schema: BaseSchema,
        *,
        context_getter: ContextGetter | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        graphiql: bool = True,
        graphiql_static_url: str = GRAPHIQL_STATIC_PATH,
        allow_queries_via_get: bool = True,
        on_result: ResultHook | None = None,
        precheck: Precheck | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=allow_queries_via_get,
            # The API has no subscriptions: no WebSocket protocol, no SSE.
            subscription_protocols=(),
            multipart_uploads_enabled=False,
        )
        self.context_getter = context_getter
        self.on_result = on_result
        self.precheck = precheck
        self.max_body_bytes = max_body_bytes
        self.graphiql_static_url = graphiql_static_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=limited_receive(receive, self.max_body_bytes))
        media_type = negotiate(request.headers.get("accept")) or JSON
        response: Response
        try:
            response = await self._respond(request)
        except Rejected as rejection:
            response = error_response(
                rejection.status,
                rejection.message,
                rejection.extensions,
                media_type=media_type,
                headers=rejection.headers,
            )
        except HTTPException as exc:
            response = self._from_http_exception(request, exc, media_type)
        except LLPError as err:
            # Raised by the application's get_context (a bad token, a throttled address).
            response = error_response(
                err.http_status,
                err.message,
                err.extensions(),
                media_type=media_type,
                # Counters are per minute: a client told when to come back need not poll.
                headers={"Retry-After": "60"} if err.http_status == 429 else None,
            )
        except Exception:
            request_id = request_id_var.get()
            logger.exception("Unexpected error in the GraphQL view (request_id=%s)", request_id)
            extensions = {"code": INTERNAL} | ({"requestId": request_id} if request_id else {})
            response = error_response(500, INTERNAL_MESSAGE, extensions, media_type=media_type)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise Rejected(
                405,
                "METHOD_NOT_ALLOWED",
                "GraphQL accepts GET and POST requests only.",
                {"Allow": "GET, POST"},
            )
        if request.method == "GET" and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            if not self.graphql_ide:
                raise Rejected(404, "NOT_FOUND", "Not found.")
            return await self.render_graphql_ide(request)
        if negotiate(request.headers.get("accept")) is None:
            raise Rejected(
                406, "NOT_ACCEPTABLE", f"Responses are {JSON} or {GRAPHQL_RESPONSE_JSON}."
            )
        if request.method == "POST":
            request.scope[_PAYLOAD_KEY] = await read_payload(
                request, self.max_body_bytes, self._max_operations()
            )
        return await self.run(request)

    def _max_operations(self) -> int | None:
        batching = self.schema.config.batching_config
        return None if batching is None else batching["max_operations"]

    def _from_http_exception(
        self, request: Request, exc: HTTPException, media_type: str
    ) -> Response:
        cause = exc.__cause__
        if (
            request.method == "GET"
            and isinstance(cause, InvalidOperationTypeError)
            and cause.operation_type in (OperationType.MUTATION, OperationType.QUERY)
        ):
            return error_response(
                405,
                f"{exc.reason[:1].upper()}{exc.reason[1:]}; use POST.",
                {"code": "METHOD_NOT_ALLOWED"},
                media_type=media_type,
                headers={"Allow": "POST"},
            )
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "BAD_REQUEST")
        return error_response(exc.status_code, exc.reason, {"code": code}, media_type=media_type)

    async def parse_http_body(
        self, request_adapter: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        payload = None
        if isinstance(request_adapter, _RequestAdapter):
            payload = request_adapter.request.scope.get(_PAYLOAD_KEY)
        if payload is None:
            # GET: strawberry parses the query string and answers 400 itself.
            return await super().parse_http_body(request_adapter)
        if isinstance(payload, list):
            return [request_data(item) for item in payload]
        return request_data(payload)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: ContextT,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # After get_context (the door), before strawberry parses: a document the
        # precheck refuses is answered as the exact budget check would answer it.
        if self.precheck is not None and isinstance(request_data.query, str):
            errors = self.precheck(request_data.query)
            if errors:
                return ExecutionResult(data=None, errors=errors)
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> ContextT:
        if self.context_getter is None:
            return await super().get_context(request, response)
        context: ContextT = await self.context_getter(request, response)
        return context

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # create_response sees only the sub-response, so the negotiated type rides on it.
        sub_response.media_type = negotiate(request.headers.get("accept")) or JSON
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [
                error if (error.extensions or {}).get("code") else _escaped(error)
                for error in result.errors
            ]
        if self.on_result is not None:
            await self.on_result(request, result)
        response = await super().process_result(request, result)
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            # A request error: nothing was executed, so GraphQL over HTTP wants no data entry.
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = 200
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and isinstance(response_data, dict)
            and "data" not in response_data
        ):
            status = 400
        if _unavailable(response_data):
            status = 503  # the database was away: tell clients and proxies to retry
        response = Response(self.encode_json(response_data), status, media_type=media_type)
        if status == 503:
            response.headers["Retry-After"] = "2"
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        return response

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            # orjson refuses integers beyond 64 bits, which a JSON scalar may hold.
            return json.dumps(data, separators=(",", ":")).encode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(self.graphiql_static_url)


def _unavailable(response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    items = response_data if isinstance(response_data, list) else [response_data]
    for item in items:
        for error in item.get("errors") or ():
            extensions = error.get("extensions") if isinstance(error, dict) else None
            if isinstance(extensions, dict) and extensions.get("code") == "SERVICE_UNAVAILABLE":
                return True
    return False


def _escaped(error: GraphQLError) -> GraphQLError:
    # Errors raised by an extension hook leave the operation before ErrorCodes sees them.
    formatted = format_error(error, hide_suggestions=True)
    return mask_error(formatted) if is_unexpected(error) else formatted
