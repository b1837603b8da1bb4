"""What a document would cost, measured before graphql-core validates it.

Validation is not free: its ``OverlappingFieldsCanBeMerged`` rule compares every
pair of fields that share a response name, so a 3.5 KB document repeating
``me { id }`` 499 times kept a worker busy for about 1.2 s before it was refused.
Execution is worse: 30 aliases of ``courses(first: 100)`` with their lessons built
a 43 MB answer. ``measure`` walks the parsed document once, in time linear in its
size (each fragment measured once, counts saturating just above their limits), and
reports every limit the document exceeds:

    limit                         setting                    code
    depth of nested selections    LLP_MAX_QUERY_DEPTH        QUERY_TOO_DEEP
    aliases                       LLP_MAX_ALIASES            TOO_MANY_ALIASES
    fields                        LLP_MAX_FIELDS             TOO_MANY_FIELDS
    estimated cost                LLP_MAX_QUERY_COST         QUERY_TOO_COSTLY

Depth counts nested selection sets below the root fields, not inside introspection
fields (``MaxIntrospectionDepthRule`` bounds those). Aliases and fields are counted
over the whole document, every fragment as often as it is spread. A field repeated
in one selection set counts once more for every earlier copy, since validation
compares each pair: ``{ me { id } me { id } }`` counts 1 + 2 fields for ``me``.

The cost estimates the size of the answer: every field costs 1, times the page
sizes of the lists around it. A field with a ``first`` argument returns up to
``first`` items (its default, else ``default_page_size``, when absent; at most
``max_page_size``, which the resolver enforces with PAGE_TOO_LARGE); the ``edges``
of a connection are that page again; any other list is taken to hold
``LIST_SIZE_ESTIMATE`` items. The cost of the costliest operation counts.

Unknown fields, fragments and cycles are left to validation: the walk never
fails on them, it only refuses to be fooled by them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.type import GraphQLInterfaceType, GraphQLObjectType

__all__ = [
    "LIST_SIZE_ESTIMATE",
    "QUERY_TOO_COSTLY",
    "QUERY_TOO_DEEP",
    "TOO_MANY_ALIASES",
    "TOO_MANY_FIELDS",
    "TOO_MANY_TOKENS",
    "Budget",
    "Measure",
    "measure",
    "refusal",
]

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"  # raised by the parser (and precheck.py)

# Lists without a `first` (a course's lessons, a quiz's questions, a question's
# choices) are short in practice; this is their assumed length.
LIST_SIZE_ESTIMATE = 5


@dataclass(frozen=True)
class Budget:
    """The limits a document must stay within."""

    max_depth: int
    max_aliases: int
    max_fields: int
    max_cost: int
    default_page_size: int = 20
    max_page_size: int = 100


@dataclass(frozen=True)
class Measure:
    """A selection set's figures; each saturates just above its limit."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: int = 0
    # Response names at the top of the set, for the selection a fragment is spread in.
    keys: Counter[str] = field(default_factory=Counter)


_Parent = GraphQLNamedType | None


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        budget: Budget,
    ) -> None:
        self.schema = schema
        self.variables = variables or {}
        # The names of the variables the measure depended on (page sizes).
        self.read: set[str] = set()
        self.budget = budget
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.measured: dict[str, Measure] = {}
        self.entered: set[str] = set()
        self.cap_aliases = budget.max_aliases + 1
        self.cap_fields = budget.max_fields + 1
        self.cap_cost = budget.max_cost + 1

    def selection_set(self, node: SelectionSetNode | None, parent: _Parent) -> Measure:
        depth = aliases = fields = cost = 0
        seen: Counter[str] = Counter()  # response names in this set, inline fragments included
        pending: list[tuple[SelectionSetNode | None, _Parent]] = [(node, parent)]
        while pending:
            current, current_parent = pending.pop()
            for selection in current.selections if current else ():
                if isinstance(selection, FieldNode):
                    key = (selection.alias or selection.name).value
                    seen[key] += 1
                    inner, multiplier = self.field(selection, current_parent)
                    aliases += (1 if selection.alias else 0) + inner.aliases
                    fields += seen[key] + inner.fields
                    cost += 1 + multiplier * inner.cost
                    if selection.selection_set and not selection.name.value.startswith("__"):
                        depth = max(depth, 1 + inner.depth)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    inner_parent = (
                        self.schema.get_type(condition.name.value) if condition else current_parent
                    )
                    pending.append((selection.selection_set, inner_parent))
                elif isinstance(selection, FragmentSpreadNode):
                    inner = self.spread(selection.name.value)
                    depth = max(depth, inner.depth)
                    aliases, fields, cost = (
                        aliases + inner.aliases,
                        fields + inner.fields,
                        cost + inner.cost,
                    )
                    # Validation compares the spread's fields with this set's too. Once
                    # saturated the sum is decided: stop, so merging stays linear.
                    for key, count in inner.keys.items():
                        if fields >= self.cap_fields:
                            break
                        fields += seen[key] * count
                        seen[key] += count
                # Saturate: only "over the limit" matters, and spreads multiply counts.
                aliases = min(aliases, self.cap_aliases)
                fields = min(fields, self.cap_fields)
                cost = min(cost, self.cap_cost)
        return Measure(depth, aliases, fields, cost, seen)

    def field(self, node: FieldNode, parent: _Parent) -> tuple[Measure, int]:
        """The field's selection set measured, and how many items the field returns."""
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
        if definition is None:  # unknown (validation says so) or introspection
            return self.selection_set(node.selection_set, None), 1
        inner = self.selection_set(node.selection_set, get_named_type(definition.type))
        if "first" in definition.args:
            return inner, self.page_size(node, definition.args["first"].default_value)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            # A connection's edges are the page its field already counted.
            on_connection = parent is not None and parent.name.endswith("Connection")
            return inner, 1 if on_connection else LIST_SIZE_ESTIMATE
        return inner, 1

    def page_size(self, node: FieldNode, default: object) -> int:
        value: object = default
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                self.read.add(argument.value.name.value)
                value = self.variables.get(argument.value.name.value, default)
        if not isinstance(value, int) or isinstance(value, bool):
            value = self.budget.default_page_size
        # Past the maximum the resolver answers PAGE_TOO_LARGE: count the maximum.
        return max(0, min(value, self.budget.max_page_size))

    def spread(self, name: str) -> Measure:
        fragment = self.fragments.get(name)
        # Unknown and cyclic spreads are reported by the specified rules.
        if fragment is None or name in self.entered:
            return Measure()
        if name not in self.measured:
            self.entered.add(name)
            parent = self.schema.get_type(fragment.type_condition.name.value)
            self.measured[name] = self.selection_set(fragment.selection_set, parent)
            self.entered.discard(name)
        return self.measured[name]


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    budget: Budget,
    *,
    read: set[str] | None = None,
) -> list[GraphQLError]:
    """The errors of every limit ``document`` exceeds (empty when it is within all).

    ``read``, when given, receives the names of the variables the verdict depends on."""
    walker = _Walker(schema, document, variables, budget)
    walker.read = read if read is not None else walker.read
    errors: list[GraphQLError] = []
    aliases = fields = cost = 0
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        root = schema.get_root_type(definition.operation)
        try:
            found = walker.selection_set(definition.selection_set, root)
        except RecursionError:
            found = Measure(depth=budget.max_depth + 1)
        aliases = min(aliases + found.aliases, walker.cap_aliases)
        fields = min(fields + found.fields, walker.cap_fields)
        cost = max(cost, found.cost)
        if found.depth > budget.max_depth:
            name = definition.name.value if definition.name else "anonymous"
            errors.append(
                GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {budget.max_depth}",
                    definition,
                    extensions={"code": QUERY_TOO_DEEP},
                )
            )
    if aliases > budget.max_aliases:
        errors.append(refusal(TOO_MANY_ALIASES, budget))
    if fields > budget.max_fields:
        errors.append(refusal(TOO_MANY_FIELDS, budget))
    if cost > budget.max_cost:
        errors.append(refusal(QUERY_TOO_COSTLY, budget))
    return errors


def refusal(code: str, budget: Budget) -> GraphQLError:
    """The error of one exceeded limit (aliases, fields or cost), as ``measure`` reports it."""
    if code == TOO_MANY_ALIASES:
        message = f"Too many aliases: at most {budget.max_aliases} are allowed."
    elif code == TOO_MANY_FIELDS:
        message = (
            f"Too many fields: at most {budget.max_fields} are allowed (a field repeated "
            "in one selection counts once more for every earlier copy)."
        )
    else:
        message = (
            f"The query would cost more than {budget.max_cost} (every field 1, times "
            "the page sizes around it): ask for smaller pages or fewer fields."
        )
    return GraphQLError(message, extensions={"code": code})
