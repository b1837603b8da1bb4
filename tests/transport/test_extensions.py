"""Error codes, masking, suggestions and limits of build_extensions, on a throwaway schema."""

from __future__ import annotations

import enum
import logging
import time
import warnings
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError, get_introspection_query
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.types import ExecutionResult

from llp_gql.errors import LimitExceeded, NotFound, ValidationFailed
from llp_gql.observability import request_id_var
from llp_gql.transport.extensions import build_extensions


class Denied(BasePermission):
    message = "You are not allowed to do this."
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - strawberry's own API

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


class DeniedWithoutCode(BasePermission):
    message = "no code here"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.enum
class Color(enum.Enum):
    RED = "red"


@strawberry.input
class Filter:
    name: str


@strawberry.type
class Node:
    name: str = "node"

    @strawberry.field
    def child(self) -> Node:
        return Node()


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world", color: Color | None = None) -> str:
        return f"hello {name}"

    @strawberry.field
    def search(self, filter: Filter) -> str:
        return filter.name

    @strawberry.field
    def missing(self) -> str | None:
        raise NotFound("Course")

    @strawberry.field
    def invalid(self) -> str | None:
        raise ValidationFailed("Email is taken.", field="email")

    @strawberry.field
    def limited(self) -> str | None:
        raise LimitExceeded("FIRST_TOO_LARGE", "first may be at most 100.")

    @strawberry.field
    def boom(self) -> str | None:
        raise RuntimeError("password=hunter2 in /srv/llp/db.py")

    @strawberry.field(permission_classes=[Denied])
    def secret(self) -> str | None:
        return "secret"

    @strawberry.field(permission_classes=[DeniedWithoutCode])
    def uncoded_secret(self) -> str | None:
        return "secret"

    @strawberry.field
    def node(self) -> Node:
        return Node()


LIMITS = {"max_depth": 5, "max_aliases": 4, "max_tokens": 400}


def make_schema(*, mask_errors: bool = True, hide_suggestions: bool = True) -> strawberry.Schema:
    return strawberry.Schema(
        Query,
        extensions=build_extensions(
            **LIMITS, mask_errors=mask_errors, hide_suggestions=hide_suggestions
        ),
    )


SCHEMA = make_schema()


async def run(query: str, schema: strawberry.Schema = SCHEMA, **kwargs: Any) -> ExecutionResult:
    return await schema.execute(query, **kwargs)


def only_error(result: ExecutionResult) -> GraphQLError:
    assert result.errors is not None
    assert len(result.errors) == 1, [e.message for e in result.errors]
    return result.errors[0]


def codes(result: ExecutionResult) -> set[str]:
    return {(e.extensions or {}).get("code", "<none>") for e in result.errors or ()}


# -- expected errors keep their message and code ------------------------------------


async def test_llp_error_keeps_its_message_and_code() -> None:
    error = only_error(await run("{ missing }"))

    assert error.message == "Course not found."
    assert error.extensions == {"code": "NOT_FOUND"}
    assert error.path == ["missing"]


async def test_llp_error_extensions_carry_the_field() -> None:
    error = only_error(await run("{ invalid }"))

    assert error.message == "Email is taken."
    assert error.extensions == {"code": "VALIDATION", "field": "email"}


async def test_limit_exceeded_raised_by_a_resolver_has_its_own_code() -> None:
    error = only_error(await run("{ limited }"))

    assert error.extensions == {"code": "FIRST_TOO_LARGE"}


async def test_permission_error_with_a_code_passes_through() -> None:
    error = only_error(await run("{ secret }"))

    assert error.message == "You are not allowed to do this."
    assert error.extensions == {"code": "FORBIDDEN"}


async def test_permission_error_without_a_code_is_masked() -> None:
    error = only_error(await run("{ uncodedSecret }"))

    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL"}


# -- unexpected errors are masked and logged ----------------------------------------


async def test_unexpected_error_is_masked_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = request_id_var.set("req-42")
    try:
        with caplog.at_level(logging.ERROR, logger="llp_gql.graphql"):
            result = await run("{ boom hello }")
    finally:
        request_id_var.reset(token)

    error = only_error(result)
    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL", "requestId": "req-42"}
    assert error.original_error is None
    assert result.data == {"boom": None, "hello": "hello world"}
    assert "hunter2" not in str(error.formatted)

    records = [r for r in caplog.records if r.name == "llp_gql.graphql"]
    assert len(records) == 1
    assert "req-42" in records[0].getMessage()
    assert records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], RuntimeError)


async def test_unexpected_error_without_request_id_has_no_request_id_extension() -> None:
    error = only_error(await run("{ boom }"))

    assert error.extensions == {"code": "INTERNAL"}


async def test_without_masking_the_message_shows_but_the_code_is_internal() -> None:
    error = only_error(await run("{ boom }", make_schema(mask_errors=False)))

    assert "hunter2" in error.message
    assert error.extensions == {"code": "INTERNAL"}


async def test_expected_errors_are_not_logged_as_unexpected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="llp_gql.graphql"):
        await run("{ missing secret helo }")
        await run("{ missing secret }")

    assert [r for r in caplog.records if r.name == "llp_gql.graphql"] == []


# -- request errors: visible, with codes --------------------------------------------


async def test_syntax_error_has_parse_failed_code() -> None:
    error = only_error(await run("{ hello"))

    assert error.message.startswith("Syntax Error")
    assert error.extensions == {"code": "GRAPHQL_PARSE_FAILED"}


async def test_validation_error_has_validation_failed_code() -> None:
    result = await run("{ hello(name: 1) }")

    assert codes(result) == {"GRAPHQL_VALIDATION_FAILED"}
    assert result.data is None


async def test_variable_coercion_error_has_bad_user_input_code() -> None:
    result = await run("query ($n: String!) { hello(name: $n) }", variable_values={"n": 3})

    error = only_error(result)
    assert error.extensions == {"code": "BAD_USER_INPUT"}
    assert "$n" in error.message


async def test_circular_fragments_are_a_validation_error() -> None:
    result = await run(
        "{ node { ...A } } fragment A on Node { child { ...B } }"
        " fragment B on Node { child { ...A } }"
    )

    assert codes(result) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_cached_validation_errors_are_not_changed_between_requests() -> None:
    first = await run("{ helo }")
    second = await run("{ helo }")

    assert [e.formatted for e in first.errors or ()] == [e.formatted for e in second.errors or ()]
    assert codes(second) == {"GRAPHQL_VALIDATION_FAILED"}


# -- suggestions ----------------------------------------------------------------------

MISSPELLINGS = {
    "field": "{ helo }",
    "argument": '{ hello(nmae: "x") }',
    "enum value": "{ hello(color: REDD) }",
    "input field": '{ search(filter: { nmae: "x" }) }',
}


@pytest.mark.parametrize("query", MISSPELLINGS.values(), ids=MISSPELLINGS.keys())
async def test_suggestions_are_hidden_when_asked(query: str) -> None:
    result = await run(query)

    assert result.errors
    assert all("Did you mean" not in e.message for e in result.errors)
    assert codes(result) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_suggestions_are_hidden_in_variable_errors() -> None:
    result = await run("query ($c: Color) { hello(color: $c) }", variable_values={"c": "REDD"})

    assert result.errors
    assert all("Did you mean" not in e.message for e in result.errors)


@pytest.mark.parametrize("query", [MISSPELLINGS["field"], MISSPELLINGS["argument"]])
async def test_suggestions_are_shown_when_not_hidden(query: str) -> None:
    result = await run(query, make_schema(hide_suggestions=False))

    assert any("Did you mean" in e.message for e in result.errors or ())


# -- limits ---------------------------------------------------------------------------


def nested(levels: int) -> str:
    return "{ node { " + "child { " * (levels - 1) + "name" + " }" * levels + " }"


async def test_depth_at_the_limit_is_accepted() -> None:
    result = await run(nested(LIMITS["max_depth"]))

    assert result.errors is None


async def test_depth_over_the_limit_is_refused() -> None:
    result = await run(nested(LIMITS["max_depth"] + 1))

    assert codes(result) == {"QUERY_TOO_DEEP"}
    assert result.data is None


async def test_depth_counts_through_fragments() -> None:
    result = await run(
        "{ node { ...A } } fragment A on Node { child { child { ...B } } }"
        " fragment B on Node { child { child { child { name } } } }"
    )

    assert codes(result) == {"QUERY_TOO_DEEP"}


async def test_nesting_beyond_the_parser_is_too_deep() -> None:
    result = await run("{" + "node {" * 5000 + "}" * 5000, make_schema())

    assert codes(result) <= {"QUERY_TOO_DEEP", "TOO_MANY_TOKENS"}


async def test_aliases_over_the_limit_are_refused() -> None:
    aliases = " ".join(f"a{i}: hello" for i in range(LIMITS["max_aliases"] + 1))
    result = await run("{ " + aliases + " }")

    assert codes(result) == {"TOO_MANY_ALIASES"}


async def test_aliases_count_every_spread_of_a_fragment() -> None:
    fragment = "fragment F on Node { a: name b: name }"
    once = await run("{ node { ...F } } " + fragment)
    thrice = await run("{ node { ...F child { ...F child { ...F } } } } " + fragment)

    assert once.errors is None
    assert codes(thrice) == {"TOO_MANY_ALIASES"}


async def test_tokens_over_the_limit_are_refused() -> None:
    result = await run("{ " + "hello " * LIMITS["max_tokens"] + "}")

    error = only_error(result)
    assert error.extensions == {"code": "TOO_MANY_TOKENS"}


async def test_comments_count_as_tokens() -> None:
    result = await run("# padding\n" * (LIMITS["max_tokens"] + 1) + "{ hello }")

    assert codes(result) == {"TOO_MANY_TOKENS"}


async def test_fragment_fan_out_is_measured_in_linear_time() -> None:
    # Each fragment spreads the next one eight times: 8^4 paths, 4 levels deep.
    # Strawberry's own depth and alias limiters walk every path (minutes at 8^8).
    fragments = " ".join(
        f"fragment F{i} on Node {{ " + " ".join([f"child {{ ...F{i + 1} }}"] * 8) + " }"
        for i in range(4)
    )
    query = "{ node { ...F0 } } " + fragments + " fragment F4 on Node { name }"
    schema = strawberry.Schema(
        Query,
        extensions=build_extensions(
            max_depth=5, max_aliases=4, max_tokens=10_000, mask_errors=True, hide_suggestions=True
        ),
    )

    started = time.perf_counter()
    result = await run(query, schema)

    # 8^4 fields in the answer: refused by count, after a walk that measured each
    # fragment once.
    assert codes(result) == {"TOO_MANY_FIELDS"}
    assert time.perf_counter() - started < 2


async def test_introspection_fan_out_is_too_deep() -> None:
    result = await run(
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    )

    assert codes(result) == {"QUERY_TOO_DEEP"}


async def test_the_introspection_query_graphiql_sends_passes_the_limits() -> None:
    query = get_introspection_query(
        descriptions=True, input_value_deprecation=True, directive_is_repeatable=True
    )
    schema = strawberry.Schema(
        Query,
        extensions=build_extensions(
            max_depth=3, max_aliases=0, max_tokens=2000, mask_errors=True, hide_suggestions=True
        ),
    )

    result = await run(query, schema)

    assert result.errors is None


# -- how the extensions are built ------------------------------------------------------


def test_build_extensions_gives_factories_not_shared_instances() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        make_schema()


def test_no_extension_hooks_into_every_field() -> None:
    factories = build_extensions(**LIMITS, mask_errors=True, hide_suggestions=True)

    for factory in factories:
        assert type(factory()).resolve is SchemaExtension.resolve
