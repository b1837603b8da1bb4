"""The webhook fields of Query and Mutation (schema/root.py inherits them); bodies in
resolvers/webhooks.py. Company admins only: the domain answers FORBIDDEN to anyone
else, and NOT_FOUND alike for another company's webhook and a missing one."""

from __future__ import annotations

import strawberry

from llp_gql.resolvers import webhooks as webhook_resolvers
from llp_gql.schema.pagination import Connection
from llp_gql.schema.webhooks import WebhookCreatedType, WebhookDeliveryType, WebhookType
from llp_gql.schema.wording import _LOGGED_IN, authenticated

_ADMINS = (
    " Company admins only (FORBIDDEN for others); NOT_FOUND alike for another company's "
    "webhook and one that does not exist."
)


@strawberry.type(description="Webhook queries (merged into Query).")
class WebhookQueries:
    webhooks: list[WebhookType] = strawberry.field(
        resolver=webhook_resolvers.list_webhooks,
        permission_classes=authenticated,
        description="Your company's webhooks, newest first, disabled ones included. Company "
        "admins only (FORBIDDEN for others)." + _LOGGED_IN,
    )
    webhook_deliveries: Connection[WebhookDeliveryType] = strawberry.field(
        resolver=webhook_resolvers.webhook_deliveries,
        permission_classes=authenticated,
        description="The delivery log of one webhook, NEWEST first (pass pageInfo.endCursor "
        "as `after` for older ones): each event's state, attempts, last answer and error."
        + _ADMINS
        + _LOGGED_IN,
    )


@strawberry.type(description="Webhook mutations (merged into Mutation).")
class WebhookMutations:
    create_webhook: WebhookCreatedType = strawberry.mutation(
        resolver=webhook_resolvers.create_webhook,
        permission_classes=authenticated,
        description="Subscribe an https URL to some event types of your company. The answer "
        "carries the signing secret, shown this once. Each event is POSTed after the change "
        "commits, signed (Standard Webhooks), retried with backoff for about a day, in order "
        "per enrollment or person. Company admins only (FORBIDDEN for others). VALIDATION "
        "names the field: url (extensions.reason BAD_URL, NOT_HTTPS, PRIVATE_ADDRESS for "
        "private, loopback or reserved networks, UNRESOLVABLE), events, description; "
        "VALIDATION with extensions.limit WEBHOOKS_PER_COMPANY beyond "
        "LLP_WEBHOOK_MAX_PER_COMPANY active webhooks. Audited." + _LOGGED_IN,
    )
    disable_webhook: WebhookType = strawberry.mutation(
        resolver=webhook_resolvers.disable_webhook,
        permission_classes=authenticated,
        description="Stop a webhook for good: nothing more is sent to it, and its pending "
        "deliveries become FAILED (kept in its log). Disabling again changes nothing. "
        "Audited." + _ADMINS + _LOGGED_IN,
    )
    resend_webhook_delivery: WebhookDeliveryType = strawberry.mutation(
        resolver=webhook_resolvers.resend_webhook_delivery,
        permission_classes=authenticated,
        description="Send a DELIVERED or FAILED delivery again, with the same webhook-id and "
        "a new round of attempts. CONFLICT while it is still PENDING or when its webhook is "
        "disabled. Audited." + _ADMINS + _LOGGED_IN,
    )
