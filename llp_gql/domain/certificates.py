"""Withdrawing certificates and looking them up for verification."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from llp_gql.domain.clock import Clock, utcnow
from llp_gql.models import Certificate, WithdrawnCertificate

# Codes are 32 base32 characters; anything far from that shape is not worth a query.
MAX_CODE_LENGTH = 64


class VerificationStatus(StrEnum):
    VALID = "VALID"
    WITHDRAWN = "WITHDRAWN"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Verification:
    status: VerificationStatus
    course_title: str | None = None
    learner_name: str | None = None
    issued_at: datetime | None = None
    withdrawn_at: datetime | None = None
    # The issuing company as printed (None for an individual's own course).
    company_name: str | None = None
    # The code as stored (normalised) when it is known; never for UNKNOWN.
    code: str | None = None


async def withdraw_for_enrollments(enrollment_ids: Iterable[int], *, clock: Clock = utcnow) -> int:
    """Leave a tombstone for each certificate of these enrollments (before they are deleted),
    so their codes verify as WITHDRAWN and their credentials' status bits are set.
    Returns how many were withdrawn."""
    ids = list(enrollment_ids)
    if not ids:
        return 0
    rows = await Certificate.filter(enrollment_id__in=ids).values(
        "id", "verification_code", "sha256", "issued_at"
    )
    now = clock()
    await WithdrawnCertificate.bulk_create(
        [
            WithdrawnCertificate(
                verification_code=row["verification_code"],
                sha256=row["sha256"],
                issued_at=row["issued_at"],
                withdrawn_at=now,
                # Its bit in the credential status list (domain/credentials.py).
                status_index=row["id"],
            )
            for row in rows
        ]
    )
    return len(rows)


def normalise_code(code: str) -> str:
    """Codes are printed in upper-case groups; people type them any way."""
    return "".join(ch for ch in code.strip().lower() if ch.isalnum())


async def verify(code: str) -> Verification:
    """VALID with what is printed, WITHDRAWN with the date only, or UNKNOWN."""
    if len(code) > MAX_CODE_LENGTH * 2:
        return Verification(VerificationStatus.UNKNOWN)
    normalised = normalise_code(code)
    if not normalised or len(normalised) > MAX_CODE_LENGTH:
        return Verification(VerificationStatus.UNKNOWN)
    certificate = await Certificate.get_or_none(verification_code=normalised).only(
        "id", "course_title", "learner_name", "issued_at", "company_name"
    )
    if certificate is not None:
        return Verification(
            VerificationStatus.VALID,
            course_title=certificate.course_title,
            learner_name=certificate.learner_name,
            issued_at=certificate.issued_at,
            company_name=certificate.company_name,
            code=normalised,
        )
    tombstone = await WithdrawnCertificate.get_or_none(verification_code=normalised)
    if tombstone is not None:
        return Verification(
            VerificationStatus.WITHDRAWN, withdrawn_at=tombstone.withdrawn_at, code=normalised
        )
    return Verification(VerificationStatus.UNKNOWN)
