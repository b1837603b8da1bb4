"""The certificate template: page geometry, colours, and fitting text to a width.

Everything here is measured in millimetres on a landscape A4 page. ``fit``
decides how a text of any length is printed (size, line breaks, a cut); the
drawing itself is ``drawing.py``'s.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, cast

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from llp_gql.certs.typefaces import BASE

PAGE_W: Final = 297.0
PAGE_H: Final = 210.0
PT: Final = 25.4 / 72  # mm per point
NAVY: Final = (27, 42, 74)
GOLD: Final = (170, 133, 62)
INK: Final = (70, 70, 78)
CREAM: Final = (253, 251, 245)
WHITE: Final = (255, 255, 255)
TEXT_W: Final = 215.0  # width of the central text column
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Block:
    """Text fitted to a width: its lines and the font size that made them fit."""

    lines: tuple[str, ...]
    size: float
    style: str
    shaped: bool = False  # decided for the whole text, so lines measure as they were fitted

    @property
    def line_height(self) -> float:
        return self.size * PT * 1.25

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)


def clean(text: str) -> str:
    """``text`` in NFC on one line: control characters and runs of spaces become one space.

    Newlines or control characters in a name must not break the layout.
    """
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_date(moment: datetime) -> str:
    """The completion date as printed, e.g. "28 November 2026" (UTC)."""
    day = utc(moment)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    result = pdf.multi_cell(width, text=text, dry_run=True, output=MethodReturnValue.LINES)
    return cast(list[str], result)


def fit(
    pdf: FPDF,
    text: str,
    *,
    style: str,
    max_size: float,
    min_size: float,
    max_lines: int,
    width: float = TEXT_W,
) -> Block:
    """Shrink, then wrap, then (only for absurd lengths) truncate ``text``.

    One line is preferred down to 70 % of ``max_size``; below that the text
    wraps onto up to ``max_lines`` lines, never smaller than ``min_size``.
    Sizes are estimated from the measured width, so a long text costs a couple
    of trial line breaks rather than one per size step. Measured in the base
    font (with its fallbacks), which ``pdf`` must have attached.
    """
    shaped = not text.isascii()  # as in drawing.cell
    pdf.set_text_shaping(shaped)
    pdf.set_font(BASE, style, max_size)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return Block((text,), max_size, style, shaped)
    single_floor = max(min_size, max_size * 0.7)
    single = round_down(max_size * width / natural)
    if single >= single_floor or max_lines == 1:
        size = max(single, min_size)
        if natural * size / max_size <= width:
            return Block((text,), size, style, shaped)
    else:
        # Word wrapping wastes some of each line; 0.9 is a fair first guess.
        size = min(single_floor, max(min_size, round_down(single * max_lines * 0.9)))
        while True:
            pdf.set_font_size(size)
            lines = _lines(pdf, text, width)
            if len(lines) <= max_lines:
                return Block(tuple(lines), size, style, shaped)
            if size <= min_size:
                break
            size = max(min_size, size - 1)
    # Too long even at the smallest size: cut, mark the cut, and shorten
    # further until it fits (each pass trims 10 %).
    size = min_size
    pdf.set_font_size(size)
    keep = int(len(text) * max_lines * width * 0.95 / (natural * size / max_size))
    while True:
        cut = text[: max(keep, 1)].rstrip() + "…"
        lines = _lines(pdf, cut, width)
        if len(lines) <= max_lines or keep <= 1:
            return Block(tuple(lines[:max_lines]), size, style, shaped)
        keep = int(keep * 0.9)


def round_down(size: float) -> float:
    """``size`` rounded down to 0.5 pt, so the text is never a hair too wide."""
    return int(size * 2) / 2
