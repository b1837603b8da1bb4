"""Helpers of the webhook tests: subscribe a receiver's endpoint, emit an event."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from llp_gql.domain import events, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.models import User, WebhookDelivery, WebhookSubscription
from llp_gql.settings import Settings
from tests.webhooks.receiver import Receiver


async def subscribe(
    admin: User,
    receiver: Receiver,
    path: str = "/hook",
    *,
    types: tuple[str, ...] = events.EVENT_TYPES,
    settings: Settings,
    clock: FakeClock,
) -> WebhookSubscription:
    """A webhook of the admin's company to ``path`` on the receiver, which checks its secret."""
    created = await webhooks.create_webhook(
        admin, receiver.url + path, list(types), settings=settings, clock=clock
    )
    receiver.endpoint(path, created.secret)
    return created.subscription


async def emit(company_id: int, key: str, seq: int, clock: FakeClock) -> None:
    """An ``enrollment.completed`` event numbered ``seq`` for ordering key ``key``."""
    async with in_transaction() as connection:
        await events.emit(
            events.ENROLLMENT_COMPLETED,
            company_id=company_id,
            data={"seq": seq},
            ordering_key=key,
            connection=connection,
            clock=clock,
        )


async def deliveries() -> list[WebhookDelivery]:
    return list(await WebhookDelivery.all().order_by("id"))
