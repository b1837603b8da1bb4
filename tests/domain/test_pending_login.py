"""An invited person who has not set a password yet cannot sign in, and the refusal is
a wrong password's: same code, same words, same work (the dummy hash is verified)."""

from __future__ import annotations

import httpx
import pytest
from tortoise.context import TortoiseContext

from llp_gql.domain import accounts, invitations, passwords
from llp_gql.domain.auth import BAD_LOGIN
from llp_gql.models import AccountType, User
from tests.factories import PASSWORD, make_company, make_user
from tests.gql import fails

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
# The password of the dummy hash every refused login is verified against.
DUMMY_PASSWORD = "not-a-real-password-but-same-cost"


async def _pending(email: str) -> User:
    company = await make_company("Acme")
    return await User.create(
        email=email,
        name="Invited Person",
        password_hash=invitations.PENDING,
        account_type=AccountType.EMPLOYEE,
        company_id=company.id,
    )


@pytest.mark.parametrize("password", ["", PASSWORD, DUMMY_PASSWORD])
async def test_a_pending_person_is_refused_like_a_wrong_password(
    db: TortoiseContext, client: httpx.AsyncClient, password: str
) -> None:
    await _pending("invited@acme.example")
    await make_user("known@mail.example")
    pending = await fails(
        client, "UNAUTHENTICATED", LOGIN, {"e": "invited@acme.example", "p": password}
    )
    wrong = await fails(
        client, "UNAUTHENTICATED", LOGIN, {"e": "known@mail.example", "p": "wrong " * 3}
    )
    assert pending["errors"][0]["message"] == wrong["errors"][0]["message"] == BAD_LOGIN
    assert pending["errors"][0]["extensions"] == wrong["errors"][0]["extensions"]


async def test_a_pending_person_is_checked_against_the_dummy_hash(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a record of what each password check verified against
    seen: list[str | None] = []
    real = passwords.verify_password

    def recording(password_hash: str | None, password: str) -> bool:
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", recording)
    user = await _pending("dummy@acme.example")
    # when their password is checked, with the dummy's own password even
    assert not await accounts.check_password(user, DUMMY_PASSWORD)
    assert not await accounts.check_password(None, DUMMY_PASSWORD)
    # then both took the unknown-email path: a verification of the dummy hash
    assert seen == [None, None]


def test_an_empty_hash_never_verifies_even_with_the_dummy_password() -> None:
    assert not passwords.verify_password("", DUMMY_PASSWORD)
    assert not passwords.verify_password(None, DUMMY_PASSWORD)
