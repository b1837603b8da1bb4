"""Download tokens: bound to certificate, user, purpose and key; expiring; tamper-evident."""

from __future__ import annotations

import base64
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from llp_gql.certs.signing import BadToken, derive_key, make_download_token, read_download_token

SECRET = "test-secret-key-that-is-long-enough-0123456789"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TTL = 300


def token(**changes: object) -> str:
    args: dict[str, object] = {
        "certificate_id": 42,
        "user_id": 7,
        "now": NOW,
        "ttl_seconds": TTL,
    }
    args.update(changes)
    return make_download_token(SECRET, **args)  # type: ignore[arg-type]


def reason(raw: str, *, secret: str = SECRET, now: datetime = NOW, **kwargs: str) -> str:
    with pytest.raises(BadToken) as caught:
        read_download_token(secret, raw, now=now, **kwargs)
    return caught.value.reason


def test_round_trip() -> None:
    assert read_download_token(SECRET, token(), now=NOW) == (42, 7)


def test_token_is_url_safe() -> None:
    raw = token(certificate_id=2**63, user_id=2**64 - 1)

    assert set(raw) <= set(string.ascii_letters + string.digits + "-_")
    assert read_download_token(SECRET, raw, now=NOW) == (2**63, 2**64 - 1)


def test_valid_until_just_before_expiry() -> None:
    last_second = NOW + timedelta(seconds=TTL - 1)

    assert read_download_token(SECRET, token(), now=last_second) == (42, 7)


def test_expired_token_is_refused() -> None:
    assert reason(token(), now=NOW + timedelta(seconds=TTL)) == "expired"


def test_every_changed_character_is_refused() -> None:
    raw = token()
    alphabet = string.ascii_letters + string.digits + "-_"
    for position, char in enumerate(raw):
        replacement = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
        tampered = raw[:position] + replacement + raw[position + 1 :]
        assert reason(tampered) == "bad_signature", position


def test_a_character_outside_the_alphabet_is_malformed() -> None:
    raw = token()

    assert reason(raw[:10] + "!" + raw[11:]) == "malformed"
    assert reason(raw[:10] + "=" + raw[11:]) == "malformed"


@pytest.mark.parametrize("cut", [1, 4, 20, 75])
def test_truncated_token_is_refused(cut: int) -> None:
    assert reason(token()[:-cut]) == "malformed"


@pytest.mark.parametrize("extra", ["A", "AAAA", "==", " "])
def test_extended_token_is_refused(extra: str) -> None:
    assert reason(token() + extra) == "malformed"


@pytest.mark.parametrize("raw", ["", "not a token", "é" * 76, "A" * 10_000])
def test_garbage_is_malformed(raw: str) -> None:
    assert reason(raw) == "malformed"


def test_other_purpose_is_refused() -> None:
    assert reason(token(), purpose="password-reset") == "bad_signature"
    raw = make_download_token(
        SECRET, certificate_id=42, user_id=7, now=NOW, ttl_seconds=TTL, purpose="export"
    )
    assert read_download_token(SECRET, raw, now=NOW, purpose="export") == (42, 7)
    assert reason(raw) == "bad_signature"


def test_other_key_is_refused() -> None:
    # After the secret is rotated, outstanding links stop working.
    assert reason(token(), secret=SECRET + "-rotated") == "bad_signature"


def test_payload_swap_keeps_no_signature() -> None:
    # Given two valid tokens, splice the payload of one onto the MAC of the other
    mine = base64.urlsafe_b64decode(token(user_id=7))
    theirs = base64.urlsafe_b64decode(token(user_id=8))
    spliced = base64.urlsafe_b64encode(theirs[:25] + mine[25:]).decode()

    assert reason(spliced) == "bad_signature"


def test_expiry_cannot_be_extended_by_editing_it() -> None:
    raw = bytearray(base64.urlsafe_b64decode(token()))
    raw[24] ^= 0xFF  # lowest byte of the expiry time

    assert reason(base64.urlsafe_b64encode(bytes(raw)).decode()) == "bad_signature"


def test_keys_differ_per_purpose_and_secret() -> None:
    keys = {
        derive_key(SECRET, "certificate-download"),
        derive_key(SECRET, "export"),
        derive_key(SECRET + "x", "certificate-download"),
    }

    assert len(keys) == 3
    assert all(len(key) == 32 for key in keys)
    assert derive_key(SECRET, "export") == derive_key(SECRET, "export")


def test_naive_now_is_rejected_rather_than_read_as_local_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        token(now=datetime(2026, 11, 28, 12, 0))


@pytest.mark.parametrize(
    "changes", [{"ttl_seconds": 0}, {"certificate_id": -1}, {"user_id": 2**64}]
)
def test_nonsense_arguments_are_rejected(changes: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"ttl_seconds|out of range"):
        token(**changes)


def _with_both_url_safe_characters() -> str:
    """A genuine token holding both '-' and '_' (most do; search a few expiries)."""
    for ttl in range(TTL, TTL + 200):
        raw = token(ttl_seconds=ttl)
        if "-" in raw and "_" in raw:
            return raw
    raise AssertionError("no token with both '-' and '_' in 200 tries")


@pytest.mark.parametrize(
    ("label", "respell"),
    [
        ("standard alphabet", lambda t: t.replace("-", "+").replace("_", "/")),
        ("only '-' as '+'", lambda t: t.replace("-", "+")),
        ("only '_' as '/'", lambda t: t.replace("_", "/")),
        ("padded", lambda t: t + "=="),
        ("one pad", lambda t: t + "="),
        ("pad inside", lambda t: t[:-1] + "="),
    ],
)
def test_only_the_canonical_spelling_is_accepted(label: str, respell: Callable[[str], str]) -> None:
    # given a genuine token and another spelling of the same bytes
    genuine = _with_both_url_safe_characters()
    other = respell(genuine)
    assert other != genuine
    if label == "standard alphabet":
        # the very same bytes: Python's lenient decoder would have taken them
        assert base64.b64decode(other + "=" * (-len(other) % 4)) == base64.urlsafe_b64decode(
            genuine
        )
    # when read, then refused as malformed, while the genuine one is fine
    assert reason(other) == "malformed"
    assert read_download_token(SECRET, genuine, now=NOW) == (42, 7)
