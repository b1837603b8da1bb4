"""LLPGraphQLView against hostile HTTP: every refusal is a coded GraphQL error, never a 500."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from llp_gql.errors import NotFound, Unauthenticated
from llp_gql.observability import request_id_var
from llp_gql.transport.extensions import build_extensions
from llp_gql.transport.graphiql import GRAPHIQL_STATIC_PATH, graphiql_static_app
from llp_gql.transport.view import LLPGraphQLView

MAX_BODY = 4096
GQL_JSON = "application/graphql-response+json"


@strawberry.type
class Node:
    name: str = "node"

    @strawberry.field
    def child(self) -> Node:
        return Node()


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"

    @strawberry.field
    def missing(self) -> str | None:
        raise NotFound("Course")

    @strawberry.field
    def boom(self) -> str | None:
        raise RuntimeError("password=hunter2")

    @strawberry.field
    def node(self) -> Node:
        return Node()


@strawberry.type
class Mutation:
    @strawberry.mutation
    def ping(self) -> bool:
        return True


class ExplodingExtension(SchemaExtension):
    """Fails outside any resolver, so the error leaves the operation unformatted."""

    def on_execute(self) -> Iterator[None]:
        raise RuntimeError("extension secret")
        yield  # pragma: no cover


def make_schema(*, batch: int | None = None, extra: list[Any] | None = None) -> strawberry.Schema:
    extensions: list[Any] = build_extensions(
        max_depth=5, max_aliases=4, max_tokens=400, mask_errors=True, hide_suggestions=True
    )
    return strawberry.Schema(
        Query,
        Mutation,
        extensions=extensions + (extra or []),
        config=StrawberryConfig(
            batching_config={"max_operations": batch} if batch else None,
            disable_field_suggestions=True,
        ),
    )


class SetRequestId:
    """Stands in for the application's request-id middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = request_id_var.set("req-7")
        try:
            await self.app(scope, receive, send)
        finally:
            request_id_var.reset(token)


def make_app(view: LLPGraphQLView[Any]) -> ASGIApp:
    starlette = Starlette(
        routes=[
            Route("/graphql", view),
            Mount(GRAPHIQL_STATIC_PATH, app=graphiql_static_app()),
        ]
    )
    return SetRequestId(starlette)


def client_for(app: ASGIApp) -> httpx.AsyncClient:
    # raise_app_exceptions (the default) turns any unhandled error into a test failure.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_app(LLPGraphQLView(make_schema(), max_body_bytes=MAX_BODY))) as c:
        yield c


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"}
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert all(isinstance(error["message"], str) for error in body["errors"])


def post_raw(client: httpx.AsyncClient, body: bytes | AsyncIterator[bytes], **headers: str) -> Any:
    return client.post(
        "/graphql", content=body, headers={"content-type": "application/json", **headers}
    )


# -- the happy path ---------------------------------------------------------------------


async def test_post_query_answers_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ hello }"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"data": {"hello": "hello world"}}


async def test_graphql_response_json_is_used_when_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ hello }"}, headers={"accept": f"{GQL_JSON}, {'*/*'}"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == GQL_JSON


async def test_get_query_is_executed(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ hello }"})

    assert response.json() == {"data": {"hello": "hello world"}}


async def test_variables_operation_name_and_extensions_are_accepted(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={
            "query": "query Q($n: String!) { hello(name: $n) }",
            "variables": {"n": "Ada"},
            "operationName": "Q",
            "extensions": {"some": "value"},
        },
    )

    assert response.json() == {"data": {"hello": "hello Ada"}}


# -- malformed bodies -------------------------------------------------------------------

BAD_BODIES = {
    "not utf-8": b'{"query": "{ hello \xff\xfe }"}',
    "not json": b'{ "query": ',
    "null": b"null",
    "number": b"123",
    "string": b'"{ hello }"',
    "boolean": b"true",
    "empty body": b"",
    "whitespace": b"   ",
    "missing query": b'{"qeury": "{ hello }"}',
    "null query": b'{"query": null}',
    "empty query": b'{"query": ""}',
    "numeric query": b'{"query": 1}',
    "object query": b'{"query": {"obj": "ect"}}',
    "list query": b'{"query": ["{ hello }"]}',
    "string variables": b'{"query": "{ hello }", "variables": "{}"}',
    "list variables": b'{"query": "{ hello }", "variables": []}',
    "numeric variables": b'{"query": "{ hello }", "variables": 0}',
    "numeric operationName": b'{"query": "{ hello }", "operationName": 0}',
    "object operationName": b'{"query": "{ hello }", "operationName": {}}',
    "string extensions": b'{"query": "{ hello }", "extensions": "x"}',
    "deeply nested json": b'{"query": "{ hello }", "variables": {"a": '
    + b"[" * 1500
    + b"]" * 1500
    + b"}}",
    "json with a bom": b'\xef\xbb\xbf{"query": "{ hello }"}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_malformed_body_is_a_bad_request(client: httpx.AsyncClient, body: bytes) -> None:
    response = await post_raw(client, body)

    assert_refused(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize("accept", ["application/json", GQL_JSON])
async def test_malformed_body_answers_the_accepted_media_type(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await post_raw(client, b"null", accept=accept)

    assert_refused(response, 400, "BAD_REQUEST")
    assert response.headers["content-type"] == accept


# -- content types and methods ----------------------------------------------------------

WRONG_CONTENT_TYPES = [
    None,
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/graphql",
    "application/json; charset=latin-1",
    "application/jsonx",
]


@pytest.mark.parametrize("content_type", WRONG_CONTENT_TYPES)
async def test_post_with_another_content_type_is_refused(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    response = await client.post("/graphql", content=b'{"query": "{ hello }"}', headers=headers)

    assert_refused(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_cross_origin_form_post_cannot_run_a_mutation(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        data={"query": "mutation { ping }"},
        headers={"origin": "https://evil.example"},
    )

    assert_refused(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_charset_utf8_is_accepted(client: httpx.AsyncClient) -> None:
    response = await post_raw(
        client, b'{"query": "{ hello }"}', **{"content-type": "application/json; charset=UTF-8"}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("accept", ["text/html", "text/plain", "application/json;q=0"])
async def test_post_refusing_json_answers_not_acceptable(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ hello }"}, headers={"accept": accept}
    )

    assert_refused(response, 406, "NOT_ACCEPTABLE")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
async def test_other_methods_are_not_allowed(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", json={"query": "{ hello }"})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":
        assert_refused(response, 405, "METHOD_NOT_ALLOWED")


@pytest.mark.parametrize("accept", ["application/json", GQL_JSON])
async def test_mutation_over_get_is_refused(client: httpx.AsyncClient, accept: str) -> None:
    response = await client.get(
        "/graphql", params={"query": "mutation { ping }"}, headers={"accept": accept}
    )

    assert_refused(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


async def test_mutation_over_post_runs(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "mutation { ping }"})

    assert response.json() == {"data": {"ping": True}}


@pytest.mark.parametrize(
    "params",
    [
        {"query": "{ hello }", "variables": "not json"},
        {"query": "{ hello }", "variables": "[1]"},
        {"query": "{ hello }", "extensions": "1"},
    ],
)
async def test_get_with_malformed_parameters_is_a_bad_request(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/graphql", params=params, headers={"accept": "application/json"})

    assert_refused(response, 400, "BAD_REQUEST")


async def test_get_without_query_asking_for_json_is_a_bad_request(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"accept": "application/json"})

    assert_refused(response, 400, "BAD_REQUEST")


async def test_unknown_operation_name_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "query A { hello }", "operationName": "B"}
    )

    assert_refused(response, 400, "BAD_REQUEST")


# -- body size --------------------------------------------------------------------------


def padded_body(size: int) -> bytes:
    head, tail = b'{"query": "{ hello }", "extensions": {"pad": "', b'"}}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


async def test_body_at_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    response = await post_raw(client, padded_body(MAX_BODY))

    assert response.status_code == 200


async def test_declared_length_over_the_limit_is_refused(client: httpx.AsyncClient) -> None:
    response = await post_raw(client, padded_body(MAX_BODY + 1))

    assert_refused(response, 413, "BODY_TOO_LARGE")


async def test_streamed_body_over_the_limit_is_refused_while_reading() -> None:
    chunks_sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        yield b'{"query": "{ hello }", "pad": "'
        while chunks_sent < 1000:
            chunks_sent += 1
            yield b"x" * 1024

    view = LLPGraphQLView(make_schema(), max_body_bytes=MAX_BODY)
    async with client_for(make_app(view)) as client:
        # No Content-Length: httpx streams the chunks one ASGI message at a time.
        response = await post_raw(client, endless())

    assert_refused(response, 413, "BODY_TOO_LARGE")
    assert chunks_sent < 10


async def call_raw(
    view: LLPGraphQLView[Any],
    method: str,
    headers: list[tuple[bytes, bytes]],
    messages: list[Message],
) -> tuple[int, bytes]:
    """Drive the view as a server would, for what httpx would not send."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("test", 80),
        "client": ("127.0.0.1", 1234),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await view(scope, receive, send)
    status = sent[0]["status"]
    return status, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1e3"])
async def test_malformed_content_length_is_a_bad_request(length: bytes) -> None:
    view = LLPGraphQLView(make_schema(), max_body_bytes=MAX_BODY)

    status, body = await call_raw(
        view,
        "POST",
        [(b"content-type", b"application/json"), (b"content-length", length)],
        [{"type": "http.request", "body": b'{"query": "{ hello }"}', "more_body": False}],
    )

    assert status == 400
    assert b"BAD_REQUEST" in body


async def test_client_disconnect_before_the_body_is_not_a_server_error() -> None:
    view = LLPGraphQLView(make_schema(), max_body_bytes=MAX_BODY)

    status, body = await call_raw(
        view,
        "POST",
        [(b"content-type", b"application/json")],
        [
            {"type": "http.request", "body": b'{"query": ', "more_body": True},
            {"type": "http.disconnect"},
        ],
    )

    assert status == 400
    assert b"BAD_REQUEST" in body


# -- batching ---------------------------------------------------------------------------


async def test_batch_is_refused_when_batching_is_off(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=[{"query": "{ hello }"}])

    assert_refused(response, 400, "BATCH_NOT_ALLOWED")


async def test_empty_array_is_refused_when_batching_is_off(client: httpx.AsyncClient) -> None:
    response = await post_raw(client, b"[]")

    assert_refused(response, 400, "BATCH_NOT_ALLOWED")


@pytest.fixture
async def batching_client() -> AsyncIterator[httpx.AsyncClient]:
    view = LLPGraphQLView(make_schema(batch=2), max_body_bytes=MAX_BODY)
    async with client_for(make_app(view)) as c:
        yield c


async def test_batch_within_the_limit_runs(batching_client: httpx.AsyncClient) -> None:
    response = await batching_client.post(
        "/graphql", json=[{"query": "{ hello }"}, {"query": "{ missing }"}]
    )

    assert response.status_code == 200
    first, second = response.json()
    assert first == {"data": {"hello": "hello world"}}
    assert second["errors"][0]["extensions"] == {"code": "NOT_FOUND"}


async def test_batch_over_the_limit_is_refused(batching_client: httpx.AsyncClient) -> None:
    response = await batching_client.post("/graphql", json=[{"query": "{ hello }"}] * 3)

    assert_refused(response, 400, "BATCH_TOO_LARGE")


@pytest.mark.parametrize("body", [b"[]", b"[1]", b"[null]", b'[{"query": 1}]', b"[[]]"])
async def test_malformed_batch_is_a_bad_request(
    batching_client: httpx.AsyncClient, body: bytes
) -> None:
    response = await post_raw(batching_client, body)

    assert_refused(response, 400, "BAD_REQUEST")


# -- GraphQL errors over HTTP -----------------------------------------------------------


async def test_request_error_has_no_data_and_status_200_for_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ helo }"})

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{", None, "GRAPHQL_PARSE_FAILED"),
        ("{ helo }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query ($n: String!) { hello(name: $n) }", {"n": None}, "BAD_USER_INPUT"),
        (
            "{ node { child { child { child { child { child { name } } } } } } }",
            None,
            "QUERY_TOO_DEEP",
        ),
        ("{ a: hello b: hello c: hello d: hello e: hello }", None, "TOO_MANY_ALIASES"),
        ("{ " + "hello " * 500 + "}", None, "TOO_MANY_TOKENS"),
    ],
)
async def test_request_error_is_a_400_for_graphql_response_json(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"accept": GQL_JSON}
    )

    assert_refused(response, 400, code)
    assert response.headers["content-type"] == GQL_JSON


async def test_field_error_keeps_data_and_status_200(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ hello missing }"}, headers={"accept": GQL_JSON}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"hello": "hello world", "missing": None}
    assert body["errors"][0] == {
        "message": "Course not found.",
        "locations": [{"line": 1, "column": 9}],
        "path": ["missing"],
        "extensions": {"code": "NOT_FOUND"},
    }


async def test_unexpected_error_is_masked_with_the_request_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ boom }"})

    assert response.status_code == 200
    assert "hunter2" not in response.text
    assert response.json()["errors"][0]["message"] == "Internal server error."
    assert response.json()["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": "req-7"}


async def test_error_escaping_the_extensions_is_still_masked() -> None:
    view = LLPGraphQLView(make_schema(extra=[ExplodingExtension]), max_body_bytes=MAX_BODY)
    async with client_for(make_app(view)) as client:
        response = await client.post("/graphql", json={"query": "{ hello }"})

    assert response.status_code == 200
    assert "extension secret" not in response.text
    assert response.json()["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": "req-7"}


@pytest.mark.parametrize("query", ["{ helo }", '{ hello(nmae: "x") }'])
async def test_no_suggestions_leak_over_http(client: httpx.AsyncClient, query: str) -> None:
    response = await client.post("/graphql", json={"query": query})

    assert "Did you mean" not in response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


# -- the application's context ----------------------------------------------------------


async def test_context_getter_result_reaches_resolvers() -> None:
    @strawberry.type
    class WhoQuery:
        @strawberry.field
        def who(self, info: strawberry.Info) -> str:
            return str(info.context["who"])

    async def get_context(
        request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, str]:
        return {"who": request.headers.get("authorization", "anonymous")}

    view = LLPGraphQLView[dict[str, str]](strawberry.Schema(WhoQuery), context_getter=get_context)
    async with client_for(make_app(view)) as client:
        response = await client.post(
            "/graphql", json={"query": "{ who }"}, headers={"authorization": "Bearer abc"}
        )

    assert response.json() == {"data": {"who": "Bearer abc"}}


async def test_llp_error_from_the_context_getter_answers_with_its_code() -> None:
    async def get_context(request: Request | WebSocket, response: Response | WebSocket) -> None:
        raise Unauthenticated("The token has expired.")

    view = LLPGraphQLView[None](make_schema(), context_getter=get_context)
    async with client_for(make_app(view)) as client:
        response = await client.post("/graphql", json={"query": "{ hello }"})

    assert_refused(response, 401, "UNAUTHENTICATED")
    assert response.json()["errors"][0]["message"] == "The token has expired."


async def test_crash_in_the_context_getter_is_a_coded_500() -> None:
    async def get_context(request: Request | WebSocket, response: Response | WebSocket) -> None:
        raise RuntimeError("database password=hunter2")

    view = LLPGraphQLView[None](make_schema(), context_getter=get_context)
    async with client_for(make_app(view)) as client:
        response = await client.post("/graphql", json={"query": "{ hello }"})

    assert_refused(response, 500, "INTERNAL")
    assert "hunter2" not in response.text
    assert response.json()["errors"][0]["extensions"]["requestId"] == "req-7"


async def test_garbage_never_reaches_the_context_getter() -> None:
    calls = 0

    async def get_context(request: Request | WebSocket, response: Response | WebSocket) -> None:
        nonlocal calls
        calls += 1

    view = LLPGraphQLView[None](make_schema(), context_getter=get_context)
    async with client_for(make_app(view)) as client:
        await post_raw(client, b"null")
        await post_raw(client, b"[1, 2]")
        await client.post("/graphql", content=b"x", headers={"content-type": "text/plain"})

    assert calls == 0


# -- GraphiQL ---------------------------------------------------------------------------

ASSET_REFERENCE = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"[^>]*>')


async def graphiql_page(client: httpx.AsyncClient) -> str:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_graphiql_page_loads_nothing_from_a_cdn(client: httpx.AsyncClient) -> None:
    page = await graphiql_page(client)

    assert "unpkg" not in page
    assert "jsdelivr" not in page
    assert "http:" not in page
    assert "https:" not in page
    assert "<script>" not in page  # no inline script: a strict CSP stays possible
    references = ASSET_REFERENCE.findall(page)
    assert len(references) == 9
    for url in references:
        assert url == "data:," or url.startswith(GRAPHIQL_STATIC_PATH + "/"), url


async def test_every_graphiql_asset_is_served_with_a_matching_hash(
    client: httpx.AsyncClient,
) -> None:
    page = await graphiql_page(client)
    tags = re.findall(r'(?:src|href)="(/graphql/static/[^"]+)" integrity="([^"]+)"', page)

    assert len(tags) == 8
    for url, integrity in tags:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert "immutable" in response.headers["cache-control"]
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url


async def test_graphiql_boot_script_enables_the_headers_editor(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(f"{GRAPHIQL_STATIC_PATH}/llp-graphiql.js")

    assert "isHeadersEditorEnabled: true" in response.text
    assert "Authorization" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "react-18.2.0/LICENSE",
        "react-dom-18.2.0/LICENSE",
        "graphiql-3.8.3/LICENSE",
        "graphiql-plugin-explorer-1.0.2/LICENSE",
        "README.txt",
    ],
)
async def test_licences_ship_with_the_assets(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"{GRAPHIQL_STATIC_PATH}/{path}")

    assert response.status_code == 200


async def test_graphiql_can_be_turned_off() -> None:
    view = LLPGraphQLView(make_schema(), graphiql=False)
    async with client_for(make_app(view)) as client:
        response = await client.get("/graphql", headers={"accept": "text/html"})

    assert_refused(response, 404, "NOT_FOUND")


# -- a sweep of hostile requests --------------------------------------------------------


def hostile_requests() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, body in BAD_BODIES.items():
        for content_type in ("application/json", "text/plain", "application/json; charset=x"):
            yield "POST", {"content": body, "headers": {"content-type": content_type}}
        yield "GET", {"params": {"query": body.decode("latin-1")}, "headers": {"accept": "*/*"}}
        del name
    for query in [
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        "{ " + " ".join(f"a{i}: hello" for i in range(200)) + " }",
        "{ node { ...A } } fragment A on Node { ...A }",
        "query { hello } query { hello }",
        "subscription { hello }",
        "{ hello(first: 99999999) }",
        "{ " + "node { " * 300 + "name" + " }" * 300 + " }",
        "{ hello @skip }",
        "{ hello @unknown }",
        "mutation { ping ping ping }",
    ]:
        yield "POST", {"json": {"query": query}}
        yield "GET", {"params": {"query": query}}


async def test_no_hostile_request_gets_a_server_error(client: httpx.AsyncClient) -> None:
    tried = 0
    for method, kwargs in hostile_requests():
        response = await client.request(method, "/graphql", **kwargs)
        tried += 1
        assert response.status_code < 500, (method, kwargs, response.text)
        assert "Did you mean" not in response.text
        if response.status_code >= 400:
            assert response.json()["errors"][0]["extensions"]["code"]

    assert tried > 100
