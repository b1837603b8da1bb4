"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from llp_gql.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash of nothing, checked against when the account does not exist, so that an
# unknown email and a wrong password take about the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-same-cost")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters.", field="password"
        )


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when it matches; runs the same work for a missing account."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)  # raises on a mismatch
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None
