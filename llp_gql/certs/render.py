"""Certificate PDF rendering: a frozen snapshot in, PDF bytes out.

The renderer is pure and deterministic: the same snapshot always gives the
same bytes (creation date and document ID come from the snapshot), so a stored
certificate can be re-rendered and compared against its stored hash.

This module composes the page and is the package's public face
(``render_certificate``, ``render_certificate_async``, ``warm_up``). The parts:

- ``typefaces``: the font files, each parsed once per process, and which
  fallback fonts a text needs (Arabic, Devanagari, CJK...);
- ``layout``: the template's geometry and colours, and fitting text to a width;
- ``drawing``: the frame, rules, seal, QR code and lines of text;
- ``logo_cache``: company logos decoded once, not per certificate;
- ``embedding``: writing the used glyphs of each font into the PDF.

Speed (BENCHMARKS.md B5, <= 5 ms per PDF) rests on ``typefaces`` (no font
parsing per PDF) and ``embedding`` (HarfBuzz subsetting instead of fpdf2's
fontTools pass); docs/certificates.md has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import anyio
from fpdf import FPDF

from llp_gql.certs.branding import (
    TemplateValues,
    accent_of,
    details_line,
    draw_date_caption,
    draw_signatory,
    has_signatory,
)
from llp_gql.certs.drawing import (
    Color,
    cell,
    draw_block,
    draw_frame,
    draw_qr,
    draw_rule,
    draw_seal,
)
from llp_gql.certs.embedding import SubsettingProducer
from llp_gql.certs.layout import GOLD, INK, NAVY, PAGE_W, Block, clean, fit, format_date, utc
from llp_gql.certs.logo_cache import place_logo
from llp_gql.certs.typefaces import BASE, attach_fonts, warm_up

__all__ = [
    "TEMPLATE_VERSION",
    "CertificateSnapshot",
    "TemplateValues",
    "format_date",
    "render_certificate",
    "render_certificate_async",
    "warm_up",
]

# The page layout new certificates get. 1: the original page; 2: with the company's
# template (accent colour, signatory and signature, issuer line, credit hours).
TEMPLATE_VERSION: int = 2
LAYOUTS: frozenset[int] = frozenset({1, 2})


@dataclass(frozen=True, slots=True)
class CertificateSnapshot:
    """Everything printed on a certificate, frozen at issuance."""

    learner_name: str
    course_title: str
    company_name: str | None
    company_logo: bytes | None  # validated PNG/JPEG bytes (see logo.validate_logo)
    issued_at: datetime  # tz-aware UTC; also the completion date
    verification_code: str
    verify_url: str  # full URL, printed and encoded as QR
    template_version: int = 1  # the page layout (LAYOUTS); 1 ignores ``template``
    template: TemplateValues | None = None  # what the company's template printed


def _compose(
    pdf: FPDF,
    snap: CertificateSnapshot,
    text: _Texts,
    values: TemplateValues | None,
) -> None:
    """Layout 1 when ``values`` is None (byte for byte as it always was); layout 2
    adds the template: accent colour, details and issuer lines, the signatory."""
    accent = accent_of(values)
    draw_frame(pdf, accent)
    y = 21.0
    if snap.company_logo:
        px_w, px_h = place_logo(pdf, snap.company_logo)
        scale = min(60 / px_w, 16 / px_h)
        w, h = px_w * scale, px_h * scale
        pdf.image(snap.company_logo, x=(PAGE_W - w) / 2, y=y + (16 - h) / 2, w=w, h=h)
        y += 19
    if text.company:
        y = draw_block(
            pdf, fit(pdf, text.company, style="B", max_size=12, min_size=8, max_lines=1), y, NAVY
        )
        y += 1
    else:
        y += 3
    pdf.set_char_spacing(1.6)
    y = draw_block(pdf, Block(("LEADERSHIP LEARNING PORTAL",), 10, ""), y, GOLD)
    pdf.set_char_spacing(0)
    y = draw_block(pdf, Block(("Certificate of Completion",), 34, "B"), y + 1, accent)
    draw_rule(pdf, y + 3, 55)

    # The middle block is centred in the space between header and footer.
    certifies = Block(("This certifies that",), 13, "")
    name_block = fit(pdf, text.name, style="B", max_size=32, min_size=15, max_lines=2)
    completed = Block(("has successfully completed",), 13, "")
    course_block = fit(pdf, text.course, style="", max_size=20, min_size=10, max_lines=3)
    extra: list[tuple[Block, Color]] = []
    if text.details:
        extra.append((fit(pdf, text.details, style="", max_size=11, min_size=8, max_lines=1), INK))
    if text.issuer:
        issuer = fit(pdf, text.issuer, style="", max_size=10, min_size=7, max_lines=2)
        extra.append((issuer, INK))
    gaps = 3 + 7 + 3 + 3 * len(extra)
    total = certifies.height + name_block.height + completed.height + course_block.height + gaps
    total += sum(block.height for block, _ in extra)
    top, bottom = y + 6, 156.0
    y = top + max(0.0, (bottom - top - total) / 2)
    y = draw_block(pdf, certifies, y, INK) + 3
    y = draw_block(pdf, name_block, y, accent)
    draw_rule(pdf, y + 3, 70)
    y = draw_block(pdf, completed, y + 7, INK) + 3
    y = draw_block(pdf, course_block, y, NAVY)
    for block, colour in extra:
        y = draw_block(pdf, block, y + 3, colour)

    date = format_date(snap.issued_at)
    if values is not None and has_signatory(values):
        draw_signatory(pdf, values, text.signatory_name, text.signatory_title, 32)
    else:
        draw_date_caption(pdf, date, 32)
    draw_seal(pdf, PAGE_W / 2, 172)
    qr_size = 27.0
    qr_x, qr_y = PAGE_W - 24 - qr_size, 156.0
    draw_qr(pdf, snap.verify_url, qr_x, qr_y, qr_size)
    pdf.set_font(BASE, "", 8)
    pdf.set_text_color(*INK)
    cell(pdf, qr_x - 72, 168, 70, 4, "Verification code", "R")
    code = fit(
        pdf, snap.verification_code, style="B", max_size=10, min_size=6, max_lines=1, width=70
    )
    pdf.set_font(BASE, "B", code.size)
    pdf.set_text_color(*NAVY)
    cell(pdf, qr_x - 72, 172.5, 70, 5, code.lines[0], "R")

    verify = fit(pdf, f"Verify at {snap.verify_url}", style="", max_size=8, min_size=5, max_lines=2)
    draw_block(pdf, verify, 186.5 - (verify.height - verify.line_height), INK)


@dataclass(frozen=True, slots=True)
class _Texts:
    """The snapshot's texts cleaned for printing (one line each, NFC)."""

    name: str
    course: str
    company: str
    details: str = ""
    issuer: str = ""
    signatory_name: str = ""
    signatory_title: str = ""


def _texts(snap: CertificateSnapshot) -> _Texts:
    name = clean(snap.learner_name)
    course = clean(snap.course_title)
    company = clean(snap.company_name or "")
    if snap.template_version == 1:
        return _Texts(name, course, company)
    values = snap.template or TemplateValues()
    signed = has_signatory(values)
    issuer = clean(values.issuer_line) or (
        f"Issued by Leadership Learning Portal for {company}"
        if company
        else "Issued by Leadership Learning Portal"
    )
    return _Texts(
        name,
        course,
        company,
        details=details_line(format_date(snap.issued_at), values, with_date=signed),
        issuer=issuer,
        signatory_name=clean(values.signatory_name),
        signatory_title=clean(values.signatory_title),
    )


def render_certificate(snapshot: CertificateSnapshot) -> bytes:
    """Render the certificate as PDF bytes (landscape A4).

    Deterministic: the same snapshot gives the same bytes. CPU-bound, a few
    milliseconds; from async code use ``render_certificate_async``.
    """
    if snapshot.template_version not in LAYOUTS:
        # Old certificates are re-rendered by the layout they were issued with.
        raise ValueError(f"unknown certificate template version {snapshot.template_version}")
    text = _texts(snapshot)
    values = None if snapshot.template_version == 1 else (snapshot.template or TemplateValues())
    issued_at = utc(snapshot.issued_at)

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_creation_date(issued_at)
    pdf.set_title(f"Certificate of Completion - {text.name}")
    pdf.set_author("Leadership Learning Portal")
    pdf.set_creator("Leadership Learning Portal")
    attach_fonts(
        pdf,
        bold_text=text.name + text.company + snapshot.verification_code + text.signatory_name,
        regular_text=text.course
        + snapshot.verify_url
        + text.issuer
        + text.details
        + text.signatory_title,
    )
    pdf.add_page()
    _compose(pdf, snapshot, text, values)
    return bytes(pdf.output(output_producer_class=SubsettingProducer))


_limiter: anyio.CapacityLimiter | None = None


async def render_certificate_async(snapshot: CertificateSnapshot) -> bytes:
    """Render off the event loop, at most two renders at a time.

    A worker thread (anyio.to_thread) rather than a process pool: a render is
    a few ms and the parsed fonts live in this process, so a process pool
    would cost more in pickling and per-process font loading than it saves.
    fpdf2 holds the GIL, so more than two concurrent renders only add
    contention; the limiter also bounds memory under a burst of issuances.
    """
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(2)
    return await anyio.to_thread.run_sync(render_certificate, snapshot, limiter=_limiter)
