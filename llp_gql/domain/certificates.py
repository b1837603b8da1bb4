"""Withdrawing certificates and looking them up for verification."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.domain import event_data, events
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.errors import ValidationFailed
from llp_gql.models import Certificate, EnrollmentSource, WithdrawnCertificate
from llp_gql.settings import Settings

# Codes are 32 base32 characters; anything far from that shape is not worth a query.
MAX_CODE_LENGTH = 64

# Why a certificate was withdrawn, as its ``certificate.withdrawn`` event says.
WITHDRAWN_ENROLLMENT_REMOVED = "ENROLLMENT_REMOVED"
WITHDRAWN_PERSON_REMOVED = "PERSON_REMOVED"


class VerificationStatus(StrEnum):
    VALID = "VALID"
    WITHDRAWN = "WITHDRAWN"
    REPLACED = "REPLACED"
    UNKNOWN = "UNKNOWN"


class Reason(StrEnum):
    """Why a certificate was re-issued or withdrawn (stored on its tombstone and in the
    audit log; never shown by the public verification)."""

    NAME_CORRECTION = "NAME_CORRECTION"
    TEMPLATE_UPDATE = "TEMPLATE_UPDATE"
    ISSUED_IN_ERROR = "ISSUED_IN_ERROR"
    OTHER = "OTHER"


def parse_reason(value: str | None, *, required: bool) -> Reason | None:
    """A reason code as sent (any case); VALIDATION (field reason) for anything else."""
    text = (value or "").strip().upper()
    if not text and not required:
        return None
    try:
        return Reason(text)
    except ValueError:
        allowed = ", ".join(reason.value for reason in Reason)
        raise ValidationFailed(f"The reason must be one of {allowed}.", field="reason") from None


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
    # VALID only: hours / CPD credits printed, and the accent colour of its template.
    credit_hours: Decimal | None = None
    accent_colour: str = ""


async def withdraw_for_enrollments(
    enrollment_ids: Iterable[int],
    *,
    clock: Clock = utcnow,
    connection: BaseDBAsyncClient | None = None,
    settings: Settings | None = None,
    cause: str = WITHDRAWN_ENROLLMENT_REMOVED,
    reason: Reason | None = None,
) -> int:
    """Leave a tombstone for each certificate of these enrollments (before they are deleted),
    so their codes verify as WITHDRAWN and their credentials' status bits are set, and
    announce each to the assigning company's webhooks (``certificate.withdrawn``, with
    ``reason``), inside the caller's transaction.
    ``settings`` gives the verification address in the event. Returns how many were
    withdrawn."""
    ids = list(enrollment_ids)
    if not ids:
        return 0
    rows = (
        await Certificate.filter(enrollment_id__in=ids)
        .using_db(connection)
        .values(
            "id",
            "verification_code",
            "sha256",
            "issued_at",
            "course_title",
            "enrollment_id",
            "enrollment__source",
            "enrollment__company_id",
            "enrollment__course_id",
            "enrollment__learner_id",
            "enrollment__learner__email",
            "enrollment__learner__name",
        )
    )
    now = clock()
    await WithdrawnCertificate.bulk_create(
        [
            WithdrawnCertificate(
                verification_code=row["verification_code"],
                sha256=row["sha256"],
                issued_at=row["issued_at"],
                withdrawn_at=now,
                kind=VerificationStatus.WITHDRAWN.value,
                reason=reason.value if reason else None,
                # Its bit in the credential status list (domain/credentials.py).
                status_index=row["id"],
            )
            for row in rows
        ],
        using_db=connection,
    )
    for row in rows:
        if row["enrollment__source"] != EnrollmentSource.ASSIGNED:
            continue  # an individual's own certificate is no company's news
        code = row["verification_code"]
        data = event_data.enrollment(
            enrollment_id=row["enrollment_id"],
            course_id=row["enrollment__course_id"],
            course_title=row["course_title"],
            learner_id=row["enrollment__learner_id"],
            learner_email=row["enrollment__learner__email"],
            learner_name=row["enrollment__learner__name"],
        )
        data["certificate"] = event_data.certificate(
            certificate_id=row["id"],
            code=code,
            issued_at=row["issued_at"],
            verify_url=f"{settings.public_base_url}/verify/{code}" if settings else None,
        )
        data["withdrawnAt"] = event_data.timestamp(now)
        # The admin's reason code when one was given, else what caused the withdrawal.
        data["reason"] = reason.value if reason else cause
        _ = await events.emit(
            events.CERTIFICATE_WITHDRAWN,
            company_id=row["enrollment__company_id"],
            data=data,
            ordering_key=event_data.enrollment_key(row["enrollment_id"]),
            connection=connection or Certificate._meta.db,
            clock=clock,
        )
    return len(rows)


def normalise_code(code: str) -> str:
    """Codes are printed in upper-case groups; people type them any way."""
    return "".join(ch for ch in code.strip().lower() if ch.isalnum())


async def verify(code: str) -> Verification:
    """VALID with what is printed, WITHDRAWN or REPLACED with the date only, or UNKNOWN."""
    if len(code) > MAX_CODE_LENGTH * 2:
        return Verification(VerificationStatus.UNKNOWN)
    normalised = normalise_code(code)
    if not normalised or len(normalised) > MAX_CODE_LENGTH:
        return Verification(VerificationStatus.UNKNOWN)
    certificate = await Certificate.get_or_none(verification_code=normalised).only(
        "id", "course_title", "learner_name", "issued_at", "company_name", "template"
    )
    if certificate is not None:
        printed: dict[str, object] = certificate.template or {}
        hours = printed.get("credit_hours")
        return Verification(
            VerificationStatus.VALID,
            course_title=certificate.course_title,
            learner_name=certificate.learner_name,
            issued_at=certificate.issued_at,
            company_name=certificate.company_name,
            code=normalised,
            credit_hours=Decimal(str(hours)) if hours is not None else None,
            accent_colour=str(printed.get("accent_colour") or ""),
        )
    tombstone = await WithdrawnCertificate.get_or_none(verification_code=normalised).only(
        "id", "withdrawn_at", "kind"
    )
    if tombstone is not None:
        # The date only: the reason is for the issuer's records, not the public.
        status = (
            VerificationStatus.REPLACED
            if tombstone.kind == VerificationStatus.REPLACED.value
            else VerificationStatus.WITHDRAWN
        )
        return Verification(status, withdrawn_at=tombstone.withdrawn_at, code=normalised)
    return Verification(VerificationStatus.UNKNOWN)
