"""Certificate templates, course hours and re-issues (corrections)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import strawberry
from anyio import to_thread

from llp_gql.certs.logo import validate_signature
from llp_gql.domain import access, certificates, corrections, templates
from llp_gql.errors import ValidationFailed
from llp_gql.schema.certificates import CertificateType
from llp_gql.schema.context import Info
from llp_gql.schema.courses import CourseType
from llp_gql.schema.ids import decode_id
from llp_gql.schema.templates import CertificateTemplateInput, CertificateTemplateType


async def certificate_template(info: Info) -> CertificateTemplateType:
    found = await templates.editable(info.context.viewer)
    return CertificateTemplateType.from_domain(found)


async def _signature(info: Info, encoded: str | None) -> bytes | None:
    if not encoded:
        return None
    settings = info.context.settings
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            "The signature image must be base64 (PNG or JPEG).", field="signatureImage"
        ) from None
    # Decoding and re-encoding an image is CPU work: keep it off the event loop.
    return await to_thread.run_sync(
        lambda: validate_signature(
            data, max_bytes=settings.logo_max_bytes, max_pixels=settings.logo_max_pixels
        )
    )


async def set_certificate_template(
    info: Info,
    input: Annotated[
        CertificateTemplateInput,
        strawberry.argument(description="The template's new values (all of them)."),
    ],
) -> CertificateTemplateType:
    context = info.context
    _ = access.template_scope(access.require_user(context.viewer))  # refuse before decoding
    data = templates.TemplateInput(
        signatory_name=input.signatory_name,
        signatory_title=input.signatory_title,
        issuer_line=input.issuer_line,
        accent_colour=input.accent_colour,
        signature_image=await _signature(info, input.signature_image),
        remove_signature=input.remove_signature_image,
    )
    saved = await templates.save_template(context.viewer, data, clock=context.clock)
    return CertificateTemplateType.from_domain(saved)


async def set_course_credit_hours(
    info: Info,
    course_id: Annotated[strawberry.ID, strawberry.argument(description="The course.")],
    credit_hours: Annotated[
        float | None,
        strawberry.argument(
            description="Hours / CPD credits, more than 0 and at most 1000, up to two "
            "decimals; null removes them."
        ),
    ],
) -> CourseType:
    context = info.context
    hours = templates.parse_hours(credit_hours)
    course = await templates.set_credit_hours(
        context.viewer, decode_id("Course", course_id), hours, clock=context.clock
    )
    return CourseType.from_model(course)


async def reissue_certificate(
    info: Info,
    certificate_id: Annotated[
        strawberry.ID, strawberry.argument(description="The certificate to replace.")
    ],
    reason: Annotated[
        str,
        strawberry.argument(
            description="Why: NAME_CORRECTION, TEMPLATE_UPDATE, ISSUED_IN_ERROR or OTHER "
            "(kept in the audit log and on the old code's record, never shown publicly)."
        ),
    ],
) -> CertificateType:
    context = info.context
    why = certificates.parse_reason(reason, required=True)
    assert why is not None
    row = await corrections.reissue_certificate(
        context.viewer,
        decode_id("Certificate", certificate_id),
        why,
        settings=context.settings,
        clock=context.clock,
    )
    enrollment = await access.access_enrollment(context.viewer, row.enrollment_id)
    return CertificateType.from_model(row, enrollment)
