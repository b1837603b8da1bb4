"""Events for webhooks are stored with the change that causes them, for the company's
subscribers that want that type, and never for an individual's own learning."""

from __future__ import annotations

import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from llp_gql.domain import events
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Job, WebhookDelivery, WebhookSubscription
from tests.factories import make_company


class Boom(Exception):
    pass


async def _subscribe(company_id: int, types: str, *, disabled: bool = False) -> int:
    sub = await WebhookSubscription.create(
        company_id=company_id,
        url="https://hr.example/hook",
        events=types,
        secret="whsec_x",
        created_at=FakeClock()(),
        disabled_at=FakeClock()() if disabled else None,
    )
    return sub.id


async def test_emit_reaches_only_active_subscribers_of_that_type_and_company(
    db: TortoiseContext, clock: FakeClock
) -> None:
    acme = await make_company("Acme")
    other = await make_company("Other")
    wants = await _subscribe(acme.id, "certificate.issued enrollment.completed")
    await _subscribe(acme.id, "employee.deactivated")
    await _subscribe(acme.id, "certificate.issued", disabled=True)
    await _subscribe(other.id, "certificate.issued")

    async with in_transaction() as connection:
        count = await events.emit(
            events.CERTIFICATE_ISSUED,
            company_id=acme.id,
            data={"certificateId": "c1"},
            ordering_key="enrollment:1",
            connection=connection,
            clock=clock,
        )

    assert count == 1
    deliveries = await WebhookDelivery.all()
    assert [(d.subscription_id, d.event_type, d.ordering_key) for d in deliveries] == [
        (wants, "certificate.issued", "enrollment:1")
    ]
    assert deliveries[0].payload["data"] == {"certificateId": "c1"}
    assert deliveries[0].payload["version"] == events.PAYLOAD_VERSION
    jobs = await Job.all()
    assert [(j.kind, j.payload) for j in jobs] == [
        (events.DELIVER_JOB, {"subscription_id": wants, "event_id": deliveries[0].event_id})
    ]


async def test_emit_rolls_back_with_the_change_and_ignores_individuals(
    db: TortoiseContext, clock: FakeClock
) -> None:
    acme = await make_company("Acme")
    await _subscribe(acme.id, "certificate.withdrawn")

    async def withdrawal_that_fails() -> None:
        async with in_transaction() as connection:
            await events.emit(
                events.CERTIFICATE_WITHDRAWN,
                company_id=acme.id,
                data={},
                ordering_key="enrollment:2",
                connection=connection,
                clock=clock,
            )
            raise Boom("the withdrawal failed")

    with pytest.raises(Boom):
        await withdrawal_that_fails()
    async with in_transaction() as connection:
        none = await events.emit(
            events.CERTIFICATE_WITHDRAWN,
            company_id=None,
            data={},
            ordering_key="enrollment:3",
            connection=connection,
            clock=clock,
        )
        with pytest.raises(ValueError, match="unknown event type"):
            await events.emit(
                "certificate.printed",
                company_id=acme.id,
                data={},
                ordering_key="x",
                connection=connection,
            )
    assert none == 0
    assert await WebhookDelivery.all().count() == 0
    assert await Job.all().count() == 0
