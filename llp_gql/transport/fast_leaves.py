"""Leaf fields read straight off their object, inside graphql-core's field loop.

Most of a list-heavy answer is leaves: an ID, a title, a position, a kind. For each,
graphql-core builds a resolve-info record, calls strawberry's wrapper, which calls the
field's ``get_result``, which reads the attribute; then it checks the value for an
awaitable and walks ``complete_value`` down to the scalar's ``serialize``. Profiled,
that machinery was most of B1+ and B3 (benchmarks/PROFILE.md).

``FastLeavesExecutionContext.execute_fields`` answers such a field in its own loop: the
attribute, serialized by the field type's own ``serialize`` (an enum by a table built
from that same ``serialize``). Only fields where that is exactly what strawberry would
do take this path: a *basic* strawberry field (no resolver, no permission class, no
field extension) without arguments whose type is a scalar or an enum. Anything
unusual goes the normal way, so every error stays graphql-core's own: an exception, a
null where the type forbids it, a value the scalar refuses or turns into null, an enum
value of another class. ``tests/api/test_fast_leaves.py`` holds the answers of both
paths side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

__all__ = ["FastLeavesExecutionContext", "leaf_plan"]

# Returned by _read when the field must take graphql-core's normal path.
_SLOW: Any = object()


class Leaf(NamedTuple):
    """How to answer one leaf field: which attribute, how to serialize it."""

    attribute: str
    serialize: Callable[[Any], Any]
    nullable: bool
    # Enums: the class whose members the table holds, and member -> name.
    enum_class: type[Enum] | None
    enum_names: dict[Any, str] | None


Plan = dict[str, dict[str, Leaf]]
# One field of a selection: its response name, its leaf (None: the normal path), and
# graphql-core's field details.
Step = tuple[str, Leaf | None, Any]


def _enum_table(named: GraphQLEnumType) -> tuple[type[Enum] | None, dict[Any, str] | None]:
    wrapped = getattr(named, "wrapped_cls", None)
    if not (isinstance(wrapped, type) and issubclass(wrapped, Enum)):
        return None, None
    return wrapped, {member: named.serialize(member) for member in wrapped}


def leaf_plan(schema: GraphQLSchema) -> Plan:
    """Per object type name, its fields that may be answered without graphql-core's
    per-field machinery."""
    plan: Plan = {}
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        leaves: dict[str, Leaf] = {}
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
                continue
            if field.args or not getattr(field.resolve, "_is_default", False):
                continue
            nullable = not isinstance(field.type, GraphQLNonNull)
            named = field.type if nullable else field.type.of_type
            if isinstance(named, GraphQLEnumType):
                enum_class, names = _enum_table(named)
                if enum_class is None:
                    continue
                leaves[field_name] = Leaf(
                    definition.python_name, named.serialize, nullable, enum_class, names
                )
            elif isinstance(named, GraphQLScalarType):
                leaves[field_name] = Leaf(
                    definition.python_name, named.serialize, nullable, None, None
                )
        if leaves:
            plan[type_name] = leaves
    return plan


def _read(leaf: Leaf, source: Any) -> Any:
    """The serialized value of ``leaf`` on ``source``, or _SLOW."""
    try:
        value = getattr(source, leaf.attribute)
    except Exception:
        return _SLOW
    if value is None:
        return None if leaf.nullable else _SLOW
    if leaf.enum_names is not None:
        if type(value) is not leaf.enum_class:
            return _SLOW
        return leaf.enum_names.get(value, _SLOW)
    try:
        serialized = leaf.serialize(value)
    except Exception:
        return _SLOW
    return _SLOW if serialized is None or serialized is Undefined else serialized


class FastLeavesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with leaf fields answered in the field loop.

    The plan is built once per schema, kept on the schema object (``plan_for``), and
    shared by every request."""

    @staticmethod
    def plan_for(schema: GraphQLSchema) -> Plan:
        plan: Plan | None = getattr(schema, "_llp_leaf_plan", None)
        if plan is None:
            plan = leaf_plan(schema)
            schema._llp_leaf_plan = plan  # type: ignore[attr-defined]
        return plan

    def _steps(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Step]:
        """The fields of ``grouped_field_set`` in order, each with its leaf (or None).

        graphql-core collects a list's item fields once and hands every item the same
        grouped field set, so the steps are kept for the request by its identity (the
        set itself is kept beside them: an id is only unique while its object lives)."""
        cache: dict[int, tuple[Any, list[Step]]] = self.__dict__.setdefault("_llp_steps", {})
        entry = cache.get(id(grouped_field_set))
        if entry is not None and entry[0] is grouped_field_set:
            return entry[1]
        leaves = self.plan_for(self.schema).get(parent_type.name) or {}
        steps: list[Step] = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            leaf = None if node.arguments else leaves.get(node.name.value)
            steps.append((response_name, leaf, field_details_list))
        cache[id(grouped_field_set)] = (grouped_field_set, steps)
        return steps

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        # graphql-core 3.3's execute_fields, with the leaf fields of the plan answered
        # in the loop; the rest as there.
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        append_awaitable = awaitable_fields.append
        try:
            for response_name, leaf, field_details_list in self._steps(
                parent_type, grouped_field_set
            ):
                if leaf is not None:
                    value = _read(leaf, source_value)
                    if value is not _SLOW:
                        results[response_name] = value
                        continue
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type, source_value, field_details_list, field_path, position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        append_awaitable(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise

        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()
