"""API keys for HR and learning systems: made, listed, revoked, and recognised.

A key reads ``llp_<prefix>_<secret>``: the prefix (12 hex digits after ``llp_``) is
public and unique, shown in lists and logs; the secret is 256 random bits. Only the
SHA-256 of the whole key is stored. A request's key is looked up by its prefix and
its digest compared in constant time, so the time taken does not tell how much of a
guess was right. What a key may do is decided in ``access_keys.py`` and ``access.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from llp_gql.domain import access, access_keys, audit
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.locks import lock_company, lock_user
from llp_gql.domain.principals import key_principal
from llp_gql.errors import RateLimited, TooMany, ValidationFailed
from llp_gql.models import ApiKey, User
from llp_gql.settings import Settings

KEY_PATTERN = re.compile(r"llp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
MAX_NAME = 100
# last_used_at moves at most this often per key: one write a minute, not one a request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Compared against when the prefix is unknown, so that a miss costs the same compare.
_NO_KEY_DIGEST = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just made: ``key`` is the only time its secret exists outside the caller."""

    key: str
    row: ApiKey


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(token: str) -> bool:
    """Whether a bearer token is meant as an API key (then it is never a login token)."""
    return token.startswith("llp_")


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME or any(ord(ch) < 32 for ch in cleaned):
        raise ValidationFailed(
            f"Name the key (1 to {MAX_NAME} characters, e.g. the system that uses it).",
            field="name",
        )
    return cleaned


async def create_key(
    viewer: access.Viewer,
    name: str,
    scopes: list[str],
    *,
    settings: Settings,
    clock: Clock = utcnow,
) -> NewKey:
    """Make a key for the viewer's company (staff: a platform key). Limited per creator
    per hour (RATE_LIMITED, limit API_KEYS_PER_HOUR) and in active keys per company
    (VALIDATION, limit MAX_ACTIVE_API_KEYS); audited."""
    company_id = access_keys.company_for_new_key(viewer)
    actor = access.require_user(viewer)
    cleaned = _clean_name(name)
    stored_scopes = access_keys.clean_scopes(scopes, staff=company_id is None)
    now = clock()
    async with in_transaction() as connection:
        # Serialise the counts below: keys of one company (or one staff member's) at a time.
        if company_id is not None:
            await lock_company(company_id, connection)
        else:
            _ = await lock_user(actor.id, connection)
        made = (
            await ApiKey.filter(created_by_id=actor.id, created_at__gt=now - timedelta(hours=1))
            .using_db(connection)
            .count()
        )
        if made >= settings.api_keys_per_admin_per_hour:
            raise RateLimited(
                f"You have made {made} API keys within the last hour; wait a while.",
                limit="API_KEYS_PER_HOUR",
            )
        active = (
            await ApiKey.filter(company_id=company_id, revoked_at__isnull=True)
            .using_db(connection)
            .count()
        )
        if active >= settings.max_api_keys_per_company:
            raise TooMany(
                f"At most {settings.max_api_keys_per_company} keys may be active at once; "
                "revoke one first.",
                field="name",
                limit="MAX_ACTIVE_API_KEYS",
            )
        prefix = f"llp_{secrets.token_hex(6)}"
        key = f"{prefix}_{secrets.token_urlsafe(32)}"
        row = await ApiKey.create(
            company_id=company_id,
            name=cleaned,
            prefix=prefix,
            key_hash=digest(key),
            scopes=stored_scopes,
            created_by_id=actor.id,
            created_at=now,
            using_db=connection,
        )
        await audit.record(
            audit.API_KEY_CREATED,
            actor=actor,
            subject_type="api_key",
            subject_id=row.id,
            company_id=company_id,
            at=now,
            details={"prefix": prefix, "scopes": stored_scopes},
        )
    return NewKey(key, row)


async def revoke_key(viewer: access.Viewer, key_id: int, *, clock: Clock = utcnow) -> ApiKey:
    """Revoke a key the viewer manages (NOT_FOUND otherwise); refused from the next
    request on. Revoking a revoked key changes nothing."""
    row = await access_keys.access_api_key(viewer, key_id)
    actor = access.require_user(viewer)
    if row.revoked_at is not None:
        return row
    now = clock()
    async with in_transaction() as connection:
        changed = (
            await ApiKey.filter(id=row.id, revoked_at__isnull=True)
            .using_db(connection)
            .update(revoked_at=now)
        )
        if changed:
            await audit.record(
                audit.API_KEY_REVOKED,
                actor=actor,
                subject_type="api_key",
                subject_id=row.id,
                company_id=row.company_id,
                at=now,
                details={"prefix": row.prefix},
            )
    await row.refresh_from_db()
    return row


async def list_keys(viewer: access.Viewer) -> list[ApiKey]:
    """The keys the viewer manages, newest first, revoked ones included."""
    return list(
        await access_keys.visible_api_keys(viewer).order_by("-id").select_related("created_by")
    )


async def authenticate_key(token: str, *, clock: Clock = utcnow) -> User | None:
    """The principal a key acts as, or None for a malformed, unknown, forged or revoked
    key. Read from the database on every request: revocation works at once."""
    match = KEY_PATTERN.fullmatch(token)
    if match is None:
        return None
    row = await ApiKey.get_or_none(prefix=f"llp_{match.group(1)}")
    expected = row.key_hash if row is not None else _NO_KEY_DIGEST
    if not hmac.compare_digest(digest(token), expected) or row is None:
        return None
    if row.revoked_at is not None:
        return None
    now = clock()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so that workers racing within the same minute write once.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        _ = await ApiKey.filter(stale, id=row.id).update(last_used_at=now)
        row.last_used_at = now
    return key_principal(row)
