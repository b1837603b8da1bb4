"""Schema extensions of the transport: request limits and caches.

The limits of ``budget.py`` are checked on the parsed document before graphql-core
validates it (validation is quadratic in repeated fields); documents over the token
limit are refused while parsing. ``errors.py`` gives every error its code.

The work is done once per operation, never per field: no extension here has a
``resolve`` hook.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import SchemaExtension

from llp_gql.transport.budget import QUERY_TOO_DEEP, Budget, measure
from llp_gql.transport.errors import ErrorCodes, LLPMaskErrors

__all__ = ["build_extensions"]


class _DocumentCache:
    """The parsed documents of recent query texts, least recently used dropped first.

    One per schema, shared by every request (extensions are built per request).
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.documents: OrderedDict[tuple[str, int | None], DocumentNode] = OrderedDict()

    def get(self, key: tuple[str, int | None]) -> DocumentNode | None:
        document = self.documents.get(key)
        if document is not None:
            self.documents.move_to_end(key)
        return document

    def put(self, key: tuple[str, int | None], document: DocumentNode) -> None:
        self.documents[key] = document
        self.documents.move_to_end(key)
        while len(self.documents) > self.maxsize:
            self.documents.popitem(last=False)


class _BudgetCache:
    """Which recent documents were within the budget, by the values of the variables
    the measure read (page sizes): a cached document with other page sizes is measured
    again, with the same ones it is not. Only passes are kept: a refusal is measured
    each time (refusals are rare and throttled, and their error objects are the
    request's own). One per schema, like ``_DocumentCache``."""

    def __init__(self, maxsize: int, budget: Budget) -> None:
        self.maxsize = maxsize
        self.budget = budget
        # id(document) -> (document, names read, {values read: errors})
        self.verdicts: OrderedDict[
            int, tuple[DocumentNode, tuple[str, ...], dict[tuple[object, ...], list[GraphQLError]]]
        ] = OrderedDict()

    def errors(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None
    ) -> list[GraphQLError]:
        found = self.verdicts.get(id(document))
        if found is not None and found[0] is document:
            _, names, verdicts = found
            key = tuple((variables or {}).get(name) for name in names)
            try:
                cached = verdicts.get(key)
            except TypeError:  # a value that cannot be a key (a list where an Int goes)
                return measure(schema, document, variables, self.budget)
            if cached is not None:
                self.verdicts.move_to_end(id(document))
                return []
        read: set[str] = set()
        errors = measure(schema, document, variables, self.budget, read=read)
        names = tuple(sorted(read))
        if found is None or found[0] is not document or found[1] != names:
            found = (document, names, {})
            self.verdicts[id(document)] = found
        key = tuple((variables or {}).get(name) for name in names)
        with contextlib.suppress(TypeError):
            if not errors and len(found[2]) < _VERDICTS_PER_DOCUMENT:
                found[2][key] = errors
        self.verdicts.move_to_end(id(document))
        while len(self.verdicts) > self.maxsize:
            self.verdicts.popitem(last=False)
        return errors


# Page sizes a client varies; past this many per document, verdicts are not kept.
_VERDICTS_PER_DOCUMENT = 32


class _IntrospectionDepthRule(MaxIntrospectionDepthRule):
    """graphql-core's guard against introspection fan-out, with the depth code."""

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": QUERY_TOO_DEEP}
        super().report_error(error)


class _Gate(SchemaExtension):
    """Everything a document passes before it runs, as one extension: strawberry pays
    a few hook calls per extension and request, whatever the extension does.

    - operation: the token limit for parsing, and graphql-core's introspection depth
      rule swapped for ours (the rule classes are built once: a new class per request
      would be a new validation-cache key each time, and the cache would never hit);
    - parse: each query text parsed once (``_DocumentCache``). Strawberry's
      ``ParserCache`` parses inside the hook, so a syntax error would leave the
      operation as an exception, past ``ErrorCodes``; here strawberry parses a text
      not in the cache itself, after the hook, and a syntax error becomes a result;
    - validate: the budget (``budget.measure``, its verdicts kept per document and
      page sizes) before graphql-core's validation, which is quadratic in repeated
      fields: a document over its budget is refused after one linear walk and never
      validated. Within it, the document is validated once per text and rule set
      (strawberry's LRU validation cache).
    """

    def __init__(
        self,
        *,
        max_tokens: int,
        rules: tuple[type[ASTValidationRule], ...],
        documents: _DocumentCache,
        budgets: _BudgetCache,
        validate: Callable[..., list[GraphQLError]],
    ) -> None:
        self.max_tokens = max_tokens
        self.rules = rules
        self.documents = documents
        self.budgets = budgets
        self.validate = validate

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (
            *(rule for rule in context.validation_rules if rule is not MaxIntrospectionDepthRule),
            *self.rules,
        )
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        key = (context.query or "", context.parse_options.get("max_tokens"))
        if context.graphql_document is None:
            context.graphql_document = self.documents.get(key)
        yield
        if context.graphql_document is not None:
            self.documents.put(key, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            variables = context.variables if isinstance(context.variables, dict) else None
            errors = self.budgets.errors(context.schema._schema, document, variables)
            if errors:
                context.pre_execution_errors = errors
            else:
                context.pre_execution_errors = self.validate(
                    context.schema._schema, document, context.validation_rules
                )
        yield


def _validation_cache(maxsize: int) -> Callable[..., list[GraphQLError]]:
    """strawberry's ``validate_document`` behind an LRU cache of ``maxsize`` entries
    (keyed by schema, document and rule set; one per schema)."""
    from strawberry.schema.schema import validate_document

    cached: Callable[..., list[GraphQLError]] = lru_cache(maxsize=maxsize)(validate_document)
    return cached


def build_extensions(
    *,
    max_depth: int,
    max_aliases: int,
    max_tokens: int,
    mask_errors: bool,
    hide_suggestions: bool,
    max_fields: int = 300,
    max_cost: int = 10_000,
    default_page_size: int = 20,
    max_page_size: int = 100,
    cache_size: int = 256,
) -> list[Callable[[], SchemaExtension]]:
    """Build the schema's extension factories (pass the list to ``strawberry.Schema``).

    Factories, not instances: strawberry 0.341 deprecates shared instances because
    an extension stores the request's execution context on itself.

    The limit rules are built here once: a new rule class per request would be a new
    ``ValidationCache`` key each time, and the cache would never hit.
    """
    limit_rules = (_IntrospectionDepthRule,)
    documents = _DocumentCache(cache_size)
    budget = Budget(
        max_depth=max_depth,
        max_aliases=max_aliases,
        max_fields=max_fields,
        max_cost=max_cost,
        default_page_size=default_page_size,
        max_page_size=max_page_size,
    )
    budgets = _BudgetCache(cache_size, budget)
    validate = _validation_cache(cache_size)

    factories: list[Callable[[], SchemaExtension]] = [
        lambda: _Gate(
            max_tokens=max_tokens,
            rules=limit_rules,
            documents=documents,
            budgets=budgets,
            validate=validate,
        ),
    ]
    if mask_errors:
        factories.append(LLPMaskErrors)
    # Last, so that its on_operation exits first and masking sees coded errors.
    factories.append(lambda: ErrorCodes(hide_suggestions=hide_suggestions))
    return factories
