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
