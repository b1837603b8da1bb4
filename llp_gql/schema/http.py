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

import base64
import hashlib
import html
import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from graphql import GraphQLError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from typing_extensions import TypeVar

from llp_gql.errors import LLPError
from llp_gql.schema.extensions import (
    INTERNAL,
    INTERNAL_MESSAGE,
    format_error,
    is_unexpected,
    mask_error,
    request_id_var,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "GRAPHIQL_STATIC_PATH",
    "LLPGraphQLView",
    "graphiql_static_app",
]

logger = logging.getLogger("llp_gql.graphql")

# Defaults to Any so that LLPGraphQLView(schema) needs no annotation.
ContextT = TypeVar("ContextT", default=Any)
ContextGetter = Callable[[Request | WebSocket, Response | WebSocket], Awaitable[Any]]
ResultHook = Callable[[Request, ExecutionResult], Awaitable[None]]

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
DEFAULT_MAX_BODY_BYTES = 1_048_576
GRAPHIQL_STATIC_PATH = "/graphql/static"
STATIC_DIR = Path(__file__).parent / "graphiql_static"

# Loaded in this order by the GraphiQL page; each path is relative to STATIC_DIR.
_IDE_STYLESHEETS = (
    "graphiql-3.8.3/graphiql.min.css",
    "graphiql-plugin-explorer-1.0.2/style.css",
    "llp-graphiql.css",
)
_IDE_SCRIPTS = (
    "react-18.2.0/react.production.min.js",
    "react-dom-18.2.0/react-dom.production.min.js",
    "graphiql-3.8.3/graphiql.min.js",
    "graphiql-plugin-explorer-1.0.2/index.umd.js",
    "llp-graphiql.js",
)
# One year and immutable: every URL carries a hash of the file's content (?v=...).
_STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"

# Every asset is ours (checked with integrity hashes) and the page runs no inline
# script; the bundled stylesheet embeds its fonts as data: URLs, and the editor
# only talks to this server.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self' data:; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Where __call__ leaves the validated POST payload for parse_http_body.
_PAYLOAD_KEY = "llp_gql.graphql_payload"


class _Rejected(Exception):
    """A request refused before execution, answered with a GraphQL-shaped error."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.extensions = {"code": code}
        self.message = message
        self.headers = dict(headers or {})


def _bad_request(message: str) -> _Rejected:
    return _Rejected(400, "BAD_REQUEST", message)


def _error_response(
    status: int,
    message: str,
    extensions: Mapping[str, object],
    *,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"errors": [{"message": message, "extensions": dict(extensions)}]}
    return Response(orjson.dumps(body), status, headers=headers, media_type=media_type)


def _negotiate(accept: str | None) -> str | None:
    """Pick the response media type from an Accept header; None if no JSON type is allowed.

    The highest quality wins; on a tie the GraphQL response type wins, as GraphQL
    over HTTP asks. Wildcards mean plain JSON.
    """
    if not accept:
        return JSON
    best: tuple[float, int] = (0.0, 0)
    chosen: str | None = None
    for item in accept.split(","):
        media, _, params = item.partition(";")
        media = media.strip().lower()
        if media == GRAPHQL_RESPONSE_JSON:
            candidate, rank = GRAPHQL_RESPONSE_JSON, 1
        elif media in (JSON, "application/*", "*/*"):
            candidate, rank = JSON, 0
        else:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (quality, rank) > best:
            best, chosen = (quality, rank), candidate
    return chosen


def _check_operation(item: object) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _bad_request("The request body must be a JSON object.")
    query = item.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad_request("The request must carry the GraphQL document as a string `query`.")
    for name, kind, label in (
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
        ("operationName", str, "a string"),
    ):
        value = item.get(name)
        if value is not None and not isinstance(value, kind):
            raise _bad_request(f"`{name}` must be {label} or null.")
    return item


def _request_data(item: dict[str, Any]) -> GraphQLRequestData:
    return GraphQLRequestData(
        query=item["query"],
        variables=item.get("variables"),
        operation_name=item.get("operationName"),
        extensions=item.get("extensions"),
    )


def _limited_receive(receive: Receive, limit: int) -> Receive:
    """Wrap ``receive`` so that reading past ``limit`` body bytes raises, chunk by chunk."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _body_too_large(limit)
        return message

    return limited


def _body_too_large(limit: int) -> _Rejected:
    return _Rejected(413, "BODY_TOO_LARGE", f"The request body exceeds {limit} bytes.")


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's Starlette adapter, keeping the request reachable for parse_http_body."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


@cache
def _asset_url_and_integrity(name: str) -> tuple[str, str]:
    digest = hashlib.sha384((STATIC_DIR / name).read_bytes()).digest()
    return f"{name}?v={digest.hex()[:16]}", "sha384-" + base64.b64encode(digest).decode()


def _graphiql_html(static_url: str) -> str:
    prefix = html.escape(static_url.rstrip("/"), quote=True)
    links = []
    for name in _IDE_STYLESHEETS:
        url, integrity = _asset_url_and_integrity(name)
        links.append(f'<link rel="stylesheet" href="{prefix}/{url}" integrity="{integrity}">')
    scripts = []
    for name in _IDE_SCRIPTS:
        url, integrity = _asset_url_and_integrity(name)
        scripts.append(f'<script src="{prefix}/{url}" integrity="{integrity}"></script>')
    newline = "\n    "
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>LLP certificates - GraphiQL</title>
    <link rel="icon" href="data:,">
    {newline.join(links)}
  </head>
  <body>
    <div id="graphiql">Loading...</div>
    {newline.join(scripts)}
  </body>
</html>
"""


class _ImmutableStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: Any,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = _STATIC_CACHE_CONTROL
        return response


def graphiql_static_app() -> StaticFiles:
    """The GraphiQL assets; mount at ``GRAPHIQL_STATIC_PATH``:

    ``Mount(GRAPHIQL_STATIC_PATH, app=graphiql_static_app(), name="graphiql-static")``
    """
    return _ImmutableStaticFiles(directory=STATIC_DIR)


class LLPGraphQLView(GraphQL[ContextT, None]):
    """Strawberry's ASGI view with the refusals listed in the module docstring.

    Pass ``context_getter`` (``async (request, response) -> context``) or subclass
    and override ``get_context``; ``on_result`` (``async (request, result)``) sees
    every result, its errors coded, before it is answered. Batching follows the schema's
    ``StrawberryConfig(batching_config={"max_operations": n})``: off when unset.
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
        self.max_body_bytes = max_body_bytes
        self.graphiql_static_url = graphiql_static_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=_limited_receive(receive, self.max_body_bytes))
        media_type = _negotiate(request.headers.get("accept")) or JSON
        response: Response
        try:
            response = await self._respond(request)
        except _Rejected as rejection:
            response = _error_response(
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
            response = _error_response(
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
            response = _error_response(500, INTERNAL_MESSAGE, extensions, media_type=media_type)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise _Rejected(
                405,
                "METHOD_NOT_ALLOWED",
                "GraphQL accepts GET and POST requests only.",
                {"Allow": "GET, POST"},
            )
        if request.method == "GET" and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            if not self.graphql_ide:
                raise _Rejected(404, "NOT_FOUND", "Not found.")
            return await self.render_graphql_ide(request)
        if _negotiate(request.headers.get("accept")) is None:
            raise _Rejected(
                406, "NOT_ACCEPTABLE", f"Responses are {JSON} or {GRAPHQL_RESPONSE_JSON}."
            )
        if request.method == "POST":
            request.scope[_PAYLOAD_KEY] = await self._read_payload(request)
        return await self.run(request)

    async def _read_payload(self, request: Request) -> dict[str, Any] | list[dict[str, Any]]:
        media, _, params = request.headers.get("content-type", "").partition(";")
        charset = next(
            (
                value.strip().strip('"').lower()
                for name, _, value in (p.partition("=") for p in params.split(";"))
                if name.strip().lower() == "charset"
            ),
            "utf-8",
        )
        if media.strip().lower() != JSON or charset not in ("utf-8", "utf8"):
            raise _Rejected(415, "UNSUPPORTED_MEDIA_TYPE", f"POST bodies must be {JSON} in UTF-8.")
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise _bad_request("Invalid Content-Length header.")
            if int(declared) > self.max_body_bytes:
                raise _body_too_large(self.max_body_bytes)
        try:
            body = await request.body()
        except ClientDisconnect:
            raise _bad_request("The client disconnected before sending the body.") from None
        if not body:
            raise _bad_request("The request body is empty.")
        try:
            data = orjson.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise _bad_request("The request body is not valid UTF-8.") from None
        except orjson.JSONDecodeError:
            raise _bad_request("The request body is not valid JSON.") from None
        if not isinstance(data, list):
            return _check_operation(data)
        batching = self.schema.config.batching_config
        if batching is None:
            raise _Rejected(
                400, "BATCH_NOT_ALLOWED", "Batched requests are not accepted: send one operation."
            )
        if not data:
            raise _bad_request("The batch is empty.")
        if len(data) > batching["max_operations"]:
            raise _Rejected(
                400,
                "BATCH_TOO_LARGE",
                f"A batch may hold at most {batching['max_operations']} operations.",
            )
        return [_check_operation(item) for item in data]

    def _from_http_exception(
        self, request: Request, exc: HTTPException, media_type: str
    ) -> Response:
        cause = exc.__cause__
        if (
            request.method == "GET"
            and isinstance(cause, InvalidOperationTypeError)
            and cause.operation_type in (OperationType.MUTATION, OperationType.QUERY)
        ):
            return _error_response(
                405,
                f"{exc.reason[:1].upper()}{exc.reason[1:]}; use POST.",
                {"code": "METHOD_NOT_ALLOWED"},
                media_type=media_type,
                headers={"Allow": "POST"},
            )
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "BAD_REQUEST")
        return _error_response(exc.status_code, exc.reason, {"code": code}, media_type=media_type)

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
            return [_request_data(item) for item in payload]
        return _request_data(payload)

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
        sub_response.media_type = _negotiate(request.headers.get("accept")) or JSON
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
        return HTMLResponse(
            _graphiql_html(self.graphiql_static_url),
            headers={"Cache-Control": "no-cache", "Content-Security-Policy": GRAPHIQL_CSP},
        )


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
