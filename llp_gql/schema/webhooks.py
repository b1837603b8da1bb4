"""Webhook, WebhookCreated, WebhookDelivery: a company's subscriptions and their log."""

from __future__ import annotations

from datetime import datetime

import strawberry

from llp_gql.domain import webhook_delivery, webhooks
from llp_gql.models import DeliveryState, WebhookDelivery, WebhookSubscription
from llp_gql.schema import enums as _enums  # noqa: F401 - registers WebhookDeliveryState
from llp_gql.schema.ids import encode_id


@strawberry.type(
    name="Webhook",
    description="A subscription of your company: events of the chosen types are POSTed "
    "to its URL, signed (Standard Webhooks: webhook-id, webhook-timestamp, "
    "webhook-signature). Seen by the company's admins only. The signing secret is shown "
    "once, in createWebhook's answer, never here.",
)
class WebhookType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the webhook.")
    url: str = strawberry.field(description="Where events are sent (https).")
    events: list[str] = strawberry.field(
        description="The event types sent to it, e.g. certificate.issued."
    )
    description: str = strawberry.field(description="The admins' note about it; may be empty.")
    created_at: datetime = strawberry.field(description="When it was created.")
    disabled_at: datetime | None = strawberry.field(
        description="When it was disabled (nothing is sent any more); null while active."
    )

    @strawberry.field(description="Whether events are still sent to it.")
    def is_active(self) -> bool:
        return self.disabled_at is None

    @classmethod
    def from_model(cls, row: WebhookSubscription) -> WebhookType:
        return cls(
            id=strawberry.ID(encode_id("Webhook", row.id)),
            url=row.url,
            events=webhooks.event_list(row),
            description=row.description,
            created_at=row.created_at,
            disabled_at=row.disabled_at,
        )


@strawberry.type(
    name="WebhookCreated",
    description="The answer to createWebhook: the webhook and, this once, its secret.",
)
class WebhookCreatedType:
    webhook: WebhookType = strawberry.field(description="The new webhook.")
    secret: str = strawberry.field(
        description="The signing secret (whsec_ and base64): keep it in your receiver to "
        "check each request's webhook-signature. Shown only here, never again; if it is lost, "
        "create a new webhook and disable this one."
    )


@strawberry.type(
    name="WebhookDelivery",
    description="One event for one webhook: what was sent, and how its attempts went.",
)
class WebhookDeliveryType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the delivery.")
    event_id: str = strawberry.field(
        description="The webhook-id header: the same on every attempt and resend of this "
        "event, so receivers can drop duplicates by it."
    )
    event_type: str = strawberry.field(description="The event's type, e.g. certificate.issued.")
    state: DeliveryState = strawberry.field(description="Delivered, failed, or still pending.")
    attempts: int = strawberry.field(description="Attempts made so far (resends included).")
    last_status: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when there was none (timeout, "
        "refused connection, an address that is not allowed)."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed, in words; null after a delivered one."
    )
    created_at: datetime = strawberry.field(description="When the event happened.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due (PENDING only)."
    )
    delivered_at: datetime | None = strawberry.field(
        description="When the receiver last answered 2xx."
    )
    payload: str = strawberry.field(
        description="The body sent, as JSON text: {type, version, timestamp, data}."
    )
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: WebhookDelivery) -> WebhookDeliveryType:
        return cls(
            id=strawberry.ID(encode_id("WebhookDelivery", row.id)),
            event_id=row.event_id,
            event_type=row.event_type,
            state=row.state,
            attempts=row.attempts,
            last_status=row.last_status,
            last_error=row.last_error,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at,
            delivered_at=row.delivered_at,
            payload=webhook_delivery.body_of(row.payload).decode("utf-8"),
            pk=row.id,
        )
