"""Which fonts a certificate carries: the base font, plus only the fallbacks its text needs."""

from __future__ import annotations

import logging

import pytest
from fpdf import FPDF

from llp_gql.certs.typefaces import attach_fonts, fallback_fonts


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("Zoë Ångström-Łukasiewicz Αλέξανδρος Пётр", "B", []),
        ("محمد عبد الله", "B", [("arabic", "B")]),
        ("דוד בן־גוריון", "", [("hebrew", "")]),
        ("अमिताभ बच्चन", "B", [("devanagari", "B")]),
        # Tamil and CJK have no bold file: their regular style serves bold text.
        ("தமிழ்", "B", [("tamil", "")]),
        ("王小明 さくら 김민준", "B", [("cjk", "")]),
        # Several scripts: one font each, in the fallback order, whatever the text order.
        ("李 Анна محمد Smith", "B", [("arabic", "B"), ("cjk", "")]),
    ],
    ids=["latin-greek-cyrillic", "arabic", "hebrew", "devanagari", "tamil", "cjk", "mixed"],
)
def test_each_script_brings_exactly_its_fallback_font(
    text: str, style: str, expected: list[tuple[str, str]]
) -> None:
    assert fallback_fonts(text, style) == expected


def test_a_character_no_font_has_is_logged_by_code_point_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a name with an Egyptian hieroglyph, which no bundled font has
    with caplog.at_level(logging.WARNING):
        needed = fallback_fonts("Ra \U00013000 محمد", "")

    # Then the fonts for the rest are still chosen, and only the code point is logged
    assert needed == [("arabic", "")]
    assert "U+13000" in caplog.text
    assert "Ra" not in caplog.text


def test_attach_fonts_adds_the_base_styles_and_only_the_needed_fallbacks() -> None:
    # Given a Latin course and an Arabic name
    pdf = FPDF()

    # When the fonts are attached
    attach_fonts(pdf, bold_text="محمد", regular_text="Leading Through Change")

    # Then the document has the base font in both styles and bold Arabic, nothing else
    assert list(pdf.fonts) == ["serif", "serifB", "arabicB"]
    assert [font.i for font in pdf.fonts.values()] == [1, 2, 3]


def test_attached_fonts_are_per_document() -> None:
    # Given two documents sharing the parsed fonts
    first, second = FPDF(), FPDF()
    attach_fonts(first, bold_text="Ada", regular_text="Course")
    attach_fonts(second, bold_text="Ada", regular_text="Course")

    # When text is drawn in one of them
    first.add_page()
    first.set_font("serif", "B", 12)
    first.cell(text="Ada")

    # Then the other's glyph subset is untouched
    assert first.fonts["serifB"] is not second.fonts["serifB"]
    assert len(list(first.fonts["serifB"].subset.items())) > len(
        list(second.fonts["serifB"].subset.items())
    )
