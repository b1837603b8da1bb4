"""Webhooks: the list, the delivery log (newest first), create, disable, resend."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import webhooks
from llp_gql.schema.context import Info
from llp_gql.schema.ids import decode_id
from llp_gql.schema.pagination import After, Connection, First, paginate
from llp_gql.schema.webhooks import WebhookCreatedType, WebhookDeliveryType, WebhookType

WebhookId = Annotated[strawberry.ID, strawberry.argument(description="The webhook (Webhook.id).")]


async def list_webhooks(info: Info) -> list[WebhookType]:
    rows = await webhooks.list_webhooks(info.context.viewer)
    return [WebhookType.from_model(row) for row in rows]


async def webhook_deliveries(
    info: Info, webhook_id: WebhookId, first: First = None, after: After = None
) -> Connection[WebhookDeliveryType]:
    """Newest first: keyset pages by descending id (``after`` is the last one read)."""
    context = info.context
    query = await webhooks.deliveries(context.viewer, decode_id("Webhook", webhook_id))
    return await paginate(
        query,
        first=first,
        after=after,
        maximum=context.settings.max_page_size,
        convert=lambda rows: [WebhookDeliveryType.from_model(row) for row in rows],
        newest_first=True,
    )


async def create_webhook(
    info: Info,
    url: Annotated[
        str,
        strawberry.argument(
            description="Where to POST events: an https:// address on the public internet."
        ),
    ],
    events: Annotated[
        list[str],
        strawberry.argument(
            description="Event types to send: certificate.issued, certificate.withdrawn, "
            "certificate.replaced, enrollment.completed, enrollment.overdue, "
            "employee.deactivated (at least one)."
        ),
    ],
    description: Annotated[
        str | None,
        strawberry.argument(description="A note for your admins (at most 200 characters)."),
    ] = None,
) -> WebhookCreatedType:
    context = info.context
    created = await webhooks.create_webhook(
        context.viewer,
        url,
        events,
        description,
        settings=context.settings,
        clock=context.clock,
    )
    return WebhookCreatedType(
        webhook=WebhookType.from_model(created.subscription), secret=created.secret
    )


async def disable_webhook(info: Info, webhook_id: WebhookId) -> WebhookType:
    context = info.context
    row = await webhooks.disable_webhook(
        context.viewer, decode_id("Webhook", webhook_id), clock=context.clock
    )
    return WebhookType.from_model(row)


async def resend_webhook_delivery(
    info: Info,
    delivery_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The delivery to send again (WebhookDelivery.id)."),
    ],
) -> WebhookDeliveryType:
    context = info.context
    row = await webhooks.resend_delivery(
        context.viewer, decode_id("WebhookDelivery", delivery_id), clock=context.clock
    )
    return WebhookDeliveryType.from_model(row)
