"""The QR code is drawn as few rectangles that cover exactly its dark modules."""

from __future__ import annotations

import segno

from llp_gql.certs.drawing import qr_rectangles


def covered(rects: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    return [
        (row, col)
        for start, end, top, bottom in rects
        for row in range(top, bottom)
        for col in range(start, end)
    ]


def test_runs_repeated_on_the_next_rows_grow_into_one_rectangle() -> None:
    matrix = [
        [1, 1, 0, 1],
        [1, 1, 0, 0],
        [0, 1, 1, 0],
    ]

    assert qr_rectangles(matrix) == [(0, 2, 0, 2), (1, 3, 2, 3), (3, 4, 0, 1)]


def test_a_real_code_is_covered_exactly_once_with_fewer_rectangles_than_runs() -> None:
    # Given the QR code of a verification URL
    matrix = segno.make("https://llp.example/verify/K7QF3XRM9DWAZP2TH8NCV4JE6B", mask=0).matrix

    # When it is cut into rectangles
    rects = qr_rectangles(matrix)

    # Then every dark module is in exactly one rectangle, and no light one is
    dark = [(r, c) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit]
    cells = covered(rects)
    assert sorted(cells) == sorted(dark)
    assert len(cells) == len(set(cells))
    # and merging rows saved drawing calls
    runs = sum(
        1 for row in matrix for c, bit in enumerate(row) if bit and (c == 0 or not row[c - 1])
    )
    assert len(rects) < runs
    assert rects == sorted(rects)


def test_the_drawn_path_fills_exactly_the_dark_modules_where_asked() -> None:
    """draw_qr writes its rectangles as one raw path (not FPDF.rect): read it back from
    the PDF and map each rectangle to modules on the page."""
    import io
    import re

    from fpdf import FPDF
    from pypdf import PdfReader

    from llp_gql.certs.drawing import draw_qr

    url = "https://llp.example/verify/k7qf3xrm9dwazp2th8ncv4je6bqq5r2d"
    matrix = segno.make(url, error="m", boost_error=False, mask=0).matrix
    x, y, size = 20.0, 30.0, 33.0
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    draw_qr(pdf, url, x, y, size)
    content = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].get_contents()
    assert content is not None
    text = content.get_data().decode("latin-1")
    # the white quiet square, then one path of rectangles filled once
    path = re.search(r"((?:[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re\s*)+)f", text.split(" re f", 1)[1])
    assert path is not None, text[:500]
    rects = [
        tuple(map(float, m))
        for m in re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", path.group(1))
    ]
    k = pdf.k
    module = size / (len(matrix) + 4)
    cells = set()
    for left, top, width, height in rects:
        # back to mm, from the page's top; height is negative (PDF y grows upwards)
        col0 = round((left / k - x) / module) - 2
        row0 = round((pdf.h - top / k - y) / module) - 2
        cols = round((width / k - 0.02) / module)
        rows = round((-height / k - 0.02) / module)
        cells |= {(row0 + r, col0 + c) for r in range(rows) for c in range(cols)}
    dark = {(r, c) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit}
    assert cells == dark
    assert len(rects) == len(qr_rectangles(matrix))
