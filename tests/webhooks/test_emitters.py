"""The business changes announce themselves, inside their own transactions: completion
and issue, withdrawal (enrollment or person removed), deactivation; never an
individual's own learning; exactly once under racing completions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from tortoise.context import tortoise_test_context

from llp_gql.db import MODEL_MODULES
from llp_gql.domain import accounts, enrollments, membership, progress, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.ids import decode_id
from llp_gql.models import (
    Certificate,
    Enrollment,
    EnrollmentSource,
    LessonKind,
    WebhookDelivery,
    WebhookSubscription,
)
from llp_gql.settings import Settings
from tests.conftest import ON_POSTGRES, fresh_database
from tests.domain import assign, finish_before, make_kinds_course
from tests.factories import World, build_world

PUBLIC = "93.184.215.14"


async def _public(host: str, port: int) -> list[str]:
    return [PUBLIC]


async def _subscribe(world: World, settings: Settings, clock: FakeClock) -> WebhookSubscription:
    """Company X listens to everything (at a public address: nothing is sent here)."""
    created = await webhooks.create_webhook(
        world.admin_x,
        "https://hr.example/hook",
        [
            "certificate.issued",
            "certificate.withdrawn",
            "enrollment.completed",
            "employee.deactivated",
        ],
        settings=settings,
        clock=clock,
        resolver=_public,
    )
    return created.subscription


async def _logged() -> list[tuple[str, str, dict[str, Any]]]:
    rows = await WebhookDelivery.all().order_by("id")
    return [(r.event_type, r.ordering_key, dict(r.payload["data"])) for r in rows]  # type: ignore[call-overload]


async def _complete(world: World, enrollment: Enrollment, clock: FakeClock, s: Settings) -> int:
    lessons = await finish_before(world.employee_x, enrollment, 2, clock=clock, settings=s)
    outcome = await progress.complete_lesson(
        world.employee_x, enrollment.id, lessons[-1].id, settings=s, clock=clock
    )
    assert outcome.certificate is not None
    return outcome.certificate.id


async def test_completion_announces_completed_then_issued_with_what_admins_may_see(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given company X listens, and its employee is about to finish an assigned course
    await _subscribe(world, settings, clock)
    course = await make_kinds_course([LessonKind.READING, LessonKind.ACTIVITY], "Safety")
    enrollment = await assign(world, course=course)

    # when the last lesson is completed
    certificate_id = await _complete(world, enrollment, clock, settings)

    # then two events, in order, with one ordering key
    certificate = await Certificate.get(id=certificate_id)
    logged = await _logged()
    assert [(t, k) for t, k, _ in logged] == [
        ("enrollment.completed", f"enrollment:{enrollment.id}"),
        ("certificate.issued", f"enrollment:{enrollment.id}"),
    ]
    completed, issued = logged[0][2], logged[1][2]
    common = {
        "enrollmentId": completed["enrollmentId"],
        "course": {"id": completed["course"]["id"], "title": "Safety"},
        "learner": {
            "id": completed["learner"]["id"],
            "email": "emma@acme.example",
            "name": "Émma Núñez",
        },
    }
    assert decode_id("Enrollment", completed["enrollmentId"]) == enrollment.id
    assert decode_id("Course", completed["course"]["id"]) == course.id
    assert decode_id("User", completed["learner"]["id"]) == world.employee_x.id
    assert completed == {**common, "completedAt": "2026-01-05T09:00:00Z"}
    code = certificate.verification_code
    assert issued == {
        **common,
        "certificate": {
            "id": issued["certificate"]["id"],
            "verificationCode": code,
            "issuedAt": "2026-01-05T09:00:00Z",
            "verifyUrl": f"https://llp.example/verify/{code}",
        },
    }
    assert decode_id("Certificate", issued["certificate"]["id"]) == certificate_id


async def test_an_individuals_own_learning_is_never_announced(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given every company listens (a SELF enrollment has none; even one carrying a company)
    await _subscribe(world, settings, clock)
    course = await make_kinds_course([LessonKind.READING])
    own = await Enrollment.create(
        learner=world.individual_a, course=course, source=EnrollmentSource.SELF
    )
    odd = await Enrollment.create(
        learner=world.employee_x2,
        course=course,
        source=EnrollmentSource.SELF,
        company=world.company_x,
    )
    lessons = await finish_before(world.individual_a, own, 2, clock=clock, settings=settings)
    assert await Certificate.filter(enrollment_id=own.id).count() == 1
    await finish_before(world.employee_x2, odd, 2, clock=clock, settings=settings)
    assert await Certificate.filter(enrollment_id=odd.id).count() == 1
    # and their removal withdraws their certificates
    await enrollments.remove_enrollment(world.individual_a, own.id, clock=clock, settings=settings)
    await enrollments.remove_enrollment(world.employee_x2, odd.id, clock=clock, settings=settings)
    assert lessons
    # then nothing at all was announced
    assert await _logged() == []


async def test_removing_an_assignment_announces_the_withdrawal(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    await _subscribe(world, settings, clock)
    course = await make_kinds_course([LessonKind.READING])
    enrollment = await assign(world, course=course)
    certificate_id = await _complete(world, enrollment, clock, settings)
    code = (await Certificate.get(id=certificate_id)).verification_code
    clock.advance(3600)

    await enrollments.remove_enrollment(
        world.admin_x, enrollment.id, clock=clock, settings=settings
    )

    event_type, key, data = (await _logged())[-1]
    assert (event_type, key) == ("certificate.withdrawn", f"enrollment:{enrollment.id}")
    assert data["reason"] == "ENROLLMENT_REMOVED"
    assert data["withdrawnAt"] == "2026-01-05T10:00:00Z"
    assert data["certificate"]["verificationCode"] == code
    assert data["certificate"]["verifyUrl"] == f"https://llp.example/verify/{code}"
    assert data["learner"]["email"] == "emma@acme.example"


async def test_removing_and_deactivating_people_are_announced(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    await _subscribe(world, settings, clock)
    course = await make_kinds_course([LessonKind.READING])
    enrollment = await assign(world, course=course)
    await _complete(world, enrollment, clock, settings)

    await membership.deactivate_employee(world.admin_x, world.employee_x2.id, clock=clock)
    await membership.deactivate_employee(world.admin_x, world.employee_x2.id, clock=clock)
    await accounts.remove_employee(
        world.admin_x, world.employee_x.id, clock=clock, settings=settings
    )

    logged = await _logged()
    assert [t for t, _, _ in logged] == [
        "enrollment.completed",
        "certificate.issued",
        "employee.deactivated",  # once: deactivating again changes nothing
        "certificate.withdrawn",
    ]
    _, key, deactivated = logged[2]
    assert key == f"user:{world.employee_x2.id}"
    assert deactivated["user"]["email"] == "ed@acme.example"
    assert decode_id("User", deactivated["user"]["id"]) == world.employee_x2.id
    assert logged[3][2]["reason"] == "PERSON_REMOVED"


async def test_another_companys_events_do_not_reach_this_companys_webhooks(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    await _subscribe(world, settings, clock)
    await membership.deactivate_employee(world.admin_y, world.employee_y.id, clock=clock)
    assert await _logged() == []


# -- exactly once under real concurrency -----------------------------------------------------


@pytest_asyncio.fixture
async def race_world(tmp_path: Path) -> AsyncIterator[World]:
    if ON_POSTGRES:
        async with fresh_database():
            yield await build_world()
        return
    async with tortoise_test_context(MODEL_MODULES, db_url=f"sqlite://{tmp_path / 'race.sqlite3'}"):
        yield await build_world()


@pytest.mark.slow
async def test_racing_completions_announce_once(
    race_world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a listening company and an assignment one activity from the end
    world = race_world
    await _subscribe(world, settings, clock)
    course = await make_kinds_course([LessonKind.READING, LessonKind.ACTIVITY])
    enrollment = await assign(world, course=course)
    lessons = await finish_before(world.employee_x, enrollment, 2, clock=clock, settings=settings)
    # when thirty requests complete it at once
    results = await asyncio.gather(
        *(
            progress.complete_lesson(
                world.employee_x, enrollment.id, lessons[-1].id, settings=settings, clock=clock
            )
            for _ in range(30)
        ),
        return_exceptions=True,
    )
    # then one completion and one certificate are announced
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert [t for t, _, _ in await _logged()] == ["enrollment.completed", "certificate.issued"]
