"""Invitations: a new employee sets their own password through a mailed link.

An invited person is a ``User`` whose ``password_hash`` is empty (``PENDING``): no
password verifies against it, so nobody can sign in as them until they open the
link. Admins never choose or see a password.

Inviting is after-commit work in two steps, both on the durable queue:

1. ``enqueue_invitations`` adds one ``invitation.send`` job per person inside the
   caller's transaction (an invitation, or an import of 10,000 rows, commits or
   rolls back with its people).
2. The job's handler (``send_invitation_job``) makes the link when it runs, so
   the link's lifetime (``LLP_INVITATION_TTL_SECONDS``) counts from the mail, and
   enqueues the ``mail.send`` job with the link, in one transaction with marking
   the invitation job done. Run twice after a crash, it makes a second link but no
   second mail (the mail job's key is the invitation job's).

A person who has meanwhile set a password, been deactivated or removed gets no mail.
The link is a ``PasswordResetToken`` with ``purpose="invite"``; opening it is
``password_reset.reset_password``, the same single-use, hashed, expiring rules.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import queue
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.mail.compose import MAIL_JOB, render
from llp_gql.models import Company, Job, User
from llp_gql.settings import Settings

INVITE_JOB = "invitation.send"
INVITE_PURPOSE = "invite"
# The password hash of a person who has not set a password yet.
PENDING = ""


def is_pending(user: User) -> bool:
    """True while an invited person has not set their password."""
    return user.password_hash == PENDING


async def enqueue_invitations(
    user_ids: Sequence[int],
    *,
    invited_by: int | None,
    connection: BaseDBAsyncClient,
    clock: Clock = utcnow,
) -> None:
    """Queue an invitation mail for each person, in ``connection``'s transaction.

    Each call is a new invitation (a "resend" mails a fresh link), so the job key
    carries a random part."""
    batch = secrets.token_hex(8)
    # Batched INSERTs: an import invites 10,000 people in one transaction.
    await queue.enqueue_many(
        INVITE_JOB,
        [
            (f"invite:{user_id}:{batch}", {"user_id": user_id, "invited_by": invited_by})
            for user_id in user_ids
        ],
        connection=connection,
        clock=clock,
    )


async def send_invitation_job(job: Job, *, settings: Settings, clock: Clock = utcnow) -> None:
    """Make the person's link and queue its mail; nothing for a person no longer pending."""
    from llp_gql.domain.password_reset import new_link, reset_link

    user_id = int(str(job.payload["user_id"]))
    now = clock()
    async with in_transaction() as connection:
        user = await User.filter(id=user_id).using_db(connection).first()
        if user is not None and is_pending(user) and user.deactivated_at is None:
            company = (
                await Company.filter(id=user.company_id).using_db(connection).first()
                if user.company_id is not None
                else None
            )
            token = await new_link(
                user,
                INVITE_PURPOSE,
                settings.invitation_ttl_seconds,
                now=now,
                connection=connection,
            )
            mail = render(
                "invitation",
                to=user.email,
                context={
                    "name": user.name,
                    "email": user.email,
                    "company": company.name if company is not None else "",
                    "link": reset_link(token, settings, purpose=INVITE_PURPOSE),
                    "valid_days": max(1, settings.invitation_ttl_seconds // 86400),
                },
            )
            await queue.enqueue(
                MAIL_JOB,
                mail.payload(),
                key=f"mail:invitation:{job.id}",
                connection=connection,
                clock=clock,
            )
        done = await queue.complete(
            job, clock=clock, payload={"user_id": user_id}, connection=connection
        )
        if not done:
            from llp_gql.mail.jobs import LeaseLost

            raise LeaseLost(f"job {job.id} was taken over")
