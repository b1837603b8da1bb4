"""Opaque IDs: ``base64url("Type:pk")``.

Clients must not build or parse them; a malformed or mistyped ID is simply an
object that does not exist (NOT_FOUND), never a server error.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from llp_gql.errors import NotFound

# Primary keys are 32-bit integers in the database; a bigger number names nothing.
MAX_PK = 2**31 - 1


def parse_pk(text: str) -> int | None:
    """A primary key from ASCII digits within range, or None (never superscripts or
    digits of other scripts, which str.isdigit() accepts)."""
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_PK else None


def encode_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_id(type_name: str, value: str) -> int:
    """The primary key inside an ID of ``type_name``, or NOT_FOUND."""
    if len(value) > 64:
        raise NotFound(type_name)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NotFound(type_name) from None
    prefix, _, number = raw.partition(":")
    pk = parse_pk(number)
    if prefix != type_name or pk is None:
        raise NotFound(type_name)
    return pk


def decode_ids(type_name: str, values: Sequence[str]) -> list[int]:
    return [decode_id(type_name, v) for v in values]
