"""The answer of ``verifyCredential``: what a presented Open Badges credential is worth."""

from __future__ import annotations

from datetime import datetime

import strawberry

from llp_gql.domain.credential_check import CredentialCheck
from llp_gql.schema.enums import CredentialStatus


@strawberry.type(
    name="CredentialVerification",
    description="The check of a presented Open Badges 3.0 credential: its eddsa-jcs-2022 "
    "proof against this service's published keys, its validFrom and its status list "
    "entry. Nothing personal unless VALID, and then only what the credential says.",
)
class CredentialVerificationType:
    status: CredentialStatus = strawberry.field(
        description="VALID; WITHDRAWN or REPLACED (its status bit is set); "
        "INVALID_SIGNATURE (changed after signing); UNKNOWN_ISSUER (not signed by one of "
        "this service's keys); NOT_YET_VALID (validFrom in the future); MALFORMED (not a "
        "credential of this shape)."
    )
    issued_at: datetime | None = strawberry.field(
        description="The credential's validFrom (the completion date); null unless the "
        "signature is ours."
    )
    learner_name: str | None = strawberry.field(
        description="The name in the credential; null unless VALID."
    )
    course_title: str | None = strawberry.field(
        description="The course (the achievement's name); null unless VALID."
    )
    withdrawn_at: datetime | None = strawberry.field(
        description="When it was withdrawn or replaced, where known; null otherwise."
    )
    key_id: str | None = strawberry.field(
        description="Which of the issuer's keys signed it (e.g. key-1; retired keys still "
        "verify); null unless the signature is ours."
    )

    @classmethod
    def from_domain(cls, found: CredentialCheck) -> CredentialVerificationType:
        return cls(
            status=found.status,
            issued_at=found.issued_at,
            learner_name=found.learner_name,
            course_title=found.course_title,
            withdrawn_at=found.withdrawn_at,
            key_id=found.key_id,
        )
