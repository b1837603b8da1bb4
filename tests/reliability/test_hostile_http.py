"""R3: a hostile HTTP corpus against the real ASGI app, in dev and in production mode.

Generated (every operation of the schema with garbage variables, per role) and
hand-written (raw bodies, content types, sizes, nesting, aliases, fragments, batches,
page sizes, GET mutations, cross-site form posts, unknown-field probes, hostile paths
of the download, verification and admin routes, hostile headers).

Figures: requests tried, 5xx answers, "Did you mean" leaks in production mode
(target >= 500, 0, 0). Also held at zero: GraphQL errors without a code, masked
INTERNAL errors, cross-site posts that changed anything, and a few refusals whose
code the HTTP view promises.

"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from starlette.applications import Starlette

from llp_gql.domain import auth
from llp_gql.models import AuthToken, Enrollment, User
from llp_gql.settings import Settings
from llp_gql.transport import build_schema
from tests.gql import gid, token_for
from tests.reliability.conftest import ROLES, Scene

GQL_JSON = "application/graphql-response+json"
EVIL = "https://evil.example"
INF = object()  # rendered as the JSON number 1e309 (a double overflow; JSON has no NaN)
JSON_HEADERS = {"content-type": "application/json"}

ClientFactory = Callable[[Starlette, str], httpx.AsyncClient]


def dumps(value: Any) -> bytes:
    """JSON with INF written as 1e309 (json.dumps would write the invalid `Infinity`)."""
    marker = "__llp_inf_marker__"

    def swap(item: Any) -> Any:
        if item is INF:
            return marker
        if isinstance(item, dict):
            return {k: swap(v) for k, v in item.items()}
        if isinstance(item, list):
            return [swap(v) for v in item]
        return item

    return json.dumps(swap(value)).replace(f'"{marker}"', "1e309").encode()


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# -- the tally --------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    uncoded: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def record(self, label: str, response: httpx.Response, *, production: bool) -> None:
        self.requests += 1
        text = response.text
        where = f"{label} -> {response.status_code} {text[:300]!r}"
        if response.status_code >= 500:
            self.server_errors.append(where)
        if production and "did you mean" in text.lower():
            self.leaks.append(where)
        if response.url.path != "/graphql" or response.request.method == "HEAD":
            return
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith(("application/json", GQL_JSON)):
            if response.status_code >= 400:
                self.uncoded.append(f"{where} (not JSON: {content_type})")
            return
        try:
            body = response.json()
        except ValueError:
            self.uncoded.append(f"{where} (invalid JSON)")
            return
        for item in body if isinstance(body, list) else [body]:
            for error in (item or {}).get("errors") or []:
                code = (error.get("extensions") or {}).get("code")
                if not code:
                    self.uncoded.append(where)
                elif code == "INTERNAL":
                    self.internal.append(where)

    def expect(self, label: str, ok: bool, response: httpx.Response) -> None:
        if not ok:
            self.misses.append(f"{label} -> {response.status_code} {response.text[:300]!r}")


def codes(response: httpx.Response) -> set[str]:
    try:
        body = response.json()
    except ValueError:
        return set()
    items = body if isinstance(body, list) else [body]
    return {
        (error.get("extensions") or {}).get("code")
        for item in items
        if isinstance(item, dict)
        for error in item.get("errors") or []
    }


class Corpus:
    """Sends requests to the dev app and the production app, and tallies the answers."""

    def __init__(self, dev: Starlette, prod: Starlette, make: ClientFactory) -> None:
        self.apps = {"dev": dev, "prod": prod}
        self.make = make
        self.tally = Tally()
        self._address = 0

    def client(self, mode: str, *, fresh_address: bool = False) -> httpx.AsyncClient:
        address = "203.0.113.7"
        if fresh_address:  # a new client address: its own rate-limit windows
            self._address += 1
            address = f"198.51.100.{self._address % 250 + 1}"
        return self.make(self.apps[mode], address)

    async def send(
        self,
        mode: str,
        label: str,
        method: str,
        url: str,
        *,
        fresh_address: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        client = self.client(mode, fresh_address=fresh_address)
        response = await client.request(method, url, **kwargs)
        self.tally.record(f"[{mode}] {label}", response, production=mode == "prod")
        return response

    async def both(self, label: str, method: str, url: str, **kwargs: Any) -> list[httpx.Response]:
        return [await self.send(mode, label, method, url, **kwargs) for mode in ("dev", "prod")]

    async def gql(
        self,
        mode: str,
        label: str,
        query: str,
        variables: Any = None,
        token: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        payload: dict[str, Any] = {"query": query, **extra}
        if variables is not None:
            payload["variables"] = variables
        headers = dict(JSON_HEADERS)
        if token:
            headers["authorization"] = f"Bearer {token}"
        return await self.send(
            mode, label, "POST", "/graphql", content=dumps(payload), headers=headers
        )


# -- generated: every operation of the schema with garbage variables -----------------------


def selection(type_: Any, depth: int) -> str:
    """Scalars of an object type, and (while depth lasts) its objects without required args."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, fld in named.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in fld.args.values()):
            continue
        inner = get_named_type(fld.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth > 0:
            parts.append(f"{name} {selection(fld.type, depth - 1)}")
    return "{ " + " ".join(parts) + " }"


def operation_document(kind: str, name: str, fld: GraphQLField) -> str:
    defs = ", ".join(f"${arg}: {spec.type}" for arg, spec in fld.args.items())
    call = f"{name}({', '.join(f'{arg}: ${arg}' for arg in fld.args)})" if fld.args else name
    head = f"{kind} Op({defs})" if defs else f"{kind} Op"
    return f"{head} {{ {call} {selection(fld.type, 1)} }}"


def operations(schema: GraphQLSchema) -> list[tuple[str, str, GraphQLField]]:
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        found += [(kind, name, fld) for name, fld in root.fields.items()]
    return found


def bogus_ids(scene: Scene, type_name: str) -> list[Any]:
    """IDs that must all answer NOT_FOUND (or a coercion error), never anything else."""
    ids = scene.ids()
    other = "Course" if type_name != "Course" else "Enrollment"
    return [
        "",
        "!!!not-base64!!!",
        "%00%ff",
        "null",
        "0",
        b64(f"{type_name}:0"),
        b64(f"{type_name}:-1"),
        b64(f"{type_name}:1e5"),
        b64(f"{type_name}: 1"),
        b64(f"{type_name}:2147483647"),  # the largest key an integer column holds
        b64(f"{other}:1"),  # another type's ID
        ids["cert_x"],
        b64("\u0000:1"),
        "A" * 65,
        "A" * 10_000,
        "😀" * 10,
        12345,
        1.5,
        True,
        {"id": 1},
        [ids["e_a"]],
    ]


STRINGS: list[Any] = [
    "",
    " ",
    "\u0000",
    "x" * 100_000,
    "😀" * 2_000,
    "\u202eevil\u202c",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a@b.c",
    "\r\nSet-Cookie: x=1",
    12,
    ["list"],
]
INTS: list[Any] = [2**31, -(2**31) - 1, 10**30, 1.5, "1", True, -1, 0, 2**53 + 1, 99999999, INF]
FLOATS: list[Any] = [INF, 1e308, -1e308, 5e-324, -0.0, "1.0", 10**30, -1, 0, True, 1e-300]
BOOLEANS: list[Any] = ["true", 1, 0, "yes"]


def lesson_inputs() -> list[Any]:
    question = {"prompt": "p", "choices": [{"text": "a", "isCorrect": True}]}
    return [
        {},
        {"kind": "QUIZ", "title": "q", "questions": [question] * 2_000},
        {"kind": "VIDEO", "title": "x" * 100_000, "durationSeconds": 1e308},
        {"kind": "QUIZ", "title": "t", "passingScorePercent": -5, "maxAttempts": 0},
        {"kind": "VIDEO", "title": "t", "durationSeconds": -1, "videoUrl": "javascript:alert(1)"},
        {"kind": "READING", "title": "t", "unknownField": 1},
        {"kind": "NOPE", "title": "t"},
        {"kind": "QUIZ", "title": "t", "passingScorePercent": 2**31, "questions": []},
        {"kind": "QUIZ", "title": "t", "questions": [{"prompt": "", "choices": []}]},
        {"kind": "VIDEO", "title": "t", "durationSeconds": INF},
        "READING",
    ]


def quiz_answers(scene: Scene) -> list[Any]:
    """Single QuizAnswerInput values (the list wrapper comes from garbage_for)."""
    q = scene.ids()["question"]
    return [
        {},
        {"questionId": q, "choiceIds": ["x"] * 5_000},
        {"questionId": q, "choiceIds": []},
        {"questionId": "!!!", "choiceIds": [b64("Choice:99999")]},
        {"questionId": q, "choiceIds": [q]},
        {"questionId": q, "choiceIds": [[[]]]},
        {"questionId": q, "choiceIds": [], "extra": 1},
        [],
    ]


def garbage_for(type_: Any, scene: Scene, arg: str, index: int) -> Any:
    """The ``index``-th hostile value for an argument of this type (cycling per type)."""
    if isinstance(type_, GraphQLNonNull):
        return garbage_for(type_.of_type, scene, arg, index)
    if isinstance(type_, GraphQLList):
        inner = garbage_for(type_.of_type, scene, arg, index)
        many = 600 if len(dumps(inner)) < 200 else 3
        shapes = [
            [inner],
            inner,
            [inner] * many,
            [],
            [None],
            [[inner]],
            [inner, inner],
        ]
        return shapes[index % len(shapes)]
    named = get_named_type(type_)
    pool: list[Any]
    if isinstance(named, GraphQLEnumType):
        pool = ["NOPE", "video", 1, None, "COMPLETED"]
    elif isinstance(named, GraphQLInputObjectType):
        pool = lesson_inputs() if named.name == "LessonInput" else quiz_answers(scene)
    elif named.name == "ID":
        kind = {
            "courseId": "Course",
            "lessonId": "Lesson",
            "userId": "User",
            "userIds": "User",
            "id": "Enrollment",
        }.get(arg, "Enrollment")
        pool = bogus_ids(scene, kind)
    elif named.name == "String":
        pool = STRINGS
    elif named.name == "Int":
        pool = INTS
    elif named.name == "Float":
        pool = FLOATS
    elif named.name == "Boolean":
        pool = BOOLEANS
    else:
        pool = ["garbage", 1]
    return pool[index % len(pool)]


GARBAGE_SETS = 12


def variable_sets(fld: GraphQLField, scene: Scene) -> Iterable[tuple[str, Any]]:
    yield "no variables", None
    yield "all null", dict.fromkeys(fld.args)
    yield "all objects", {arg: {"nested": {"deeper": [1, 2]}} for arg in fld.args}
    yield "not an object", ["variables", "as", "a", "list"]
    for i in range(GARBAGE_SETS):
        yield (
            f"garbage {i}",
            {arg: garbage_for(spec.type, scene, arg, i) for arg, spec in fld.args.items()},
        )


async def generated(corpus: Corpus, scene: Scene, settings: Settings) -> None:
    schema = build_schema(settings)._schema
    ops = operations(schema)
    assert len(ops) >= 26, [name for _, name, _ in ops]
    roles = ["anonymous", *ROLES]
    turn = 0
    for kind, name, fld in ops:
        document = operation_document(kind, name, fld)
        for label, variables in variable_sets(fld, scene):
            for mode in ("dev", "prod"):
                role = roles[turn % len(roles)]
                turn += 1
                token = scene.tokens.get(role)
                if name == "logout" and token:  # a token of its own: logout revokes it
                    token = await token_for(scene.world.users()[role], settings)
                await corpus.gql(
                    mode,
                    f"{name} {label} as {role}",
                    document,
                    variables,
                    token=token,
                )
                if name == "logoutEverywhere" and token:
                    # It ended every token of this role's user: give the rest of the corpus one.
                    scene.tokens[role] = await token_for(scene.world.users()[role], settings)


# -- hand-written ------------------------------------------------------------------------

INVALID_UTF8 = [
    b'{"query": "{ me { id } \xff }"}',
    b'{"query": "\xc3\x28"}',
    b'{"query": "\xa0\xa1"}',
    b'{"query": "\xe2\x28\xa1"}',
    b'{"query": "\xf0\x28\x8c\xbc"}',
    b'{"query": "\xf8\xa1\xa1\xa1\xa1"}',
    b'{"query": "\xed\xa0\x80"}',  # an encoded surrogate
    b'{"query": "\xc0\xaf"}',  # overlong "/"
    b"\xff\xfe{\x00}\x00",  # UTF-16 with a byte order mark
    b"\xef\xbb\xbf" + b'{"query": "{ __typename }"}',  # UTF-8 byte order mark
    b'{"query": "{ __typename }", "variables": {"x": "\\ud800"}}',  # lone surrogate escape
    b'{"query": "\\u0000{ __typename }"}',
]

BARE_JSON = [
    b"null",
    b"0",
    b"-1",
    b"1e309",
    b'"{ __typename }"',
    b"true",
    b"false",
    b"[]",
    b"[1]",
    b"{}",
    b'{"query": {"nested": true}}',
    b'{"query": "{ __typename }"} trailing',
    b'{"query": "{ __typename }", "query": 1}',
    b"NaN",
    b"Infinity",
    b"{'query': '{ __typename }'}",
    b'{"query": "{ __typename }", "variables": "{}"}',
    b'{"query": "{ __typename }", "operationName": 7}',
    b'{"query": "{ __typename }", "extensions": []}',
    b"   ",
    b"",
]

CONTENT_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/graphql",
    "application/json; charset=latin-1",
    "application/json; charset=utf-16",
    "application/json-patch+json",
    "application/xml",
    "application/json, text/plain",
    ";;;",
    "application/json; charset=",
    "APPLICATION/JSON; CHARSET=UTF-8",
    "",
]


async def raw_bodies(corpus: Corpus) -> None:
    for i, body in enumerate(INVALID_UTF8):
        await corpus.both(
            f"invalid utf-8 #{i}", "POST", "/graphql", content=body, headers=JSON_HEADERS
        )
    for body in BARE_JSON:
        responses = await corpus.both(
            f"bare json {body[:30]!r}", "POST", "/graphql", content=body, headers=JSON_HEADERS
        )
        for response in responses:
            corpus.tally.expect(
                f"bare json {body[:30]!r} is 400", response.status_code == 400, response
            )
    valid = dumps({"query": "{ __typename }"})
    for content_type in CONTENT_TYPES:
        headers = {"content-type": content_type} if content_type else {}
        for response in await corpus.both(
            f"content-type {content_type!r}", "POST", "/graphql", content=valid, headers=headers
        ):
            accepted = response.status_code == 200
            corpus.tally.expect(
                f"content-type {content_type!r}",
                accepted == (content_type.lower().startswith("application/json; charset=utf-8")),
                response,
            )
    await corpus.both(
        "utf-16 body",
        "POST",
        "/graphql",
        content='{"query": "{ __typename }"}'.encode("utf-16"),
        headers={"content-type": "application/json; charset=utf-16"},
    )


async def sizes(corpus: Corpus, settings: Settings) -> None:
    limit = settings.max_body_bytes
    padding = b" " * (limit + 1 - len(dumps({"query": "{ __typename }"})))
    over = dumps({"query": "{ __typename }"})[:-1] + padding + b"}"
    assert len(over) == limit + 1
    for response in await corpus.both(
        "body one byte over", "POST", "/graphql", content=over, headers=JSON_HEADERS
    ):
        corpus.tally.expect("413 over limit", codes(response) == {"BODY_TOO_LARGE"}, response)

    async def stream() -> AsyncIterator[bytes]:
        yield b'{"query": "'
        for _ in range(40):
            yield b" " * 65_536
        yield b'{ __typename }"}'

    for mode in ("dev", "prod"):
        response = await corpus.send(
            mode,
            "chunked body over limit",
            "POST",
            "/graphql",
            content=stream(),
            headers=JSON_HEADERS,
        )
        corpus.tally.expect("chunked 413", response.status_code == 413, response)
    small = dumps({"query": "{ __typename }"})
    for declared in ("99999999999999999999", "-1", "abc", "1e6", " 5"):
        await corpus.both(
            f"content-length {declared}",
            "POST",
            "/graphql",
            content=small,
            headers={**JSON_HEADERS, "content-length": declared},
        )
    # Big but legal bodies: padding, a huge variable, many unused variables.
    await corpus.both(
        "900 KB of whitespace",
        "POST",
        "/graphql",
        content=dumps({"query": "{" + " " * 900_000 + "__typename }"}),
        headers=JSON_HEADERS,
    )
    await corpus.both(
        "900 KB variable",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps(
            {
                "query": "query($c: String!) { verifyCertificate(code: $c) { status } }",
                "variables": {"c": "A" * 900_000},
            }
        ),
    )
    await corpus.both(
        "50k unused variables",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps(
            {"query": "{ __typename }", "variables": {f"v{i}": i for i in range(50_000)}}
        ),
    )
    await corpus.both(
        "100k tokens",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps({"query": "{ " + "__typename " * 90_000 + "}"}),
    )
    await corpus.both(
        "huge GET query",
        "GET",
        "/graphql?query=" + "%7B" + "__typename%20" * 4_500 + "%7D",
        headers={"accept": "application/json"},
    )


def nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"company {{ employees {{ edges {{ node {{ {inner} }} }} }} }}"
    return "{ me { " + inner + " } }"


async def nesting(corpus: Corpus, scene: Scene) -> None:
    admin = scene.tokens["admin_x"]
    for depth in (1, 3, 4, 8, 50):
        for mode in ("dev", "prod"):
            response = await corpus.gql(mode, f"query depth x{depth}", nested(depth), token=admin)
            if depth >= 4:
                corpus.tally.expect(
                    f"depth {depth} refused",
                    codes(response) & {"QUERY_TOO_DEEP", "TOO_MANY_TOKENS"} != set(),
                    response,
                )
    for depth in (500, 1_000, 5_000):
        await corpus.both(
            f"json nesting {depth}",
            "POST",
            "/graphql",
            headers=JSON_HEADERS,
            content=b'{"query": "{ __typename }", "variables": {"x": '
            + b"[" * depth
            + b"]" * depth
            + b"}}",
        )
        await corpus.both(
            f"brace nesting {depth}",
            "POST",
            "/graphql",
            headers=JSON_HEADERS,
            content=dumps({"query": "{" * depth + "}" * depth}),
        )
        await corpus.both(
            f"inline fragment nesting {depth}",
            "POST",
            "/graphql",
            headers=JSON_HEADERS,
            content=dumps(
                {"query": "{ " + "... on Query { " * depth + "__typename" + " }" * depth + " }"}
            ),
        )
    deep_list = "x"
    for _ in range(300):
        deep_list = [deep_list]  # type: ignore[assignment]
    for mode in ("dev", "prod"):
        await corpus.gql(
            mode,
            "deeply nested list variable",
            "mutation($c: ID!, $u: [ID!]!) { assignCourse(courseId: $c, userIds: $u) { id } }",
            {"c": scene.ids()["course"], "u": deep_list},
            token=admin,
        )
        await corpus.gql(
            mode,
            "nested list literal",
            'mutation { assignCourse(courseId: "x", userIds: '
            + "[" * 100
            + '"x"'
            + "]" * 100
            + ") { id } }",
            token=admin,
        )
    # Introspection fan-out (GraphQL's own depth guard) in dev, where introspection is on.
    fan = (
        "{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } }"
        " } }"
    )
    await corpus.gql("dev", "introspection fan-out", fan)


async def aliases(corpus: Corpus, scene: Scene) -> None:
    token = scene.tokens["individual_a"]
    for count in (30, 31, 100, 1_000):
        query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(count)) + " }"
        for mode in ("dev", "prod"):
            response = await corpus.gql(mode, f"{count} aliases", query, token=token)
            if count > 30:
                corpus.tally.expect(
                    f"{count} aliases refused",
                    codes(response) & {"TOO_MANY_ALIASES", "TOO_MANY_TOKENS"} != set(),
                    response,
                )
    # Fragments that multiply aliases: 8 spreads per level, 6 levels.
    fragments = ["fragment F0 on Query { a: __typename b: __typename }"]
    for level in range(1, 7):
        spreads = " ".join(f"...F{level - 1}" for _ in range(8))
        fragments.append(f"fragment F{level} on Query {{ {spreads} }}")
    bomb = "{ ...F6 } " + " ".join(fragments)
    await corpus.both(
        "fragment alias bomb",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps({"query": bomb}),
    )
    wide = "query A { x1: __typename x2: __typename } query B { y1: __typename } " * 20
    await corpus.both(
        "aliases across operations",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps({"query": wide, "operationName": "A"}),
    )
    nested_aliases = (
        "{ courses { edges { node { "
        + " ".join(f"t{i}: title l{i}: lessons {{ id }}" for i in range(20))
        + " } } } }"
    )
    await corpus.both(
        "nested aliases",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps({"query": nested_aliases}),
    )
    same_field = (
        "{ " + " ".join(f"c{i}: courses(first: 100) {{ totalCount }}" for i in range(29)) + " }"
    )
    await corpus.both(
        "29 aliased connections",
        "POST",
        "/graphql",
        headers=JSON_HEADERS,
        content=dumps({"query": same_field}),
    )


CIRCULAR = [
    "{ ...A } fragment A on Query { ...A }",
    "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
    "{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } "
    "fragment C on Query { ...A }",
    "{ me { ...U } } fragment U on User { company { employees { edges { node { ...U } } } } }",
    "{ __typename } fragment A on Query { ...B } fragment B on Query { ...A }",
    "{ ...A } fragment A on Query { ... on Query { ...A } }",
    "{ ...A ...A ...A } fragment A on Query { __typename ...A }",
    "{ ...Missing }",
    "{ ...A } fragment A on Query { __typename } fragment A on Query { me { id } }",
    "{ ...A } fragment A on Nope { __typename }",
]


async def fragments(corpus: Corpus) -> None:
    for i, query in enumerate(CIRCULAR):
        for response in await corpus.both(
            f"circular fragments #{i}",
            "POST",
            "/graphql",
            headers=JSON_HEADERS,
            content=dumps({"query": query}),
        ):
            corpus.tally.expect(f"fragments #{i} refused", bool(codes(response)), response)


async def batches(corpus: Corpus) -> None:
    op = {"query": "{ __typename }"}
    for label, body in [
        ("batch of 1", [op]),
        ("batch of 2", [op, op]),
        ("batch of 1000", [op] * 1_000),
        ("empty batch", []),
        ("batch of numbers", [1, 2]),
        ("batch of null", [None]),
        ("nested batch", [[op]]),
        ("batch of strings", ["{ __typename }"]),
        ("batch of mutations", [{"query": "mutation { logout }"}] * 3),
    ]:
        for response in await corpus.both(
            label, "POST", "/graphql", headers=JSON_HEADERS, content=dumps(body)
        ):
            corpus.tally.expect(f"{label} refused", response.status_code == 400, response)


async def page_sizes(corpus: Corpus, scene: Scene) -> None:
    admin = scene.tokens["admin_x"]
    cases = [
        ("courses first 99999999", "{ courses(first: 99999999) { totalCount } }", None),
        ("courses first -1", "{ courses(first: -1) { totalCount } }", None),
        ("courses first 2^31", "{ courses(first: 2147483648) { totalCount } }", None),
        ("courses first 101", "{ courses(first: 101) { totalCount } }", None),
        ("courses first 1e3", "{ courses(first: 1e3) { totalCount } }", None),
        (
            "courses first var",
            "query($f: Int) { courses(first: $f) { totalCount } }",
            {"f": 99999999},
        ),
        (
            "courses first var inf",
            "query($f: Int) { courses(first: $f) { totalCount } }",
            {"f": INF},
        ),
        (
            "employees first 99999999",
            "{ company { employees(first: 99999999) { totalCount } } }",
            None,
        ),
        (
            "enrollments first 99999999",
            "{ company { enrollments(first: 99999999) { totalCount } } }",
            None,
        ),
        ("courses after garbage", '{ courses(after: "!!!") { totalCount } }', None),
        ("courses after c:-1", f'{{ courses(after: "{b64("c:-1")}") {{ totalCount }} }}', None),
        ("courses after c:abc", f'{{ courses(after: "{b64("c:abc")}") {{ totalCount }} }}', None),
        ("courses after long", '{ courses(after: "' + "A" * 10_000 + '") { totalCount } }', None),
        (
            "courses after other id",
            f'{{ courses(after: "{gid("Course", 1)}") {{ totalCount }} }}',
            None,
        ),
    ]
    for label, query, variables in cases:
        for mode in ("dev", "prod"):
            response = await corpus.gql(mode, label, query, variables, token=admin)
            if "99999999" in label:
                corpus.tally.expect(
                    f"{label} refused", "PAGE_TOO_LARGE" in codes(response), response
                )


async def get_mutations(corpus: Corpus, scene: Scene, settings: Settings) -> None:
    schema = build_schema(settings)._schema
    assert schema.mutation_type is not None
    admin = scene.tokens["admin_x"]
    for name, fld in schema.mutation_type.fields.items():
        document = operation_document("mutation", name, fld)
        for mode in ("dev", "prod"):
            response = await corpus.send(
                mode,
                f"GET mutation {name}",
                "GET",
                "/graphql",
                params={"query": document, "variables": "{}"},
                headers={"accept": "application/json", "authorization": f"Bearer {admin}"},
            )
            corpus.tally.expect(f"GET {name} is 405", response.status_code == 405, response)
    odd_gets = [
        {"query": "mutation { logout }", "operationName": "Nope"},
        {"query": "query Q { me { id } } mutation M { logout }", "operationName": "M"},
        {"query": "query Q { me { id } } mutation M { logout }"},
        {"query": "{ me { id } }", "variables": "not json"},
        {"query": "{ me { id } }", "variables": "[]"},
        {"query": "{ me { id } }", "variables": '{"a": 1e309}'},
        {"query": "{ me { id } }", "extensions": "{{{"},
        {"query": "subscription { me { id } }"},
        {"query": ""},
        {"variables": "{}"},
        {"query": "{ me { id } }", "operationName": ""},
    ]
    for params in odd_gets:
        await corpus.both(
            f"GET {params}",
            "GET",
            "/graphql",
            params=params,
            headers={"accept": "application/json"},
        )
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"):
        for response in await corpus.both(
            f"{method} /graphql",
            method,
            "/graphql",
            content=dumps({"query": "{ __typename }"}),
            headers=JSON_HEADERS,
        ):
            corpus.tally.expect(f"{method} is 405", response.status_code == 405, response)


async def cross_site(corpus: Corpus, scene: Scene, settings: Settings) -> int:
    """Form posts from another site; returns how many changed something (must be 0)."""
    admin = scene.world.admin_x
    session = await auth.issue_token(admin, settings=settings, kind=auth.SESSION)
    session_row = await AuthToken.get(token_hash=hashlib.sha256(session.token.encode()).hexdigest())
    cookie = f"llp_session={session.token}"
    create = (
        'mutation { createEmployee(email: "csrf@acme.example", name: "Csrf", '
        'password: "a long enough password") { id } }'
    )
    site = {"origin": EVIL, "referer": f"{EVIL}/attack.html", "cookie": cookie}
    accepted = 0
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("form-urlencoded", "/graphql", {"data": {"query": create}}),
        ("multipart", "/graphql", {"files": {"query": (None, create)}}),
        (
            "text/plain json",
            "/graphql",
            {"content": dumps({"query": create}), "headers": {"content-type": "text/plain"}},
        ),
        (
            "text/plain form",
            "/graphql",
            {"content": f"query={create}".encode(), "headers": {"content-type": "text/plain"}},
        ),
        ("GET mutation", "/graphql", {"params": {"query": create}}),
        (
            "admin new employee",
            "/admin/employees/new",
            {
                "data": {
                    "email": "csrf@acme.example",
                    "name": "Csrf",
                    "password": "a long enough password",
                }
            },
        ),
        (
            "admin new employee bad token",
            "/admin/employees/new",
            {
                "data": {
                    "email": "csrf@acme.example",
                    "name": "Csrf",
                    "password": "a long enough password",
                    "csrf_token": "0" * 64,
                }
            },
        ),
        (
            "admin remove employee",
            f"/admin/employees/{scene.world.employee_x2.id}/remove",
            {"data": {}},
        ),
        ("admin remove enrollment", f"/admin/enrollments/{scene.e_x.id}/remove", {"data": {}}),
        ("admin logout", "/admin/logout", {"data": {}}),
        (
            "admin login",
            "/admin/login",
            {"data": {"email": "admin@acme.example", "password": "x" * 12}},
        ),
    ]
    for label, path, kwargs in attempts:
        headers = {**site, **kwargs.pop("headers", {})}
        method = "GET" if "params" in kwargs else "POST"
        for mode in ("dev", "prod"):
            response = await corpus.send(
                mode, f"cross-site {label}", method, path, headers=headers, **kwargs
            )
            to_login = response.headers.get("location", "").startswith("/admin/login")
            if response.status_code < 300 or (response.status_code < 400 and not to_login):
                accepted += 1
                corpus.tally.misses.append(
                    f"cross-site {label} [{mode}] accepted: "
                    f"{response.status_code} {response.text[:200]!r}"
                )
    changed = [
        await User.exists(email="csrf@acme.example"),
        not await User.exists(id=scene.world.employee_x2.id),
        not await Enrollment.exists(id=scene.e_x.id),
        not await AuthToken.exists(id=session_row.id),  # logged out
    ]
    if any(changed):
        accepted += 1
        corpus.tally.misses.append(f"a cross-site post changed the database: {changed}")
    return accepted


PROBES = [
    "{ mee { id } }",
    "{ me { emial } }",
    "{ me { idd nam } }",
    "{ coursess { totalCount } }",
    "{ courses(frist: 1) { totalCount } }",
    "{ courses { edgs { node { id } } } }",
    '{ course(idd: "x") { id } }',
    "{ me { ... on Usr { id } } }",
    "{ myEnrollment { id } }",
    '{ enrollment(id: "x") { certificat { id } } }',
    '{ enrollment(id: "x") { certificate { downloadUrll } } }',
    "{ company { employes { totalCount } } }",
    "{ company { enrollments(status: COMPLETD) { totalCount } } }",
    '{ verifyCertificat(code: "x") { status } }',
    '{ verifyCertificate(cod: "x") { status } }',
    'mutation { logn(email: "a", password: "b") { token } }',
    'mutation { login(emial: "a", password: "b") { token } }',
    'mutation { login(email: "a", password: "b") { tokn } }',
    'mutation { signup(email: "a", password: "b", name: "c") { token } }',
    "mutation { creatEmployee { id } }",
    'mutation { addLesson(courseId: "x", input: {kind: VIDO, titel: "t"}) { id } }',
    'mutation { addLesson(courseId: "x", input: {kind: VIDEO, titel: "t"}) { id } }',
    'mutation { submitQuiz(enrollmentId: "x", lessonId: "y", answers: '
    '[{questionID: "q", choiceIds: []}]) { passed } }',
    "mutation { recordVideoProgres { enrollment { id } } }",
    "query($x: Strin) { me { id } }",
    "query($x: LessonKnd) { me { id } }",
    "{ __schema { types { name } } }",
    '{ __type(name: "User") { fields { name } } }',
    '{ __type(name: "Usr") { name } }',
    "{ me { __typenam } }",
    "{ courses { edges { node { lessons { quizz { questions { id } } } } } } }",
    "{ courses { edges { node { lessons { quiz { questions { choices { isCorect } } } } } } } }",
]

PROBE_VARIABLES = [
    (
        'mutation($i: LessonInput!) { addLesson(courseId: "x", input: $i) { id } }',
        {"i": {"kind": "VIDO", "title": "t"}},
    ),
    (
        'mutation($i: LessonInput!) { addLesson(courseId: "x", input: $i) { id } }',
        {"i": {"kind": "VIDEO", "titel": "t"}},
    ),
    (
        'mutation($a: [QuizAnswerInput!]!) { submitQuiz(enrollmentId: "x", lessonId: "y", '
        "answers: $a) { passed } }",
        {"a": [{"questionID": "q", "choiceIds": []}]},
    ),
    (
        "query($s: EnrollmentStatus) { company { enrollments(status: $s) { totalCount } } }",
        {"s": "COMPLETD"},
    ),
]


async def probes(corpus: Corpus, scene: Scene) -> None:
    for role in ("anonymous", "staff", "admin_x"):
        token = scene.tokens.get(role)
        for query in PROBES:
            response = await corpus.gql("prod", f"probe {query[:50]} as {role}", query, token=token)
            corpus.tally.expect(f"probe {query[:40]} refused", bool(codes(response)), response)
        for query, variables in PROBE_VARIABLES:
            await corpus.gql("prod", f"probe variables {variables}", query, variables, token=token)
    # GET probes too (the GET path is strawberry's own parsing).
    for query in PROBES[:8]:
        await corpus.send(
            "prod",
            f"GET probe {query[:40]}",
            "GET",
            "/graphql",
            params={"query": query},
            headers={"accept": "application/json"},
        )


async def headers(corpus: Corpus, scene: Scene) -> None:
    query = dumps({"query": "{ me { id } }"})
    variants: list[tuple[str, dict[str, Any]]] = [
        ("bearer empty", {"authorization": "Bearer"}),
        ("bearer space", {"authorization": "Bearer "}),
        ("bearer huge", {"authorization": "Bearer " + "x" * 20_000}),
        ("basic", {"authorization": "Basic YWRtaW46YWRtaW4="}),
        ("bearer latin-1", {"authorization": b"Bearer \xff\xfe\xfd"}),
        ("bearer twice", {"authorization": f"Bearer {scene.tokens['staff']} x"}),
        ("bearer lower", {"authorization": f"bearer {scene.tokens['staff']}"}),
        ("session as bearer", {"authorization": "Bearer " + "A" * 43}),
        ("cookie huge", {"cookie": "llp_session=" + "x" * 20_000}),
        ("cookie unterminated", {"cookie": 'llp_session="abc'}),
        ("cookie many", {"cookie": "; ".join(f"c{i}=v" for i in range(2_000))}),
        ("cookie latin-1", {"cookie": b"llp_session=\xff\xfe"}),
        ("api token as cookie", {"cookie": f"llp_session={scene.tokens['admin_x']}"}),
        ("request id traversal", {"x-request-id": "../../etc/passwd"}),
        ("request id huge", {"x-request-id": "a" * 10_000}),
        ("accept html", {"accept": "text/html"}),
        ("accept garbage q", {"accept": "application/json;q=abc"}),
        ("accept q zero", {"accept": "application/json;q=0"}),
        ("accept graphql-response", {"accept": GQL_JSON}),
        ("accept huge", {"accept": ",".join(["text/html"] * 5_000)}),
        ("host evil", {"host": "evil.example"}),
        ("forwarded for", {"x-forwarded-for": "127.0.0.1, 10.0.0.1"}),
    ]
    for label, extra in variants:
        await corpus.both(
            f"header {label}", "POST", "/graphql", content=query, headers={**JSON_HEADERS, **extra}
        )
    bad_query = dumps({"query": "{ nope"})
    for accept in (GQL_JSON, "application/json"):
        await corpus.both(
            f"syntax error with accept {accept}",
            "POST",
            "/graphql",
            content=bad_query,
            headers={**JSON_HEADERS, "accept": accept},
        )


async def literal_numbers(corpus: Corpus, scene: Scene) -> None:
    """Hostile numbers in the document itself (JSON cannot carry them, GraphQL can)."""
    ids = scene.ids()
    token = scene.tokens["individual_b"]
    template = (
        f'mutation {{ recordVideoProgress(enrollmentId: "{ids["e_b"]}", '
        f'lessonId: "{ids["video"]}", fromSecond: FROM, toSecond: TO) '
        "{ lessonProgress { status coveredSeconds } } }"
    )
    pairs = [
        ("1e309", "1e309"),
        ("0", "1e309"),
        ("-1e309", "1"),
        ("0", "1e308"),
        ("1e308", "2e308"),
        ("-0.0", "5e-324"),
        ("0", "4"),
        ("4", "3"),
        ("0", "9" * 400),
        ("0.0000001", "0.0000002"),
        ("0", "NaN"),
        ("0", "Infinity"),
        ("0", "-0"),
    ]
    for start, end in pairs:
        query = template.replace("FROM", start).replace("TO", end)
        for mode in ("dev", "prod"):
            await corpus.gql(mode, f"video span {start}..{end}", query, token=token)
    staff = scene.tokens["staff"]
    for value in ("1e309", "-1e309", "1e308", "-1", "0", "5e-324"):
        query = (
            f'mutation {{ addLesson(courseId: "{ids["draft"]}", input: {{kind: VIDEO, '
            f'title: "V", durationSeconds: {value}, videoUrl: "https://v.example/a.mp4"}}) '
            "{ id durationSeconds } }"
        )
        await corpus.gql("prod", f"lesson duration {value}", query, token=staff)
    for value in ("2147483648", "-2147483649", "99999999999999999999", "1.0", "-1", "0"):
        query = (
            f'mutation {{ grantQuizAttempts(enrollmentId: "{ids["e_x"]}", '
            f'lessonId: "{ids["quiz"]}", extra: {value}) {{ attemptsLeft }} }}'
        )
        await corpus.gql("prod", f"grant attempts {value}", query, token=scene.tokens["admin_x"])


def download_paths(scene: Scene) -> list[str]:
    cid = scene.cert_a.id
    return [
        "/certificates/abc/download",
        "/certificates/abc/download?token=x",
        f"/certificates/{cid}/download",
        f"/certificates/{cid}/download?token=",
        f"/certificates/{cid}/download?token=" + "A" * 60_000,
        f"/certificates/{cid}/download?token=" + "A" * 76,
        f"/certificates/{cid}/download?token=" + "é" * 76,
        f"/certificates/{cid}/download?token=" + "%F0%9F%98%80" * 19,
        f"/certificates/{cid}/download?token=" + "%00" * 76,
        f"/certificates/{cid}/download?token=" + "=" * 76,
        f"/certificates/{cid}/download?token=" + "+/" * 38,
        f"/certificates/{cid}/download?token=a&token=b",
        f"/certificates/{cid}/download?token[]=x",
        f"/certificates/{cid}/download?token=%ZZ",
        "/certificates/-1/download?token=x",
        "/certificates/0/download?token=x",
        "/certificates/99999999999999999999999999/download?token=x",
        f"/certificates/{cid}/download/",
        f"/certificates/{cid}/download/../download?token=x",
        "/certificates/%2e%2e/download",
        "/certificates//download",
        f"/certificates/{cid}",
        "/certificates/",
        f"/certificates/{cid}/download?" + "&".join(f"p{i}=v" for i in range(2_000)),
    ]


VERIFY_CODES = [
    "x",
    "A" * 32,
    "A" * 64,
    "A" * 129,
    "A" * 10_000,
    "%00",
    "%FF%FE",
    "%F0%9F%98%80",
    "..%2F..%2Fetc%2Fpasswd",
    "'%20OR%201=1%20--",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "ＡＢＣＤ",
    "%E2%80%AE",
    "----",
    "%20",
    "abcd-efgh-ijkl-mnop",
    "null",
    "١٢٣٤",
    "ǅǆ",
    "ﬀ",
]


EXPORT_QUERIES = [
    "",
    "course=abc",
    "course=-1",
    "course=0",
    "course=2147483647",
    "employee=abc",
    "employee=%00",
    "from=garbage",
    "to=2026-02-30",
    "from=2026-03-01&to=2026-01-01",
    "from=2026-01-01&to=2026-12-31",
    "course=1&course=2",
    "from=" + "9" * 5_000,
    "course=%20",
    "course=1e3",
    "course=0x10",
    "employee=١٢",
]


async def export_route(corpus: Corpus, scene: Scene, settings: Settings) -> None:
    session = await auth.issue_token(scene.world.admin_x, settings=settings, kind=auth.SESSION)
    callers: dict[str, dict[str, str]] = {
        "anonymous": {},
        "admin_x bearer": {"authorization": f"Bearer {scene.tokens['admin_x']}"},
        "admin_x session": {"cookie": f"llp_session={session.token}"},
        "employee_x": {"authorization": f"Bearer {scene.tokens['employee_x']}"},
        "staff": {"authorization": f"Bearer {scene.tokens['staff']}"},
        "admin_y": {"authorization": f"Bearer {scene.tokens['admin_y']}"},
    }
    for caller, headers in callers.items():
        for query in EXPORT_QUERIES:
            for response in await corpus.both(
                f"export ?{query[:40]} as {caller}",
                "GET",
                f"/certificates/export.zip?{query}",
                headers=headers,
            ):
                is_zip = response.headers.get("content-type") == "application/zip"
                corpus.tally.expect(
                    f"export as {caller} only for admins",
                    not is_zip or caller.startswith("admin_x"),
                    response,
                )
    await corpus.both("export POST", "POST", "/certificates/export.zip")


async def routes(corpus: Corpus, scene: Scene, settings: Settings) -> None:
    for path in download_paths(scene):
        for response in await corpus.both(f"download {path[:80]}", "GET", path):
            corpus.tally.expect(
                f"download {path[:60]} not a PDF",
                response.status_code != 200 or not response.content.startswith(b"%PDF"),
                response,
            )
    await corpus.both("POST download", "POST", f"/certificates/{scene.cert_a.id}/download")
    for code in VERIFY_CODES:
        for mode in ("dev", "prod"):
            await corpus.send(
                mode, f"verify {code[:40]}", "GET", f"/verify/{code}", fresh_address=True
            )
    await corpus.both("verify empty", "GET", "/verify/")
    await corpus.both("verify POST", "POST", "/verify/abc")
    # GraphQL verification with the same codes.
    for code in VERIFY_CODES[:10]:
        await corpus.gql(
            "prod",
            f"verifyCertificate {code[:30]}",
            "query($c: String!) { verifyCertificate(code: $c) { status } }",
            {"c": code},
        )
    misc = [
        ("GET", "/healthz"),
        ("POST", "/healthz"),
        ("GET", "/readyz"),
        ("DELETE", "/readyz"),
        ("GET", "/graphql/static/../../settings.py"),
        ("GET", "/graphql/static/%2e%2e/http.py"),
        ("GET", "/graphql/static/" + "a" * 5_000),
        ("GET", "/graphql/"),
        ("GET", "//graphql"),
        ("GET", "/GRAPHQL"),
        ("GET", "/graphql;x"),
        ("GET", "/%FF"),
        ("GET", "/.env"),
        ("GET", "/graphql?query=%7B__typename%7D&query=%7Bme%7Bid%7D%7D"),
    ]
    for method, path in misc:
        await corpus.both(
            f"{method} {path[:60]}", method, path, headers={"accept": "application/json"}
        )


ADMIN_PATHS = [
    "/admin",
    "/admin/",
    "/admin/login",
    "/admin/dashboard",
    "/admin/employees",
    "/admin/employees/abc",
    "/admin/employees/-1",
    "/admin/employees/0",
    "/admin/employees/2147483647",
    "/admin/employees/new",
    "/admin/progress",
    "/admin/progress?course=abc&status=NOPE&page=-1",
    "/admin/progress?page=99999999999",
    "/admin/enrollments/abc",
    "/admin/enrollments/2147483647",
    "/admin/certificates/2147483647/download",
    "/admin/certificates/abc/download",
    "/admin/company",
    "/admin/company/logo",
    "/admin/audit?page=abc&before=zzz",
    "/admin/audit?page=-5",
    "/admin/staff/companies",
    "/admin/staff/courses",
    "/admin/staff/courses/abc",
    "/admin/staff/courses/2147483647",
    "/admin/staff/courses/2147483647/preview",
    "/admin/staff/support?q=%00%FF",
    "/admin/staff/support?q=" + "a" * 5_000,
    "/admin/staff/support/users/2147483647",
    "/admin/static/../routes.py",
    "/admin/static/%2e%2e/web.py",
    "/admin/static/htmx.min.js",
    "/admin/../../etc/passwd",
    "/admin/%FF%FE",
    "/admin/" + "a/" * 500,
    "/admin/dashboard?done=" + "x" * 5_000,
    "/admin/employees/99999999999999999999",
    "/admin/enrollments/99999999999999999999/remove",
    "/admin/certificates/99999999999999999999/download",
    "/admin/staff/courses/99999999999999999999",
]


async def admin(corpus: Corpus, scene: Scene, settings: Settings) -> None:
    sessions = {"anonymous": None}
    for role in ("admin_x", "staff", "employee_x"):
        user = scene.world.users()[role]
        sessions[role] = (await auth.issue_token(user, settings=settings, kind=auth.SESSION)).token
    for role, token in sessions.items():
        cookie = {"cookie": f"llp_session={token}"} if token else {}
        for path in ADMIN_PATHS:
            await corpus.both(f"admin {path[:60]} as {role}", "GET", path, headers=cookie)
            await corpus.send(
                "prod",
                f"admin htmx {path[:60]} as {role}",
                "GET",
                path,
                headers={**cookie, "hx-request": "true"},
            )
    form_posts = [
        ("/admin/login", {"email": "x" * 10_000, "password": "y"}),
        ("/admin/login", {"email": ["a", "b"], "password": ""}),
        ("/admin/employees/new", {"email": "", "name": "", "password": ""}),
        ("/admin/assign", {"course": "abc", "users": ["x", "-1", "2147483647"]}),
        ("/admin/staff/courses/new", {"title": "x" * 100_000}),
        ("/admin/enrollments/2147483647/attempts", {"extra": "99999999999999999999"}),
    ]
    for role, token in sessions.items():
        cookie = {"cookie": f"llp_session={token}"} if token else {}
        for path, data in form_posts:
            await corpus.both(
                f"admin POST {path} as {role}", "POST", path, data=data, headers=cookie
            )
        await corpus.both(
            f"admin multipart bomb as {role}",
            "POST",
            "/admin/company",
            headers=cookie,
            files=[(f"f{i}", (f"f{i}.png", b"x")) for i in range(20)],
        )
        await corpus.both(
            f"admin many fields as {role}",
            "POST",
            "/admin/employees/new",
            headers=cookie,
            data={f"k{i}": "v" for i in range(2_000)},
        )


# -- the suite ---------------------------------------------------------------------------


Family = Callable[[Corpus, Scene, Settings], Awaitable[object]]

# One test per family, so that one family's failure does not hide the others'.
FAMILIES: dict[str, Family] = {
    "generated": generated,
    "raw_bodies": lambda corpus, scene, settings: raw_bodies(corpus),
    "sizes": lambda corpus, scene, settings: sizes(corpus, settings),
    "nesting": lambda corpus, scene, settings: nesting(corpus, scene),
    "aliases": lambda corpus, scene, settings: aliases(corpus, scene),
    "fragments": lambda corpus, scene, settings: fragments(corpus),
    "batches": lambda corpus, scene, settings: batches(corpus),
    "page_sizes": lambda corpus, scene, settings: page_sizes(corpus, scene),
    "get_mutations": get_mutations,
    "cross_site": cross_site,
    "probes": lambda corpus, scene, settings: probes(corpus, scene),
    "headers": lambda corpus, scene, settings: headers(corpus, scene),
    "literal_numbers": lambda corpus, scene, settings: literal_numbers(corpus, scene),
    "routes": routes,
    "export_route": export_route,
    "admin": admin,
}


@pytest.mark.parametrize("family", list(FAMILIES))
async def test_hostile_corpus(
    app: Starlette,
    prod_app: Starlette,
    clients: ClientFactory,
    scene: Scene,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    family: str,
) -> None:
    # given the dev and the production app, when one family of hostile requests is sent
    corpus = Corpus(app, prod_app, clients)
    outcome = await FAMILIES[family](corpus, scene, settings)
    crossed = outcome if family == "cross_site" else 0
    tally = corpus.tally
    with capsys.disabled():
        print(
            f"\nR3 {family}: {tally.requests} requests, {len(tally.server_errors)} 5xx, "
            f"{len(tally.leaks)} suggestion leaks "
            f"(cross-site posts accepted: {crossed}, masked INTERNAL: {len(tally.internal)}, "
            f"uncoded GraphQL errors: {len(tally.uncoded)})"
        )
    # then no answer is a 5xx, leaks a suggestion, lacks a code or is masked, and
    # every expectation of the family held
    assert tally.requests >= 5
    assert tally.server_errors == []
    assert tally.leaks == []
    assert tally.uncoded == []
    assert tally.internal == []
    assert tally.misses == [], "\n".join(tally.misses)
    assert crossed == 0


# -- known bugs, one input each ------------------------------------------------------------


async def test_ids_beyond_32_bits_are_not_found(
    prod_app: Starlette, clients: ClientFactory, scene: Scene
) -> None:
    client = clients(prod_app, "203.0.113.7")
    token = scene.tokens["admin_x"]
    big = "9" * 12
    cases = [
        (
            "query($i: ID!) { enrollment(id: $i) { id } }",
            {"i": b64(f"Enrollment:{big}")},
            {"NOT_FOUND"},
        ),
        ("query($i: ID!) { course(id: $i) { id } }", {"i": b64(f"Course:{big}")}, {"NOT_FOUND"}),
        (
            "query($a: String) { courses(after: $a) { totalCount } }",
            {"a": b64(f"c:{big}")},
            {"VALIDATION"},
        ),
    ]
    for query, variables, expected in cases:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        errors = response.json().get("errors") or []
        assert {(e.get("extensions") or {}).get("code") for e in errors} <= expected, response.text


async def test_admin_ids_beyond_64_bits_are_not_found(
    app: Starlette, clients: ClientFactory, scene: Scene, settings: Settings
) -> None:
    """Found by this suite (a 500 from an OverflowError); admin_ui/web.py now bounds ids."""
    session = await auth.issue_token(scene.world.admin_x, settings=settings, kind=auth.SESSION)
    client = clients(app, "203.0.113.7")
    statuses = {}
    for path in (
        "/admin/employees/99999999999999999999",
        "/admin/enrollments/99999999999999999999",
        "/admin/certificates/99999999999999999999/download",
    ):
        response = await client.get(path, headers={"cookie": f"llp_session={session.token}"})
        statuses[path] = response.status_code
    assert set(statuses.values()) == {404}, statuses


async def test_login_with_a_long_email_is_a_clean_refusal(
    prod_app: Starlette, clients: ClientFactory, scene: Scene
) -> None:
    client = clients(prod_app, "203.0.113.7")
    email = "a" * 64 + "@" + "b" * 180 + ".example"  # 253 characters: a valid address
    response = await client.post(
        "/graphql",
        json={
            "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
            "{ token } }",
            "variables": {"e": email, "p": "wrong password 123"},
        },
    )
    # A refusal like any wrong login (or a validation error), never INTERNAL.
    assert codes(response) in ({"UNAUTHENTICATED"}, {"VALIDATION"}), response.text


async def test_nul_in_email_is_a_validation_error(
    prod_app: Starlette, clients: ClientFactory, scene: Scene
) -> None:
    """Found by this suite (INTERNAL on PostgreSQL, a stored NUL on SQLite); fixed in
    1f9c1fd, kept as a regression test."""
    client = clients(prod_app, "203.0.113.8")
    password = "a long enough password"
    cases = [
        (
            None,
            'mutation($e: String!) { signUp(email: $e, name: "N", '
            f'password: "{password}") {{ token }} }}',
        ),
        (None, f'mutation($e: String!) {{ login(email: $e, password: "{password}") {{ token }} }}'),
        (
            "admin_x",
            'mutation($e: String!) { createEmployee(email: $e, name: "N", '
            f'password: "{password}") {{ id }} }}',
        ),
        (
            "staff",
            'mutation($e: String!) { createCompany(name: "Nul Inc", adminEmail: $e, '
            f'adminName: "Ann", adminPassword: "{password}") {{ id }} }}',
        ),
    ]
    found = {}
    for role, query in cases:
        headers = {"authorization": f"Bearer {scene.tokens[role]}"} if role else {}
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": {"e": "a\x00b@mail.example"}},
            headers=headers,
        )
        found[query[:40]] = codes(response)
    # login may answer like any wrong login; the others must refuse the address.
    assert all(
        got == {"VALIDATION"} or (got == {"UNAUTHENTICATED"} and "login" in query)
        for query, got in found.items()
    ), found


async def test_ids_with_unicode_digits_are_not_found(
    prod_app: Starlette, clients: ClientFactory, scene: Scene
) -> None:
    client = clients(prod_app, "203.0.113.7")
    found = {}
    for text in ("Enrollment:²", "Enrollment:𝟙", "Enrollment:١"):
        response = await client.post(
            "/graphql",
            json={
                "query": "query($i: ID!) { enrollment(id: $i) { id } }",
                "variables": {"i": b64(text)},
            },
            headers={"authorization": f"Bearer {scene.tokens['employee_x']}"},
        )
        found[text] = codes(response)
    assert all(got == {"NOT_FOUND"} for got in found.values()), found


async def test_export_filters_with_odd_numbers_are_refused(
    app: Starlette, clients: ClientFactory, scene: Scene
) -> None:
    client = clients(app, "203.0.113.7")
    statuses = {}
    for query in ("course=²", "employee=³", "course=999999999999", "employee=999999999999"):
        response = await client.get(
            f"/certificates/export.zip?{query}",
            headers={"authorization": f"Bearer {scene.tokens['admin_x']}"},
        )
        statuses[query] = response.status_code
    assert set(statuses.values()) <= {400, 404}, statuses
