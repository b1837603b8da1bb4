"""The leaf fast path answers exactly what graphql-core's normal path answers.

``llp_gql/transport/fast_leaves.py`` reads basic scalar and enum fields in the
executor's loop. Each test runs the same document twice, through the served schema
and through the same schema with strawberry's own execution context, and compares
the whole answer: data, and every error's message, path and code.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult

from benchmarks import queries
from llp_gql.domain import enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.models import User
from llp_gql.schema.context import Context
from llp_gql.schema.ids import encode_id
from llp_gql.settings import Settings
from llp_gql.transport.endpoint import build_schema
from llp_gql.transport.fast_leaves import FastLeavesExecutionContext, leaf_plan
from tests.factories import World


def _answer(result: ExecutionResult) -> dict[str, Any]:
    return {
        "data": result.data,
        "errors": [
            (e.message, e.path, (e.extensions or {}).get("code")) for e in result.errors or []
        ],
    }


async def _both(
    schema: strawberry.Schema, document: str, context: Any, **variables: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    assert schema.execution_context_class is FastLeavesExecutionContext
    fast = await schema.execute(document, variable_values=variables, context_value=context())
    schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    try:
        slow = await schema.execute(document, variable_values=variables, context_value=context())
    finally:
        schema.execution_context_class = FastLeavesExecutionContext
    return _answer(fast), _answer(slow)


# A small schema of every case the fast path must hand back to graphql-core.
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


strawberry.enum(Colour)


class OtherColour(Enum):
    RED = "red"


@strawberry.type
class Item:
    name: str
    count: int
    ratio: float | None
    colour: Colour
    maybe_colour: Colour | None
    note: str | None

    @strawberry.field
    def computed(self) -> str:
        return self.name.upper()


class Exploding:
    """An object whose attribute read fails."""

    @property
    def name(self) -> str:
        raise RuntimeError("boom")


ROWS: list[Any] = [
    Item(name="fine", count=1, ratio=0.5, colour=Colour.RED, maybe_colour=None, note="n"),
    Item(name=None, count=2, ratio=None, colour=Colour.BLUE, maybe_colour=None, note=None),  # type: ignore[arg-type]
    Item(name="x", count="many", ratio=1.0, colour=Colour.RED, maybe_colour=None, note=None),  # type: ignore[arg-type]
    Item(name="x", count=3, ratio=float("inf"), colour=Colour.RED, maybe_colour=None, note=None),
    Item(name="x", count=4, ratio=1.0, colour="RED", maybe_colour=None, note=None),  # type: ignore[arg-type]
    Item(name="x", count=5, ratio=1.0, colour=Colour.RED, maybe_colour=OtherColour.RED, note=None),  # type: ignore[arg-type]
    Item(name="x", count=2**40, ratio=1.0, colour=Colour.BLUE, maybe_colour=Colour.BLUE, note=""),
]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return ROWS

    @strawberry.field
    def exploding(self) -> Item | None:
        return Exploding()  # type: ignore[return-value]


TOY = strawberry.Schema(query=Query, execution_context_class=FastLeavesExecutionContext)
TOY_DOCUMENT = """{
  items { name count ratio colour maybeColour note computed n2: name c: count }
  exploding { name }
}"""


async def test_every_fallback_case_answers_as_graphql_core_does() -> None:
    fast, slow = await _both(TOY, TOY_DOCUMENT, lambda: None)
    assert fast == slow
    # The cases did reach graphql-core's errors (a test that cannot fail is no test).
    messages = " ".join(message for message, _path, _code in fast["errors"])
    for expected in ("non-nullable", "Int cannot represent", "Float cannot represent", "boom"):
        assert expected in messages, fast["errors"]
    assert fast["data"]["items"][0] == {
        "name": "fine",
        "count": 1,
        "ratio": 0.5,
        "colour": "RED",
        "maybeColour": None,
        "note": "n",
        "computed": "FINE",
        "n2": "fine",
        "c": 1,
    }


def test_the_plan_takes_only_basic_leaves() -> None:
    plan = leaf_plan(TOY._schema)
    assert set(plan["Item"]) == {"name", "count", "ratio", "colour", "maybeColour", "note"}
    assert "Query" not in plan  # resolvers, never read as attributes


def test_the_served_schema_keeps_guarded_and_computed_fields_off_the_fast_path(
    settings: Settings,
) -> None:
    plan = leaf_plan(build_schema(settings)._schema)
    lesson = plan["Lesson"]
    assert {"id", "position", "kind", "title", "durationSeconds"} <= set(lesson)
    # Permission classes and resolvers: never read past the policy.
    assert not {"videoUrl", "body"} & set(lesson)
    assert "isCorrect" not in plan.get("Choice", {})
    assert "status" not in plan.get("Enrollment", {})


@pytest.mark.parametrize("viewer_name", ["individual_a", "staff", None])
async def test_real_documents_answer_the_same(
    world: World, settings: Settings, viewer_name: str | None
) -> None:
    individual = world.individual_a
    enrollment = await enrollments.enroll_self(individual, world.course.course.id)
    viewer: User | None = world.users()[viewer_name] if viewer_name else None
    schema = build_schema(settings)
    clock = FakeClock()

    def context() -> Context:
        return Context(
            settings=settings, clock=clock, viewer=viewer, token=None, client_address="203.0.113.7"
        )

    documents: list[tuple[str, dict[str, Any]]] = [
        (queries.CATALOG, {"first": 50}),
        (queries.DASHBOARD_LESSONS, {}),
        (queries.LESSON_PAGE, {"e": encode_id("Enrollment", enrollment.id)}),
    ]
    for document, variables in documents:
        fast, slow = await _both(schema, document, context, **variables)
        assert fast == slow
        if viewer_name == "individual_a":  # the learner's own: every field answered
            assert fast["data"] is not None
            assert not fast["errors"], fast
    fast, _ = await _both(schema, queries.CATALOG, context, first=50)
    lessons = fast["data"]["courses"]["edges"][0]["node"]["lessons"]
    assert lessons
    assert all(isinstance(row["kind"], str) for row in lessons)
