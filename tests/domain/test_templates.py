"""Certificate templates and course hours (DESIGN.md 4): who edits which, what is checked,
and that the values are frozen into each certificate at issue."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from llp_gql.certs.branding import contrast_with_white, parse_colour
from llp_gql.certs.logo import MAX_WIDTH, validate_signature
from llp_gql.certs.render import TEMPLATE_VERSION, render_certificate
from llp_gql.domain import issuance, templates
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.templates import LowContrast, TemplateInput
from llp_gql.errors import Forbidden, ValidationFailed
from llp_gql.models import Certificate, CertificateTemplate, Course
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before
from tests.factories import World


def signature_png(width: int = 800) -> bytes:
    image = Image.new("RGBA", (width, width // 4), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 150), (200, 20), (400, 180), (790, 40)], fill="navy", width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


ACME = TemplateInput(
    signatory_name="Dr. Amelia Hartmann",
    signatory_title="Director of Learning",
    issuer_line="Issued by Acme Academy",
    accent_colour="#7A1F5C",
)


@pytest.mark.parametrize(
    ("who", "scope"),
    [("staff", None), ("admin_x", "company_x"), ("employee_x", "refused"),
     ("individual_a", "refused")],
)  # fmt: skip
async def test_staff_edit_the_platform_default_and_admins_their_company(
    world: World, clock: FakeClock, who: str, scope: str | None
) -> None:
    viewer = world.users()[who]
    if scope == "refused":
        with pytest.raises(Forbidden):
            await templates.save_template(viewer, ACME, clock=clock)
        assert not await CertificateTemplate.exists()
        return
    saved = await templates.save_template(viewer, ACME, clock=clock)
    expected = None if scope is None else world.company_x.id
    assert saved.company_id == expected
    row = await CertificateTemplate.get(company_id=expected)
    assert (row.version, row.accent_colour, row.signatory_name) == (
        1,
        "#7a1f5c",
        "Dr. Amelia Hartmann",
    )
    again = await templates.save_template(viewer, ACME, clock=clock)
    assert again.values.version == 2
    assert await CertificateTemplate.all().count() == 1


@pytest.mark.parametrize(
    ("colour", "ok"),
    [("#1d3a5f", True), ("#949494", True), ("#959595", False), ("#ffff00", False),
     ("#FFFFFF", False), ("", True), ("1d3a5f", None), ("#12345", None), ("#gggggg", None),
     ("red", None)],
)  # fmt: skip
def test_the_accent_colour_must_be_rrggbb_and_dark_enough(colour: str, ok: bool | None) -> None:
    if ok:
        assert templates.check_accent(colour) == colour.lower()
    elif ok is False:
        with pytest.raises(LowContrast) as refused:
            templates.check_accent(colour)
        ext = refused.value.extensions()
        assert ext["code"] == "VALIDATION"
        assert ext["reason"] == "LOW_CONTRAST"
        assert ext["field"] == "accentColour"
    else:
        with pytest.raises(ValidationFailed) as refused:
            templates.check_accent(colour)
        assert not isinstance(refused.value, LowContrast)


def test_contrast_is_the_wcag_ratio() -> None:
    assert contrast_with_white((0, 0, 0)) == pytest.approx(21.0)
    assert contrast_with_white((255, 255, 255)) == pytest.approx(1.0)
    colour = parse_colour("#767676")
    assert colour is not None
    assert contrast_with_white(colour) == pytest.approx(4.54, abs=0.01)


async def test_a_bad_save_stores_nothing(world: World, clock: FakeClock) -> None:
    for bad in (
        TemplateInput(accent_colour="#eeeeee"),
        TemplateInput(signatory_name="x" * 201),
        TemplateInput(issuer_line="line\x00break"),
    ):
        with pytest.raises(ValidationFailed):
            await templates.save_template(world.admin_x, bad, clock=clock)
    assert not await CertificateTemplate.exists()


def test_signature_images_are_checked_and_downscaled_like_logos() -> None:
    stored = validate_signature(signature_png(1600))
    assert Image.open(io.BytesIO(stored)).width == MAX_WIDTH
    for bad in (b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n" + b"\0" * 50):
        with pytest.raises(ValidationFailed) as refused:
            validate_signature(bad)
        assert refused.value.field == "signatureImage"
        assert "signature image" in refused.value.message


@pytest.mark.parametrize(
    ("given", "stored"),
    [("1.5", Decimal("1.50")), (2, Decimal("2.00")), (None, None), ("", None)],
)
def test_credit_hours_parse(given: object, stored: Decimal | None) -> None:
    assert templates.parse_hours(given) == stored  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["0", "-1", "1000.01", "1.234", "NaN", "Infinity", "lots"])
def test_credit_hours_out_of_range_are_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        templates.parse_hours(bad)
    assert refused.value.field == "creditHours"


async def test_only_staff_set_hours(world: World, clock: FakeClock) -> None:
    course = world.course.course
    with pytest.raises(Forbidden):
        await templates.set_credit_hours(world.admin_x, course.id, Decimal("3"), clock=clock)
    _ = await templates.set_credit_hours(world.staff, course.id, Decimal("3.25"), clock=clock)
    assert (await Course.get(id=course.id)).credit_hours == Decimal("3.25")


async def _certificate(
    world: World, clock: FakeClock, settings: Settings, *, own: bool = False
) -> Certificate:
    enrollment = await (enroll_self(world) if own else assign(world))
    learner = world.individual_a if own else world.employee_x
    _ = await finish_before(learner, enrollment, 99, clock=clock, settings=settings)
    return await Certificate.get(enrollment_id=enrollment.id)


async def test_the_template_and_hours_are_frozen_into_the_certificate(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a platform default, a company template with a signature, and course hours
    _ = await templates.save_template(
        world.staff, TemplateInput(signatory_name="Platform Signer"), clock=clock
    )
    company = TemplateInput(
        signatory_name="Dr. Amelia Hartmann",
        accent_colour="#7a1f5c",
        signature_image=validate_signature(signature_png()),
    )
    _ = await templates.save_template(world.admin_x, company, clock=clock)
    _ = await templates.save_template(world.admin_x, company, clock=clock)  # version 2
    _ = await templates.set_credit_hours(
        world.staff, world.course.course.id, Decimal("12.5"), clock=clock
    )
    # when an employee and an individual complete the course
    assigned = await _certificate(world, clock, settings)
    own = await _certificate(world, clock, settings, own=True)
    # then the employee's prints the company's template, the individual's the platform's
    assert assigned.template_version == TEMPLATE_VERSION == 2
    assert assigned.template["version"] == 2
    assert assigned.template["source"] == "company"
    assert assigned.template["signatory_name"] == "Dr. Amelia Hartmann"
    assert assigned.template["credit_hours"] == "12.50"
    assert assigned.signature_image
    assert own.template["source"] == "platform"
    assert own.template["signatory_name"] == "Platform Signer"
    assert own.signature_image is None
    # and the PDF prints them
    pdf = await issuance.ensure_pdf(assigned, settings=settings)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Dr. Amelia Hartmann" in text
    assert "12.5 hours of CPD credit" in text
    # when the company changes its template and the course its hours afterwards
    _ = await templates.save_template(
        world.admin_x, TemplateInput(signatory_name="Someone Else"), clock=clock
    )
    _ = await templates.set_credit_hours(world.staff, world.course.course.id, None, clock=clock)
    # then the issued certificate re-renders to the very same bytes (determinism)
    stored = await Certificate.get(id=assigned.id)
    again = render_certificate(issuance.snapshot_of(stored, settings))
    assert again == bytes(stored.pdf)


async def test_an_old_layout_1_certificate_re_renders_unchanged(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a certificate issued before templates existed (layout 1, empty template)
    certificate = await _certificate(world, clock, settings)
    await Certificate.filter(id=certificate.id).update(
        template_version=1, template={}, pdf=b"", sha256=""
    )
    row = await Certificate.get(id=certificate.id)
    first = await issuance.ensure_pdf(row, settings=settings)
    # when a template is saved afterwards, re-rendering it changes nothing
    _ = await templates.save_template(world.admin_x, ACME, clock=clock)
    assert render_certificate(issuance.snapshot_of(row, settings)) == first
    assert "Director of Learning" not in PdfReader(io.BytesIO(first)).pages[0].extract_text()
