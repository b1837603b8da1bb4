"""The password policy, and the bound on hashes in flight (issue 13, R15).

The bound is checked deterministically: a stand-in hasher holds each call for a
moment and records the most calls ever running together, while far more sign-ups,
logins and verifications than the bound are fired at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from tortoise.context import TortoiseContext

from llp_gql.domain import accounts, passwords
from llp_gql.domain.common_passwords import MINIMUM_LIST_SIZE, common_passwords, is_common
from llp_gql.errors import Conflict, WeakPassword
from llp_gql.models import User
from llp_gql.settings import Settings
from tests.fake_hasher import RecordingHasher


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("elevenchars", "TOO_SHORT"),
        ("x" * 257, "TOO_LONG"),
        ("password1234", "COMMON"),
        ("PASSWORD1234", "COMMON"),
        ("Password 1234", "COMMON"),  # spaces do not hide a listed password
        ("1qaz2wsx3edc", "COMMON"),
        ("qwerty123456", "COMMON"),
    ],
)
def test_the_policy_refuses_short_long_and_common_passwords(password: str, reason: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        passwords.check_password_rules(password)
    assert refused.value.extensions() == {
        "code": "VALIDATION",
        "field": "password",
        "reason": reason,
    }
    assert refused.value.message  # says why, in words


@pytest.mark.parametrize(
    "password", ["twelve chars", "correct horse battery staple", "demo-password-123"]
)
def test_the_policy_accepts_long_uncommon_passwords(password: str) -> None:
    passwords.check_password_rules(password)


def test_the_common_list_is_the_maintained_one_and_not_empty() -> None:
    words = common_passwords()
    assert len(words) >= MINIMUM_LIST_SIZE
    assert {"123456", "password", "qwerty"} <= words
    assert is_common("LetMeIn")
    assert not is_common("a jar of quiet marmalade")


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingHasher]:
    """The stand-in hasher, and the pool put back to its size afterwards."""
    before = passwords.max_concurrent_hashes()
    hasher = RecordingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    yield hasher
    passwords.set_max_concurrent_hashes(before)


@pytest.mark.parametrize("bound", [1, 3])
async def test_hashes_in_flight_never_exceed_the_setting(
    db: TortoiseContext, settings: Settings, recording: RecordingHasher, bound: int
) -> None:
    # given a pool of `bound` and an existing account
    passwords.set_max_concurrent_hashes(bound)
    known = await accounts.sign_up(
        "known@mail.example",
        "a long enough password",
        "Kim",
        settings=settings,
        client_address=None,
    )
    recording.peak = 0

    # when 20 sign-ups, 10 sign-ups with a taken email and 20 password checks run at once
    async def sign_up(email: str) -> str:
        try:
            await accounts.sign_up(
                email, "a long enough password", "Flo", settings=settings, client_address=None
            )
        except Conflict:
            return "conflict"
        return "created"

    outcomes = await asyncio.gather(
        *(sign_up(f"flood{i}@mail.example") for i in range(20)),
        *(sign_up("known@mail.example") for _ in range(10)),
        *(
            accounts.check_password(known if i % 2 else None, "guess guess guess")
            for i in range(20)
        ),
    )

    # then every one of them was hashed or verified, never more than `bound` at a time
    assert outcomes.count("created") == 20
    assert outcomes.count("conflict") == 10
    assert outcomes.count(False) == 20
    assert recording.hashes == 21
    assert recording.verifications == 30
    assert recording.peak == bound  # reached (they did overlap), never exceeded
    assert await User.filter(email__startswith="flood").count() == 20


async def test_a_taken_email_costs_a_verification_not_a_hash(
    db: TortoiseContext, settings: Settings, recording: RecordingHasher
) -> None:
    # given an account
    await accounts.sign_up(
        "taken@mail.example",
        "a long enough password",
        "Tia",
        settings=settings,
        client_address=None,
    )
    assert (recording.hashes, recording.verifications) == (1, 0)
    # when someone signs up with the same email
    with pytest.raises(Conflict):
        await accounts.sign_up(
            "Taken@Mail.example",
            "another long password",
            "Tom",
            settings=settings,
            client_address=None,
        )
    # then the answer came without hashing the new password, after work of the same cost
    assert (recording.hashes, recording.verifications) == (1, 1)


async def test_a_refused_password_costs_no_hash(
    db: TortoiseContext, settings: Settings, recording: RecordingHasher
) -> None:
    with pytest.raises(WeakPassword):
        await accounts.sign_up(
            "new@mail.example", "password1234", "Nia", settings=settings, client_address=None
        )
    assert (recording.hashes, recording.verifications) == (0, 0)
    assert not await User.exists(email="new@mail.example")
