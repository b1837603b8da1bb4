"""The API documents itself: GraphiQL's docs pane is the reference clients read.

Every type, field, argument, enum value and input field of the schema has a
description. Built-in introspection types (``__*``) and the scalars the GraphQL
spec defines (String, Int, Float, Boolean, ID) are the spec's to describe, not ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Annotated

import strawberry
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    specified_directives,
    specified_scalar_types,
)

from llp_gql.schema.root import Mutation, Query


def _arguments(owner: str, arguments: dict[str, GraphQLArgument]) -> Iterator[tuple[str, bool]]:
    for name, argument in arguments.items():
        yield f"{owner}({name}:)", bool(argument.description)


def _elements(schema: GraphQLSchema) -> Iterator[tuple[str, bool]]:
    """(path, has a description) for every element a client reads about."""
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        yield from _type_elements(name, named)
    for directive in schema.directives:
        if directive in specified_directives:
            continue
        yield f"@{directive.name}", bool(directive.description)
        yield from _arguments(f"@{directive.name}", directive.args)


def _type_elements(name: str, named: GraphQLNamedType) -> Iterator[tuple[str, bool]]:
    yield name, bool(named.description)
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in named.fields.items():
            yield f"{name}.{field_name}", bool(field.description)
            yield from _arguments(f"{name}.{field_name}", field.args)
    elif isinstance(named, GraphQLInputObjectType):
        for field_name, input_field in named.fields.items():
            yield f"{name}.{field_name}", bool(input_field.description)
    elif isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            yield f"{name}.{value_name}", bool(value.description)


def undocumented(schema: GraphQLSchema) -> list[str]:
    return [path for path, documented in _elements(schema) if not documented]


def contract_schema() -> GraphQLSchema:
    """The graphql-core schema of the contract: the served one adds limits and error
    handling, never types."""
    schema: GraphQLSchema = strawberry.Schema(query=Query, mutation=Mutation)._schema
    return schema


def test_every_element_of_the_schema_has_a_description() -> None:
    # given the schema of the contract (what schema.graphql prints and the service serves)
    schema = contract_schema()
    # when every type, field, argument, input field and enum value is looked at
    elements = list(_elements(schema))
    # then the walk saw the whole schema (it cannot pass by seeing nothing) ...
    paths = {path for path, _ in elements}
    assert {"Query.enrollment(id:)", "LessonInput.kind", "BlockerReason.LOCKED"} <= paths
    assert {"Mutation.submitQuiz", "DateTime", "CourseConnection.totalCount"} <= paths
    # ... and each of them says what it is
    missing = undocumented(schema)
    assert not missing, f"{len(missing)} undocumented:\n" + "\n".join(missing)


class _Colour(Enum):
    RED = "RED"
    BLUE = strawberry.enum_value("BLUE", description="Documented.")


_ = strawberry.enum(_Colour, name="Colour", description="Documented.")


@strawberry.input(name="Filter", description="Documented.")
class _Filter:
    colour: _Colour
    limit: int = strawberry.field(default=1, description="Documented.")


@strawberry.type(name="Query")
class _Query:
    @strawberry.field(description="Documented.")
    def plain(
        self,
        filter: _Filter,
        argument: Annotated[int, strawberry.argument(description="Documented.")] = 0,
    ) -> int:
        return argument

    @strawberry.field
    def bare(self) -> int:
        return 0


def test_the_walk_names_each_kind_of_undocumented_element() -> None:
    # given a schema with one undocumented element of each kind
    schema: GraphQLSchema = strawberry.Schema(query=_Query)._schema
    # when it is walked
    missing = undocumented(schema)
    # then it names exactly them: the type, a field, an argument, an input field, an enum value
    assert sorted(missing) == sorted(
        ["Query", "Query.bare", "Query.plain(filter:)", "Filter.colour", "Colour.RED"]
    )
