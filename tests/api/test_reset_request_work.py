"""A reset request does the same work whether or not the email has an account (issue 16).

Not timing, which is noisy, but its cause: the statements the request sends to the
database. Before the lookup moved to the queue, a known email cost a lookup, a token
insert, a mail job and an audit row more than an unknown one.
"""

from __future__ import annotations

import httpx
import pytest
from tortoise.context import TortoiseContext

from llp_gql import jobs
from llp_gql.domain import password_reset, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Job, JobState, OutboxMail, PasswordResetToken
from llp_gql.settings import Settings
from tests.api.test_query_counts import METHODS, QueryLog, _client_classes
from tests.factories import make_user
from tests.gql import ok

REQUEST = "mutation($e: String!) { requestPasswordReset(email: $e) }"


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> QueryLog:
    log = QueryLog()
    for cls in _client_classes():
        for name in METHODS:
            if name in cls.__dict__:
                monkeypatch.setattr(cls, name, log.wrap(cls.__dict__[name]))
    return log


async def _statements_of(log: QueryLog, client: httpx.AsyncClient, email: str) -> list[str]:
    log.statements.clear()
    log.active = True
    try:
        assert (await ok(client, REQUEST, {"e": email}))["requestPasswordReset"] is True
    finally:
        log.active = False
    return list(log.statements)


async def test_a_known_and_an_unknown_email_cost_the_request_the_same_statements(
    db: TortoiseContext, client: httpx.AsyncClient, statements: QueryLog
) -> None:
    # given an account, and an address without one
    await make_user("known@mail.example")
    # when a reset is asked for each (the same client address: the same throttle keys' shape)
    known = await _statements_of(statements, client, "known@mail.example")
    unknown = await _statements_of(statements, client, "unknown@mail.example")
    # then the request sent exactly the same statements: throttle counts (the door's, the
    # address's, the email's) and one job
    assert known == unknown, "\n".join(known) + "\n---\n" + "\n".join(unknown)
    assert sum('INSERT INTO "job"' in sql for sql in known) == 1
    assert sum("INSERT INTO rate_counter" in sql for sql in known) == len(known) - 1 >= 2
    assert not any("password_reset_token" in sql or '"user"' in sql for sql in known)
    # and both requests queued the same kind of job, with the normalised email only
    queued = await Job.all().order_by("id")
    assert [(j.kind, j.payload) for j in queued] == [
        (password_reset.REQUEST_JOB, {"email": "known@mail.example"}),
        (password_reset.REQUEST_JOB, {"email": "unknown@mail.example"}),
    ]


async def test_a_request_job_run_twice_after_a_crash_mails_once(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    # given a request for an account, its job claimed by a worker
    await make_user("twice@mail.example")
    await password_reset.request_reset(
        "twice@mail.example", settings=settings, client_address=None, clock=clock
    )
    job = await queue.claim(settings=settings, clock=clock)
    assert job is not None
    await password_reset.request_reset_job(job, settings=settings, clock=clock)
    # when it runs again, as after a crash between its work and the DONE mark
    await Job.filter(id=job.id).update(state=JobState.RUNNING)
    await password_reset.request_reset_job(await Job.get(id=job.id), settings=settings, clock=clock)
    handlers = jobs.handlers(settings, clock=clock)
    while await queue.run_one(handlers, settings=settings, clock=clock):
        pass
    # then one mail went out, and one link exists: the finished job keeps no email, so
    # the stale run had nothing to look up
    assert await OutboxMail.all().count() == 1
    assert await PasswordResetToken.all().count() == 1


async def test_a_deactivated_account_gets_no_reset_mail(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await make_user("left@mail.example")
    user.deactivated_at = clock()
    await user.save(update_fields=["deactivated_at"])
    await password_reset.request_reset(
        user.email, settings=settings, client_address=None, clock=clock
    )
    handlers = jobs.handlers(settings, clock=clock)
    while await queue.run_one(handlers, settings=settings, clock=clock):
        pass
    assert await OutboxMail.all().count() == 0
    assert await PasswordResetToken.all().count() == 0
