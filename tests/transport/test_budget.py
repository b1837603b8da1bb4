"""Query cost before execution: fields, aliases, estimated cost, anonymous throttling.

The documents of issue 13 against the real app: refused with their own code, and
without ever reaching graphql-core's validation (counted, not timed).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import get_introspection_query, parse
from graphql.language.parser import Parser
from starlette.applications import Starlette

from benchmarks import queries
from llp_gql.domain import ratelimit
from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from llp_gql.transport import build_schema
from llp_gql.transport.budget import Budget, measure
from llp_portal.app import create_app
from tests.factories import World
from tests.gql import fails, ok, post, token_for

ME_499 = "{" + " ".join(["me { id }"] * 499) + "}"
COURSES_30 = (
    "{"
    + " ".join(
        f"a{i}: courses(first: 100) {{ edges {{ node {{ lessons {{ id }} }} }} }}"
        for i in range(30)
    )
    + "}"
)
NORMAL = """query Normal { me { id name company { id name } }
  courses(first: 20) { totalCount edges { node { id title lessons { id kind title } } } }
  myEnrollments { id status progressPercent blockers { reason detail } } }"""


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often graphql-core's ``validate`` ran (strawberry looks it up at each call)."""
    calls: list[int] = []
    real = strawberry_schema.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    return calls


def codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors") or []}


async def test_repeated_me_is_refused_before_validation(
    client: httpx.AsyncClient, world: World, settings: Settings, validations: list[int]
) -> None:
    # given the 3.5 KB document of issue 13, within the token limit
    assert len(ME_499) > 3500
    parse(ME_499, max_tokens=settings.max_tokens)  # within the token limit: no error
    token = await token_for(world.individual_a, settings)
    # when it is sent, anonymously and signed in
    for who in (None, token):
        body = await post(client, ME_499, token=who)
        # then it is refused for its fields, and validation never ran
        assert codes(body) == {"TOO_MANY_FIELDS"}, body
        assert "data" not in body
    assert validations == []


async def test_repeats_through_fragments_count_too(
    client: httpx.AsyncClient, world: World, validations: list[int]
) -> None:
    # Validation compares fragments pairwise as well: 150 fragments of `me { id }`.
    spreads = " ".join(f"...F{i}" for i in range(150))
    fragments = " ".join(f"fragment F{i} on Query {{ me {{ id }} }}" for i in range(150))
    body = await post(client, "{" + spreads + "}" + fragments)
    assert codes(body) == {"TOO_MANY_FIELDS"}
    assert validations == []


async def test_thirty_aliased_pages_of_courses_cost_too_much(
    client: httpx.AsyncClient, world: World, settings: Settings, validations: list[int]
) -> None:
    # given 30 aliases (the alias limit allows them) of a page of 100 courses with lessons
    token = await token_for(world.individual_a, settings)
    # when asked, then refused by estimated cost, before validation
    await fails(client, "QUERY_TOO_COSTLY", COURSES_30, token=token)
    assert validations == []
    # and one such page alone is fine
    await ok(client, "{ courses(first: 100) { edges { node { lessons { id } } } } }", token=token)
    assert validations == [1]


async def test_page_size_from_variables_counts(client: httpx.AsyncClient, world: World) -> None:
    document = (
        "query($n: Int) {"
        + " ".join(
            f"a{i}: courses(first: $n) {{ edges {{ node {{ id title lessons {{ id }} }} }} }}"
            for i in range(25)
        )
        + "}"
    )
    await ok(client, document, {"n": 5})
    await fails(client, "QUERY_TOO_COSTLY", document, {"n": 100})
    # Past the maximum page size the resolver's own limit answers, not the cost.
    await fails(client, "PAGE_TOO_LARGE", "{ courses(first: 99999999) { totalCount } }")


async def test_a_normal_query_passes(
    client: httpx.AsyncClient, world: World, settings: Settings, validations: list[int]
) -> None:
    token = await token_for(world.individual_a, settings)
    data = await ok(client, NORMAL, token=token)
    assert data["me"]["id"]
    assert validations == [1]


@pytest.mark.parametrize(
    "document",
    [
        queries.DASHBOARD,
        queries.DASHBOARD_LESSONS,
        queries.HEARTBEAT,
        queries.COMPLETE,
        NORMAL,
        get_introspection_query(
            descriptions=True, input_value_deprecation=True, directive_is_repeatable=True
        ),
    ],
)
def test_the_documents_clients_send_fit_the_default_budget(document: str) -> None:
    settings = Settings()
    budget = Budget(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_fields=settings.max_fields,
        max_cost=settings.max_query_cost,
    )
    schema = build_schema(settings.replace(secret_key="x" * 40))._schema
    assert measure(schema, parse(document), {}, budget) == []
    catalog = parse(queries.CATALOG)
    assert measure(schema, catalog, {"first": settings.max_page_size}, budget) == []


def test_each_limit_has_its_code() -> None:
    schema = build_schema(Settings(secret_key="x" * 40))._schema
    budget = Budget(max_depth=3, max_aliases=2, max_fields=6, max_cost=50)

    def codes_of(document: str) -> set[str]:
        return {e.extensions["code"] for e in measure(schema, parse(document), None, budget)}

    assert codes_of("{ me { id name } }") == set()
    assert codes_of("{ me { company { employees { edges { node { id } } } } } }") >= {
        "QUERY_TOO_DEEP"
    }
    assert codes_of("{ a: me { id } b: me { id } c: me { id } }") >= {"TOO_MANY_ALIASES"}
    assert codes_of("{ me { id name email accountType role } __typename }") == {"TOO_MANY_FIELDS"}
    # 1 + 20 x (edges + node + id)
    assert codes_of("{ courses(first: 20) { edges { node { id } } } }") == {"QUERY_TOO_COSTLY"}
    assert codes_of("{ courses { edges { node { id } } } }") == {"QUERY_TOO_COSTLY"}
    assert codes_of("{ courses(first: 1) { edges { node { id } } } }") == set()
    # Unknown fields, fragments and cycles are validation's to report, not the walk's.
    assert codes_of("{ nope { id } ...Missing }") == set()
    assert codes_of("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }") == set()


@pytest.fixture
def throttled(db: object, settings: Settings, clock: FakeClock) -> Starlette:
    return create_app(
        settings.replace(anonymous_queries_per_address=3), manage_database=False, clock=clock
    )


def client_at(app: Starlette, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="https://llp.example")


async def test_anonymous_callers_are_throttled_per_address(
    throttled: Starlette,
    world: World,
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = client_at(throttled, "198.51.100.1"), client_at(throttled, "198.51.100.2")
    token = await token_for(world.individual_a, settings)
    # given an address that sent its 3 anonymous operations this minute
    for _ in range(3):
        await ok(first, "{ __typename }")
    # when it sends another one, then it is told to wait
    response = await first.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert codes(response.json()) == {"RATE_LIMITED"}
    # and for the rest of the minute it is answered from memory, counting nothing more
    counted: list[str] = []
    real_hit = ratelimit.hit

    async def counting_hit(key: str, **kwargs: Any) -> None:
        counted.append(key)
        await real_hit(key, **kwargs)

    monkeypatch.setattr(ratelimit, "hit", counting_hit)
    for _ in range(5):
        response = await first.post("/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 429
    assert counted == []
    # while a signed-in caller from that address and other addresses go on
    await ok(first, "{ me { id } }", token=token)
    await ok(second, "{ __typename }")
    # and the next minute the address may send again
    clock.advance(60)
    await ok(first, "{ __typename }")


async def test_each_document_is_parsed_once(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every parse, whoever calls it, goes through Parser.parse_document.
    parses: list[int] = []
    real = Parser.parse_document

    def counting(self: Parser) -> Any:
        parses.append(1)
        return real(self)

    monkeypatch.setattr(Parser, "parse_document", counting)
    # A token stream past the limit: refused by the lexical precheck, never parsed.
    body = await post(client, "{ " + "__typename " * 3000 + "}")
    assert codes(body) == {"TOO_MANY_TOKENS"}
    assert parses == []
    # Comments are no tokens to the precheck but count in the parser: parsed (and
    # refused) once, not once more to report it.
    body = await post(client, "{ __typename " + "# padding\n" * 2500 + "}")
    assert codes(body) == {"TOO_MANY_TOKENS"}
    assert parses == [1]
    # A valid document: parsed the first time, then taken from the cache.
    for _ in range(3):
        await ok(client, "{ __typename courses(first: 1) { totalCount } }")
    assert parses == [1, 1]


async def test_callers_who_keep_sending_refused_documents_wait(
    db: object, world: World, settings: Settings, clock: FakeClock, validations: list[int]
) -> None:
    app = create_app(
        settings.replace(refused_queries_per_caller=2), manage_database=False, clock=clock
    )
    token = await token_for(world.individual_a, settings)
    other = await token_for(world.individual_b, settings)
    async with client_at(app, "198.51.100.1") as client:
        # given a caller whose documents were refused three times this minute
        for _ in range(3):
            await fails(client, "TOO_MANY_FIELDS", ME_499, token=token)
        # when it sends anything more, then it waits, before its document is parsed
        parses_before = len(validations)
        response = await client.post(
            "/graphql",
            json={"query": "{ me { id } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 429
        assert codes(response.json()) == {"RATE_LIMITED"}
        assert len(validations) == parses_before
        # while another caller (same address, signed in as someone else) goes on
        await ok(client, "{ me { id } }", token=other)
        # and the next minute the first may send again
        clock.advance(60)
        await ok(client, "{ me { id } }", token=token)
