"""Forgotten passwords: a single-use, expiring link by mail, for everyone.

Asking answers the same whether or not the email has an account (nothing to
enumerate); only a digest of each link's token is stored, so a leaked database
or backup holds no working link. Using a link sets the password (the policy
applies), spends the link and every other pending one of the person, and ends
every session and API token they had.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import audit, auth, queue, ratelimit
from llp_gql.domain.accounts import clean_email
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.invitations import INVITE_PURPOSE
from llp_gql.domain.passwords import check_password_rules, hash_password_async
from llp_gql.errors import InvalidResetToken, RateLimited
from llp_gql.mail.compose import MAIL_JOB, render
from llp_gql.models import Job, PasswordResetToken, User
from llp_gql.settings import Settings

# Where the link leads: the learner app's page (docs/password-reset.md, the contract).
RESET_PATH = "/learn/reset"
MAX_TOKEN_LENGTH = 200
RESET_PURPOSE = "reset"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_link(token: str, settings: Settings, *, purpose: str = "reset") -> str:
    """The address mailed to the person: the learner app's reset page with the token.

    An invitation's link says so (``kind=invite``): the page greets a newcomer, and
    still words its refusal as an invitation's once housekeeping has deleted an
    expired token (which then is UNKNOWN). Only the wording follows it."""
    query = {"token": token, **({"kind": "invite"} if purpose == "invite" else {})}
    return f"{settings.public_base_url}{RESET_PATH}?{urlencode(query)}"


async def _throttle(key: str, *, limit: int, now: datetime, limit_code: str, message: str) -> None:
    if await ratelimit.count(key, now) > limit:
        raise RateLimited(message, limit=limit_code)


REQUEST_JOB = "password_reset.request"


async def request_reset(
    email: str, *, settings: Settings, client_address: str | None, clock: Clock = utcnow
) -> None:
    """Mail a reset link to ``email`` when it has an account; answer the same either way.

    Throttled per client address (``LLP_RESET_REQUESTS_PER_ADDRESS`` a minute) and per
    email asked about (``LLP_RESET_REQUESTS_PER_ACCOUNT``), counted alike for addresses
    with and without an account, so the throttle reveals nothing either.

    The request itself does the same work for every address: it queues one
    ``password_reset.request`` job with the normalised email. Whether the email has
    an account, the hourly cap, the link and the mail are the job's business
    (``request_reset_job``), after the answer, so the answer's timing says nothing
    about the address either (it once took a few milliseconds longer with an account).
    """
    now = clock()
    if client_address is not None:
        await _throttle(
            f"reset-ip:{client_address[:64]}",
            limit=settings.reset_requests_per_address,
            now=now,
            limit_code="PASSWORD_RESET_PER_ADDRESS",
            message="Too many password reset requests from this address; wait a minute.",
        )
    address = clean_email(email)
    await _throttle(
        f"reset-account:{hashlib.sha256(address.encode()).hexdigest()[:32]}",
        limit=settings.reset_requests_per_account,
        now=now,
        limit_code="PASSWORD_RESET_PER_ACCOUNT",
        message="Too many password reset requests for this email; wait a minute.",
    )
    # One statement, alike for every address; the key is random (every request is its own).
    await queue.enqueue(
        REQUEST_JOB, {"email": address}, key=f"reset:{secrets.token_hex(16)}", clock=clock
    )


async def request_reset_job(job: Job, *, settings: Settings, clock: Clock = utcnow) -> None:
    """Make the link and queue its mail when the email has an active account under the
    hourly cap (``LLP_RESET_MAILS_PER_ACCOUNT_PER_HOUR``; beyond it, silently nothing:
    nobody can flood someone's inbox through this).

    One transaction with marking the job done, and the mail job's key is this job's, so
    a run repeated after a crash queues no second mail. The finished job keeps no email."""
    address = str(job.payload.get("email", ""))
    now = clock()
    async with in_transaction() as connection:
        user = await User.filter(email=address).using_db(connection).first()
        if user is not None and user.deactivated_at is None:
            recent = (
                await PasswordResetToken.filter(
                    user_id=user.id, purpose=RESET_PURPOSE, created_at__gt=now - timedelta(hours=1)
                )
                .using_db(connection)
                .count()
            )
            if recent < settings.reset_mails_per_account_per_hour:
                await _create_reset_link(
                    user, job, settings=settings, now=now, connection=connection
                )
        done = await queue.complete(job, clock=clock, payload={}, connection=connection)
        if not done:
            from llp_gql.mail.jobs import LeaseLost

            raise LeaseLost(f"job {job.id} was taken over")


async def new_link(
    user: User, purpose: str, ttl_seconds: int, *, now: datetime, connection: BaseDBAsyncClient
) -> str:
    """A new single-use link token of ``purpose`` ("reset" or "invite") for ``user``, in
    ``connection``'s transaction; only its digest is stored. Returns the token to mail."""
    token = secrets.token_urlsafe(32)
    _ = await PasswordResetToken.create(
        user_id=user.id,
        token_hash=_digest(token),
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
        using_db=connection,
    )
    return token


async def _create_reset_link(
    user: User, job: Job, *, settings: Settings, now: datetime, connection: BaseDBAsyncClient
) -> None:
    token = await new_link(
        user, RESET_PURPOSE, settings.reset_ttl_seconds, now=now, connection=connection
    )
    mail = render(
        "password_reset",
        to=user.email,
        context={
            "name": user.name,
            "email": user.email,
            "link": reset_link(token, settings),
            "valid_minutes": settings.reset_ttl_seconds // 60,
        },
    )
    await queue.enqueue(
        MAIL_JOB,
        mail.payload(),
        key=f"mail:password-reset:{job.id}",
        connection=connection,
        clock=lambda: now,
    )
    await audit.record(
        audit.PASSWORD_RESET_REQUESTED,
        actor=None,
        subject_type="user",
        subject_id=user.id,
        company_id=user.company_id,
        at=now,
    )


# What a link that cannot be used says, by its purpose: an invitation's holder asks their
# admin for a new one, a reset's holder asks for a new link themselves.
_REFUSALS = {
    RESET_PURPOSE: {
        "UNKNOWN": "This reset link is not valid.",
        "USED": "This reset link has been used already; ask for a new one.",
        "EXPIRED": "This reset link has expired; ask for a new one.",
        "DEACTIVATED": "This account has been deactivated; the link no longer works.",
    },
    INVITE_PURPOSE: {
        "UNKNOWN": "This invitation link is not valid; ask your company admin for a new "
        "invitation.",
        "USED": "This invitation has been used already; sign in, or ask your company admin "
        "for a new invitation.",
        "EXPIRED": "This invitation has expired; ask your company admin for a new invitation.",
        "DEACTIVATED": "This account has been deactivated; the invitation no longer works.",
    },
}


def refusal(reason: str, purpose: str) -> InvalidResetToken:
    """The error for a link that cannot be used, worded for its purpose."""
    words = _REFUSALS.get(purpose, _REFUSALS[RESET_PURPOSE])
    return InvalidResetToken(words.get(reason, words["UNKNOWN"]), reason=reason, purpose=purpose)


async def _usable(token: str, *, clock: Clock, hint: str = RESET_PURPOSE) -> PasswordResetToken:
    """The pending link behind ``token``, or VALIDATION with reason UNKNOWN, USED or
    EXPIRED (the holder of a link may learn which: it helps them and no one else).
    ``hint`` words a refusal of an unknown token (the link says what it was meant to be;
    a known token's own purpose wins)."""
    row = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        row = await PasswordResetToken.get_or_none(token_hash=_digest(token))
    if row is None:
        raise refusal("UNKNOWN", hint)
    if row.used_at is not None:
        raise refusal("USED", row.purpose)
    if row.expires_at <= clock():
        raise refusal("EXPIRED", row.purpose)
    return row


async def link_purpose(token: str, *, clock: Clock = utcnow, hint: str = RESET_PURPOSE) -> str:
    """``"reset"`` or ``"invite"`` for a usable link (how its page greets the person);
    VALIDATION like ``reset_password`` for one that cannot be used. Reads only."""
    return (await _usable(token, clock=clock, hint=hint)).purpose


async def reset_password(
    token: str,
    new_password: str,
    *,
    settings: Settings,
    clock: Clock = utcnow,
    hint: str = RESET_PURPOSE,
) -> User:
    """Set a new password with a reset link's or an invitation's token; end every session
    of the person. A deactivated person's link is refused (reason DEACTIVATED).

    The link is spent by a conditional update (``used_at`` still empty), so two
    requests racing with one link set the password once: the other gets USED.
    Refusals store nothing and leave the link usable (a weak password can be
    corrected)."""
    row = await _usable(token, clock=clock, hint=hint)
    check_password_rules(new_password, field="password")
    password_hash = await hash_password_async(new_password, field="password")
    now = clock()
    async with in_transaction() as connection:
        spent = await (
            PasswordResetToken.filter(id=row.id, used_at=None, expires_at__gt=now)
            .using_db(connection)
            .update(used_at=now)
        )
        if spent != 1:
            raise refusal("USED", row.purpose)
        user = await User.filter(id=row.user_id).using_db(connection).first()
        if user is None:  # removed meanwhile (its links would be gone too): as unknown
            raise refusal("UNKNOWN", row.purpose)
        if user.deactivated_at is not None:  # rolls the spending back: nothing changes
            raise refusal("DEACTIVATED", row.purpose)
        # Every other pending link of the person dies with this one.
        _ = await (
            PasswordResetToken.filter(user_id=user.id, used_at=None)
            .using_db(connection)
            .update(used_at=now)
        )
        _ = await auth.store_new_password(
            user, password_hash, connection=connection, now=now, action=audit.PASSWORD_RESET
        )
    return user


async def prune_expired(*, now_clock: Clock = utcnow) -> int:
    """Delete reset tokens past their expiry, used or not (R18)."""
    deleted: int = await PasswordResetToken.filter(expires_at__lte=now_clock()).delete()
    return deleted
