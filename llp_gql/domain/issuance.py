"""Issuing the certificate of a completed enrollment (DESIGN.md sections 3 and 4).

The code and the facts are the certificate; the PDF is drawn from them after commit.

1. ``prepare_certificate`` reads the snapshot (learner, course, company and logo)
   and draws a verification code. The progress engine calls it *before* opening
   the transaction that completes the last lesson, so the reads do not hold it.
2. ``issue_certificate`` runs inside that transaction, under the enrollment's
   row lock (``locks.lock_enrollment``), which every writer of the enrollment
   takes: it inserts the row (the snapshot, no PDF yet), its audit event and a
   ``certificate.render`` job, all committed with the completion. Racing
   completions are ordered by the lock: the second finds the lesson completed
   and changes nothing. The unique constraint on ``Certificate.enrollment`` stays
   the last word: were it ever to refuse the row (only a writer that skipped the
   lock could make it), the completion rolls back whole and answers CONFLICT.
3. After commit a queue worker renders the PDF from the stored snapshot
   (``render_job``) and stores it once with its SHA-256. A download or export that
   comes first renders it itself (``ensure_pdf``). Rendering is deterministic, so
   whoever renders first, the bytes are the same; the store is conditional (only
   while no PDF is stored), so a PDF is never replaced.

Until rendered a row has an empty ``pdf`` and ``sha256`` (``PENDING``): a sentinel
rather than NULL because aerich cannot make a column nullable on SQLite.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.certs.links import linkedin_add_url
from llp_gql.certs.render import TEMPLATE_VERSION, CertificateSnapshot, render_certificate_async
from llp_gql.domain import access_webhooks, audit, event_data, events, queue, templates
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.errors import NotFound
from llp_gql.models import Certificate, Company, Course, Enrollment, EnrollmentSource, Job, User
from llp_gql.settings import Settings

RENDER_JOB = "certificate.render"
# The pdf and sha256 of a certificate whose PDF is not drawn yet.
PENDING = ""


@dataclass(frozen=True, slots=True)
class PreparedCertificate:
    """A certificate's snapshot and code, not stored yet."""

    enrollment_id: int
    learner_email: str
    snapshot: CertificateSnapshot


def new_verification_code() -> str:
    """160 random bits as 32 lower-case base32 characters (no padding at this length)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()


def verify_url(settings: Settings, code: str) -> str:
    return f"{settings.public_base_url}/verify/{code}"


def linkedin_url(settings: Settings, certificate: Certificate) -> str:
    """LinkedIn's "Add to profile" link of a certificate (offered to individuals for
    their own: the caller checks ``access.may_download_certificate`` and SELF)."""
    code = certificate.verification_code
    return linkedin_add_url(
        course_title=certificate.course_title,
        organization=certificate.company_name,
        issued_at=certificate.issued_at,
        verify_url=verify_url(settings, code),
        code=code,
    )


async def prepare_certificate(
    enrollment: Enrollment,
    *,
    settings: Settings,
    issued_at: datetime,
    learner: User | None = None,
) -> PreparedCertificate:
    """Build the snapshot and draw its code; touches the database only to read.

    ``learner``: the enrollment's learner when the caller holds the row already (the
    completing request's signed-in learner); read here otherwise.

    The company name and logo are printed only for ASSIGNED enrollments: an
    individual's certificate belongs to them, not to a former employer.
    """
    company_id = None
    if enrollment.source == EnrollmentSource.ASSIGNED and enrollment.company_id is not None:
        company_id = enrollment.company_id
    # Independent reads, sent together: their round trips overlap (B6). A company that
    # is gone has no template either, so values_for then gives the platform's.
    found_learner, course, company, values = await asyncio.gather(
        _learner(enrollment, learner),
        Course.get_or_none(id=enrollment.course_id).only("id", "title", "credit_hours"),
        _company(company_id),
        templates.values_for(company_id),
    )
    learner = found_learner
    if learner is None or course is None:
        # Removed by a request that raced this completion: there is nothing to issue.
        raise NotFound("Enrollment")
    values = dataclasses.replace(values, credit_hours=course.credit_hours)
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
        template=values,
    )
    return PreparedCertificate(
        enrollment_id=enrollment.id, learner_email=learner.email, snapshot=snapshot
    )


async def _learner(enrollment: Enrollment, held: User | None) -> User | None:
    if held is not None and held.id == enrollment.learner_id:
        return held
    return await User.get_or_none(id=enrollment.learner_id)


async def _company(company_id: int | None) -> Company | None:
    return None if company_id is None else await Company.get_or_none(id=company_id)


async def issue_certificate(
    enrollment: Enrollment,
    *,
    settings: Settings,
    clock: Clock,
    connection: BaseDBAsyncClient,
    prepared: PreparedCertificate | None = None,
) -> Certificate:
    """Store the certificate of a completed enrollment, inside the caller's
    ``async with in_transaction() as connection`` block, with the enrollment locked;
    without ``prepared``, returns the existing one when it was issued already.

    Pass what ``prepare_certificate`` made before the transaction; without it the
    snapshot is read here, inside the transaction (correct, only longer).
    """
    if prepared is None or prepared.enrollment_id != enrollment.id:
        existing = await existing_certificate(enrollment.id, connection)
        if existing is not None:
            return existing
        issued_at = enrollment.completed_at or clock()
        prepared = await prepare_certificate(enrollment, settings=settings, issued_at=issued_at)
    # No savepoint and no retry: the caller holds the enrollment's lock, under which
    # it found no certificate, and a clash of two 160-bit codes is not expected in
    # the life of the universe. Should the unique constraints still refuse the row,
    # the whole completion rolls back and answers CONFLICT (nothing stored).
    certificate = await insert_certificate(prepared, connection)
    await queue.enqueue(
        RENDER_JOB,
        {"certificate_id": certificate.id},
        key=f"certificate:render:{certificate.id}",
        connection=connection,
        clock=clock,
    )
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
            # The code's digest, not the code: it ties this event to the
            # certificate (or its WITHDRAWN tombstone) without making the log
            # a list of codes that verify a name.
            "code_sha256": hashlib.sha256(prepared.snapshot.verification_code.encode()).hexdigest(),
        },
    )
    await _announce(
        events.CERTIFICATE_ISSUED, enrollment, prepared, connection, clock, cert=certificate
    )
    return certificate


async def _announce(
    event_type: str,
    enrollment: Enrollment,
    prepared: PreparedCertificate,
    connection: BaseDBAsyncClient,
    clock: Clock,
    *,
    cert: Certificate | None = None,
) -> None:
    """Tell the assigning company's webhooks (none for an individual's own course)."""
    company_id = access_webhooks.announced_company(enrollment)
    if company_id is None:
        return
    snap = prepared.snapshot
    data = event_data.enrollment(
        enrollment_id=enrollment.id,
        course_id=enrollment.course_id,
        course_title=snap.course_title,
        learner_id=enrollment.learner_id,
        learner_email=prepared.learner_email,
        learner_name=snap.learner_name,
    )
    if cert is None:
        data["completedAt"] = event_data.timestamp(snap.issued_at)
    else:
        data["certificate"] = event_data.certificate(
            certificate_id=cert.id,
            code=snap.verification_code,
            issued_at=snap.issued_at,
            verify_url=snap.verify_url,
        )
    _ = await events.emit(
        event_type,
        company_id=company_id,
        data=data,
        ordering_key=event_data.enrollment_key(enrollment.id),
        connection=connection,
        clock=clock,
    )


async def announce_completion(
    enrollment: Enrollment,
    prepared: PreparedCertificate,
    *,
    connection: BaseDBAsyncClient,
    clock: Clock,
) -> None:
    """``enrollment.completed``, inside the completing transaction, before the
    certificate's ``certificate.issued`` (the same ordering key keeps them in order)."""
    await _announce(events.ENROLLMENT_COMPLETED, enrollment, prepared, connection, clock)


async def existing_certificate(
    enrollment_id: int, connection: BaseDBAsyncClient
) -> Certificate | None:
    return await Certificate.filter(enrollment_id=enrollment_id).using_db(connection).first()


async def insert_certificate(
    prepared: PreparedCertificate, connection: BaseDBAsyncClient
) -> Certificate:
    """Insert the row of a prepared certificate (no PDF yet); IntegrityError when the
    enrollment has one or the code is taken."""
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
        template=templates.to_snapshot(snap.template) if snap.template else {},
        signature_image=snap.template.signature_image if snap.template else None,
        pdf=PENDING.encode(),
        sha256=PENDING,
    )


def with_new_code(prepared: PreparedCertificate, settings: Settings) -> PreparedCertificate:
    """The same certificate under a freshly drawn code (after a clash)."""
    code = new_verification_code()
    snapshot = dataclasses.replace(
        prepared.snapshot, verification_code=code, verify_url=verify_url(settings, code)
    )
    return dataclasses.replace(prepared, snapshot=snapshot)


def snapshot_of(certificate: Certificate, settings: Settings) -> CertificateSnapshot:
    """What is printed, from the stored row (the verify address from today's settings)."""
    return CertificateSnapshot(
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        company_name=certificate.company_name,
        company_logo=bytes(certificate.company_logo) if certificate.company_logo else None,
        issued_at=certificate.issued_at,
        verification_code=certificate.verification_code,
        verify_url=verify_url(settings, certificate.verification_code),
        template_version=certificate.template_version,
        template=templates.from_snapshot(
            certificate.template,
            bytes(certificate.signature_image) if certificate.signature_image else None,
        )
        if certificate.template_version > 1
        else None,
    )


async def ensure_pdf(
    certificate: Certificate, *, settings: Settings, clock: Clock = utcnow
) -> bytes:
    """The certificate's PDF: the stored one, or rendered now and stored (once).

    NOT_FOUND when the certificate was removed while rendering."""
    if certificate.sha256 != PENDING:
        return bytes(certificate.pdf)
    pdf = await render_certificate_async(snapshot_of(certificate, settings))
    digest = hashlib.sha256(pdf).hexdigest()
    stored = await Certificate.filter(id=certificate.id, sha256=PENDING).update(
        pdf=pdf, sha256=digest
    )
    if not stored:  # rendered meanwhile by another worker (the same bytes), or removed
        row = await Certificate.filter(id=certificate.id).only("id", "pdf", "sha256").first()
        if row is None:
            raise NotFound("Certificate")
        pdf, digest = bytes(row.pdf), row.sha256
    certificate.pdf, certificate.sha256 = pdf, digest
    return pdf


async def render_job(job: Job, *, settings: Settings, clock: Clock = utcnow) -> None:
    """The ``certificate.render`` job: draw and store the PDF of a new certificate."""
    certificate_id = int(str(job.payload["certificate_id"]))
    certificate = await Certificate.get_or_none(id=certificate_id)
    if certificate is not None:
        with contextlib.suppress(NotFound):  # removed meanwhile: nothing to draw
            _ = await ensure_pdf(certificate, settings=settings)
    _ = await queue.complete(job, clock=clock)
