"""Certificate (with its guarded fields) and public verification."""

from __future__ import annotations

from datetime import datetime

import strawberry

from llp_gql.certs.links import credential_url, download_url
from llp_gql.domain import access
from llp_gql.domain.certificates import Verification
from llp_gql.domain.issuance import linkedin_url
from llp_gql.models import Certificate, Enrollment, EnrollmentSource
from llp_gql.schema.context import Info
from llp_gql.schema.enums import VerificationStatus
from llp_gql.schema.ids import encode_id
from llp_gql.schema.permissions import CanDownloadCertificate


@strawberry.type(
    name="Certificate",
    description="Issued automatically when an enrollment completes; never expires. It keeps "
    "what was printed at issue (later renames change nothing). Whoever sees the enrollment "
    "sees that it exists; only those with canDownload get its code and its file.",
)
class CertificateType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the certificate.")
    issued_at: datetime = strawberry.field(
        description="When the course was completed: the date printed on the certificate."
    )
    course_title: str = strawberry.field(description="The course title as printed.")
    learner_name: str = strawberry.field(description="The learner's name as printed.")
    credit_hours: float | None = strawberry.field(
        description="Hours / CPD credits printed on it (the course's hours when it was "
        "issued); null when none were printed."
    )
    template_version: int = strawberry.field(
        description="Version of the certificate template (company or platform default) "
        "it was printed with; 0 when none had been saved (or before templates existed)."
    )
    row: strawberry.Private[Certificate]
    enrollment: strawberry.Private[Enrollment]

    @classmethod
    def from_model(cls, row: Certificate, enrollment: Enrollment) -> CertificateType:
        return cls(
            id=strawberry.ID(encode_id("Certificate", row.id)),
            issued_at=row.issued_at,
            course_title=row.course_title,
            learner_name=row.learner_name,
            credit_hours=_hours(row),
            template_version=_template_version(row),
            row=row,
            enrollment=enrollment,
        )

    @strawberry.field(
        description="Whether you may download it and see its code: the learner of a SELF "
        "enrollment, the company's admins for an ASSIGNED one; nobody else (not the "
        "employee, not staff)."
    )
    def can_download(self, info: Info) -> bool:
        return access.may_download_certificate(info.context.viewer, self.enrollment)

    @strawberry.field(
        permission_classes=[CanDownloadCertificate],
        description="The code anyone can check with verifyCertificate (also printed, with a "
        "QR code, on the PDF). FORBIDDEN for those who may not download: ask for it only "
        "when canDownload is true.",
    )
    def verification_code(self) -> str | None:
        return self.row.verification_code

    @strawberry.field(
        permission_classes=[CanDownloadCertificate],
        description="A link to the PDF, signed for you and this certificate and valid for "
        "a few minutes (5 by default): fetch it at once, do not store it. FORBIDDEN for "
        "those who may not download: ask for it only when canDownload is true.",
    )
    def download_url(self, info: Info) -> str | None:
        context = info.context
        viewer = context.viewer
        assert viewer is not None  # CanDownloadCertificate admits only logged-in users
        return download_url(
            context.settings, certificate_id=self.row.id, user_id=viewer.id, now=context.clock()
        )

    @strawberry.field(
        permission_classes=[CanDownloadCertificate],
        description="A link to the certificate as an Open Badges 3.0 credential (JSON-LD, "
        "signed with eddsa-jcs-2022; anyone can verify it against the keys this service "
        "publishes). Signed for you like downloadUrl, with the same rights and lifetime: "
        "FORBIDDEN for those who may not download.",
    )
    def credential_url(self, info: Info) -> str | None:
        context = info.context
        viewer = context.viewer
        assert viewer is not None  # CanDownloadCertificate admits only logged-in users
        return credential_url(
            context.settings, certificate_id=self.row.id, user_id=viewer.id, now=context.clock()
        )

    @strawberry.field(
        description="For an individual's own certificate: LinkedIn's 'Add to profile' "
        "link for this certification (name, organization, issue year and month, the "
        "verification page as certUrl and the code as certId). Null for everyone else, "
        "and for certificates of assigned courses (they belong to the company's records)."
    )
    def linked_in_url(self, info: Info) -> str | None:
        viewer = info.context.viewer
        if not (
            self.enrollment.source == EnrollmentSource.SELF
            and access.may_download_certificate(viewer, self.enrollment)
        ):
            return None
        return linkedin_url(info.context.settings, self.row)


def _hours(row: Certificate) -> float | None:
    hours = (row.template or {}).get("credit_hours")
    return float(str(hours)) if hours is not None else None


def _template_version(row: Certificate) -> int:
    return int(str((row.template or {}).get("version") or 0))


@strawberry.type(
    name="CertificateVerification",
    description="The public answer about a verification code: what a certificate holder's "
    "employer or anyone else may check, with nothing personal unless it is VALID.",
)
class CertificateVerificationType:
    status: VerificationStatus = strawberry.field(description="What the code is worth.")
    course_title: str | None = strawberry.field(
        description="The course title as printed; null unless VALID."
    )
    learner_name: str | None = strawberry.field(
        description="The learner's name as printed; null unless VALID."
    )
    issued_at: datetime | None = strawberry.field(
        description="The completion date printed on it; null unless VALID."
    )
    withdrawn_at: datetime | None = strawberry.field(
        description="When the code stopped being valid: the withdrawal (WITHDRAWN) or the "
        "replacement (REPLACED) date; null otherwise."
    )
    replaced_at: datetime | None = strawberry.field(
        description="When the certificate was replaced by a corrected one (re-issued); "
        "null unless REPLACED. Why is not public."
    )
    credit_hours: float | None = strawberry.field(
        description="Hours / CPD credits printed on it; null unless VALID or when none."
    )
    code: str | None = strawberry.field(
        description="The code as the issuer stores it (lower case, no spaces); null for UNKNOWN."
    )
    company_name: str | None = strawberry.field(
        description="The company that assigned the course, as printed; null unless VALID, "
        "and null for a course an individual took on their own."
    )

    @classmethod
    def from_domain(cls, found: Verification) -> CertificateVerificationType:
        return cls(
            status=found.status,
            course_title=found.course_title,
            learner_name=found.learner_name,
            issued_at=found.issued_at,
            withdrawn_at=found.withdrawn_at,
            replaced_at=found.withdrawn_at if found.status == VerificationStatus.REPLACED else None,
            credit_hours=float(found.credit_hours) if found.credit_hours is not None else None,
            code=found.code,
            company_name=found.company_name,
        )
