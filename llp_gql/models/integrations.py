"""Machine access for HR and learning systems: API keys and webhook subscriptions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.accounts import Company, User


class ApiKey(Model):
    """A company's (or, with no company, the platform staff's) key for GraphQL clients.

    Only a hash is stored; ``prefix`` is the public, unique start of the key that
    identifies it in lists and logs. Scopes narrow what the key's role may do;
    the access policy decides as it does for a person of that role."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.CASCADE, db_index=True
    )
    company_id: int | None
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=24, unique=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    scopes = fields.CharField(max_length=200)  # space-separated
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"


class WebhookSubscription(Model):
    """Where a company wants its events delivered, and the secret that signs them."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE, db_index=True
    )
    company_id: int
    url = fields.CharField(max_length=2000)
    events = fields.CharField(max_length=500)  # space-separated event types
    secret = fields.CharField(max_length=100)
    description = fields.CharField(max_length=200, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    disabled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_subscription"


class DeliveryState(StrEnum):
    PENDING = "PENDING"  # waiting for its first or next attempt
    DELIVERED = "DELIVERED"  # the receiver answered 2xx
    FAILED = "FAILED"  # out of attempts (a day of backoff); an admin may resend


class WebhookDelivery(Model):
    """One event for one subscription: the delivery log admins see, and what is retried.

    ``event_id`` is the Standard Webhooks ``webhook-id``: the same for every attempt
    and every resend, so receivers drop duplicates by it."""

    id = fields.IntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[WebhookSubscription] = fields.ForeignKeyField(
        "models.WebhookSubscription", related_name="deliveries", on_delete=fields.CASCADE
    )
    subscription_id: int
    event_id = fields.CharField(max_length=64)
    event_type = fields.CharField(max_length=64)
    # Deliveries with the same key are delivered in order (e.g. "enrollment:42").
    ordering_key = fields.CharField(max_length=100, db_index=True)
    payload: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    state = fields.CharEnumField(DeliveryState, max_length=12, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("subscription", "event_id"),)
        indexes = (("subscription", "created_at"),)
