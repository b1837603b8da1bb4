"""The issuer's Ed25519 signing keys (DESIGN.md section 4, "Portable and signed").

- One key is *active* (the newest row not retired); it signs every new credential
  and status list. The first one is made on first use.
- Keys are numbered: kid ``key-1``, ``key-2``, ... The next kid is the number of keys
  so far plus one, and ``kid`` is unique in the database. Two workers making the first
  key at once either compute the same kid (the database keeps one) or the later one
  sees the earlier one's key before inserting (see ``_create``): the loser reads the
  winner's key. There is never more than one active key.
- ``rotate`` makes a new key and retires the others in one transaction. Retired keys
  stay published (did.json, jwks.json), so what they signed still verifies.
- The private key is stored as PKCS#8 PEM encrypted with a key derived from
  ``LLP_SECRET_KEY`` (HKDF, purpose ``signing-key``). A key the current secret cannot
  open (the secret was changed; dev and demo draw a new secret at every start) cannot
  sign: it is retired and a new one is made, logged as a warning; its public half stays
  published, so nothing it signed stops verifying.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.certs.signing import derive_key
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.models import SigningKey
from llp_gql.vc.multibase import ed25519_public_from_multikey, ed25519_public_multikey

logger = logging.getLogger("llp_gql.signing_keys")

_PURPOSE = "signing-key"
_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """A public key as the DID document shows it."""

    kid: str
    public_multibase: str
    created_at: datetime
    retired_at: datetime | None

    def public_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(
            ed25519_public_from_multikey(self.public_multibase)
        )


@dataclass(frozen=True, slots=True)
class ActiveKey:
    kid: str
    private_key: Ed25519PrivateKey


class KeyUnreadable(Exception):
    """The stored private key cannot be opened with the current secret."""


def _password(secret_key: str) -> bytes:
    return derive_key(secret_key, _PURPOSE).hex().encode("ascii")


def _seal(key: Ed25519PrivateKey, secret_key: str) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password(secret_key)),
    ).decode("ascii")


@lru_cache(maxsize=16)
def _open(private_pem: str, secret_key: str) -> Ed25519PrivateKey:
    """Decrypt a stored key (cached: the row never changes and opening costs a KDF)."""
    try:
        key = serialization.load_pem_private_key(
            private_pem.encode("ascii"), password=_password(secret_key)
        )
    except (ValueError, TypeError) as exc:
        raise KeyUnreadable("the signing key does not open with this secret") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnreadable("the stored key is not an Ed25519 key")
    return key


def _public_multibase(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return ed25519_public_multikey(raw)


class _Superseded(Exception):
    """Another worker changed the active key first: nothing to do."""


_ANY = "any"


async def _create(
    secret_key: str, *, now: datetime, retire_others: bool, replacing: str | None = _ANY
) -> SigningKey | None:
    """Insert the next key (retiring the others when rotating); None when another
    worker got there first. ``replacing``: only while the newest active key is this kid
    (None: only while there is no active key); ``_ANY``: in any case (a rotation).

    Counting first, then checking the active key, then inserting: whoever commits a key
    first either makes the other's count give the same kid (the unique index refuses
    the second insert) or is seen by the other's check, also under READ COMMITTED."""
    key = Ed25519PrivateKey.generate()
    try:
        async with in_transaction() as connection:
            kid = f"key-{await SigningKey.all().using_db(connection).count() + 1}"
            if replacing != _ANY:
                newest = (
                    await SigningKey.filter(retired_at=None)
                    .using_db(connection)
                    .order_by("-id")
                    .first()
                )
                if (newest.kid if newest else None) != replacing:
                    raise _Superseded
            row = await SigningKey.create(
                using_db=connection,
                kid=kid,
                private_pem=_seal(key, secret_key),
                public_multibase=_public_multibase(key),
                created_at=now,
            )
            if retire_others:
                await (
                    SigningKey.filter(retired_at=None, id__not=row.id)
                    .using_db(connection)
                    .update(retired_at=now)
                )
    except (IntegrityError, _Superseded):
        return None
    return row


async def _newest_active() -> SigningKey | None:
    return await SigningKey.filter(retired_at=None).order_by("-id").first()


async def active_key(secret_key: str, *, clock: Clock = utcnow) -> ActiveKey:
    """The key that signs now, made on first use (race-safe, see the module docstring)."""
    for _ in range(_ATTEMPTS):
        row = await _newest_active()
        if row is None:
            _ = await _create(secret_key, now=clock(), retire_others=False, replacing=None)
            continue  # ours or the winner's: read it back
        try:
            return ActiveKey(kid=row.kid, private_key=_open(row.private_pem, secret_key))
        except KeyUnreadable:
            logger.warning(
                "signing key %s does not open with the current LLP_SECRET_KEY; "
                "retiring it (it stays published) and making a new one",
                row.kid,
            )
            _ = await _create(secret_key, now=clock(), retire_others=True, replacing=row.kid)
    raise RuntimeError("Could not obtain a signing key.")


async def rotate(secret_key: str, *, clock: Clock = utcnow) -> PublishedKey:
    """Make a new active key and retire the others (they stay published). Of two
    rotations at once, the second finds its kid taken and tries again on the new state:
    each call makes one key, and exactly one key is active afterwards."""
    for _ in range(_ATTEMPTS):
        row = await _create(secret_key, now=clock(), retire_others=True)
        if row is not None:
            return PublishedKey(row.kid, row.public_multibase, row.created_at, row.retired_at)
    raise RuntimeError("Could not rotate the signing key.")


async def published_keys() -> list[PublishedKey]:
    """Every key ever made, oldest first: what verifiers resolve."""
    rows = (
        await SigningKey.all()
        .order_by("id")
        .only("kid", "public_multibase", "created_at", "retired_at")
    )
    return [PublishedKey(r.kid, r.public_multibase, r.created_at, r.retired_at) for r in rows]


async def published_key(kid: str) -> PublishedKey | None:
    if len(kid) > 64:
        return None
    row = await SigningKey.get_or_none(kid=kid).only(
        "kid", "public_multibase", "created_at", "retired_at"
    )
    if row is None:
        return None
    return PublishedKey(row.kid, row.public_multibase, row.created_at, row.retired_at)
