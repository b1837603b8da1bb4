"""Issuing the certificate of a completed enrollment (DESIGN.md sections 3 and 4).

Issuance is split in two so the database transaction stays short:

1. ``prepare_certificate`` reads the snapshot (learner, course, company and
   logo), draws a verification code and renders the PDF off the event loop.
   The progress engine calls it *before* opening the transaction that completes
   the last lesson: rendering inside would hold the transaction (on SQLite, the
   whole database) for the length of a render.
2. ``issue_certificate`` runs inside that transaction and inserts the row, with
   its audit event. The unique constraint on ``Certificate.enrollment`` decides
   races: a losing insert is rolled back to a savepoint and the existing
   certificate is returned, so however many requests race, one certificate
   exists and every caller gets it.

A prepared certificate that loses the race is simply dropped.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.certs.render import TEMPLATE_VERSION, CertificateSnapshot, render_certificate_async
from llp_gql.domain import audit
from llp_gql.domain.clock import Clock
from llp_gql.errors import NotFound
from llp_gql.models import Certificate, Company, Course, Enrollment, EnrollmentSource, User
from llp_gql.settings import Settings

# A clash of two 160-bit codes is not expected in the life of the universe; the
# retry exists so that even then the learner gets a certificate, not an error.
_CODE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class PreparedCertificate:
    """A rendered certificate, not stored yet."""

    enrollment_id: int
    learner_email: str
    snapshot: CertificateSnapshot
    pdf: bytes
    sha256: str


def new_verification_code() -> str:
    """160 random bits as 32 lower-case base32 characters (no padding at this length)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()


def verify_url(settings: Settings, code: str) -> str:
    return f"{settings.public_base_url}/verify/{code}"


async def prepare_certificate(
    enrollment: Enrollment, *, settings: Settings, issued_at: datetime
) -> PreparedCertificate:
    """Build the snapshot and render the PDF; touches the database only to read.

    The company name and logo are printed only for ASSIGNED enrollments: an
    individual's certificate belongs to them, not to a former employer.
    """
    learner = await User.get_or_none(id=enrollment.learner_id)
    course = await Course.get_or_none(id=enrollment.course_id)
    if learner is None or course is None:
        # Removed by a request that raced this completion: there is nothing to issue.
        raise NotFound("Enrollment")
    company = None
    if enrollment.source == EnrollmentSource.ASSIGNED and enrollment.company_id is not None:
        company = await Company.get_or_none(id=enrollment.company_id)
    code = new_verification_code()
    snapshot = CertificateSnapshot(
        learner_name=learner.name,
        course_title=course.title,
        company_name=company.name if company else None,
        company_logo=company.logo if company and company.logo else None,
        issued_at=issued_at,
        verification_code=code,
        verify_url=verify_url(settings, code),
        template_version=TEMPLATE_VERSION,
    )
    pdf = await render_certificate_async(snapshot)
    return PreparedCertificate(
        enrollment_id=enrollment.id,
        learner_email=learner.email,
        snapshot=snapshot,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )


async def issue_certificate(
    enrollment: Enrollment,
    *,
    settings: Settings,
    clock: Clock,
    connection: BaseDBAsyncClient,
    prepared: PreparedCertificate | None = None,
) -> Certificate:
    """Store the certificate of a completed enrollment, inside the caller's
    ``async with in_transaction() as connection`` block; returns the existing one
    when it was issued already.

    Pass what ``prepare_certificate`` made before the transaction; without it the
    PDF is rendered here, inside the transaction (correct, only slower).
    """
    if prepared is None or prepared.enrollment_id != enrollment.id:
        existing = await _existing(enrollment.id, connection)
        if existing is not None:
            return existing
        issued_at = enrollment.completed_at or clock()
        prepared = await prepare_certificate(enrollment, settings=settings, issued_at=issued_at)
    for _ in range(_CODE_ATTEMPTS):
        try:
            # A savepoint: on PostgreSQL a failed insert would otherwise poison the
            # whole transaction, and the caller's progress update with it.
            async with in_transaction() as savepoint:
                certificate = await _insert(prepared, savepoint)
        except IntegrityError:
            existing = await _existing(enrollment.id, connection)
            if existing is not None:
                return existing  # another request issued it first
            prepared = await _with_new_code(prepared, settings)  # the code clashed
            continue
        await audit.record(
            audit.CERTIFICATE_ISSUED,
            actor=None,
            subject_type="certificate",
            subject_id=certificate.id,
            company_id=enrollment.company_id,
            at=prepared.snapshot.issued_at,
            details={
                "enrollment_id": enrollment.id,
                "learner_id": enrollment.learner_id,
                "learner_email": prepared.learner_email,
                "course_id": enrollment.course_id,
                "course_title": prepared.snapshot.course_title,
                "sha256": prepared.sha256,
            },
        )
        return certificate
    raise RuntimeError("Could not draw a unique verification code.")


async def _existing(enrollment_id: int, connection: BaseDBAsyncClient) -> Certificate | None:
    return await Certificate.filter(enrollment_id=enrollment_id).using_db(connection).first()


async def _insert(prepared: PreparedCertificate, connection: BaseDBAsyncClient) -> Certificate:
    snap = prepared.snapshot
    return await Certificate.create(
        using_db=connection,
        enrollment_id=prepared.enrollment_id,
        verification_code=snap.verification_code,
        learner_name=snap.learner_name,
        learner_email=prepared.learner_email,
        course_title=snap.course_title,
        company_name=snap.company_name,
        company_logo=snap.company_logo,
        issued_at=snap.issued_at,
        template_version=snap.template_version,
        pdf=prepared.pdf,
        sha256=prepared.sha256,
    )


async def _with_new_code(prepared: PreparedCertificate, settings: Settings) -> PreparedCertificate:
    # The code is printed on the PDF, so a new code means a new render.
    code = new_verification_code()
    snapshot = dataclasses.replace(
        prepared.snapshot, verification_code=code, verify_url=verify_url(settings, code)
    )
    pdf = await render_certificate_async(snapshot)
    return PreparedCertificate(
        prepared.enrollment_id,
        prepared.learner_email,
        snapshot,
        pdf,
        hashlib.sha256(pdf).hexdigest(),
    )
