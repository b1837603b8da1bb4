"""Geometry of the dashboard's small SVG charts, computed on the server.

Pure functions from counts to coordinates; the template draws them (labels are
escaped there like any other text). No JavaScript, no chart library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    center: float


@dataclass(frozen=True, slots=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class ColumnChart:
    width: int
    height: int
    left: int
    baseline: float
    columns: tuple[Column, ...]
    grid: tuple[GridLine, ...]
    total: int


@dataclass(frozen=True, slots=True)
class Row:
    y: float
    label: str
    assigned: int
    done: int
    assigned_width: float
    done_width: float


@dataclass(frozen=True, slots=True)
class RowChart:
    width: int
    height: int
    label_width: int
    bar_left: int
    bar_width: int
    row_height: int
    rows: tuple[Row, ...]


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (at least 4, for four grid steps)."""
    if value <= 4:
        return 4
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value and top % 4 == 0:
            return top
    return int(math.ceil(value / 4) * 4)


MONTHS = 6  # how many months the dashboard's chart shows


def last_months(now: datetime, count: int) -> list[tuple[int, int]]:
    """(year, month) of the ``count`` months up to and including ``now``'s, oldest first."""
    year, month = now.year, now.month
    months: list[tuple[int, int]] = []
    for _ in range(count):
        months.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months[::-1]


def monthly_columns(counts: Mapping[tuple[int, int], int]) -> ColumnChart:
    """Completions per calendar month (UTC): ``counts`` by (year, month), oldest first."""
    keys = list(counts)
    width, height, left, top, bottom = 560, 220, 36, 16, 28
    baseline = height - bottom
    top_value = _nice_max(max(counts.values(), default=0))
    plot_height = baseline - top
    slot = (width - left) / len(keys)
    bar_width = min(48.0, slot * 0.6)
    columns = []
    for index, key in enumerate(keys):
        value = counts[key]
        bar_height = plot_height * value / top_value
        center = left + slot * index + slot / 2
        label = datetime(key[0], key[1], 1).strftime("%b %Y")
        columns.append(
            Column(
                center - bar_width / 2,
                baseline - bar_height,
                bar_width,
                bar_height,
                label,
                value,
                center,
            )
        )
    grid = tuple(
        GridLine(baseline - plot_height * step / 4, str(top_value * step // 4))
        for step in range(1, 5)
    )
    return ColumnChart(width, height, left, baseline, tuple(columns), grid, sum(counts.values()))


def course_rows(items: Sequence[tuple[str, int, int]], limit: int = 8) -> RowChart:
    """Assigned and completed per course (title, assigned, completed), busiest first."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))[:limit]
    width, label_width, row_height = 560, 190, 30
    bar_left, bar_width = label_width + 8, width - label_width - 8 - 64
    top = max((assigned for _, assigned, _ in ordered), default=0) or 1
    rows = tuple(
        Row(
            y=index * row_height,
            label=title if len(title) <= 28 else title[:27] + "…",
            assigned=assigned,
            done=done,
            assigned_width=bar_width * assigned / top,
            done_width=bar_width * done / top,
        )
        for index, (title, assigned, done) in enumerate(ordered)
    )
    return RowChart(
        width,
        max(row_height, len(rows) * row_height),
        label_width,
        bar_left,
        bar_width,
        row_height,
        rows,
    )
