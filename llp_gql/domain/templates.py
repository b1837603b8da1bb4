"""Certificate templates: the platform default and each company's own (DESIGN.md 4).

A template holds what a certificate prints besides the facts: signatory name and
title, a signature image, an issuer line and an accent colour. Staff edit the
platform default (the row with no company); a company admin edits their company's.
Which one a certificate gets is decided at issue (``values_for``):

- an ASSIGNED enrollment: its company's template when the company saved one, else
  the platform default;
- an individual's own (SELF) enrollment: the platform default;
- no template saved at all: empty values (the page prints its default issuer line).

A company template is whole, not a per-field overlay of the platform's: a company
that saves one decides every value on its certificates (a platform signatory never
signs in a company's name by accident).

Every save raises ``version`` by one; the version and the values are copied into
each certificate's snapshot, so a later save never changes an issued certificate.
The accent colour must be ``#rrggbb`` with a contrast of at least 3:1 against white
(it draws the title, the learner's name and the frame); darker is always readable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from llp_gql.certs.branding import (
    MIN_ACCENT_CONTRAST,
    TemplateValues,
    contrast_with_white,
    parse_colour,
)
from llp_gql.certs.render import TEMPLATE_VERSION, CertificateSnapshot, render_certificate_async
from llp_gql.domain import access, audit
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.errors import Forbidden, ValidationFailed
from llp_gql.models import CertificateTemplate, Company, Course
from llp_gql.settings import Settings

MAX_SIGNATORY = 200
MAX_ISSUER_LINE = 300
MAX_CREDIT_HOURS = Decimal("1000")


class LowContrast(ValidationFailed):
    """An accent colour too light to read on white; ``reason`` LOW_CONTRAST and the
    measured ``contrast`` let a client explain it."""

    reason = "LOW_CONTRAST"

    def __init__(self, contrast: float) -> None:
        super().__init__(
            f"The accent colour is too light: its contrast against white is "
            f"{contrast:.2f}:1, at least {MIN_ACCENT_CONTRAST:g}:1 is needed. "
            "Choose a darker colour.",
            field="accentColour",
        )
        self.contrast = round(contrast, 2)

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": self.reason, "contrast": self.contrast}


@dataclass(frozen=True, slots=True)
class TemplateInput:
    """What a form or a mutation sends. ``signature_image`` is the validated image
    (``certs.logo.validate_signature``) or None to keep the stored one;
    ``remove_signature`` drops it."""

    signatory_name: str = ""
    signatory_title: str = ""
    issuer_line: str = ""
    accent_colour: str = ""
    signature_image: bytes | None = None
    remove_signature: bool = False


@dataclass(frozen=True, slots=True)
class EditableTemplate:
    """The template a viewer edits: its values and who it belongs to."""

    company_id: int | None  # None: the platform default
    values: TemplateValues
    updated_at: datetime | None


def _line(text: str, field: str, limit: int) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise ValidationFailed(f"At most {limit} characters.", field=field)
    if any(not ch.isprintable() for ch in cleaned):
        raise ValidationFailed("Control characters are not allowed.", field=field)
    return cleaned


def check_accent(value: str) -> str:
    """``value`` as stored ("#rrggbb", lower case, or "" for the default navy), or
    VALIDATION: a malformed colour, or a too light one (``LowContrast``)."""
    text = value.strip().lower()
    if not text:
        return ""
    colour = parse_colour(text)
    if colour is None:
        raise ValidationFailed(
            "The accent colour must be written #rrggbb, e.g. #1d3a5f.", field="accentColour"
        )
    contrast = contrast_with_white(colour)
    if contrast < MIN_ACCENT_CONTRAST:
        raise LowContrast(contrast)
    return text


def _values(row: CertificateTemplate | None, source: str) -> TemplateValues:
    if row is None:
        return TemplateValues()
    return TemplateValues(
        signatory_name=row.signatory_name,
        signatory_title=row.signatory_title,
        signature_image=bytes(row.signature_image) if row.signature_image else None,
        issuer_line=row.issuer_line,
        accent_colour=row.accent_colour,
        version=row.version,
        source=source,
    )


async def _row(company_id: int | None) -> CertificateTemplate | None:
    # The platform default is the oldest row without a company (NULLs are not unique).
    return await CertificateTemplate.filter(company_id=company_id).order_by("id").first()


async def values_for(company_id: int | None) -> TemplateValues:
    """The values a new certificate prints: the company's template, else the platform
    default, else empty (see the module docstring)."""
    # One query for both candidates: issuance reads this on every completion (B6).
    wanted = (
        Q(company_id=None) if company_id is None else Q(company_id=company_id) | Q(company_id=None)
    )
    rows = await CertificateTemplate.filter(wanted).order_by("id")
    own = next((row for row in rows if row.company_id is not None), None)
    if own is not None:
        return _values(own, "company")
    return _values(next((row for row in rows if row.company_id is None), None), "platform")


async def editable(viewer: access.Viewer) -> EditableTemplate:
    """The template the viewer may edit (FORBIDDEN for anyone but staff and company
    admins), as saved; empty values before the first save."""
    scope = access.template_scope(access.require_user(viewer))
    row = await _row(scope)
    source = "platform" if scope is None else "company"
    return EditableTemplate(scope, _values(row, source), row.updated_at if row else None)


def preview_values(current: TemplateValues, data: TemplateInput) -> TemplateValues:
    """The values ``data`` would save (checked like a save), for a preview: nothing
    is stored. The signature is the new one, the stored one, or none."""
    signature = None if data.remove_signature else (data.signature_image or current.signature_image)
    return TemplateValues(
        signatory_name=_line(data.signatory_name, "signatoryName", MAX_SIGNATORY),
        signatory_title=_line(data.signatory_title, "signatoryTitle", MAX_SIGNATORY),
        signature_image=signature,
        issuer_line=_line(data.issuer_line, "issuerLine", MAX_ISSUER_LINE),
        accent_colour=check_accent(data.accent_colour),
        version=current.version + 1,
        source=current.source,
    )


async def save_template(
    viewer: access.Viewer, data: TemplateInput, *, clock: Clock = utcnow
) -> EditableTemplate:
    """Save the viewer's template (staff: the platform default; an admin: their
    company's); its version grows by one. Audited, without the values."""
    actor = access.require_user(viewer)
    scope = access.template_scope(actor)
    now = clock()
    async with in_transaction() as connection:
        row = (
            await CertificateTemplate.filter(company_id=scope)
            .order_by("id")
            .select_for_update()
            .using_db(connection)
            .first()
        )
        source = "platform" if scope is None else "company"
        values = preview_values(_values(row, source), data)
        if row is None:
            row = CertificateTemplate(company_id=scope, version=0)
        row.version = values.version
        row.signatory_name = values.signatory_name
        row.signatory_title = values.signatory_title
        row.signature_image = values.signature_image
        row.issuer_line = values.issuer_line
        row.accent_colour = values.accent_colour
        row.updated_at = now
        row.updated_by = actor
        await row.save(using_db=connection)
        await audit.record(
            audit.TEMPLATE_SAVED,
            actor=actor,
            subject_type="certificate_template",
            subject_id=row.id,
            company_id=scope,
            at=now,
            details={"version": row.version, "signature": values.signature_image is not None},
        )
    return EditableTemplate(scope, _values(row, source), now)


def parse_hours(value: str | Decimal | float | None) -> Decimal | None:
    """Credit hours as stored (two decimals), None for none; VALIDATION outside
    0 < hours <= 1000."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed("Hours must be a number, e.g. 1.5.", field="creditHours") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_CREDIT_HOURS:
        raise ValidationFailed(
            f"Hours must be more than 0 and at most {MAX_CREDIT_HOURS}.", field="creditHours"
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationFailed("Hours take at most two decimals.", field="creditHours")
    return hours.quantize(Decimal("0.01"))


async def set_credit_hours(
    viewer: access.Viewer, course_id: int, hours: Decimal | None, *, clock: Clock = utcnow
) -> Course:
    """Set (or clear) the hours / CPD credits a course's certificates print. Staff, on
    any course, published ones too: hours do not change completion. Certificates
    already issued keep the hours they were issued with."""
    actor = access.require_user(viewer)
    if not access.may_author_courses(actor):
        raise Forbidden("Only staff can change a course's hours.")
    course = await access.access_course(actor, course_id)
    async with in_transaction():
        course.credit_hours = hours
        await course.save(update_fields=["credit_hours"])
        await audit.record(
            audit.CREDIT_HOURS_SET,
            actor=actor,
            subject_type="course",
            subject_id=course.id,
            at=clock(),
            details={"credit_hours": str(hours) if hours is not None else None},
        )
    return course


def to_snapshot(values: TemplateValues) -> dict[str, object]:
    """The values as stored in ``Certificate.template`` (the signature image apart, in
    ``Certificate.signature_image``)."""
    return {
        "version": values.version,
        "source": values.source,
        "signatory_name": values.signatory_name,
        "signatory_title": values.signatory_title,
        "issuer_line": values.issuer_line,
        "accent_colour": values.accent_colour,
        "credit_hours": str(values.credit_hours) if values.credit_hours is not None else None,
    }


def from_snapshot(stored: object, signature: bytes | None) -> TemplateValues:
    """``to_snapshot``'s inverse; a row of layout 1 (``{}``) gives empty values."""
    data = stored if isinstance(stored, dict) else {}
    hours = data.get("credit_hours")
    return TemplateValues(
        signatory_name=str(data.get("signatory_name") or ""),
        signatory_title=str(data.get("signatory_title") or ""),
        signature_image=signature,
        issuer_line=str(data.get("issuer_line") or ""),
        accent_colour=str(data.get("accent_colour") or ""),
        credit_hours=Decimal(str(hours)) if hours is not None else None,
        version=int(data.get("version") or 0),
        source=str(data.get("source") or "none"),
    )


SAMPLE_CODE = "samplesamplesamplesamplesample00"


async def preview_pdf(
    viewer: access.Viewer, data: TemplateInput, *, settings: Settings, now: datetime
) -> bytes:
    """A sample certificate printed with ``data`` (checked like a save, nothing stored):
    the viewer's company name and logo, a sample learner and course, 1.5 hours. The
    admin UI shows it before the template is saved."""
    actor = access.require_user(viewer)
    scope = access.template_scope(actor)
    current = (await editable(actor)).values
    values = dataclasses.replace(preview_values(current, data), credit_hours=Decimal("1.5"))
    company = await Company.get_or_none(id=scope) if scope is not None else None
    snapshot = CertificateSnapshot(
        learner_name="Alex Sample-Learner",
        course_title="Leading Through Change (sample course)",
        company_name=company.name if company else None,
        company_logo=bytes(company.logo) if company and company.logo else None,
        issued_at=now,
        verification_code=SAMPLE_CODE,
        verify_url=f"{settings.public_base_url}/verify/{SAMPLE_CODE}",
        template_version=TEMPLATE_VERSION,
        template=values,
    )
    return await render_certificate_async(snapshot)
