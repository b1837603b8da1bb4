"""Forgotten passwords end to end: the link arrives at a real SMTP server, is followed
through the API, and every refusal has its code and stores nothing."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tortoise.context import TortoiseContext

from llp_gql import jobs
from llp_gql.domain import auth, housekeeping, password_reset, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import RateLimited
from llp_gql.mail import jobs as mail_jobs
from llp_gql.models import AuditEvent, AuthToken, Job, OutboxMail, PasswordResetToken, User
from llp_gql.settings import Settings
from tests.factories import PASSWORD, make_user
from tests.gql import fails, ok, token_for
from tests.smtp_server import Inbox, smtp_server, text_part

REQUEST = "mutation($e: String!) { requestPasswordReset(email: $e) }"
RESET = "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) }"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
ME = "{ me { email } }"
NEW_PASSWORD = "a brand new passphrase for me"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def smtp_settings(settings: Settings, smtp: tuple[Inbox, int]) -> Settings:
    return settings.replace(
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_tls="none",
        mail_from="LLP <no-reply@llp.example>",
    )


async def _deliver(settings: Settings, clock: FakeClock) -> int:
    """Run the queue until nothing is due, as the app's worker would after commit: the
    request's job (which makes the link and queues its mail), then the mail."""
    handlers = jobs.handlers(settings, clock=clock)
    count = 0
    while await queue.run_one(handlers, settings=settings, clock=clock):
        count += 1
    return count


def _token_from(text: str) -> str:
    link = re.search(r"https://\S+", text)
    assert link is not None, text
    parts = urlsplit(link.group(0))
    assert parts.path == "/learn/reset"
    return parse_qs(parts.query)["token"][0]


async def _request(client: httpx.AsyncClient, email: str) -> None:
    assert (await ok(client, REQUEST, {"e": email}))["requestPasswordReset"] is True


async def test_the_mailed_link_resets_the_password_and_ends_every_session(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    smtp_settings: Settings,
    smtp: tuple[Inbox, int],
    clock: FakeClock,
) -> None:
    inbox, _ = smtp
    user = await make_user("forgetful@mail.example")
    old_session = await token_for(user, smtp_settings)
    # given a reset asked for through the API, and the queue run after commit
    await _request(client, "  Forgetful@Mail.example ")
    assert inbox.received() == []  # nothing is sent inside the request
    assert await PasswordResetToken.all().count() == 0  # nor even looked up
    assert await _deliver(smtp_settings, clock) == 2
    # then the SMTP server received one mail, with a text and an HTML part and the link
    [message] = inbox.received()
    assert message["To"] == "forgetful@mail.example"
    assert message["From"] == "LLP <no-reply@llp.example>"
    assert message["Subject"] == "Reset your password"
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    token = _token_from(text_part(message))
    assert f"token={token}" in html.get_content()
    # and only a digest of the token is stored; the sent job keeps no body
    assert await PasswordResetToken.filter(token_hash=token).count() == 0
    job = await Job.get(kind="mail.send")
    assert set(job.payload) == {"to", "subject", "message_id"}
    # and the request's job keeps no email once done
    assert (await Job.get(kind=password_reset.REQUEST_JOB)).payload == {}
    assert job.payload["message_id"] == message["Message-ID"]
    # when the link's token is used through the API
    assert (await ok(client, RESET, {"t": token, "p": NEW_PASSWORD}))["setPassword"] is True
    # then the new password logs in, the old one does not, the old session is over
    await ok(client, LOGIN, {"e": user.email, "p": NEW_PASSWORD})
    await fails(client, "UNAUTHENTICATED", LOGIN, {"e": user.email, "p": PASSWORD})
    assert (await ok(client, ME, token=old_session))["me"] is None
    # and it is audited
    actions = await AuditEvent.filter(subject_id=user.id).values_list("action", flat=True)
    assert set(actions) >= {"account.password_reset_requested", "account.password_reset"}


async def test_an_unknown_email_answers_the_same_and_mails_nothing(
    db: TortoiseContext, client: httpx.AsyncClient, smtp_settings: Settings, clock: FakeClock
) -> None:
    await _request(client, "nobody@mail.example")
    # the request queued its job, as for any address; the job finds no account
    assert await Job.all().count() == 1
    assert await _deliver(smtp_settings, clock) == 1
    assert await Job.all().count() == 1
    assert await PasswordResetToken.all().count() == 0
    assert await OutboxMail.all().count() == 0


async def _run_request(settings: Settings, clock: FakeClock) -> Job | None:
    """Run the reset request's job (the oldest due one here); the mail job it queued."""
    assert await queue.run_one(jobs.handlers(settings, clock=clock), settings=settings, clock=clock)
    return await Job.filter(state="QUEUED", kind="mail.send").order_by("-id").first()


async def _pending_token(settings: Settings, clock: FakeClock, email: str) -> str:
    """Ask for a link and deliver it (to the outbox: no SMTP host): the mailed token."""
    await password_reset.request_reset(email, settings=settings, client_address=None, clock=clock)
    assert await _deliver(settings, clock) == 2
    mail = await OutboxMail.filter(recipient=email).order_by("-id").first()
    assert mail is not None
    return _token_from(mail.text)


@pytest.mark.parametrize(
    ("case", "reason"),
    [("unknown", "UNKNOWN"), ("used", "USED"), ("expired", "EXPIRED"), ("too long", "UNKNOWN")],
)
async def test_a_link_that_cannot_be_used_is_refused_and_nothing_changes(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    settings: Settings,
    clock: FakeClock,
    case: str,
    reason: str,
) -> None:
    user = await make_user("refused@mail.example")
    session = await token_for(user, settings)
    token = await _pending_token(settings, clock, user.email)
    if case == "unknown":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif case == "too long":
        token = "x" * 500
    elif case == "used":
        await ok(client, RESET, {"t": token, "p": NEW_PASSWORD})
        session = await token_for(user, settings)
    else:
        clock.advance(settings.reset_ttl_seconds)
    before = (await User.get(id=user.id)).password_hash
    body = await fails(
        client, "VALIDATION", RESET, {"t": token, "p": "yet another fine passphrase"}
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "VALIDATION", "field": "token", "reason": reason}
    assert (await User.get(id=user.id)).password_hash == before
    assert await auth.authenticate(session, clock=clock) is not None


@pytest.mark.parametrize(
    ("password", "reason"), [("short", "TOO_SHORT"), ("qwerty123456", "COMMON")]
)
async def test_a_weak_password_is_refused_and_the_link_stays_usable(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    settings: Settings,
    clock: FakeClock,
    password: str,
    reason: str,
) -> None:
    user = await make_user("weak@mail.example")
    token = await _pending_token(settings, clock, user.email)
    before = (await User.get(id=user.id)).password_hash
    body = await fails(client, "VALIDATION", RESET, {"t": token, "p": password})
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION",
        "field": "password",
        "reason": reason,
    }
    assert (await User.get(id=user.id)).password_hash == before
    assert await PasswordResetToken.filter(used_at=None).count() == 1
    await ok(client, RESET, {"t": token, "p": NEW_PASSWORD})


async def test_one_link_spends_every_pending_link_of_the_person(
    db: TortoiseContext, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    user = await make_user("twice@mail.example")
    first = await _pending_token(settings, clock, user.email)
    second = await _pending_token(settings, clock, user.email)
    await ok(client, RESET, {"t": second, "p": NEW_PASSWORD})
    body = await fails(client, "VALIDATION", RESET, {"t": first, "p": "another fine passphrase"})
    assert body["errors"][0]["extensions"]["reason"] == "USED"


async def test_requests_are_throttled_per_email_alike_for_known_and_unknown_ones(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    await make_user("known@mail.example")
    for email in ("known@mail.example", "unknown@mail.example"):
        # given as many requests as allowed, each from another address
        for n in range(settings.reset_requests_per_account):
            await password_reset.request_reset(
                email, settings=settings, client_address=f"198.51.100.{n}", clock=clock
            )
        # then the next one is refused, with the same answer whether or not it has an account
        with pytest.raises(RateLimited) as refused:
            await password_reset.request_reset(
                email, settings=settings, client_address="198.51.100.99", clock=clock
            )
        assert refused.value.extensions() == {
            "code": "RATE_LIMITED",
            "limit": "PASSWORD_RESET_PER_ACCOUNT",
        }


async def test_requests_are_throttled_per_address(
    db: TortoiseContext, client: httpx.AsyncClient, settings: Settings
) -> None:
    for n in range(settings.reset_requests_per_address):
        await _request(client, f"person{n}@mail.example")
    body = await fails(client, "RATE_LIMITED", REQUEST, {"e": "one.more@mail.example"})
    assert body["errors"][0]["extensions"]["limit"] == "PASSWORD_RESET_PER_ADDRESS"


async def test_an_account_gets_a_bounded_number_of_mails_an_hour(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await make_user("flooded@mail.example")
    for _ in range(settings.reset_mails_per_account_per_hour + 3):
        await password_reset.request_reset(
            user.email, settings=settings, client_address=None, clock=clock
        )
        clock.advance(61)  # a new minute each time: past the per-minute throttles
    await _deliver(settings, clock)
    assert await OutboxMail.all().count() == settings.reset_mails_per_account_per_hour
    # an hour on, the next request mails again
    clock.advance(3600)
    await password_reset.request_reset(
        user.email, settings=settings, client_address=None, clock=clock
    )
    await _deliver(settings, clock)
    assert await OutboxMail.all().count() == settings.reset_mails_per_account_per_hour + 1


async def test_the_outbox_keeps_the_mail_once_and_logs_the_link_only_outside_production(
    db: TortoiseContext,
    settings: Settings,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = await make_user("outbox@mail.example")
    for mode in ("production", "dev"):
        caplog.clear()
        mode_settings = settings.replace(mode=mode)
        await password_reset.request_reset(
            user.email, settings=mode_settings, client_address=None, clock=clock
        )
        mail_job = await _run_request(mode_settings, clock)
        assert mail_job is not None
        token = _token_from(str(mail_job.payload["text"]))
        with caplog.at_level(logging.INFO, logger="llp_gql.mail"):
            assert await _deliver(mode_settings, clock) == 1
        logged = caplog.text
        assert "outbox@mail.example" in logged
        assert "Reset your password" in logged
        assert (token in logged) is (mode == "dev")
        clock.advance(3600)
    mails = await OutboxMail.all()
    assert len(mails) == 2
    assert {m.recipient for m in mails} == {"outbox@mail.example"}


async def test_the_outbox_stores_a_job_once_even_if_run_twice(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await make_user("once@mail.example")
    await password_reset.request_reset(
        user.email, settings=settings, client_address=None, clock=clock
    )
    assert await _run_request(settings, clock) is not None
    job = await queue.claim(settings=settings, clock=clock)
    assert job is not None
    await mail_jobs.send_mail_job(job, settings=settings, clock=clock)
    # a stale second run of the same claim stores nothing more
    with pytest.raises(mail_jobs.LeaseLost):
        await mail_jobs.send_mail_job(job, settings=settings, clock=clock)
    assert await OutboxMail.all().count() == 1


async def test_housekeeping_deletes_expired_reset_links(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    user = await make_user("old@mail.example")
    await _pending_token(settings, clock, user.email)
    clock.advance(settings.reset_ttl_seconds - 1)
    fresh = await _pending_token(settings, clock, user.email)
    clock.advance(1)
    pruned = await housekeeping.prune_expired(clock=clock, settings=settings)
    assert pruned.reset_tokens == 1
    assert await PasswordResetToken.filter(expires_at__lte=clock()).count() == 0
    assert await password_reset.reset_password(fresh, NEW_PASSWORD, settings=settings, clock=clock)
    assert await AuthToken.all().count() == 0
