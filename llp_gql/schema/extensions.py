"""Schema extensions: limits, caches and the stable ``extensions.code`` of every error.

Every error a client sees carries a code (DESIGN.md section 5):

    origin of the error                         code
    an ``LLPError`` raised by a resolver        ``err.extensions()`` (its own code)
    a GraphQL error raised with a code          kept (permission classes)
    syntax error                                GRAPHQL_PARSE_FAILED
    validation error                            GRAPHQL_VALIDATION_FAILED
    variable coercion error                     BAD_USER_INPUT
    query depth (also introspection nesting     QUERY_TOO_DEEP
      and parser nesting)
    aliases limit                               TOO_MANY_ALIASES
    fields limit                                TOO_MANY_FIELDS
    estimated cost limit                        QUERY_TOO_COSTLY
    tokens limit (in the parser)                TOO_MANY_TOKENS

The limits of ``budget.py`` are checked on the parsed document before
graphql-core validates it (validation is quadratic in repeated fields).
    anything else                               INTERNAL, message masked, logged

The work is done once per operation on the finished result, never per field:
no extension here has a ``resolve`` hook.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Container, Iterator
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
)
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import (
    MaskErrors,
    MaxTokensLimiter,
    SchemaExtension,
    ValidationCache,
)

from llp_gql.errors import LLPError, ServiceUnavailable
from llp_gql.faults import is_outage
from llp_gql.observability import request_id_var
from llp_gql.schema.budget import QUERY_TOO_DEEP, Budget, measure

__all__ = [
    "INTERNAL_MESSAGE",
    "ErrorCodes",
    "LLPMaskErrors",
    "build_extensions",
    "format_error",
    "is_unexpected",
    "mask_error",
    "request_id_var",
]

# request_id_var (ContextVar[str | None]) is re-exported from llp_gql.observability, whose
# RequestLogMiddleware sets it per request: a second variable here would never be set.

logger = logging.getLogger("llp_gql.graphql")

INTERNAL_MESSAGE = "Internal server error."

INTERNAL = "INTERNAL"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"

# graphql-core appends suggestions as " Did you mean 'a', 'b', or 'c'?"; names cannot
# contain "?", so the suggestion ends at the first one.
_SUGGESTION = re.compile(r"\s*Did you mean\b[^?]*\??")

# The parser reports its limits only as syntax errors; these texts tell them apart
# (graphql-core 3.3, graphql/language/parser.py and lexer.py).
_TOO_MANY_TOKENS_TEXT = re.compile(r"Document contains more than \d+ tokens")
_NESTED_TOO_DEEPLY_TEXT = "Document is nested too deeply"


def is_unexpected(error: GraphQLError) -> bool:
    """Tell whether ``error`` must be masked: it is neither expected nor the client's doing.

    Errors without a path were produced before any resolver ran (syntax, validation,
    variable coercion) and describe the request, so clients must see them, unless an
    arbitrary exception caused them (a crashing extension). Errors with a path come
    from resolvers: only ``LLPError`` and GraphQL errors raised with a code pass.
    """
    original = error.original_error
    if isinstance(original, LLPError):
        return False
    if error.path is None:
        return original is not None and not isinstance(original, GraphQLError)
    return not (isinstance(original, GraphQLError) and "code" in (original.extensions or {}))


def _request_error_code(error: GraphQLError, validation_error_ids: Container[int]) -> str:
    if isinstance(error, GraphQLSyntaxError):
        if _TOO_MANY_TOKENS_TEXT.search(error.message):
            return TOO_MANY_TOKENS
        if _NESTED_TOO_DEEPLY_TEXT in error.message:
            return QUERY_TOO_DEEP
        return GRAPHQL_PARSE_FAILED
    if id(error) in validation_error_ids:
        return GRAPHQL_VALIDATION_FAILED
    return BAD_USER_INPUT


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    # A copy, never an in-place change: ValidationCache hands the same error objects
    # to every request that sends the same document.
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def _log_unexpected(error: GraphQLError, request_id: str | None) -> None:
    logger.error(
        "Unexpected error in GraphQL operation (request_id=%s, path=%s): %s",
        request_id,
        error.path,
        error.message,
        exc_info=error.original_error or error,
        extra={"request_id": request_id},
    )


def format_error(
    error: GraphQLError,
    *,
    hide_suggestions: bool,
    validation_error_ids: Container[int] = (),
) -> GraphQLError:
    """Return ``error`` with its ``extensions.code``; log it if it is unexpected.

    ``validation_error_ids`` holds the ``id()`` of the errors the validation step
    produced, to tell them from variable coercion errors, which also have no path.
    Unexpected errors keep their message here (``LLPMaskErrors`` or ``mask_error``
    replaces it) so that development setups without masking still see it.
    """
    original = error.original_error
    if original is not None and not isinstance(original, LLPError) and is_outage(original):
        # The database went away mid-request: a retryable 503, not an internal error.
        original = ServiceUnavailable()
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=original,
            extensions=dict(original.extensions()),
        )
    if isinstance(original, LLPError):
        return _copy(error, original.message, dict(original.extensions()))

    if is_unexpected(error):
        request_id = request_id_var.get()
        _log_unexpected(error, request_id)
        extensions: dict[str, Any] = {"code": INTERNAL}
        if request_id:
            extensions["requestId"] = request_id
        return _copy(error, error.message, extensions)

    message = error.message
    if hide_suggestions:
        message = _SUGGESTION.sub("", message)
    code = (error.extensions or {}).get("code") or _request_error_code(error, validation_error_ids)
    return _copy(error, message, {**(error.extensions or {}), "code": code})


def mask_error(error: GraphQLError) -> GraphQLError:
    """Replace an unexpected error by one that shows nothing of the server."""
    extensions: dict[str, Any] = {"code": INTERNAL}
    request_id = (error.extensions or {}).get("requestId") or request_id_var.get()
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(
        INTERNAL_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def _result_errors(extension: SchemaExtension) -> tuple[Any, list[GraphQLError]] | None:
    result = extension.execution_context.result
    errors = getattr(result, "errors", None)
    return (result, errors) if errors else None


class ErrorCodes(SchemaExtension):
    """Give every error of the operation its code (see the module docstring)."""

    def __init__(self, *, hide_suggestions: bool) -> None:
        self.hide_suggestions = hide_suggestions
        self._validation_error_ids: frozenset[int] = frozenset()

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or ()
        self._validation_error_ids = frozenset(id(error) for error in errors)

    def on_operation(self) -> Iterator[None]:
        yield
        found = _result_errors(self)
        if found is None:
            return
        result, errors = found
        result.errors = [
            format_error(
                error,
                hide_suggestions=self.hide_suggestions,
                validation_error_ids=self._validation_error_ids,
            )
            for error in errors
        ]


class LLPMaskErrors(MaskErrors):
    """Strawberry's ``MaskErrors`` letting expected and request errors through.

    Runs after ``ErrorCodes`` (it comes first in the extension list, so its
    ``on_operation`` exits last) and keeps the ``INTERNAL`` code and request id.
    """

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return mask_error(error)


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
