"""Drawing primitives of the certificate: text lines, frame, rules, seal, QR code.

Each function draws one element at a given place; ``render.compose`` decides
the places. Text is drawn in the base font with its fallbacks (``typefaces``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import segno
from fpdf import FPDF
from fpdf.enums import RenderStyle

from llp_gql.certs.layout import CREAM, GOLD, INK, NAVY, PAGE_H, PAGE_W, TEXT_W, WHITE, Block
from llp_gql.certs.typefaces import BASE

Color = tuple[int, int, int]


def cell(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str) -> None:
    """One line of ``text`` in the current font, shaped only if it needs to be."""
    # Shaping (HarfBuzz plus the bidi pass) costs about 0.2 ms per cell and
    # ASCII text needs none of it; any other text may (Arabic, Devanagari...).
    pdf.set_text_shaping(not text.isascii())
    _line(pdf, x, y, w, h, text, align)


def _line(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str) -> None:
    # fpdf2 2.8.9 bug: when a line starts with a fallback-font fragment, it
    # selects the main font inside that line's q...Q wrapper, so the selection
    # is undone at Q while fpdf2 believes it still holds; a next line starting
    # in the main font is then drawn with whatever font the page had before
    # (wrong glyphs). Making fpdf2 select the font anew for every line avoids it.
    pdf.current_font_is_set_on_page = False
    pdf.set_xy(x, y)
    pdf.cell(w=w, h=h, text=text, align=align)


def draw_block(pdf: FPDF, block: Block, y: float, color: Color) -> float:
    """Draw ``block`` centred in the text column from ``y``; returns the y below it."""
    pdf.set_font(BASE, block.style, block.size)
    pdf.set_text_color(*color)
    pdf.set_text_shaping(block.shaped)
    x = (PAGE_W - TEXT_W) / 2
    for line in block.lines:
        _line(pdf, x, y, TEXT_W, block.line_height, line, "C")
        y += block.line_height
    return y


def draw_frame(pdf: FPDF, border: Color = NAVY) -> None:
    """The cream page with its navy (or accent) and gold borders and corner diamonds."""
    pdf.set_fill_color(*CREAM)
    pdf.rect(0, 0, PAGE_W, PAGE_H, style=RenderStyle.F)
    pdf.set_draw_color(*border)
    pdf.set_line_width(1.6)
    pdf.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.45)
    pdf.rect(12.5, 12.5, PAGE_W - 25, PAGE_H - 25)
    pdf.set_line_width(0.2)
    pdf.rect(14, 14, PAGE_W - 28, PAGE_H - 28)
    pdf.set_fill_color(*GOLD)
    for cx, cy in ((14, 14), (PAGE_W - 14, 14), (14, PAGE_H - 14), (PAGE_W - 14, PAGE_H - 14)):
        pdf.polygon([(cx - 3, cy), (cx, cy - 3), (cx + 3, cy), (cx, cy + 3)], style=RenderStyle.F)


def draw_rule(pdf: FPDF, y: float, half_width: float) -> None:
    """A centred gold rule broken by a small diamond."""
    mid = PAGE_W / 2
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.line(mid - half_width, y, mid - 3, y)
    pdf.line(mid + 3, y, mid + half_width, y)
    pdf.set_fill_color(*GOLD)
    diamond = [(mid - 1.6, y), (mid, y - 1.6), (mid + 1.6, y), (mid, y + 1.6)]
    pdf.polygon(diamond, style=RenderStyle.F)


# A fixed mask instead of segno trying all eight and scoring each (~3.5 ms in
# pure Python, a third of the time budget). Decoders read the mask from the
# format bits, so any mask scans; the scoring only avoids patterns that can
# slow some scanners down. Mask 0, the checkerboard, breaks up large blocks.
_QR_MASK: Final = 0


def qr_rectangles(matrix: Sequence[Sequence[int]]) -> list[tuple[int, int, int, int]]:
    """Dark modules of a QR matrix as (start column, end column, top row, bottom row).

    Ends are exclusive. Each rectangle is a horizontal run of dark modules,
    grown downwards while the rows below repeat it: a fifth fewer drawing
    calls than one per run, and drawing calls are the slow part (~6 us each).
    Sorted, so the output is deterministic.
    """
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    rects: list[tuple[int, int, int, int]] = []
    for row_index, row in enumerate((*matrix, ())):
        runs = set(_runs(row))
        for run in list(open_runs):
            if run not in runs:
                rects.append((*run, open_runs.pop(run), row_index))
        for run in runs:
            open_runs.setdefault(run, row_index)
    return sorted(rects)


def _runs(row: Sequence[int]) -> list[tuple[int, int]]:
    runs = []
    col, width = 0, len(row)
    while col < width:
        if row[col]:
            start = col
            while col < width and row[col]:
                col += 1
            runs.append((start, col))
        col += 1
    return runs


def draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """``url`` as a QR code of ``size`` mm square, quiet zone included."""
    # Vector rectangles: sharp at any zoom and cheaper than encoding a fresh
    # PNG per certificate.
    matrix = segno.make(url, error="m", boost_error=False, mask=_QR_MASK).matrix
    quiet = 2
    module = size / (len(matrix) + 2 * quiet)
    pdf.set_fill_color(*WHITE)
    pdf.rect(x, y, size, size, style=RenderStyle.F)
    pdf.set_fill_color(*NAVY)
    origin_x, origin_y = x + quiet * module, y + quiet * module
    # One path of rectangles filled once, in the operators ``FPDF.rect`` writes (same
    # units and rounding): a ``rect`` call per rectangle (about 250) was a quarter of
    # a certificate's render time (B5, profiled).
    k, page_height = pdf.k, pdf.h
    operators = []
    for start, end, top, bottom in qr_rectangles(matrix):
        # A hair of overlap hides the seams some viewers draw between shapes.
        left, upper = origin_x + start * module, origin_y + top * module
        width, height = (end - start) * module + 0.02, (bottom - top) * module + 0.02
        operators.append(
            f"{left * k:.2f} {(page_height - upper) * k:.2f} {width * k:.2f} {-height * k:.2f} re"
        )
    if operators:
        pdf._out("\n".join(operators) + " f")  # fpdf2 has no public raw path API


def draw_seal(pdf: FPDF, cx: float, cy: float) -> None:
    """The gold "LLP" seal centred on (cx, cy)."""
    pdf.set_fill_color(*GOLD)
    pdf.circle(x=cx, y=cy, radius=11, style=RenderStyle.F)
    pdf.set_draw_color(*CREAM)
    pdf.set_line_width(0.4)
    pdf.circle(x=cx, y=cy, radius=9.3, style=RenderStyle.D)
    pdf.set_font(BASE, "B", 13)
    pdf.set_text_color(*CREAM)
    cell(pdf, cx - 11, cy - 4, 22, 8, "LLP", "C")


def draw_caption(pdf: FPDF, value: str, caption: str, x: float, y: float, w: float) -> None:
    """``value`` over a gold line with a small ``caption`` below it."""
    pdf.set_font(BASE, "", 11)
    pdf.set_text_color(*NAVY)
    cell(pdf, x, y, w, 6, value, "C")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    pdf.line(x, y + 7, x + w, y + 7)
    pdf.set_font(BASE, "", 8)
    pdf.set_text_color(*INK)
    cell(pdf, x, y + 8, w, 4, caption, "C")
