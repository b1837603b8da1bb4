"""Sending webhook deliveries: the ``webhook.deliver`` job (after commit, from the queue).

One job per delivery (``events.emit`` queues it with the event). Each run:

1. A delivery that is no longer PENDING (delivered, failed, its webhook disabled) or
   whose webhook was disabled meanwhile is not sent.
2. **Order.** While an earlier delivery of the same subscription and ordering key
   (``"enrollment:42"``) is still PENDING, this one waits: the job is put back until
   just after the earlier one's next attempt (``LLP_WEBHOOK_ORDER_WAIT_SECONDS``), and
   an earlier one that ends (delivered or failed) wakes the next at once.
3. **Where.** The URL is checked again and its host resolved now; every address must
   be public (``webhook_urls``) and the request goes to the address checked, with the
   host name in ``Host`` and TLS (SNI and the certificate check), so DNS cannot swap
   the address between the check and the connection. Redirects are not followed.
4. **What.** Standard Webhooks: ``webhook-id`` (the event's id, the same for every
   attempt and resend: receivers drop duplicates by it), ``webhook-timestamp`` (this
   attempt, Unix seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
   ``id.timestamp.body`` with the secret's bytes (after ``whsec_``, base64-decoded); the
   body is the payload as compact JSON.
5. **Outcome.** A 2xx answer within ``LLP_WEBHOOK_TIMEOUT_SECONDS`` is DELIVERED.
   Anything else is a failed attempt: the next one after ``LLP_WEBHOOK_BACKOFF_SECONDS``
   doubled per attempt (at most ``LLP_WEBHOOK_BACKOFF_MAX_SECONDS``), until
   ``LLP_WEBHOOK_MAX_ATTEMPTS``; then FAILED, kept in the log, and an admin may resend
   it (``webhooks.resend_delivery``: a new round of attempts, same ``webhook-id``).

The schedule is the delivery's own (``attempts``, ``next_attempt_at``): the job is put
back with ``queue.postpone`` rather than failed, so the queue's shorter retry limits
count only runs that crash. At least once: a worker that dies between sending and
recording sends again, with the same ``webhook-id``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import queue, webhook_urls
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.errors import WebhookUrlRefused
from llp_gql.models import DeliveryState, Job, JobState, WebhookDelivery, WebhookSubscription
from llp_gql.settings import Settings

logger = logging.getLogger("llp_gql.webhooks")

SECRET_PREFIX = "whsec_"  # noqa: S105 - the public prefix of every secret, not one
USER_AGENT = "LLP-Webhooks/1"
MAX_ERROR_LENGTH = 500


def job_key(subscription_id: int, event_id: str, resend_after: int | None = None) -> str:
    """The queue key of a delivery's job: ``events.emit``'s for the first round, one per
    resend (after ``resend_after`` attempts, so two resends at once make one job)."""
    base = f"webhook:{subscription_id}:{event_id}"
    return base if resend_after is None else f"{base}:r{resend_after}"


def secret_bytes(secret: str) -> bytes:
    """The signing key inside a ``whsec_<base64>`` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (Standard Webhooks, version 1)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def body_of(payload: Mapping[str, object]) -> bytes:
    """The payload as the compact JSON body that is sent and signed. Keys sorted: the
    stored payload comes back from PostgreSQL's jsonb in its own order, and every
    attempt of an event must carry the same bytes on every database."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode(
        "utf-8"
    )


def backoff_seconds(failed_in_round: int, settings: Settings) -> float:
    """The wait after the ``failed_in_round``-th failed attempt of a round."""
    exponent = min(max(failed_in_round - 1, 0), 30)
    return float(
        min(settings.webhook_backoff_seconds * 2**exponent, settings.webhook_backoff_max_seconds)
    )


def schedule_seconds(settings: Settings) -> float:
    """Seconds from a round's first attempt to its last, when every attempt fails."""
    return sum(backoff_seconds(n, settings) for n in range(1, settings.webhook_max_attempts))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One attempt: the answer's status (None when there was none) and what went wrong."""

    status: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.error is None


async def send(
    target: webhook_urls.Target,
    address: webhook_urls.Address,
    headers: Mapping[str, str],
    body: bytes,
    *,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Outcome:
    """POST ``body`` to the target at ``address``; the answer's body is never read."""
    host = f"[{address}]" if address.version == 6 else str(address)
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    url = f"{target.scheme}://{host}:{target.port}{target.path}"
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    try:
        async with (
            httpx.AsyncClient(
                timeout=timeout,
                follow_redirects=False,
                trust_env=False,
                verify=_tls(),
                transport=transport,
            ) as client,
            client.stream(
                "POST",
                url,
                content=body,
                headers={**headers, "Host": host_header},
                extensions=extensions,
            ) as response,
        ):
            status = response.status_code
    except httpx.TimeoutException:
        return Outcome(None, f"No answer within {settings.webhook_timeout_seconds:g} s.")
    except httpx.HTTPError as exc:
        return Outcome(None, f"Could not connect: {type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
    if 200 <= status < 300:
        return Outcome(status, None)
    if 300 <= status < 400:
        return Outcome(status, f"Answered {status}; redirects are not followed.")
    return Outcome(status, f"Answered {status}.")


async def attempt(
    subscription: WebhookSubscription,
    delivery: WebhookDelivery,
    *,
    settings: Settings,
    now: datetime,
    resolver: webhook_urls.Resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Outcome:
    """Check the address, sign, send: one attempt, never raising for the receiver's faults."""
    try:
        target = webhook_urls.parse(subscription.url, settings)
        addresses = await webhook_urls.resolve(target, settings, resolver)
    except WebhookUrlRefused as exc:
        return Outcome(None, f"Not sent: {exc.message}")
    body = body_of(delivery.payload)
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription.secret, delivery.event_id, timestamp, body),
    }
    return await send(target, addresses[0], headers, body, settings=settings, transport=transport)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every attempt: building it (loading the system's CA
    certificates) costs tens of milliseconds, more than a whole local delivery."""
    return ssl.create_default_context()


class _LeaseLost(Exception):
    """Another worker took the job over: roll this run's record back."""


async def _wake_next(
    delivery: WebhookDelivery, connection: BaseDBAsyncClient, now: datetime
) -> None:
    """The next PENDING delivery of the same ordering key need not wait any longer."""
    following = await (
        WebhookDelivery.filter(
            subscription_id=delivery.subscription_id,
            ordering_key=delivery.ordering_key,
            state=DeliveryState.PENDING,
            id__gt=delivery.id,
        )
        .using_db(connection)
        .order_by("id")
        .only("id", "subscription_id", "event_id", "attempts")
        .first()
    )
    if following is None:
        return
    keys = [
        job_key(following.subscription_id, following.event_id),
        job_key(following.subscription_id, following.event_id, following.attempts),
    ]
    _ = await (
        Job.filter(key__in=keys, state=JobState.QUEUED, run_after__gt=now)
        .using_db(connection)
        .update(run_after=now)
    )


async def _record(
    job: Job,
    delivery: WebhookDelivery,
    changes: dict[str, object],
    *,
    run_after: datetime | None,
    clock: Clock,
) -> None:
    """Store the attempt and finish (or put back) the job, in one transaction."""
    try:
        async with in_transaction() as connection:
            updated = 0
            if changes:
                updated = await (
                    WebhookDelivery.filter(
                        id=delivery.id, state=DeliveryState.PENDING, attempts=delivery.attempts
                    )
                    .using_db(connection)
                    .update(**changes)
                )
            if run_after is None:
                if updated:
                    await _wake_next(delivery, connection, clock())
                kept = await queue.complete(job, clock=clock, connection=connection)
            else:
                kept = await queue.postpone(
                    job, run_after=run_after, clock=clock, connection=connection
                )
            if not kept:
                raise _LeaseLost
    except _LeaseLost:
        logger.warning("webhook job %s: lease lost; its run is not recorded", job.id)


async def deliver_job(
    job: Job,
    *,
    settings: Settings,
    clock: Clock = utcnow,
    resolver: webhook_urls.Resolver = webhook_urls.system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> None:
    """The ``webhook.deliver`` job: one attempt of one delivery, or a wait for its turn."""
    subscription_id = int(str(job.payload["subscription_id"]))
    event_id = str(job.payload["event_id"])
    round_start = int(str(job.payload.get("round_start", 0)))
    delivery = await WebhookDelivery.get_or_none(
        subscription_id=subscription_id, event_id=event_id
    ).select_related("subscription")
    if delivery is None or delivery.state != DeliveryState.PENDING:
        _ = await queue.complete(job, clock=clock)
        return
    subscription = delivery.subscription
    now = clock()
    if subscription.disabled_at is not None:
        changes = {"state": DeliveryState.FAILED, "next_attempt_at": None}
        await _record(
            job,
            delivery,
            {**changes, "last_error": "The webhook was disabled; not sent."},
            run_after=None,
            clock=clock,
        )
        return
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        await _record(job, delivery, {}, run_after=delivery.next_attempt_at, clock=clock)
        return
    earlier = await (
        WebhookDelivery.filter(
            subscription_id=subscription_id,
            ordering_key=delivery.ordering_key,
            state=DeliveryState.PENDING,
            id__lt=delivery.id,
        )
        .order_by("id")
        .only("id", "next_attempt_at")
        .first()
    )
    if earlier is not None:
        turn = max(now, earlier.next_attempt_at or now)
        wait = timedelta(seconds=settings.webhook_order_wait_seconds)
        await _record(job, delivery, {}, run_after=turn + wait, clock=clock)
        return
    outcome = await attempt(
        subscription, delivery, settings=settings, now=now, resolver=resolver, transport=transport
    )
    finished = clock()
    attempts = delivery.attempts + 1
    base: dict[str, object] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error[:MAX_ERROR_LENGTH] if outcome.error else None,
    }
    if outcome.delivered:
        base |= {
            "state": DeliveryState.DELIVERED,
            "delivered_at": finished,
            "next_attempt_at": None,
        }
        await _record(job, delivery, base, run_after=None, clock=clock)
    elif attempts - round_start >= settings.webhook_max_attempts:
        base |= {"state": DeliveryState.FAILED, "next_attempt_at": None}
        await _record(job, delivery, base, run_after=None, clock=clock)
    else:
        later = finished + timedelta(seconds=backoff_seconds(attempts - round_start, settings))
        base["next_attempt_at"] = later
        await _record(job, delivery, base, run_after=later, clock=clock)
