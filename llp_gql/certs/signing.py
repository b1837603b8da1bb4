"""Signed, expiring download tokens bound to one certificate and one user.

A token is the URL-safe base64 (no padding) of 57 bytes, and only that spelling
is accepted (not the standard alphabet, not padded)::

    version (1) | certificate_id (8) | user_id (8) | expires_at (8) | HMAC-SHA256 (32)

The expiry is inside the signed part, so it cannot be extended. The HMAC key
is derived from the application secret per purpose (HKDF, RFC 5869), so a
token made for one purpose is worthless for another and the secret itself is
never used directly. 57 bytes encode to exactly 76 characters with no spare
bits: every character matters, and any change breaks the signature. Rotating
the secret invalidates outstanding tokens, which live for minutes only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import string
import struct
from datetime import datetime
from typing import Literal

_VERSION = 1
_PAYLOAD = struct.Struct(">BQQQ")
_MAC_SIZE = hashlib.sha256().digest_size
_TOKEN_BYTES = _PAYLOAD.size + _MAC_SIZE
_TOKEN_CHARS = 4 * _TOKEN_BYTES // 3  # exact: _TOKEN_BYTES is a multiple of 3
_HKDF_SALT = b"llp-gql key derivation v1"
_MAX_ID = 2**64 - 1
_URLSAFE = frozenset(string.ascii_letters + string.digits + "-_")

Reason = Literal["malformed", "bad_signature", "expired"]

# One purpose per kind of file: a link to the PDF does not open the credential.
DOWNLOAD_PURPOSE = "certificate-download"
CREDENTIAL_PURPOSE = "credential-download"


class BadToken(Exception):
    """A download token that must not be honoured; ``reason`` says why.

    Only the reason is meant for the caller (to phrase the answer); the
    token itself must never be logged.
    """

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A 32-byte key for ``purpose``, derived from ``secret_key`` with HKDF-SHA256."""
    prk = hmac.new(_HKDF_SALT, secret_key.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(prk, purpose.encode("utf-8") + b"\x01", hashlib.sha256).digest()


def make_download_token(
    secret_key: str,
    *,
    certificate_id: int,
    user_id: int,
    now: datetime,
    ttl_seconds: int,
    purpose: str = DOWNLOAD_PURPOSE,
) -> str:
    """A token letting ``user_id`` download ``certificate_id`` for ``ttl_seconds``."""
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    for name, value in (("certificate_id", certificate_id), ("user_id", user_id)):
        if not 0 <= value <= _MAX_ID:
            raise ValueError(f"{name} out of range: {value}")
    expires_at = _epoch(now) + ttl_seconds
    payload = _PAYLOAD.pack(_VERSION, certificate_id, user_id, expires_at)
    mac = hmac.new(derive_key(secret_key, purpose), payload, hashlib.sha256).digest()
    return _encode(payload + mac)


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def read_download_token(
    secret_key: str,
    token: str,
    *,
    now: datetime,
    purpose: str = DOWNLOAD_PURPOSE,
) -> tuple[int, int]:
    """Return ``(certificate_id, user_id)`` of a valid token, else raise ``BadToken``.

    The signature is checked before anything in the payload is believed; the
    caller must still check that this user may download this certificate.
    """
    # One spelling per token: the URL-safe alphabet that make_download_token writes,
    # no padding. Python's decoders also take the standard alphabet ("+/") and
    # padding, so one token would have several accepted forms; the length check also
    # keeps oversized input away from the decoder.
    if len(token) != _TOKEN_CHARS or not _URLSAFE.issuperset(token):
        raise BadToken("malformed")
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError) as exc:
        raise BadToken("malformed") from exc
    if len(raw) != _TOKEN_BYTES or _encode(raw) != token:
        raise BadToken("malformed")
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    expected = hmac.new(derive_key(secret_key, purpose), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise BadToken("bad_signature")
    version, certificate_id, user_id, expires_at = _PAYLOAD.unpack(payload)
    if version != _VERSION:
        # Signed by us, so not an attack: a format this code no longer reads.
        raise BadToken("malformed")
    if _epoch(now) >= expires_at:
        raise BadToken("expired")
    return certificate_id, user_id


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        # A naive datetime would be read as local time: a silent skew.
        raise ValueError("now must be timezone-aware")
    return int(moment.timestamp())
