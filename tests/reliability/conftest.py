"""Shared set-up of the reliability suites (RELIABILITY.md R3, R7, R8).

A scene on top of the world (tests/factories.py), built through the domain:

- ``e_x``: employee_x's ASSIGNED enrollment (assigned by admin_x), completed, certificate
  ``cert_x`` (downloadable by admin_x only);
- ``e_a``: individual_a's SELF enrollment, completed, certificate ``cert_a``;
- ``e_b``: individual_b's SELF enrollment, nothing done yet (the video is open).

Clients are made with ``raise_app_exceptions=False`` so that an unhandled error
becomes a counted 500 answer instead of aborting the suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise.context import TortoiseContext

from llp_gql.domain import enrollments, progress, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate, Enrollment, User
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import World
from tests.gql import gid, token_for

BASE_URL = "https://llp.example"
CLIENT_ADDRESS = "203.0.113.7"
ROLES = ("individual_a", "individual_b", "employee_x", "admin_x", "admin_y", "staff")


def asgi_client(app: Starlette, address: str = CLIENT_ADDRESS) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=60)


async def finish_course(
    learner: User, enrollment: Enrollment, world: World, *, clock: FakeClock, settings: Settings
) -> None:
    """Complete every lesson of the world course in order (video, reading, activity, quiz)."""
    parts = world.course
    video = parts.video
    assert video.duration_seconds is not None
    e = enrollment.id
    await progress.record_video_progress(learner, e, video.id, 0, 5, settings=settings, clock=clock)
    clock.advance(30)
    await progress.record_video_progress(
        learner, e, video.id, 5, video.duration_seconds, settings=settings, clock=clock
    )
    for lesson in (parts.reading, parts.activity):
        await progress.complete_lesson(learner, e, lesson.id, settings=settings, clock=clock)
    await quizzes.submit_quiz(
        learner, e, parts.quiz.id, parts.correct, settings=settings, clock=clock
    )


@dataclass
class Scene:
    world: World
    e_x: Enrollment
    e_a: Enrollment
    e_b: Enrollment
    cert_x: Certificate
    cert_a: Certificate
    tokens: dict[str, str] = field(default_factory=dict)

    def ids(self) -> dict[str, str]:
        w = self.world
        return {
            "e_x": gid("Enrollment", self.e_x.id),
            "e_a": gid("Enrollment", self.e_a.id),
            "e_b": gid("Enrollment", self.e_b.id),
            "course": gid("Course", w.course.course.id),
            "draft": gid("Course", w.draft.id),
            "video": gid("Lesson", w.course.video.id),
            "reading": gid("Lesson", w.course.reading.id),
            "quiz": gid("Lesson", w.course.quiz.id),
            "question": gid("Question", w.course.questions[0].id),
            "employee_x2": gid("User", w.employee_x2.id),
            "employee_y": gid("User", w.employee_y.id),
            "cert_x": gid("Certificate", self.cert_x.id),
        }


@pytest_asyncio.fixture
async def scene(world: World, clock: FakeClock, settings: Settings) -> Scene:
    course_id = world.course.course.id
    [e_x] = await enrollments.assign_course(world.admin_x, course_id, [world.employee_x.id])
    e_a = await enrollments.enroll_self(world.individual_a, course_id)
    e_b = await enrollments.enroll_self(world.individual_b, course_id)
    await finish_course(world.employee_x, e_x, world, clock=clock, settings=settings)
    await finish_course(world.individual_a, e_a, world, clock=clock, settings=settings)
    users = world.users()
    tokens = {role: await token_for(users[role], settings) for role in ROLES}
    return Scene(
        world,
        e_x,
        e_a,
        e_b,
        await Certificate.get(enrollment_id=e_x.id),
        await Certificate.get(enrollment_id=e_a.id),
        tokens,
    )


@pytest.fixture
def prod_settings(settings: Settings) -> Settings:
    """Production mode: no field suggestions, no introspection."""
    return settings.replace(mode="production", introspection=False)


@pytest_asyncio.fixture
async def prod_app(db: TortoiseContext, prod_settings: Settings, clock: FakeClock) -> Starlette:
    return create_app(prod_settings, manage_database=False, clock=clock)


@pytest_asyncio.fixture
async def clients() -> AsyncIterator[Callable[[Starlette, str], httpx.AsyncClient]]:
    """A factory of clients (one per app and address), all closed at the end."""
    async with AsyncExitStack() as stack:
        made: dict[tuple[int, str], httpx.AsyncClient] = {}

        def make(app: Starlette, address: str = CLIENT_ADDRESS) -> httpx.AsyncClient:
            key = (id(app), address)
            if key not in made:
                made[key] = asgi_client(app, address)
                stack.push_async_callback(made[key].aclose)
            return made[key]

        yield make
