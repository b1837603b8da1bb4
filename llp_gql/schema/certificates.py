"""Certificate (with its guarded fields) and public verification."""

from __future__ import annotations

from datetime import datetime

import strawberry

from llp_gql.certs.links import download_url
from llp_gql.domain import access
from llp_gql.domain.certificates import Verification
from llp_gql.models import Certificate, Enrollment
from llp_gql.schema.context import Info
from llp_gql.schema.enums import VerificationStatus
from llp_gql.schema.ids import encode_id
from llp_gql.schema.permissions import CanDownloadCertificate


@strawberry.type(name="Certificate")
class CertificateType:
    id: strawberry.ID
    issued_at: datetime
    course_title: str
    learner_name: str
    row: strawberry.Private[Certificate]
    enrollment: strawberry.Private[Enrollment]

    @classmethod
    def from_model(cls, row: Certificate, enrollment: Enrollment) -> CertificateType:
        return cls(
            id=strawberry.ID(encode_id("Certificate", row.id)),
            issued_at=row.issued_at,
            course_title=row.course_title,
            learner_name=row.learner_name,
            row=row,
            enrollment=enrollment,
        )

    @strawberry.field(description="Whether you may download it (and see its code).")
    def can_download(self, info: Info) -> bool:
        return access.may_download_certificate(info.context.viewer, self.enrollment)

    @strawberry.field(permission_classes=[CanDownloadCertificate])
    def verification_code(self) -> str | None:
        return self.row.verification_code

    @strawberry.field(
        permission_classes=[CanDownloadCertificate],
        description="A short-lived link bound to you; FORBIDDEN for those who may not download.",
    )
    def download_url(self, info: Info) -> str | None:
        context = info.context
        viewer = context.viewer
        assert viewer is not None  # CanDownloadCertificate admits only logged-in users
        return download_url(
            context.settings, certificate_id=self.row.id, user_id=viewer.id, now=context.clock()
        )


@strawberry.type(name="CertificateVerification")
class CertificateVerificationType:
    status: VerificationStatus
    course_title: str | None
    learner_name: str | None
    issued_at: datetime | None
    withdrawn_at: datetime | None

    @classmethod
    def from_domain(cls, found: Verification) -> CertificateVerificationType:
        return cls(
            status=found.status,
            course_title=found.course_title,
            learner_name=found.learner_name,
            issued_at=found.issued_at,
            withdrawn_at=found.withdrawn_at,
        )
