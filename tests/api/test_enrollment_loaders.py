"""An enrollment's state comes from the request's loaders: computed once per enrollment
however many objects and fields ask, and replaced by what each mutation computed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llp_gql.domain import state as domain_state
from llp_gql.models import Enrollment, EnrollmentSource, Lesson, LessonKind
from llp_gql.settings import Settings
from tests.domain import make_kinds_course
from tests.factories import World
from tests.gql import gid, ok, token_for


def count_states(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the lessons of every state computed from now on."""
    calls: list[int] = []
    real = domain_state.compute_state

    def counting(lessons: Any, *args: Any, **kwargs: Any) -> domain_state.EnrollmentState:
        state = real(lessons, *args, **kwargs)
        calls.append(len(state.lessons))
        return state

    monkeypatch.setattr(domain_state, "compute_state", counting)
    return calls


async def test_one_state_per_enrollment_whatever_asks_for_it(
    client: httpx.AsyncClient, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an individual's enrollment
    enrollment = await Enrollment.create(
        learner=world.individual_a, course=world.course.course, source=EnrollmentSource.SELF
    )
    calls = count_states(monkeypatch)
    token = await token_for(world.individual_a, settings)
    # when one document reaches it three times: twice by id and once in the dashboard
    data = await ok(
        client,
        "query($id: ID!) { a: enrollment(id: $id) { status blockers { reason } } "
        "b: enrollment(id: $id) { progressPercent lessons { status } } "
        "myEnrollments { id status } }",
        {"id": gid("Enrollment", enrollment.id)},
        token,
    )
    # then every object answers, from one computation of its state
    assert data["a"]["status"] == data["myEnrollments"][0]["status"] == "NOT_STARTED"
    assert len(data["b"]["lessons"]) == 4
    assert calls == [4]


async def complete_both(client: httpx.AsyncClient, world: World, settings: Settings) -> Any:
    """One document that completes a reading, then an activity: the whole course."""
    course = await make_kinds_course([LessonKind.READING, LessonKind.ACTIVITY])
    reading, activity = await Lesson.filter(course_id=course.id).order_by("position")
    enrollment = await Enrollment.create(
        learner=world.individual_a, course=course, source=EnrollmentSource.SELF
    )
    token = await token_for(world.individual_a, settings)
    return await ok(
        client,
        "mutation($e: ID!, $r: ID!, $a: ID!) { "
        "first: completeLesson(enrollmentId: $e, lessonId: $r) { enrollment { status "
        "progressPercent certificate { id } } } "
        "second: completeLesson(enrollmentId: $e, lessonId: $a) { enrollment { status "
        "progressPercent certificate { id } } } }",
        {
            "e": gid("Enrollment", enrollment.id),
            "r": gid("Lesson", reading.id),
            "a": gid("Lesson", activity.id),
        },
        token,
    )


async def test_each_mutation_of_a_document_answers_its_own_state(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given an individual enrolled in a course of a reading then an activity
    # when one document completes the reading, then the activity
    data = await complete_both(client, world, settings)
    # then each answer shows the enrollment as that mutation left it
    first, second = data["first"]["enrollment"], data["second"]["enrollment"]
    assert (first["status"], first["progressPercent"]) == ("IN_PROGRESS", 50.0)
    assert first["certificate"] is None
    assert (second["status"], second["progressPercent"]) == ("COMPLETED", 100.0)


async def test_the_mutation_that_completes_the_course_shows_its_certificate(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given an individual enrolled in a course of a reading then an activity
    # when one document completes the reading (no certificate yet), then the activity
    data = await complete_both(client, world, settings)
    # then the answer of the call that completed the course carries the new certificate
    assert data["first"]["enrollment"]["certificate"] is None
    assert data["second"]["enrollment"]["certificate"] is not None
