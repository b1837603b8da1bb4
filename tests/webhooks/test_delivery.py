"""Deliveries to a real HTTP receiver: signatures, retries with backoff, the same
webhook-id on every attempt, order per ordering key, disabled subscriptions, resend.

Retries are driven by the FakeClock and the queue (``drain``), never by sleeping."""

from __future__ import annotations

import pytest

from llp_gql.domain import events, webhook_delivery, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import Conflict
from llp_gql.models import DeliveryState, Job, JobState, WebhookDelivery
from llp_gql.settings import Settings
from tests.factories import World
from tests.webhooks.conftest import drain
from tests.webhooks.helpers import deliveries, emit, subscribe
from tests.webhooks.receiver import Receiver


async def test_signed_delivery_is_retried_after_two_500s_and_delivered_on_the_third(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    # given a webhook whose receiver answers 500 twice, then 200
    await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    receiver.statuses = [500, 500]
    await emit(world.company_x.id, "enrollment:1", 1, clock)

    # when the queue runs what is due, at each retry's time
    assert await drain(hook_settings, clock) == 1
    [delivery] = await deliveries()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("PENDING", 1, 500)
    assert delivery.next_attempt_at == clock.now.replace() + _seconds(60)
    clock.advance(59)
    assert await drain(hook_settings, clock) == 0  # not before its time
    clock.advance(1)
    assert await drain(hook_settings, clock) == 1
    await delivery.refresh_from_db()
    assert delivery.next_attempt_at == clock.now + _seconds(120)  # doubled
    clock.advance(120)
    assert await drain(hook_settings, clock) == 1

    # then it is delivered on the third attempt; every attempt was signed and carried
    # the same webhook-id, with the timestamp of its own attempt
    await delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("DELIVERED", 3, 200)
    assert delivery.last_error is None
    arrivals = receiver.all()
    assert [a.status for a in arrivals] == [500, 500, 200]
    assert all(a.verified for a in arrivals)
    assert {a.event_id for a in arrivals} == {delivery.event_id}
    assert delivery.event_id.startswith("msg_")
    stamps = [int(a.headers["webhook-timestamp"]) for a in arrivals]
    assert stamps[1] - stamps[0] == 60
    assert stamps[2] - stamps[1] == 120
    event = arrivals[-1].event
    assert event["type"] == "enrollment.completed"
    assert event["data"] == {"seq": 1}
    assert arrivals[-1].headers["content-type"] == "application/json"
    assert await Job.filter(state=JobState.DONE).count() == 1


def _seconds(value: float) -> object:
    from datetime import timedelta

    return timedelta(seconds=value)


async def test_a_wrong_secret_is_caught_by_the_receiver(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    # given the receiver checks with another secret than the webhook's
    await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    receiver.endpoint("/hook", webhooks.new_secret())
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    await drain(hook_settings, clock)
    # then the check fails: the test receiver's verification can fail
    assert [a.verified for a in receiver.all()] == [False]


async def test_out_of_attempts_is_failed_then_resent_with_the_same_id(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    # given a receiver that fails every attempt of the whole schedule
    settings = hook_settings.replace(webhook_max_attempts=4)
    await subscribe(world.admin_x, receiver, settings=settings, clock=clock)
    receiver.statuses = [503] * 4
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    for _ in range(4):
        await drain(settings, clock)
        clock.advance(webhook_delivery.backoff_seconds(4, settings))
    [delivery] = await deliveries()
    assert (delivery.state, delivery.attempts) == ("FAILED", 4)
    assert delivery.last_error == "Answered 503."
    assert await drain(settings, clock) == 0  # nothing more is tried

    # when an admin resends it (twice at once: one round only)
    resent = await webhooks.resend_delivery(world.admin_x, delivery.id, clock=clock)
    assert resent.state == DeliveryState.PENDING
    with pytest.raises(Conflict):
        await webhooks.resend_delivery(world.admin_x, delivery.id, clock=clock)
    assert await drain(settings, clock) == 1

    # then it is delivered with the same webhook-id, counted on from the earlier attempts
    await delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("DELIVERED", 5, 200)
    assert {a.event_id for a in receiver.all()} == {delivery.event_id}
    assert len(receiver.all()) == 5


async def test_a_resent_round_has_the_whole_schedule_again(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    settings = hook_settings.replace(webhook_max_attempts=2)
    await subscribe(world.admin_x, receiver, settings=settings, clock=clock)
    receiver.statuses = [500] * 3
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    await drain(settings, clock)
    clock.advance(60)
    await drain(settings, clock)
    [delivery] = await deliveries()
    assert delivery.state == "FAILED"
    await webhooks.resend_delivery(world.admin_x, delivery.id, clock=clock)
    await drain(settings, clock)  # fails (third 500), the round's first attempt
    await delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("PENDING", 3)
    assert delivery.next_attempt_at == clock.now + _seconds(60)  # the round's first wait
    clock.advance(60)
    await drain(settings, clock)
    await delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("DELIVERED", 4)


async def test_deliveries_of_one_key_wait_for_the_earlier_one(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    # given three events of one enrollment and one of another; the first fails once
    await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    receiver.statuses = [500]
    for seq in (1, 2, 3):
        await emit(world.company_x.id, "enrollment:1", seq, clock)
    await emit(world.company_x.id, "enrollment:2", 9, clock)

    # when the queue runs: the first fails, the other two of its key wait
    await drain(hook_settings, clock)
    sent = [(a.event["data"]["seq"], a.status) for a in receiver.all()]
    assert sent == [(1, 500), (9, 200)]
    rows = await deliveries()
    assert [r.state for r in rows] == ["PENDING", "PENDING", "PENDING", "DELIVERED"]
    assert [r.attempts for r in rows] == [1, 0, 0, 1]

    # then once the first is delivered, the rest follow in order at once
    clock.advance(60)
    await drain(hook_settings, clock)
    sent = [(a.event["data"]["seq"], a.status) for a in receiver.all()]
    assert sent == [(1, 500), (9, 200), (1, 200), (2, 200), (3, 200)]


async def test_a_failed_delivery_no_longer_holds_the_next_one(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    settings = hook_settings.replace(webhook_max_attempts=1)
    await subscribe(world.admin_x, receiver, settings=settings, clock=clock)
    receiver.statuses = [500]
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    await emit(world.company_x.id, "enrollment:1", 2, clock)
    await drain(settings, clock)
    assert [r.state for r in await deliveries()] == ["FAILED", "DELIVERED"]


async def test_a_disabled_subscription_stops_deliveries(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    # given a webhook with one delivery waiting for its retry and one not yet tried
    sub = await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    receiver.statuses = [500]
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    await drain(hook_settings, clock)
    await emit(world.company_x.id, "enrollment:2", 2, clock)

    # when an admin disables it, and later events happen
    await webhooks.disable_webhook(world.admin_x, sub.id, clock=clock)
    await emit(world.company_x.id, "enrollment:3", 3, clock)
    clock.advance(3600)
    await drain(hook_settings, clock)

    # then nothing more reaches the receiver; what was pending is FAILED, visibly
    assert len(receiver.all()) == 1
    rows = await deliveries()
    assert [r.state for r in rows] == ["FAILED", "FAILED"]
    assert all(r.last_error == "The webhook was disabled; not sent." for r in rows)
    assert await Job.exclude(state=JobState.DONE).count() == 0
    with pytest.raises(Conflict):
        await webhooks.resend_delivery(world.admin_x, rows[0].id, clock=clock)


async def test_a_redirect_is_not_followed(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    await subscribe(world.admin_x, receiver, "/redirect", settings=hook_settings, clock=clock)
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    await drain(hook_settings, clock)
    [delivery] = await deliveries()
    assert (delivery.state, delivery.last_status) == ("PENDING", 302)
    assert delivery.last_error == "Answered 302; redirects are not followed."
    # following it would have reached /elsewhere, which the receiver records
    assert receiver.all() == []
    assert await WebhookDelivery.filter(state="DELIVERED").count() == 0


async def test_emit_counts_only_subscribers_of_the_type(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    await subscribe(
        world.admin_x,
        receiver,
        types=(events.CERTIFICATE_ISSUED,),
        settings=hook_settings,
        clock=clock,
    )
    await emit(world.company_x.id, "enrollment:1", 1, clock)  # enrollment.completed
    assert await WebhookDelivery.all().count() == 0


async def test_a_worker_that_dies_after_sending_sends_again_with_the_same_id(
    world: World,
    receiver: Receiver,
    hook_settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the first run dies between the receiver's 200 and recording it
    await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    real_record = webhook_delivery._record
    deaths = [RuntimeError("the worker died")]

    async def dying(*args: object, **kwargs: object) -> None:
        if deaths:
            raise deaths.pop()
        await real_record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(webhook_delivery, "_record", dying)
    await drain(hook_settings, clock)
    [delivery] = await deliveries()
    assert (delivery.state, delivery.attempts) == ("PENDING", 0)

    # when the queue retries the job (its own backoff for a run that crashed)
    clock.advance(hook_settings.queue_backoff_seconds)
    await drain(hook_settings, clock)

    # then the event came twice, both times with the same webhook-id and body
    await delivery.refresh_from_db()
    assert delivery.state == "DELIVERED"
    arrivals = receiver.processed()
    assert len(arrivals) == 2
    assert len({(a.event_id, a.body) for a in arrivals}) == 1
