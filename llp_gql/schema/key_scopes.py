"""The scope gate of API keys, once per operation (rules in domain/access_keys.py).

Before an operation runs, a request made with an API key has its operation type and
root fields (through fragments too) checked against the key's scopes; a refused
operation runs nothing and answers one FORBIDDEN error with reason API_KEY_SCOPE.
Requests of people pass untouched.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from llp_gql.domain import access_keys
from llp_gql.domain.principals import key_of


def _root_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterator[str]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                seen.add(name)
                yield from _root_fields(fragment.selection_set, fragments, seen)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


class KeyScopes(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        viewer = getattr(context.context, "viewer", None)
        document = context.graphql_document
        if key_of(viewer) is not None and document is not None:
            operation = _operation(document, context.operation_name)
            try:
                if operation is None:  # graphql-core answers this itself; run nothing
                    raise access_keys.ScopeRefused("Name the operation to run.")
                fragments = {
                    d.name.value: d
                    for d in document.definitions
                    if isinstance(d, FragmentDefinitionNode)
                }
                fields = list(_root_fields(operation.selection_set, fragments, set()))
                access_keys.check_operation(viewer, operation.operation.value, fields)
            except access_keys.ScopeRefused as refused:
                error = GraphQLError(refused.message, extensions=refused.extensions())
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
