"""Logging in and out, bearer tokens and browser sessions.

Tokens are random (256 bits); only their SHA-256 is stored, so a leaked
database does not leak working tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import access, api_keys, audit, ratelimit
from llp_gql.domain.accounts import check_password, clean_email
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.passwords import check_password_rules, hash_password_async
from llp_gql.errors import AccountDeactivated, Unauthenticated, ValidationFailed
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


@dataclass(frozen=True, slots=True)
class BrowserSession:
    """A login through the session cookie (not a bearer token), as a page needs it."""

    user: User
    token: str
    csrf_secret: str | None  # sessions always have one; a page refuses POSTs without


def browser_session(
    user: User | None, row: AuthToken | None, token: str | None
) -> BrowserSession | None:
    """The browser session behind what ``authenticate`` found for a request, or None when
    it found nothing or an API token (which has no CSRF secret and opens no page)."""
    if user is None or row is None or token is None or row.kind != SESSION:
        return None
    return BrowserSession(user, token, row.csrf_secret)


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
    # Hashing takes a while: the password may have changed (and every session ended),
    # or the person been removed, since it was read. The token is issued only against
    # the hash just checked, with the person's row locked (PostgreSQL) so that a
    # change either sees this token and ends it, or comes first and refuses it.
    # Deactivation takes the same lock (membership.deactivate_employee).
    async with in_transaction() as connection:
        current = await User.filter(id=user.id).select_for_update().using_db(connection).first()
        if current is None or current.password_hash != user.password_hash:
            raise Unauthenticated(BAD_LOGIN)
        if current.deactivated_at is not None:
            # Only after the right password: a guesser learns nothing from it.
            raise AccountDeactivated()
        return await issue_token(
            user, settings=settings, kind=kind, clock=clock, connection=connection
        )


async def issue_token(
    user: User,
    *,
    settings: Settings,
    kind: str = API,
    clock: Clock = utcnow,
    connection: BaseDBAsyncClient | None = None,
) -> Issued:
    """A new token (API) or session for ``user``; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    while api_keys.looks_like_key(token):  # that start is an API key's (1 in 16.7 million)
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
        using_db=connection,
    )
    return Issued(token, expires_at, user, csrf_secret)


async def authenticate(
    token: str | None, *, kind: str | None = None, clock: Clock = utcnow
) -> tuple[User, AuthToken] | None:
    """The user behind a token, or None for a missing, unknown or expired one, and for
    a deactivated person's (deactivation deletes their tokens; this check, free since
    the person is loaded anyway, is the defence in depth)."""
    if not token or len(token) > 200:
        return None
    row = await AuthToken.get_or_none(token_hash=_digest(token)).select_related("user")
    if row is None or row.expires_at <= clock() or (kind is not None and row.kind != kind):
        return None
    if row.user.deactivated_at is not None:
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


async def change_password(
    viewer: access.Viewer,
    current_password: str,
    new_password: str,
    *,
    keep_token: str | None,
    settings: Settings,
    clock: Clock = utcnow,
) -> int:
    """Set a new password after checking the current one; end every OTHER session and
    API token of the person, and return how many ended.

    ``keep_token`` (the token or session cookie this request came with) is kept, not
    re-issued: the caller has just proved they know the password, and signing out
    the device in their hand would only make them log in again; a stolen token
    elsewhere dies now. The check of the current password is throttled like a login
    per account, so a stolen session is not a password-guessing oracle.
    """
    user = access.require_user(viewer)
    now = clock()
    await ratelimit.hit(
        f"password-check:{user.id}",
        limit=settings.login_attempts_per_account,
        now=now,
        message="Too many password attempts for this account; wait a minute.",
    )
    # The cheap refusals first: they cost no hash and reveal nothing about the password.
    check_password_rules(new_password, field="newPassword")
    if new_password == current_password:
        raise ValidationFailed(
            "The new password must differ from the current one.", field="newPassword"
        )
    if not await check_password(user, current_password):
        raise ValidationFailed("The current password is not correct.", field="currentPassword")
    password_hash = await hash_password_async(new_password, field="newPassword")
    async with in_transaction() as connection:
        ended = await store_new_password(
            user,
            password_hash,
            connection=connection,
            now=now,
            action=audit.PASSWORD_CHANGED,
            keep_token=keep_token,
        )
    return ended


async def store_new_password(
    user: User,
    password_hash: str,
    *,
    connection: BaseDBAsyncClient,
    now: datetime,
    action: str,
    keep_token: str | None = None,
) -> int:
    """The one way a password changes: store the new hash, end every session and API
    token of the person but ``keep_token``, and audit ``action``, inside the caller's
    transaction. How many sessions ended."""
    _ = await User.filter(id=user.id).using_db(connection).update(password_hash=password_hash)
    others = AuthToken.filter(user_id=user.id)
    if keep_token:
        others = others.exclude(token_hash=_digest(keep_token))
    ended: int = await others.using_db(connection).delete()
    await audit.record(
        action,
        actor=user,
        subject_type="user",
        subject_id=user.id,
        company_id=user.company_id,
        at=now,
        details={"sessions_ended": ended},
    )
    user.password_hash = password_hash
    return ended


async def logout_everywhere(viewer: access.Viewer, *, clock: Clock = utcnow) -> int:
    """End every session (admin UI included) and API token of the caller, this one too;
    return how many ended."""
    user = access.require_user(viewer)
    async with in_transaction():
        ended: int = await AuthToken.filter(user_id=user.id).delete()
        await audit.record(
            audit.LOGGED_OUT_EVERYWHERE,
            actor=user,
            subject_type="user",
            subject_id=user.id,
            company_id=user.company_id,
            at=clock(),
            details={"sessions_ended": ended},
        )
    return ended
