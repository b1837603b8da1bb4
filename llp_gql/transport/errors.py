"""The stable ``extensions.code`` of every error, and masking of the unexpected ones.

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

    anything else                               INTERNAL, message masked, logged

The work is done once per operation on the finished result, never per field:
no extension here has a ``resolve`` hook.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Container, Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors, SchemaExtension

from llp_gql.errors import LLPError, ServiceUnavailable
from llp_gql.faults import is_outage
from llp_gql.observability import request_id_var
from llp_gql.transport.budget import QUERY_TOO_DEEP, TOO_MANY_TOKENS

__all__ = [
    "INTERNAL",
    "INTERNAL_MESSAGE",
    "ErrorCodes",
    "LLPMaskErrors",
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
