"""A company's webhook subscriptions: create, disable, the delivery log, resend.

Company Admins manage their company's subscriptions (``access_webhooks``). The secret
that signs deliveries is made here (``whsec_`` and 24 random bytes in base64) and shown
once, in the answer to its creation; it is stored (signing needs it) but no page or
field shows it again. Lost or leaked: create a new subscription and disable the old.

Events are stored and queued by ``events.emit`` in the transaction of the change that
causes them; ``webhook_delivery`` sends them. Every change here is audited.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from llp_gql.domain import access, access_webhooks, audit, events, queue, webhook_urls
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.locks import lock_company
from llp_gql.domain.paging import Page, fetch_page
from llp_gql.domain.webhook_delivery import SECRET_PREFIX, job_key
from llp_gql.errors import Conflict, TooMany, ValidationFailed
from llp_gql.models import DeliveryState, WebhookDelivery, WebhookSubscription
from llp_gql.settings import Settings

MAX_DESCRIPTION_LENGTH = 200
# More than every type named twice is not a list of event types.
MAX_EVENTS_GIVEN = 2 * len(events.EVENT_TYPES)


def new_secret() -> str:
    """A signing secret: ``whsec_`` and 24 random bytes in base64 (Standard Webhooks)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def event_list(subscription: WebhookSubscription) -> list[str]:
    """The event types a subscription wants, in the order of ``events.EVENT_TYPES``."""
    wanted = set(subscription.events.split())
    return [name for name in events.EVENT_TYPES if name in wanted]


def clean_events(given: Sequence[str]) -> list[str]:
    """The chosen event types, each once, in their usual order; VALIDATION (field
    ``events``) for none or an unknown one."""
    if len(given) > MAX_EVENTS_GIVEN:
        raise ValidationFailed("Too many event types given.", field="events")
    chosen = {name.strip() for name in given if name.strip()}
    unknown = sorted(chosen - set(events.EVENT_TYPES))
    if unknown:
        raise ValidationFailed(
            f"Unknown event type {unknown[0][:60]!r}; choose from "
            + ", ".join(events.EVENT_TYPES)
            + ".",
            field="events",
        )
    if not chosen:
        raise ValidationFailed("Choose at least one event type.", field="events")
    return [name for name in events.EVENT_TYPES if name in chosen]


def clean_description(text: str | None) -> str:
    """Runs of spaces collapsed; VALIDATION for control characters or more than 200."""
    value = " ".join((text or "").split())
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationFailed(
            "The description may not contain control characters.", field="description"
        )
    if len(value) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(
            f"The description may have at most {MAX_DESCRIPTION_LENGTH} characters.",
            field="description",
        )
    return value


@dataclass(frozen=True, slots=True)
class CreatedWebhook:
    subscription: WebhookSubscription
    secret: str  # shown once, to the admin who created it


async def create_webhook(
    viewer: access.Viewer,
    url: str,
    event_types: Sequence[str],
    description: str | None = None,
    *,
    settings: Settings,
    clock: Clock = utcnow,
    resolver: webhook_urls.Resolver = webhook_urls.system_resolver,
) -> CreatedWebhook:
    """A company admin subscribes a URL of theirs to some event types.

    VALIDATION names the field: ``url`` (with a reason, see ``webhook_urls``),
    ``events``, ``description``; past ``LLP_WEBHOOK_MAX_PER_COMPANY`` active
    subscriptions, VALIDATION with limit WEBHOOKS_PER_COMPANY."""
    company_id = access_webhooks.require_webhook_admin(viewer)
    actor = access.require_user(viewer)
    chosen = clean_events(event_types)
    note = clean_description(description)
    target = await webhook_urls.check(url, settings, resolver)
    secret = new_secret()
    now = clock()
    async with in_transaction() as connection:
        await lock_company(company_id, connection)
        active = await (
            WebhookSubscription.filter(company_id=company_id, disabled_at=None)
            .using_db(connection)
            .count()
        )
        if active >= settings.webhook_max_per_company:
            raise TooMany(
                f"A company may have at most {settings.webhook_max_per_company} active "
                "webhooks; disable one first.",
                field="url",
                limit="WEBHOOKS_PER_COMPANY",
            )
        subscription = await WebhookSubscription.create(
            using_db=connection,
            company_id=company_id,
            url=target.url,
            events=" ".join(chosen),
            secret=secret,
            description=note,
            created_by_id=actor.id,
            created_at=now,
        )
        await audit.record(
            audit.WEBHOOK_CREATED,
            actor=actor,
            subject_type="webhook",
            subject_id=subscription.id,
            company_id=company_id,
            at=now,
            details={"url": target.url, "events": chosen},
        )
    return CreatedWebhook(subscription, secret)


async def disable_webhook(
    viewer: access.Viewer, subscription_id: int, *, clock: Clock = utcnow
) -> WebhookSubscription:
    """Stop a subscription for good: nothing more is sent to it, its PENDING deliveries
    become FAILED (kept in its log). Disabling a disabled one changes nothing."""
    subscription = await access_webhooks.access_webhook(viewer, subscription_id)
    actor = access.require_user(viewer)
    if subscription.disabled_at is not None:
        return subscription
    now = clock()
    async with in_transaction() as connection:
        changed = await (
            WebhookSubscription.filter(id=subscription.id, disabled_at=None)
            .using_db(connection)
            .update(disabled_at=now)
        )
        if not changed:
            return await WebhookSubscription.get(id=subscription.id)
        _ = await (
            WebhookDelivery.filter(subscription_id=subscription.id, state=DeliveryState.PENDING)
            .using_db(connection)
            .update(
                state=DeliveryState.FAILED,
                next_attempt_at=None,
                last_error="The webhook was disabled; not sent.",
            )
        )
        await audit.record(
            audit.WEBHOOK_DISABLED,
            actor=actor,
            subject_type="webhook",
            subject_id=subscription.id,
            company_id=subscription.company_id,
            at=now,
            details={"url": subscription.url},
        )
    subscription.disabled_at = now
    return subscription


async def list_webhooks(viewer: access.Viewer) -> list[WebhookSubscription]:
    """The company's subscriptions, newest first (disabled ones too, marked so)."""
    _ = access_webhooks.require_webhook_admin(viewer)
    return list(await access_webhooks.visible_webhooks(viewer).order_by("-id"))


async def deliveries(viewer: access.Viewer, subscription_id: int) -> QuerySet[WebhookDelivery]:
    """The delivery log of one subscription (unordered: pages order it newest first)."""
    subscription = await access_webhooks.access_webhook(viewer, subscription_id)
    return WebhookDelivery.filter(subscription_id=subscription.id)


async def delivery_page(
    viewer: access.Viewer, subscription_id: int, requested: int, size: int
) -> Page[WebhookDelivery]:
    """One page of the delivery log, newest first (two queries)."""
    query = await deliveries(viewer, subscription_id)
    return await fetch_page(query, requested, size, order_by=("-id",))


async def resend_delivery(
    viewer: access.Viewer, delivery_id: int, *, clock: Clock = utcnow
) -> WebhookDelivery:
    """Send a DELIVERED or FAILED delivery again: a new round of attempts (the full
    schedule), the same ``webhook-id``. CONFLICT while it is still PENDING, and for a
    disabled webhook."""
    delivery = await access_webhooks.access_delivery(viewer, delivery_id)
    actor = access.require_user(viewer)
    subscription = await WebhookSubscription.get(id=delivery.subscription_id)
    if subscription.disabled_at is not None:
        raise Conflict("This webhook is disabled; nothing is sent to it any more.")
    if delivery.state == DeliveryState.PENDING:
        raise Conflict("This delivery is still being sent; its next attempt is scheduled.")
    now = clock()
    async with in_transaction() as connection:
        changed = await (
            WebhookDelivery.filter(
                id=delivery.id,
                state__in=[DeliveryState.DELIVERED, DeliveryState.FAILED],
                attempts=delivery.attempts,
            )
            .using_db(connection)
            .update(state=DeliveryState.PENDING, next_attempt_at=now)
        )
        if not changed:
            raise Conflict("This delivery was resent or changed meanwhile; reload the log.")
        await queue.enqueue(
            events.DELIVER_JOB,
            {
                "subscription_id": delivery.subscription_id,
                "event_id": delivery.event_id,
                "round_start": delivery.attempts,
            },
            key=job_key(delivery.subscription_id, delivery.event_id, delivery.attempts),
            connection=connection,
            clock=clock,
        )
        await audit.record(
            audit.WEBHOOK_RESENT,
            actor=actor,
            subject_type="webhook_delivery",
            subject_id=delivery.id,
            company_id=subscription.company_id,
            at=now,
            details={"event_id": delivery.event_id, "event_type": delivery.event_type},
        )
    delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, now
    return delivery
