"""Fitting text to the certificate: shrink first, then wrap, cut only what cannot fit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fpdf import FPDF

from llp_gql.certs.layout import Block, clean, fit, round_down, utc
from llp_gql.certs.typefaces import BASE, attach_fonts

WIDTH = 215.0


def document(text: str) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    attach_fonts(pdf, bold_text=text, regular_text=text)
    pdf.add_page()
    return pdf


def width_of(pdf: FPDF, block: Block, line: str) -> float:
    pdf.set_text_shaping(block.shaped)
    pdf.set_font(BASE, block.style, block.size)
    return float(pdf.get_string_width(line))


def test_a_short_text_keeps_the_largest_size_on_one_line() -> None:
    pdf = document("Ada Lovelace")

    block = fit(pdf, "Ada Lovelace", style="B", max_size=32, min_size=15, max_lines=2)

    assert block == Block(("Ada Lovelace",), 32, "B", shaped=False)


def test_a_slightly_long_text_shrinks_on_one_line_before_it_wraps() -> None:
    text = "Maximilian Konstantin Hohenzollern-Sigmaringen"  # 290 mm at 32 pt
    pdf = document(text)

    block = fit(pdf, text, style="B", max_size=32, min_size=15, max_lines=2)

    assert block.lines == (text,)
    assert 32 * 0.7 <= block.size < 32
    assert block.size * 2 == int(block.size * 2)  # whole half points
    assert width_of(pdf, block, text) <= WIDTH
    # and not needlessly small: half a point more would not fit
    assert width_of(pdf, Block((), block.size + 0.5, "B"), text) > WIDTH


def test_a_long_text_wraps_within_its_lines_and_minimum_size() -> None:
    text = "Strategic Leadership, Negotiation and Change Management " * 3
    pdf = document(text)

    block = fit(pdf, text.strip(), style="", max_size=20, min_size=10, max_lines=3)

    assert 2 <= len(block.lines) <= 3
    assert 10 <= block.size <= 20 * 0.7  # wrapping starts below 70 % of the largest size
    assert " ".join(line.strip() for line in block.lines) == text.strip()
    assert all(width_of(pdf, block, line) <= WIDTH for line in block.lines)


@pytest.mark.parametrize(
    "text",
    [
        "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff " * 8,
        "王" * 300,
        "محمد بن عبد الله " * 20,
    ],
    ids=["latin", "cjk", "arabic"],
)
def test_an_absurd_text_is_cut_with_an_ellipsis_at_the_minimum_size(text: str) -> None:
    pdf = document(text)

    block = fit(pdf, text.strip(), style="B", max_size=32, min_size=15, max_lines=2)

    assert block.size == 15
    assert len(block.lines) == 2
    assert "…" in block.lines[-1]
    assert block.shaped is not text.isascii()
    assert all(width_of(pdf, block, line) <= WIDTH for line in block.lines)


def test_one_line_at_most_means_shrink_then_cut_never_wrap() -> None:
    text = "The Extremely Long Company Name Holding International " * 4
    pdf = document(text)

    block = fit(pdf, text.strip(), style="B", max_size=12, min_size=8, max_lines=1)

    assert len(block.lines) == 1
    assert block.size == 8
    assert block.lines[0].endswith("…")


def test_block_height_counts_its_lines() -> None:
    block = Block(("one", "two"), 12, "")

    assert block.line_height == pytest.approx(12 * 25.4 / 72 * 1.25)
    assert block.height == pytest.approx(2 * block.line_height)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ada\nLovelace\t\x00 ", "Ada Lovelace"),
        ("  Zoë   Ångström ", "Zoë Ångström"),
        ("Zoe\u0308", "Zoë"),  # decomposed: NFC composes it
        ("a\u200bb\u2028c", "a b c"),  # zero-width space and line separator are not printable
    ],
    ids=["controls", "spaces", "nfc", "invisible"],
)
def test_clean_puts_any_text_on_one_printable_line(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(("size", "expected"), [(10.74, 10.5), (10.5, 10.5), (10.49, 10.0)])
def test_sizes_round_down_to_half_points(size: float, expected: float) -> None:
    assert round_down(size) == expected


def test_utc_converts_aware_times_and_reads_naive_ones_as_utc() -> None:
    new_york = timezone(timedelta(hours=-5))

    assert utc(datetime(2026, 11, 27, 23, 30, tzinfo=new_york)) == datetime(
        2026, 11, 28, 4, 30, tzinfo=UTC
    )
    assert utc(datetime(2026, 11, 28, 4, 30)) == datetime(2026, 11, 28, 4, 30, tzinfo=UTC)
