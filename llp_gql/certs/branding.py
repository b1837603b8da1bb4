"""A certificate template's printed values (signatory, issuer line, accent colour, hours)
and the parts of the page that draw them (template layout 2, see ``render``).

The values are frozen into every certificate at issue (``TemplateValues``), so a later
change of the company's template never alters a certificate already issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from fpdf import FPDF

from llp_gql.certs.drawing import Color, cell, draw_caption
from llp_gql.certs.layout import GOLD, INK, NAVY, fit
from llp_gql.certs.logo_cache import place_logo
from llp_gql.certs.typefaces import BASE

# WCAG 2 asks 3:1 for large text and graphics against their background: the accent
# colour draws the title, the name and the frame, so it must reach that against white.
MIN_ACCENT_CONTRAST: Final = 3.0
SIGNATURE_W: Final = 50.0  # the signature image's box, mm
SIGNATURE_H: Final = 14.0


@dataclass(frozen=True, slots=True)
class TemplateValues:
    """What a certificate template prints, as it was when the certificate was issued.

    ``version`` is the template's version (``CertificateTemplate.version``; 0 when no
    template had been saved) and ``source`` where it came from ("company", "platform"
    or "none"): both recorded in the snapshot, neither printed."""

    signatory_name: str = ""
    signatory_title: str = ""
    signature_image: bytes | None = None
    issuer_line: str = ""
    accent_colour: str = ""  # "#rrggbb" or "" for the default navy
    credit_hours: Decimal | None = None
    version: int = 0
    source: str = "none"


def parse_colour(value: str) -> Color | None:
    """``#rrggbb`` (any case) as an RGB triple; None for anything else."""
    text = value.strip()
    if len(text) != 7 or text[0] != "#":
        return None
    try:
        return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
    except ValueError:
        return None


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: Color) -> float:
    """The WCAG 2 contrast ratio of ``colour`` against white (1 to 21)."""
    r, g, b = (_linear(c) for c in colour)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def accent_of(values: TemplateValues | None) -> Color:
    """The colour of the title, the name and the frame: the template's accent or navy."""
    if values is None:
        return NAVY
    return parse_colour(values.accent_colour) or NAVY


def format_hours(hours: Decimal | None) -> str:
    """``Decimal("1.50")`` -> "1.5 hours"; "1 hour"; "" when the course has none."""
    if hours is None or hours <= 0:
        return ""
    text = format(hours.normalize(), "f")
    return f"{text} hour" if text == "1" else f"{text} hours"


def details_line(date: str, values: TemplateValues, with_date: bool) -> str:
    """The line under the course title: completion date (when the footer shows a
    signature instead of the date) and credit hours."""
    parts = [f"Completed on {date}"] if with_date else []
    if hours := format_hours(values.credit_hours):
        parts.append(f"{hours} of CPD credit")
    # ASCII on purpose: a non-ASCII line goes through HarfBuzz and bidi (~0.3 ms).
    return "  |  ".join(parts)


def has_signatory(values: TemplateValues) -> bool:
    return bool(values.signatory_name or values.signature_image)


def draw_signatory(pdf: FPDF, values: TemplateValues, name: str, title: str, x: float) -> None:
    """Signature image over a gold line, the signatory's name and title under it."""
    width, line_y = 70.0, 170.0
    if values.signature_image:
        px_w, px_h = place_logo(pdf, values.signature_image)
        scale = min(SIGNATURE_W / px_w, SIGNATURE_H / px_h)
        w, h = px_w * scale, px_h * scale
        pdf.image(values.signature_image, x=x + (width - w) / 2, y=line_y - 1 - h, w=w, h=h)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    pdf.line(x, line_y, x + width, line_y)
    if name:
        block = fit(pdf, name, style="B", max_size=10, min_size=7, max_lines=1, width=width)
        pdf.set_font(BASE, "B", block.size)
        pdf.set_text_color(*NAVY)
        cell(pdf, x, line_y + 1, width, 4.5, block.lines[0], "C")
    if title:
        block = fit(pdf, title, style="", max_size=8, min_size=6, max_lines=1, width=width)
        pdf.set_font(BASE, "", block.size)
        pdf.set_text_color(*INK)
        cell(pdf, x, line_y + 5.5, width, 4, block.lines[0], "C")


def draw_date_caption(pdf: FPDF, date: str, x: float) -> None:
    """The footer's date, as layout 1 prints it (used when there is no signatory)."""
    draw_caption(pdf, date, "Date of completion", x, 163, 70)
