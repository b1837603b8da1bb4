"""Companies, people, their login tokens and the counters behind rate limits."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from llp_gql.models.learning import Enrollment


class AccountType(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    EMPLOYEE = "EMPLOYEE"


class Role(StrEnum):
    LEARNER = "LEARNER"
    COMPANY_ADMIN = "COMPANY_ADMIN"
    STAFF = "STAFF"


class Company(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    # The logo is small (validated and downscaled at upload) and printed on
    # certificates, so it lives in the row rather than on a shared disk.
    logo = fields.BinaryField(null=True)
    logo_updated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    members: fields.ReverseRelation[User]

    class Meta:
        table = "company"


class User(Model):
    id = fields.IntField(primary_key=True)
    # Stored lower-cased; uniqueness is therefore case-insensitive.
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=255)
    account_type = fields.CharEnumField(AccountType, max_length=16)
    role = fields.CharEnumField(Role, max_length=16, default=Role.LEARNER)
    # A company cannot be deleted while it has members.
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company",
        related_name="members",
        null=True,
        on_delete=fields.RESTRICT,
        db_index=True,
    )
    company_id: int | None
    # The person's department in their company; deleting a group leaves its members ungrouped.
    group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="members", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    group_id: int | None
    # Set when a Company Admin deactivates a leaver: no sign-in, no new assignment;
    # their records stay with the company (DESIGN.md section 3, "Leaving is not removal").
    deactivated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    enrollments: fields.ReverseRelation[Enrollment]
    tokens: fields.ReverseRelation[AuthToken]

    class Meta:
        table = "user"


class Group(Model):
    """A department of one company; every employee is in at most one group."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="groups", on_delete=fields.CASCADE
    )
    company_id: int
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    members: fields.ReverseRelation[User]

    class Meta:
        table = "employee_group"
        unique_together = (("company", "name"),)


class AuthToken(Model):
    """A bearer token (API) or a browser session (admin UI); only its hash is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=16)  # "api" | "session"
    # Bound to a session so a CSRF token stolen from one session is useless in another.
    csrf_secret = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "auth_token"


class RateCounter(Model):
    """Fixed-window counters in the database, so several workers share one limit."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200)
    window_start = fields.DatetimeField()
    count = fields.IntField(default=0)

    class Meta:
        table = "rate_counter"
        unique_together = (("key", "window_start"),)
