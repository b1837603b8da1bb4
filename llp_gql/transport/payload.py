"""What a GraphQL request over HTTP may look like, checked before strawberry sees it.

Each refusal raises ``Rejected`` with its status and stable code; the view turns it
into a GraphQL-shaped JSON error (see ``view.py`` for the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive
from strawberry.http import GraphQLRequestData

__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "JSON",
    "Rejected",
    "bad_request",
    "error_response",
    "limited_receive",
    "negotiate",
    "read_payload",
    "request_data",
]

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


class Rejected(Exception):
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


def bad_request(message: str) -> Rejected:
    return Rejected(400, "BAD_REQUEST", message)


def error_response(
    status: int,
    message: str,
    extensions: Mapping[str, object],
    *,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"errors": [{"message": message, "extensions": dict(extensions)}]}
    return Response(orjson.dumps(body), status, headers=headers, media_type=media_type)


def negotiate(accept: str | None) -> str | None:
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


def check_operation(item: object) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise bad_request("The request body must be a JSON object.")
    query = item.get("query")
    if not isinstance(query, str) or not query.strip():
        raise bad_request("The request must carry the GraphQL document as a string `query`.")
    for name, kind, label in (
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
        ("operationName", str, "a string"),
    ):
        value = item.get(name)
        if value is not None and not isinstance(value, kind):
            raise bad_request(f"`{name}` must be {label} or null.")
    return item


def request_data(item: dict[str, Any]) -> GraphQLRequestData:
    return GraphQLRequestData(
        query=item["query"],
        variables=item.get("variables"),
        operation_name=item.get("operationName"),
        extensions=item.get("extensions"),
    )


def limited_receive(receive: Receive, limit: int) -> Receive:
    """Wrap ``receive`` so that reading past ``limit`` body bytes raises, chunk by chunk."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise body_too_large(limit)
        return message

    return limited


def body_too_large(limit: int) -> Rejected:
    return Rejected(413, "BODY_TOO_LARGE", f"The request body exceeds {limit} bytes.")


async def read_payload(
    request: Request, max_body_bytes: int, max_operations: int | None
) -> dict[str, Any] | list[dict[str, Any]]:
    """The POST body as one operation or a batch, checked (see the view's docstring).

    ``max_operations`` is None when batching is off.
    """
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
        raise Rejected(415, "UNSUPPORTED_MEDIA_TYPE", f"POST bodies must be {JSON} in UTF-8.")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise bad_request("Invalid Content-Length header.")
        if int(declared) > max_body_bytes:
            raise body_too_large(max_body_bytes)
    try:
        body = await request.body()
    except ClientDisconnect:
        raise bad_request("The client disconnected before sending the body.") from None
    if not body:
        raise bad_request("The request body is empty.")
    try:
        data = orjson.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise bad_request("The request body is not valid UTF-8.") from None
    except orjson.JSONDecodeError:
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(data, list):
        return check_operation(data)
    if max_operations is None:
        raise Rejected(
            400, "BATCH_NOT_ALLOWED", "Batched requests are not accepted: send one operation."
        )
    if not data:
        raise bad_request("The batch is empty.")
    if len(data) > max_operations:
        raise Rejected(
            400,
            "BATCH_TOO_LARGE",
            f"A batch may hold at most {max_operations} operations.",
        )
    return [check_operation(item) for item in data]
