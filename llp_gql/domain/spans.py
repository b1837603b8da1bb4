"""Watched video spans: a sorted union of closed intervals, as stored in
``LessonProgress.watched_spans``.

Pure functions, no database. Spans that touch (``[0, 10]`` and ``[10, 20]``)
merge; spans with any gap between them, however small, stay apart, because a
tolerance here would let a client claim a whole video with many tiny spans
(each one plausible) separated by gaps just under the tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Span = tuple[float, float]


def merge(spans: Iterable[Sequence[float]], new: Span) -> list[list[float]]:
    """The union of ``spans`` and ``new``, sorted and merged (JSON-ready lists)."""
    ordered = sorted([(float(a), float(b)) for a, b in spans] + [new])
    merged: list[list[float]] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def covered(spans: Iterable[Sequence[float]]) -> float:
    """Seconds covered by a merged union."""
    return sum(float(b) - float(a) for a, b in spans)


def first_gap(spans: Sequence[Sequence[float]]) -> float:
    """The first second not covered, counting from the start of the video."""
    if not spans or float(spans[0][0]) > 0.0:
        return 0.0
    return float(spans[0][1])
