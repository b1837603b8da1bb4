"""The Bitstring Status List's ``encodedList`` (W3C vc-bitstring-status-list, section 3):
a bitstring, most significant bit first (index 0 is the left-most bit of the first
byte), GZIP-compressed and written as u + base64url without padding.

The GZIP header carries no time stamp (mtime 0), so the same list gives the same
bytes and the same signed credential.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable

from llp_gql.vc.multibase import decode_u, encode_u

# The specification's minimum: 16 KiB, so a list hides which of many credentials is meant.
MIN_BITS = 131_072


def encode(set_indexes: Iterable[int], *, size: int = MIN_BITS) -> str:
    if size % 8:
        raise ValueError("size must be a whole number of bytes")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    return encode_u(gzip.compress(bytes(bits), mtime=0))


def decode(encoded: str, *, max_bytes: int = MIN_BITS) -> bytes:
    """The raw bitstring (for tests and checks); at most ``max_bytes`` once inflated."""
    compressed = decode_u(encoded)
    with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
        raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError("the list is larger than allowed")
    return raw


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
