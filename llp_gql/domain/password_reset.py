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

from tortoise.transactions import in_transaction

from llp_gql.domain import audit, auth, queue, ratelimit
from llp_gql.domain.accounts import clean_email
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.passwords import check_password_rules, hash_password_async
from llp_gql.errors import InvalidResetToken, RateLimited
from llp_gql.mail.compose import MAIL_JOB, render
from llp_gql.models import PasswordResetToken, User
from llp_gql.settings import Settings

# Where the link leads: the learner app's page (docs/password-reset.md, the contract).
RESET_PATH = "/learn/reset"
MAX_TOKEN_LENGTH = 200


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_link(token: str, settings: Settings) -> str:
    """The address mailed to the person: the learner app's reset page with the token."""
    return f"{settings.public_base_url}{RESET_PATH}?{urlencode({'token': token})}"


async def _throttle(key: str, *, limit: int, now: datetime, limit_code: str, message: str) -> None:
    if await ratelimit.count(key, now) > limit:
        raise RateLimited(message, limit=limit_code)


async def request_reset(
    email: str, *, settings: Settings, client_address: str | None, clock: Clock = utcnow
) -> None:
    """Mail a reset link to ``email`` when it has an account; answer the same either way.

    Throttled per client address (``LLP_RESET_REQUESTS_PER_ADDRESS`` a minute) and per
    email asked about (``LLP_RESET_REQUESTS_PER_ACCOUNT``), counted alike for addresses
    with and without an account, so the throttle reveals nothing either. Beyond
    ``LLP_RESET_MAILS_PER_ACCOUNT_PER_HOUR`` links in an hour an account gets no more
    mail, silently: nobody can flood someone's inbox through this.
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
    user = await User.get_or_none(email=address)
    # A person who left their company gets no mail: their access is their admin's call.
    if user is None or user.deactivated_at is not None:
        return
    recent = await PasswordResetToken.filter(
        user_id=user.id, created_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= settings.reset_mails_per_account_per_hour:
        return
    token = secrets.token_urlsafe(32)
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
    async with in_transaction() as connection:
        row = await PasswordResetToken.create(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.reset_ttl_seconds),
            using_db=connection,
        )
        await queue.enqueue(
            MAIL_JOB,
            mail.payload(),
            key=f"mail:password-reset:{row.id}",
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


async def _usable(token: str, *, clock: Clock) -> PasswordResetToken:
    """The pending reset behind ``token``, or VALIDATION with reason UNKNOWN, USED or
    EXPIRED (the holder of a link may learn which: it helps them and no one else)."""
    row = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        row = await PasswordResetToken.get_or_none(token_hash=_digest(token))
    if row is None:
        raise InvalidResetToken("This reset link is not valid.", reason="UNKNOWN")
    if row.used_at is not None:
        raise InvalidResetToken(
            "This reset link has been used already; ask for a new one.", reason="USED"
        )
    if row.expires_at <= clock():
        raise InvalidResetToken("This reset link has expired; ask for a new one.", reason="EXPIRED")
    return row


async def reset_password(
    token: str, new_password: str, *, settings: Settings, clock: Clock = utcnow
) -> User:
    """Set a new password with a reset link's token; end every session of the person.

    The link is spent by a conditional update (``used_at`` still empty), so two
    requests racing with one link set the password once: the other gets USED.
    Refusals store nothing and leave the link usable (a weak password can be
    corrected)."""
    row = await _usable(token, clock=clock)
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
            raise InvalidResetToken(
                "This reset link has been used already; ask for a new one.", reason="USED"
            )
        user = await User.filter(id=row.user_id).using_db(connection).first()
        # Removed meanwhile (its links would be gone too), or deactivated (its links were
        # spent then; a link made in the same instant still opens nothing): as unknown.
        if user is None or user.deactivated_at is not None:
            raise InvalidResetToken("This reset link is not valid.", reason="UNKNOWN")
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
