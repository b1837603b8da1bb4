"""Single-use, expiring links to set a password (reset or invitation); tokens stored hashed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from llp_gql.models.accounts import User


class PasswordResetToken(Model):
    id = fields.IntField(primary_key=True)
    # A removed person's pending links go with them.
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reset_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(db_index=True)
    expires_at = fields.DatetimeField(db_index=True)
    used_at = fields.DatetimeField(null=True)
    # "reset" (forgot password) or "invite" (a new employee sets their first password).
    purpose = fields.CharField(max_length=16, default="reset")

    class Meta:
        table = "password_reset_token"
