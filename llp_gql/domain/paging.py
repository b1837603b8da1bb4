"""Pages of a listing, counted and cut in SQL (never by loading every row)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

T = TypeVar("T")
U = TypeVar("U")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing: its items, the total over all pages, its 1-based number."""

    items: list[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return pages_for(self.total, self.size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def with_items(self, items: list[U]) -> Page[U]:
        """The same page of other items (rows of the page turned into richer rows)."""
        return Page(items, self.total, self.number, self.size)


def pages_for(total: int, size: int) -> int:
    """How many pages ``total`` rows fill (an empty listing still has its one page)."""
    return max(1, math.ceil(total / size))


async def fetch_page(
    query: QuerySet[M],
    requested: int,
    size: int,
    *,
    order_by: Sequence[str],
    annotations: Mapping[str, Any] | None = None,
) -> Page[M]:
    """The ``requested`` page of ``query`` in two queries: the count, then the rows in
    ``order_by`` with ``annotations`` (aggregates of the page's rows only). A number
    past the end shows the last page, one below 1 the first."""
    total = await query.count()
    number = min(max(1, requested), pages_for(total, size))
    if annotations:
        query = query.annotate(**annotations)
    rows = await query.order_by(*order_by).offset((number - 1) * size).limit(size)
    return Page(list(rows), total, number, size)
