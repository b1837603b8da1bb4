"""Invitations on the queue: one mail per invitation, a link that sets the first password,
nothing for people who no longer need it, and no second mail when a job runs twice."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from llp_gql import jobs
from llp_gql.domain import accounts, invitations, password_reset, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AccountType, Job, JobState, OutboxMail, PasswordResetToken, User
from llp_gql.settings import Settings
from tests.factories import make_company

NEW_PASSWORD = "my own first passphrase"


async def _invited(email: str) -> User:
    company = await make_company("Acme")
    return await User.create(
        email=email,
        name="New Person",
        password_hash=invitations.PENDING,
        account_type=AccountType.EMPLOYEE,
        company_id=company.id,
    )


async def _run(settings: Settings, clock: FakeClock) -> int:
    handlers = jobs.handlers(settings, clock=clock)
    count = 0
    while await queue.run_one(handlers, settings=settings, clock=clock):
        count += 1
    return count


def _token(text: str) -> str:
    link = re.search(r"https://\S+", text)
    assert link is not None, text
    return parse_qs(urlsplit(link.group(0)).query)["token"][0]


async def test_an_invitation_mails_a_link_that_sets_the_first_password(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await _invited("new@acme.example")
    # a pending person cannot sign in with anything, the empty string included
    assert not await accounts.check_password(user, "")
    async with in_transaction() as connection:
        await invitations.enqueue_invitations(
            [user.id], invited_by=None, connection=connection, clock=clock
        )
    # the invitation job, then the mail job it queued
    assert await _run(settings, clock) == 2
    [mail] = await OutboxMail.all()
    assert mail.recipient == "new@acme.example"
    assert "Acme has invited you" in mail.text
    [link] = await PasswordResetToken.all()
    assert link.purpose == invitations.INVITE_PURPOSE
    assert link.expires_at == clock() + timedelta(days=7)
    await password_reset.reset_password(
        _token(mail.text), NEW_PASSWORD, settings=settings, clock=clock
    )
    await user.refresh_from_db()
    assert not invitations.is_pending(user)


async def test_no_mail_for_someone_who_set_a_password_or_left_meanwhile(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await _invited("gone@acme.example")
    async with in_transaction() as connection:
        await invitations.enqueue_invitations(
            [user.id], invited_by=None, connection=connection, clock=clock
        )
    await User.filter(id=user.id).update(deactivated_at=clock())
    assert await _run(settings, clock) == 1
    assert await OutboxMail.all().count() == 0
    assert await PasswordResetToken.all().count() == 0
    [job] = await Job.all()
    assert job.state == JobState.DONE


async def test_an_invitation_job_run_twice_sends_one_mail(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await _invited("twice@acme.example")
    async with in_transaction() as connection:
        await invitations.enqueue_invitations(
            [user.id], invited_by=None, connection=connection, clock=clock
        )
    job = await queue.claim(settings=settings, clock=clock)
    assert job is not None
    await invitations.send_invitation_job(job, settings=settings, clock=clock)
    # as after a crash between the work and the DONE mark: the same job runs again
    await Job.filter(id=job.id).update(state=JobState.RUNNING)
    again = await Job.get(id=job.id)
    await invitations.send_invitation_job(again, settings=settings, clock=clock)
    assert await _run(settings, clock) == 1
    assert await OutboxMail.all().count() == 1
