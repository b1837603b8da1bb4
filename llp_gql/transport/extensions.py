"""Schema extensions of the transport: request limits and caches.

The limits of ``budget.py`` are checked on the parsed document before graphql-core
validates it (validation is quadratic in repeated fields); documents over the token
limit are refused while parsing. ``errors.py`` gives every error its code.

The work is done once per operation, never per field: no extension here has a
``resolve`` hook.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import MaxTokensLimiter, SchemaExtension, ValidationCache

from llp_gql.transport.budget import QUERY_TOO_DEEP, Budget, measure
from llp_gql.transport.errors import ErrorCodes, LLPMaskErrors

__all__ = ["build_extensions"]


class _Budget(SchemaExtension):
    """Refuse a document over its budget (``budget.measure``) before validation.

    Errors put in ``pre_execution_errors`` here stop strawberry from validating
    (``_CheckedValidationCache`` and strawberry's own step both skip), so an
    expensive document costs one linear walk, never the quadratic rule.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            variables = context.variables if isinstance(context.variables, dict) else None
            errors = measure(context.schema._schema, document, variables, self.budget)
            if errors:
                context.pre_execution_errors = errors
        yield


class _CheckedValidationCache(ValidationCache):
    """``ValidationCache`` that does not validate a document ``_Budget`` refused."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


class _IntrospectionDepthRule(MaxIntrospectionDepthRule):
    """graphql-core's guard against introspection fan-out, with the depth code."""

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": QUERY_TOO_DEEP}
        super().report_error(error)


class _LimitRules(SchemaExtension):
    """Add the limit rules, and swap graphql-core's introspection depth rule for ours."""

    def __init__(self, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (
            *(rule for rule in context.validation_rules if rule is not MaxIntrospectionDepthRule),
            *self.rules,
        )
        yield


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


class _ParserCache(SchemaExtension):
    """Parse each query text once: hand a cached document to strawberry, or let
    strawberry parse and keep what it parsed.

    Strawberry's ``ParserCache`` parses inside the hook, so a syntax error leaves
    the operation as an exception, past ``ErrorCodes``; parsing first here and
    letting strawberry parse again on failure doubled the cost of every invalid
    document (a 2,000-token stream is the costliest thing to refuse). Strawberry's
    own parse, after the hook, turns a syntax error into a result.
    """

    def __init__(self, cache: _DocumentCache) -> None:
        self.cache = cache

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        key = (context.query or "", context.parse_options.get("max_tokens"))
        if context.graphql_document is None:
            context.graphql_document = self.cache.get(key)
        yield
        if context.graphql_document is not None:
            self.cache.put(key, context.graphql_document)


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

    # Order matters: the token limit applies while parsing, the budget before
    # validation, and validation only for documents within it.
    factories: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: _ParserCache(documents),
        lambda: _LimitRules(limit_rules),
        lambda: _Budget(budget),
        lambda: _CheckedValidationCache(maxsize=cache_size),
    ]
    if mask_errors:
        factories.append(LLPMaskErrors)
    # Last, so that its on_operation exits first and masking sees coded errors.
    factories.append(lambda: ErrorCodes(hide_suggestions=hide_suggestions))
    return factories
