"""Multibase and Multikey encodings of Ed25519 keys and signatures.

``z`` + base58btc is what Data Integrity proofs (``proofValue``) and Multikey
verification methods (``publicKeyMultibase``) use; ``u`` + base64url (no padding) is
the Bitstring Status List's ``encodedList``. Ed25519 public keys carry the multicodec
prefix ``0xed 0x01`` (``z6Mk...``).
"""

from __future__ import annotations

import base64

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {ch: i for i, ch in enumerate(_ALPHABET)}
ED25519_PUB_PREFIX = b"\xed\x01"


class MultibaseError(ValueError):
    """Not a value of the expected multibase form."""


def b58encode(raw: bytes) -> str:
    number = int.from_bytes(raw, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_ALPHABET[rem])
    leading = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * leading + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for ch in text:
        digit = _INDEX.get(ch)
        if digit is None:
            raise MultibaseError("not base58btc")
        number = number * 58 + digit
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def encode_z(raw: bytes) -> str:
    return "z" + b58encode(raw)


def decode_z(text: str, *, max_chars: int = 200) -> bytes:
    """The bytes of a ``z``-multibase string; MultibaseError for anything else (bounded,
    so a hostile input cannot make the quadratic decoder work hard)."""
    if not text.startswith("z") or len(text) > max_chars:
        raise MultibaseError("expected a z-multibase (base58btc) value")
    return b58decode(text[1:])


def encode_u(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_u(text: str) -> bytes:
    if not text.startswith("u"):
        raise MultibaseError("expected a u-multibase (base64url) value")
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise MultibaseError("not base64url") from exc


def ed25519_public_multikey(raw_public: bytes) -> str:
    """``publicKeyMultibase`` of a Multikey: z + base58btc(0xed01 + 32 key bytes)."""
    if len(raw_public) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return encode_z(ED25519_PUB_PREFIX + raw_public)


def ed25519_public_from_multikey(value: str) -> bytes:
    raw = decode_z(value)
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_PREFIX):
        raise MultibaseError("not an Ed25519 Multikey")
    return raw[2:]
