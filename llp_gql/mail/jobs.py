"""The ``mail.send`` job: one mail, to SMTP or to the outbox.

Sent at most once, or at least once? Neither is free, so per transport:

- **Outbox** (no ``LLP_SMTP_HOST``): exactly once. The outbox row (unique by
  Message-ID) and the job's DONE mark commit in one transaction, and only while
  this worker still holds the job's lease.
- **SMTP**: at least once, with a stable Message-ID. The SMTP server's "accepted"
  and our commit cannot be one transaction: marking the job sent *before* talking
  to SMTP would lose the mail whenever the send then fails (SMTP down for 30 s is
  routine), marking it *after* may send it twice if the process dies in the
  milliseconds between the server's acceptance and the commit. Losing a password
  link silently is worse than a rare duplicate, so: after. The window is kept
  small and rare: a graceful shutdown finishes the send in hand (``queue.run_worker``),
  a send is bounded by ``LLP_SMTP_TIMEOUT_SECONDS`` (less than half the lease, so
  no second worker takes over a slow send), and a duplicate carries the same
  Message-ID, by which mail systems and clients recognise it.

A job finished, its payload keeps only the recipient, subject and Message-ID: the
body (with its link) is not kept in the job table once it has gone out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from tortoise.transactions import in_transaction

from llp_gql.domain import queue
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.mail.compose import MAIL_JOB, Mail
from llp_gql.mail.transport import build_message, message_id_for, send_smtp
from llp_gql.models import Job, OutboxMail
from llp_gql.settings import Settings

logger = logging.getLogger("llp_gql.mail")


class LeaseLost(Exception):
    """Another worker took this job over: roll back, it is theirs now."""


def _summary(mail: Mail, message_id: str) -> dict[str, object]:
    return {"to": mail.to, "subject": mail.subject, "message_id": message_id}


async def send_mail_job(job: Job, *, settings: Settings, clock: Clock = utcnow) -> None:
    mail = Mail.from_payload(job.payload)
    message_id = message_id_for(job.key, settings)
    if not settings.smtp_host:
        async with in_transaction() as connection:
            if not await OutboxMail.filter(message_id=message_id).using_db(connection).exists():
                _ = await OutboxMail.create(
                    message_id=message_id,
                    recipient=mail.to,
                    subject=mail.subject,
                    text=mail.text,
                    html=mail.html,
                    created_at=clock(),
                    using_db=connection,
                )
            done = await queue.complete(
                job, clock=clock, payload=_summary(mail, message_id), connection=connection
            )
            if not done:
                raise LeaseLost(f"job {job.id} was taken over")
        logger.info("mail to %s: %r (outbox)", mail.to, mail.subject)
        if settings.debug:
            # Dev and demo only: the outbox is where the demo's links are read.
            logger.info("mail to %s, text part:\n%s", mail.to, mail.text)
        return
    message = build_message(mail, message_id=message_id, settings=settings, at=clock())
    await send_smtp(message, settings)
    _ = await queue.complete(job, clock=clock, payload=_summary(mail, message_id))
    logger.info("mail to %s: %r (SMTP %s)", mail.to, mail.subject, message_id)


def handlers(settings: Settings, *, clock: Clock = utcnow) -> Mapping[str, queue.Handler]:
    """The queue's handlers for the app's workers."""

    async def send(job: Job) -> None:
        await send_mail_job(job, settings=settings, clock=clock)

    return {MAIL_JOB: send}
