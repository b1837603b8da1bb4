"""Business events for webhooks: recorded in the transaction that causes them.

``emit`` is called inside the caller's transaction (like ``queue.enqueue``): for every
active subscription of the company that wants this event type it stores one
``WebhookDelivery`` (the log admins see) and queues one ``webhook.deliver`` job. Both
commit or roll back with the change, so a delivery never announces something that
did not happen, and nothing that happened goes unannounced.

Only a company's own business is announced to it: events are emitted with the
company of the *enrollment* (an assignment) or of the person, never for an
individual's own learning, which is no company's to see (DESIGN.md section 2).

Payloads are small and versioned: ``{"type", "version", "timestamp", "data"}``;
``data`` carries ids and facts, never anything an admin of that company may not
see through the API.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Mapping

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from llp_gql.domain import queue
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.models import DeliveryState, WebhookDelivery, WebhookSubscription

DELIVER_JOB = "webhook.deliver"
PAYLOAD_VERSION = 1

CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_WITHDRAWN = "certificate.withdrawn"
CERTIFICATE_REPLACED = "certificate.replaced"
ENROLLMENT_COMPLETED = "enrollment.completed"
ENROLLMENT_OVERDUE = "enrollment.overdue"
EMPLOYEE_DEACTIVATED = "employee.deactivated"

EVENT_TYPES: tuple[str, ...] = (
    CERTIFICATE_ISSUED,
    CERTIFICATE_WITHDRAWN,
    CERTIFICATE_REPLACED,
    ENROLLMENT_COMPLETED,
    ENROLLMENT_OVERDUE,
    EMPLOYEE_DEACTIVATED,
)


# The company's active subscriptions, read once per transaction: a completion emits
# two events (enrollment.completed, certificate.issued) in the same one. Keyed by the
# transaction's connection object, which Tortoise makes anew for every transaction and
# which nothing keeps once the transaction ends.
_READ: weakref.WeakKeyDictionary[BaseDBAsyncClient, dict[int, list[tuple[int, str]]]] = (
    weakref.WeakKeyDictionary()
)


async def _subscriptions(company_id: int, connection: BaseDBAsyncClient) -> list[tuple[int, str]]:
    # Outside a transaction (the shared client, which lives on) nothing is kept.
    read = _READ.setdefault(connection, {}) if isinstance(connection, TransactionalDBClient) else {}
    rows = read.get(company_id)
    if rows is None:
        found = (
            await WebhookSubscription.filter(company_id=company_id, disabled_at=None)
            .using_db(connection)
            .values_list("id", "events")
        )
        rows = read[company_id] = [(int(sid), str(events)) for sid, events in found]
    return rows


def new_event_id() -> str:
    """The Standard Webhooks ``webhook-id``: the same for every attempt of one event."""
    return "msg_" + secrets.token_hex(16)


async def emit(
    event_type: str,
    *,
    company_id: int | None,
    data: Mapping[str, object],
    ordering_key: str,
    connection: BaseDBAsyncClient,
    clock: Clock = utcnow,
) -> int:
    """Record ``event_type`` for the company's subscribers; returns how many deliveries.

    ``ordering_key`` groups events that must arrive in order (``"enrollment:42"``).
    No company (an individual's own enrollment): nothing is emitted."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if company_id is None:
        return 0
    subscriptions = await _subscriptions(company_id, connection)
    wanted = [sid for sid, events in subscriptions if event_type in str(events).split()]
    if not wanted:
        return 0
    now = clock()
    event_id = new_event_id()
    payload: dict[str, object] = {
        "type": event_type,
        "version": PAYLOAD_VERSION,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": dict(data),
    }
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(
                subscription_id=sid,
                event_id=event_id,
                event_type=event_type,
                ordering_key=ordering_key,
                payload=payload,
                state=DeliveryState.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            for sid in wanted
        ],
        using_db=connection,
    )
    await queue.enqueue_many(
        DELIVER_JOB,
        [
            (f"webhook:{sid}:{event_id}", {"subscription_id": sid, "event_id": event_id})
            for sid in wanted
        ],
        connection=connection,
        clock=clock,
    )
    return len(wanted)
