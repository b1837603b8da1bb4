"""The certificate renderer: every script prints, text stays on the page, output is stable."""

from __future__ import annotations

import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from llp_gql.certs.render import (
    TEMPLATE_VERSION,
    CertificateSnapshot,
    format_date,
    render_certificate,
    render_certificate_async,
)

PT_PER_MM = 72 / 25.4
INNER_FRAME_PT = 14 * PT_PER_MM  # the innermost border line


def _logo() -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 190, 190), fill=(200, 30, 40, 255))
    draw.ellipse((220, 20, 380, 180), fill=(20, 60, 160, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


LOGO = _logo()
CODE = "K7QF3XRM9DWAZP2TH8NCV4JE6B"


def snapshot(**changes: Any) -> CertificateSnapshot:
    base = CertificateSnapshot(
        learner_name="Zoë Ångström-Łukasiewicz",
        course_title="Leading Through Change",
        company_name="Acme Holdings GmbH",
        company_logo=LOGO,
        issued_at=datetime(2026, 11, 28, 14, 3, tzinfo=UTC),
        verification_code=CODE,
        verify_url=f"https://llp.example/verify/{CODE}",
    )
    return replace(base, **changes)


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def text_runs(pdf: bytes) -> list[tuple[float, float, float, str]]:
    """(x, y, font size, text) of every text run on the page, in points."""
    runs: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            runs.append((float(tm[4]), float(tm[5]), float(size), text))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


def embedded_fonts(pdf: bytes) -> set[str]:
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+", 1)[1] for font in fonts.values()}


# Names in the scripts the portal promises, with the font that must carry them.
# pypdf extracts right-to-left text in visual order, so those are checked word by word.
SCRIPTS = [
    ("latin", "Zoë Ångström-Łukasiewicz", "NotoSerifBold", False),
    ("greek", "Αλέξανδρος Παπαδόπουλος", "NotoSerifBold", False),
    ("cyrillic", "Пётр Ильич Чайковский", "NotoSerifBold", False),
    ("arabic", "محمد عبد الله الفاروق", "NotoNaskhArabicBold", True),
    ("hebrew", "דוד בן־גוריון", "NotoSerifHebrewBold", True),
    ("chinese", "王小明", "DroidSansFallback", False),
    ("japanese", "山田 さくら カタカナ", "DroidSansFallback", False),
    ("korean", "김민준", "DroidSansFallback", False),
    ("devanagari", "अमिताभ बच्चन", "NotoSerifDevanagariBold", None),
]


@pytest.mark.parametrize(("script", "name", "font", "rtl"), SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_every_script_renders_with_its_font(
    script: str, name: str, font: str, rtl: bool | None, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a learner whose name is in this script
    snap = snapshot(learner_name=name, course_title=f"Course for {script}")

    # When the certificate is rendered
    with caplog.at_level(logging.WARNING):
        pdf = render_certificate(snap)

    # Then it is a PDF embedding the right font, with no character left out
    assert pdf.startswith(b"%PDF-")
    assert font in embedded_fonts(pdf)
    assert "no certificate font has a glyph" not in caplog.text
    text = page_text(pdf)
    assert f"Course for {script}" in text
    assert CODE in text
    assert f"Verify at https://llp.example/verify/{CODE}" in text
    if rtl is False:
        assert name in text
    elif rtl is True:
        assert all(word in text for word in name.split())
    # Devanagari (rtl None): vowel signs drawn before their consonant have no
    # text mapping of their own, so extraction is not exact; the font check
    # above and the absence of missing glyphs carry the test.


def test_mixed_scripts_in_one_name_use_several_fallbacks() -> None:
    pdf = render_certificate(snapshot(learner_name="Анна 李 محمد Smith"))

    assert {"NotoSerifBold", "DroidSansFallback", "NotoNaskhArabicBold"} <= embedded_fonts(pdf)
    text = page_text(pdf)
    assert "Анна" in text
    assert "李" in text
    assert "Smith" in text


def test_static_text_date_and_company_are_printed() -> None:
    text = page_text(render_certificate(snapshot()))

    for expected in (
        "Leadership Learning Portal".upper(),
        "Certificate of Completion",
        "This certifies that",
        "Zoë Ångström-Łukasiewicz",
        "has successfully completed",
        "Leading Through Change",
        "28 November 2026",
        "Acme Holdings GmbH",
        "Verification code",
    ):
        assert expected in text


def test_completion_date_is_the_utc_date() -> None:
    # 23:30 in New York on 27 November is 04:30 UTC on 28 November.
    assert format_date(datetime(2026, 11, 28, 4, 30, tzinfo=UTC)) == "28 November 2026"
    assert format_date(datetime(2026, 1, 1, tzinfo=UTC)) == "1 January 2026"


def test_logo_is_embedded_only_when_given() -> None:
    with_logo = PdfReader(io.BytesIO(render_certificate(snapshot())))
    without = PdfReader(io.BytesIO(render_certificate(snapshot(company_logo=None))))

    assert len(with_logo.pages[0].images) == 1
    assert len(without.pages[0].images) == 0


def test_jpeg_logo_and_no_company_at_all() -> None:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (10, 120, 60)).save(out, "JPEG")

    pdf = render_certificate(snapshot(company_logo=out.getvalue(), company_name=None))

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert "Acme" not in page_text(pdf)


def _inside_frame(pdf: bytes) -> None:
    page_width = 297 * PT_PER_MM
    for x, _, _, text in text_runs(pdf):
        # Every line is centred (or right-aligned inside the frame), so a line
        # starting inside the frame on the left also ends inside it.
        assert INNER_FRAME_PT <= x <= page_width - INNER_FRAME_PT, text


@pytest.mark.parametrize(
    ("field", "value", "max_size"),
    [
        ("learner_name", "Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen", 32),
        ("learner_name", "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff " * 8, 32),
        ("learner_name", "王" * 300, 32),
        ("learner_name", "محمد بن عبد الله " * 20, 32),
        ("course_title", "Strategic Leadership, Negotiation and Change Management " * 6, 20),
        ("company_name", "The Extremely Long Company Name Holding International " * 4, 12),
    ],
    ids=["long-name", "absurd-name", "absurd-cjk", "absurd-arabic", "long-course", "long-company"],
)
def test_long_texts_shrink_and_stay_inside_the_page(field: str, value: str, max_size: int) -> None:
    pdf = render_certificate(snapshot(**{field: value}))

    _inside_frame(pdf)
    sizes = [size for _, _, size, text in text_runs(pdf) if text.strip()[:3] in value]
    assert sizes
    assert max(sizes) < max_size


def test_absurdly_long_name_is_cut_with_an_ellipsis() -> None:
    name = "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff " * 8

    text = page_text(render_certificate(snapshot(learner_name=name)))

    assert "…" in text
    assert "This certifies that" in text


def test_control_characters_and_newlines_do_not_break_the_layout() -> None:
    pdf = render_certificate(snapshot(learner_name="Ada\nLovelace\t\x00 "))

    assert "Ada Lovelace" in page_text(pdf)
    _inside_frame(pdf)


def test_same_snapshot_gives_identical_bytes() -> None:
    assert render_certificate(snapshot()) == render_certificate(snapshot())


def test_output_depends_on_the_snapshot() -> None:
    assert render_certificate(snapshot()) != render_certificate(snapshot(learner_name="Ada"))


def test_creation_date_comes_from_the_snapshot() -> None:
    reader = PdfReader(io.BytesIO(render_certificate(snapshot())))

    assert reader.metadata is not None
    assert reader.metadata.creation_date == datetime(2026, 11, 28, 14, 3, tzinfo=UTC)


def test_concurrent_renders_match_sequential_ones() -> None:
    # Given snapshots in several scripts, rendered one by one
    snaps = [
        snapshot(learner_name=name, verification_code=f"C{i}")
        for i, (_, name, _, _) in enumerate(SCRIPTS)
    ] * 3
    expected = [render_certificate(s) for s in snaps]

    # When the same snapshots are rendered by four threads at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        actual = list(pool.map(render_certificate, snaps))

    # Then the shared font caches did not leak state between documents
    assert actual == expected


def test_unknown_template_version_is_refused() -> None:
    with pytest.raises(ValueError, match="template version"):
        render_certificate(snapshot(template_version=TEMPLATE_VERSION + 1))


@pytest.mark.asyncio
async def test_async_render_gives_the_same_bytes() -> None:
    assert await render_certificate_async(snapshot()) == render_certificate(snapshot())


def test_a_character_no_font_has_is_logged_by_code_point(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Egyptian hieroglyphs are in none of the bundled fonts.
    with caplog.at_level(logging.WARNING):
        pdf = render_certificate(snapshot(learner_name="Ra \U00013000"))

    assert "U+13000" in caplog.text
    assert "Ra" in page_text(pdf)


def test_lines_after_a_fallback_font_line_keep_their_own_font() -> None:
    # Given a name that wraps, in a fallback font, ending in the main font's "…"
    # (fpdf2 2.8.9 drew such a second line with the previous text's font)
    name = "محمد بن عبد الله " * 20

    # When it is rendered
    text = page_text(render_certificate(snapshot(learner_name=name)))

    # Then the ellipsis and the text after the name come out as themselves
    assert "…" in text
    assert "has successfully completed" in text
