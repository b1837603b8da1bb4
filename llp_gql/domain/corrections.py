"""Corrections: re-issuing a certificate under a new code (DESIGN.md section 4).

A wrong name is fixed by renaming the person (``membership.rename_user``) and then
re-issuing. A re-issue, in ONE transaction under the enrollment's row lock:

1. leaves a tombstone of the old code with kind REPLACED, the date and the reason
   code (nothing personal: the old code then verifies as REPLACED and points to
   nothing, not even to the new code);
2. deletes the old certificate and inserts a new one with a new code and a fresh
   snapshot: the learner's current name, the course, the company's current
   template and the course's current hours; the completion date stays the one of
   the course (it is what the certificate attests);
3. queues its PDF (rendered after commit, as at issue), emits
   ``certificate.replaced`` to the enrollment's company and writes the audit event.

Who may: the admins of the assigning company for an ASSIGNED enrollment; the
individual learner for their own SELF enrollment, but only

- after a rename: the name now differs from the one printed, so a re-issue can
  never hand a certificate over under the same account without a recorded rename
  (both the rename and the re-issue are audited with the actor and time);
- at most ``LLP_SELF_REISSUES_PER_YEAR`` times in 365 days (default 3), beyond
  which ``SELF_REISSUE_LIMIT``. Counted under the learner's row lock, so parallel
  requests cannot each spend the last one.

Two re-issues of one certificate at the same moment: the enrollment's row lock
orders them; the second finds the certificate gone and answers CONFLICT. One new
certificate, one tombstone.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.certs.layout import clean
from llp_gql.domain import access, audit, events, issuance, queue
from llp_gql.domain.certificates import Reason, VerificationStatus
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.locks import lock_enrollment, lock_user
from llp_gql.errors import Conflict, LimitExceeded, NotFound, ValidationFailed
from llp_gql.models import AuditEvent, Certificate, EnrollmentSource, WithdrawnCertificate
from llp_gql.settings import Settings

SELF_REISSUE_LIMIT = "SELF_REISSUE_LIMIT"
_YEAR = timedelta(days=365)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def reissue_certificate(
    viewer: access.Viewer,
    certificate_id: int,
    reason: Reason,
    *,
    settings: Settings,
    clock: Clock = utcnow,
) -> Certificate:
    """Replace a certificate by a new one (new code, fresh snapshot); see the module
    docstring for who may and the limits. Returns the new certificate (its PDF is
    rendered after commit)."""
    actor = access.require_user(viewer)
    found = await access.access_certificate_for_download(
        actor, certificate_id, access.may_reissue_certificate
    )
    by_learner = found.enrollment.source == EnrollmentSource.SELF
    now = clock()
    async with in_transaction() as connection:
        enrollment = await lock_enrollment(found.enrollment_id, connection)
        old = await Certificate.filter(id=certificate_id).using_db(connection).first()
        if old is None:
            raise Conflict("This certificate was re-issued or withdrawn a moment ago; reload.")
        learner = await lock_user(enrollment.learner_id, connection)
        if learner is None:
            raise NotFound("Certificate")
        if by_learner:
            await _check_self_reissue(learner.id, learner.name, old, settings, now)
        prepared = await issuance.prepare_certificate(
            enrollment, settings=settings, issued_at=old.issued_at
        )
        _ = await WithdrawnCertificate.create(
            using_db=connection,
            verification_code=old.verification_code,
            sha256=old.sha256,
            issued_at=old.issued_at,
            withdrawn_at=now,
            kind=VerificationStatus.REPLACED.value,
            reason=reason.value,
            status_index=old.id,
        )
        await old.delete(using_db=connection)
        new = await _insert(prepared, connection, settings)
        await queue.enqueue(
            issuance.RENDER_JOB,
            {"certificate_id": new.id},
            key=f"certificate:render:{new.id}",
            connection=connection,
            clock=clock,
        )
        _ = await events.emit(
            events.CERTIFICATE_REPLACED,
            company_id=enrollment.company_id,
            data={
                "enrollmentId": enrollment.id,
                "certificateId": new.id,
                "replacedCertificateId": old.id,
                "reason": reason.value,
                "replacedAt": now.isoformat().replace("+00:00", "Z"),
            },
            ordering_key=f"enrollment:{enrollment.id}",
            connection=connection,
            clock=clock,
        )
        await audit.record(
            audit.CERTIFICATE_REISSUED,
            actor=actor,
            subject_type="certificate",
            subject_id=new.id,
            company_id=enrollment.company_id,
            at=now,
            details={
                "enrollment_id": enrollment.id,
                "learner_id": enrollment.learner_id,
                "replaced_certificate_id": old.id,
                "reason": reason.value,
                "by_learner": by_learner,
                "old_code_sha256": _digest(old.verification_code),
                "code_sha256": _digest(new.verification_code),
                "template_version": int(str(new.template.get("version", 0))),
            },
        )
    return new


async def _check_self_reissue(
    learner_id: int, name: str, old: Certificate, settings: Settings, now: datetime
) -> None:
    """Only after a rename, and at most ``self_reissues_per_year`` in 365 days (call
    under the learner's row lock)."""
    if clean(name) == clean(old.learner_name):
        raise ValidationFailed(
            "Your certificate already shows your current name. Correct your name first "
            "(in your account), then re-issue it.",
            field="certificateId",
        )
    since = now - _YEAR
    used = await AuditEvent.filter(
        action=audit.CERTIFICATE_REISSUED, actor_id=learner_id, at__gte=since
    ).count()
    if used >= settings.self_reissues_per_year:
        raise LimitExceeded(
            SELF_REISSUE_LIMIT,
            f"You can re-issue your certificates at most {settings.self_reissues_per_year} "
            "times in a year. Contact support if a correction is still needed.",
        )


async def _insert(
    prepared: issuance.PreparedCertificate, connection: BaseDBAsyncClient, settings: Settings
) -> Certificate:
    # The old row is deleted and the enrollment locked, so only a code clash (not
    # expected in the life of the universe) can fail the insert: draw another.
    for _ in range(3):
        try:
            async with in_transaction() as savepoint:
                return await issuance.insert_certificate(prepared, savepoint)
        except IntegrityError:
            prepared = issuance.with_new_code(prepared, settings)
    raise RuntimeError("Could not draw a unique verification code.")
