"""Relay-style connections with keyset cursors, ``first`` capped by a setting."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from llp_gql.errors import LimitExceeded, ValidationFailed
from llp_gql.schema.ids import parse_pk

T = TypeVar("T")
M = TypeVar("M")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match, across all pages.")
    async def total_count(self) -> int:
        return await self._count()


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"c:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = raw.partition(":")
        pk = parse_pk(number)
        if prefix != "c" or pk is None:
            raise ValueError(cursor)
        return pk
    except ValueError:
        raise ValidationFailed("The cursor is not valid.", field="after") from None


def check_first(first: int | None, *, default: int, maximum: int) -> int:
    if first is None:
        return min(default, maximum)
    if first < 0:
        raise ValidationFailed("`first` cannot be negative.", field="first")
    if first > maximum:
        raise LimitExceeded("PAGE_TOO_LARGE", f"`first` may be at most {maximum}.")
    return first


async def paginate(
    query: QuerySet[Any],
    *,
    first: int | None,
    after: str | None,
    maximum: int,
    convert: Callable[[Sequence[Any]], list[T] | Awaitable[list[T]]],
    default: int = 20,
) -> Connection[T]:
    """Ordered by primary key; fetches one row more than asked to know about a next page."""
    size = check_first(first, default=default, maximum=maximum)
    page_query = query.order_by("id")
    if after is not None:
        page_query = page_query.filter(id__gt=decode_cursor(after))
    rows = list(await page_query.limit(size + 1)) if size else []
    has_next = len(rows) > size
    rows = rows[:size]
    converted = convert(rows)
    nodes = await converted if inspect.isawaitable(converted) else converted
    edges = [
        Edge(cursor=encode_cursor(row.id), node=node) for row, node in zip(rows, nodes, strict=True)
    ]

    async def count() -> int:
        total: int = await query.count()
        return total

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=count,
    )
