"""Relay-style connections with keyset cursors, ``first`` capped by a setting."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from llp_gql.errors import LimitExceeded, ValidationFailed
from llp_gql.schema.ids import parse_pk

T = TypeVar("T")
M = TypeVar("M")

# The paging arguments of every list, described once.
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size: 0 to the server's maximum (100 by default); more answers "
        "PAGE_TOO_LARGE. Omitted: 20."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Read the items after this cursor (the previous page's "
        "pageInfo.endCursor); omitted: from the start. A malformed cursor answers VALIDATION."
    ),
]


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether more items follow: ask again with after = endCursor."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page (true when `after` was given)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the first item of the page; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last item of the page, to pass as `after` for the "
        "next page; null when the page is empty."
    )


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque position of this item: pass it as `after` to read the items "
        "that follow it."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list, oldest first (Relay-style). Read the first page without "
    "`after`, then pass pageInfo.endCursor as `after` while pageInfo.hasNextPage is true. "
    "`first` is the page size: 0 to the server's maximum (100 by default); more answers "
    "PAGE_TOO_LARGE, a negative one or a bad cursor VALIDATION."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="How to read the next page.")
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
    newest_first: bool = False,
) -> Connection[T]:
    """Ordered by primary key (descending with ``newest_first``, for logs); fetches one
    row more than asked to know about a next page."""
    size = check_first(first, default=default, maximum=maximum)
    page_query = query.order_by("-id" if newest_first else "id")
    if after is not None:
        cursor = decode_cursor(after)
        page_query = (
            page_query.filter(id__lt=cursor) if newest_first else page_query.filter(id__gt=cursor)
        )
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
