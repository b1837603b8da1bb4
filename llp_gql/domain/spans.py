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


def uncovered(spans: Sequence[Sequence[float]], new: Span) -> list[Span]:
    """The parts of ``new`` that the merged union ``spans`` does not cover, in order."""
    start, end = new
    parts: list[Span] = []
    cursor = start
    for a, b in spans:
        a, b = float(a), float(b)
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            parts.append((cursor, a))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        parts.append((cursor, end))
    return parts


def take(parts: Sequence[Span], seconds: float) -> list[Span]:
    """The first ``seconds`` of these ordered, disjoint parts."""
    taken: list[Span] = []
    left = seconds
    for a, b in parts:
        if left <= 0:
            break
        length = b - a
        if length <= left:
            taken.append((a, b))
            left -= length
        else:
            taken.append((a, a + left))
            left = 0
    return taken


def covered_to(spans: Sequence[Sequence[float]], new: Span) -> float:
    """How far ``new`` is covered without a gap from its start: the end of the merged
    span that holds its start, capped at its end; its start when that is not covered."""
    start, end = new
    for a, b in spans:
        if float(a) <= start <= float(b):
            return min(end, float(b))
    return start
