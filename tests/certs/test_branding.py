"""Layout 2 of the certificate: what a template prints, determinism, and layout 1 kept."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader

from llp_gql.certs.branding import TemplateValues, details_line, format_hours
from llp_gql.certs.links import linkedin_add_url
from llp_gql.certs.logo import validate_logo
from llp_gql.certs.render import CertificateSnapshot, render_certificate


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), colour).save(out, "PNG")
    return validate_logo(out.getvalue())


LOGO = _png((200, 30, 40))
CODE = "k7qf3xrm9dwazp2th8ncv4je6bqq5r2d"
VALUES = TemplateValues(
    signatory_name="Dr. Amelia Hartmann",
    signatory_title="Director of Learning",
    signature_image=_png((20, 30, 90)),
    issuer_line="Issued by Acme Academy",
    accent_colour="#7a1f5c",
    credit_hours=Decimal("12.50"),
    version=3,
    source="company",
)
SNAP = CertificateSnapshot(
    learner_name="Zoë Ångström",
    course_title="Leading Through Change",
    company_name="Acme Holdings GmbH",
    company_logo=LOGO,
    issued_at=datetime(2026, 11, 28, 14, 3, tzinfo=UTC),
    verification_code=CODE,
    verify_url=f"https://llp.example/verify/{CODE}",
    template_version=2,
    template=VALUES,
)


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_layout_2_prints_the_template() -> None:
    text = _text(render_certificate(SNAP))
    for printed in (
        "Dr. Amelia Hartmann",
        "Director of Learning",
        "Issued by Acme Academy",
        "Completed on 28 November 2026",
        "12.5 hours of CPD credit",
    ):
        assert printed in text
    assert "Date of completion" not in text  # the signature takes the footer's place


def test_layout_2_is_deterministic_and_differs_from_layout_1() -> None:
    first = render_certificate(SNAP)
    assert render_certificate(replace(SNAP)) == first
    layout1 = render_certificate(replace(SNAP, template_version=1))
    assert layout1 != first
    assert "Dr. Amelia Hartmann" not in _text(layout1)
    # layout 1 ignores any template values it is handed: old certificates stay as issued
    assert render_certificate(replace(SNAP, template_version=1, template=None)) == layout1


def test_without_a_signatory_the_date_stays_in_the_footer() -> None:
    snap = replace(SNAP, template=TemplateValues(), company_name=None, company_logo=None)
    text = _text(render_certificate(snap))
    assert "Date of completion" in text
    assert "Issued by Leadership Learning Portal" in text
    assert "hours" not in text


def test_the_same_image_as_logo_and_signature_renders() -> None:
    # a company that uploads its logo as the signature image too (regression: fpdf2
    # failed on one image registered twice)
    snap = replace(SNAP, template=replace(VALUES, signature_image=LOGO))
    assert render_certificate(snap).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("hours", "text"),
    [(None, ""), (Decimal("0"), ""), (Decimal("1.00"), "1 hour"), (Decimal("1.50"), "1.5 hours"),
     (Decimal("12"), "12 hours"), (Decimal("0.25"), "0.25 hours")],
)  # fmt: skip
def test_hours_are_printed_plainly(hours: Decimal | None, text: str) -> None:
    assert format_hours(hours) == text
    assert details_line("1 May 2026", TemplateValues(credit_hours=hours), False).isascii()


def test_linkedin_values_are_percent_encoded() -> None:
    url = linkedin_add_url(
        course_title="R&D: 100% = #1 + más",
        organization=None,
        issued_at=datetime(2026, 3, 9, tzinfo=UTC),
        verify_url="https://llp.example/verify/abc?x=1&y=2",
        code="abc",
    )
    assert url == (
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
        "&name=R%26D%3A%20100%25%20%3D%20%231%20%2B%20m%C3%A1s"
        "&organizationName=Leadership%20Learning%20Portal&issueYear=2026&issueMonth=3"
        "&certUrl=https%3A%2F%2Fllp.example%2Fverify%2Fabc%3Fx%3D1%26y%3D2&certId=abc"
    )
