"""Certificate templates (branding): the type and its input."""

from __future__ import annotations

from datetime import datetime

import strawberry

from llp_gql.domain.templates import EditableTemplate


@strawberry.type(
    name="CertificateTemplate",
    description="What certificates print besides the facts: signatory, signature image, "
    "issuer line and accent colour. Staff edit the platform default, company admins their "
    "company's; a certificate of an assigned course gets its company's template (else the "
    "platform default), an individual's own course the platform default. The version and "
    "values are copied into each certificate when it is issued.",
)
class CertificateTemplateType:
    is_platform_default: bool = strawberry.field(
        description="True for the platform default (staff), false for a company's."
    )
    version: int = strawberry.field(
        description="Grows by one with every save; 0 before the first save."
    )
    signatory_name: str = strawberry.field(description="Printed under the signature.")
    signatory_title: str = strawberry.field(description="Printed under the signatory's name.")
    has_signature_image: bool = strawberry.field(
        description="Whether a signature image is stored (printed above the signatory)."
    )
    issuer_line: str = strawberry.field(
        description="A line under the course title, e.g. 'Issued by Acme Academy'; empty: "
        "the default line naming the platform (and the company)."
    )
    accent_colour: str = strawberry.field(
        description="#rrggbb for the title, the name and the frame; empty: the default navy."
    )
    updated_at: datetime | None = strawberry.field(
        description="When it was last saved; null before the first save."
    )

    @classmethod
    def from_domain(cls, found: EditableTemplate) -> CertificateTemplateType:
        values = found.values
        return cls(
            is_platform_default=found.company_id is None,
            version=values.version,
            signatory_name=values.signatory_name,
            signatory_title=values.signatory_title,
            has_signature_image=values.signature_image is not None,
            issuer_line=values.issuer_line,
            accent_colour=values.accent_colour,
            updated_at=found.updated_at,
        )


@strawberry.input(description="All values of a certificate template (a save replaces them).")
class CertificateTemplateInput:
    signatory_name: str = strawberry.field(
        default="", description="At most 200 characters; empty for none."
    )
    signatory_title: str = strawberry.field(
        default="", description="At most 200 characters; empty for none."
    )
    issuer_line: str = strawberry.field(
        default="", description="At most 300 characters; empty for the default line."
    )
    accent_colour: str = strawberry.field(
        default="",
        description="#rrggbb with a contrast of at least 3:1 against white (VALIDATION with "
        "extensions.reason LOW_CONTRAST otherwise); empty for the default navy.",
    )
    signature_image: str | None = strawberry.field(
        default=None,
        description="A new signature image: a PNG or JPEG, base64-encoded, checked and "
        "re-encoded like the company logo (LLP_LOGO_MAX_BYTES, LLP_LOGO_MAX_PIXELS); null "
        "keeps the stored one.",
    )
    remove_signature_image: bool = strawberry.field(
        default=False, description="Drop the stored signature image."
    )
