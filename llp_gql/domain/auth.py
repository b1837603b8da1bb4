"""Logging in and out, bearer tokens and browser sessions.

Tokens are random (256 bits); only their SHA-256 is stored, so a leaked
database does not leak working tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from llp_gql.domain import ratelimit
from llp_gql.domain.accounts import check_password, clean_email
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.errors import Unauthenticated, ValidationFailed
from llp_gql.models import AuthToken, User
from llp_gql.settings import Settings

API = "api"
SESSION = "session"
# One message for an unknown email and a wrong password: nothing to enumerate.
BAD_LOGIN = "The email or password is not correct."


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    expires_at: datetime
    user: User
    csrf_secret: str | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login(
    email: str,
    password: str,
    *,
    settings: Settings,
    client_address: str,
    kind: str = API,
    clock: Clock = utcnow,
) -> Issued:
    """Check the password and hand out a token; throttled per account and per address."""
    now = clock()
    try:
        address = clean_email(email)
    except ValidationFailed:
        # Still throttled, under a key the database accepts (no NUL, bounded length).
        address = "".join(ch for ch in email.strip().lower() if ch.isprintable())[:120]
    await ratelimit.hit(
        f"login-ip:{client_address[:64]}",
        limit=settings.login_attempts_per_address,
        now=now,
        message="Too many login attempts from this address; wait a minute.",
    )
    # Hashed: an email may be longer than the key column, and keys need not be readable.
    await ratelimit.hit(
        f"login-account:{hashlib.sha256(address.encode()).hexdigest()[:32]}",
        limit=settings.login_attempts_per_account,
        now=now,
        message="Too many login attempts for this account; wait a minute.",
    )
    user = await User.get_or_none(email=address)
    if not await check_password(user, password) or user is None:
        raise Unauthenticated(BAD_LOGIN)
    return await issue_token(user, settings=settings, kind=kind, clock=clock)


async def issue_token(
    user: User, *, settings: Settings, kind: str = API, clock: Clock = utcnow
) -> Issued:
    token = secrets.token_urlsafe(32)
    ttl = settings.token_ttl_seconds if kind == API else settings.session_ttl_seconds
    expires_at = clock() + timedelta(seconds=ttl)
    csrf_secret = secrets.token_urlsafe(32) if kind == SESSION else None
    _ = await AuthToken.create(
        user=user,
        token_hash=_digest(token),
        kind=kind,
        expires_at=expires_at,
        csrf_secret=csrf_secret,
    )
    return Issued(token, expires_at, user, csrf_secret)


async def authenticate(
    token: str | None, *, kind: str | None = None, clock: Clock = utcnow
) -> tuple[User, AuthToken] | None:
    """The user behind a token, or None for a missing, unknown or expired one."""
    if not token or len(token) > 200:
        return None
    row = await AuthToken.get_or_none(token_hash=_digest(token)).select_related("user")
    if row is None or row.expires_at <= clock() or (kind is not None and row.kind != kind):
        return None
    return row.user, row


async def logout(token: str | None) -> bool:
    """Revoke the token; True when there was one to revoke."""
    if not token:
        raise Unauthenticated()
    deleted: int = await AuthToken.filter(token_hash=_digest(token)).delete()
    return deleted > 0


async def prune_expired(*, clock: Clock = utcnow) -> int:
    deleted: int = await AuthToken.filter(expires_at__lte=clock()).delete()
    return deleted
