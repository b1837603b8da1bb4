"""Pagination links: which page a request asks for, and the links around a page the
domain has cut in SQL (``llp_gql.domain.paging.Page``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from admin_ui import forms
from llp_gql.domain.paging import Page


def requested_page(request: Request) -> int:
    """The page number asked for (1 when missing or not a number; the domain clamps it)."""
    return forms.int_or_none(request.query_params.get("page")) or 1


@dataclass(frozen=True, slots=True)
class Pager:
    """A page of the domain with the links to its neighbours (same path and filters)."""

    page: Page[Any]
    base: str
    params: tuple[tuple[str, str], ...]

    @property
    def number(self) -> int:
        return self.page.number

    @property
    def total(self) -> int:
        return self.page.total

    @property
    def pages(self) -> int:
        return self.page.pages

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.page.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.page.offset + self.page.size)

    def url(self, number: int) -> str:
        params = [(k, v) for k, v in self.params if v and k != "page"]
        if number > 1:
            params.append(("page", str(number)))
        return self.base + ("?" + urlencode(params) if params else "")

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None


def pager(request: Request, page: Page[Any]) -> Pager:
    """Links for ``page``, keeping the request's other query parameters (not ``done``)."""
    params = tuple(
        (k, v) for k, v in request.query_params.multi_items() if k not in {"page", "done"}
    )
    return Pager(page, request.url.path, params)
