"""Human words on every admin page, never a raw code (STYLE.md), and the same words as
the learner app (one module, ``llp_gql.words``, feeds both UIs' templates).

Given a company whose employees stand at every enrollment status and every blocker,
and courses in every status, when each admin page that shows them is rendered (as
the company admin and as staff), then no enum code appears in what a person reads:
the text, and the attributes read aloud or shown (aria-label, title, alt, placeholder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx
import pytest

from learner_ui import web as learner_web
from llp_gql import words
from llp_gql.domain import progress, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.state import BlockerReason, EnrollmentStatus
from llp_gql.models import (
    AccountType,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    LessonKind,
    LessonStatus,
    Role,
    User,
)
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import World, make_user

ENUMS = (
    EnrollmentStatus,
    BlockerReason,
    LessonStatus,
    LessonKind,
    CourseStatus,
    Role,
    AccountType,
    EnrollmentSource,
)
CODES = sorted({member.value for enum in ENUMS for member in enum}, key=len, reverse=True)
RAW = re.compile(r"(?<![\w-])(" + "|".join(CODES) + r")(?![\w-])")
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "value"}


class _Reader(HTMLParser):
    """What a person reads: text outside script/style, and the spoken attributes
    (a ``value`` only of a button-like input, which shows it)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        named = dict(attrs)
        for name, value in attrs:
            if name not in SPOKEN_ATTRIBUTES or not value:
                continue
            if name == "value" and not (tag == "input" and named.get("type") == "submit"):
                continue
            self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def raw_codes(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return sorted(set(RAW.findall(" ".join(reader.parts))))


def test_the_check_finds_a_raw_code_and_ignores_markup() -> None:
    assert raw_codes("<p>Lesson <code>VIDEO_UNFINISHED</code></p>") == ["VIDEO_UNFINISHED"]
    assert raw_codes('<a aria-label="Emma: IN_PROGRESS">x</a>') == ["IN_PROGRESS"]
    assert raw_codes('<a data-status="LOCKED" class="badge in_progress">Locked</a>') == []


@dataclass
class Cast:
    """One employee per blocker the first unfinished lesson can show, and a finisher."""

    enrollments: dict[str, Enrollment]
    people: dict[str, User]


async def _walk(
    learner: User,
    enrollment: Enrollment,
    world: World,
    steps: str,
    *,
    settings: Settings,
    clock: FakeClock,
) -> None:
    """Steps, in order: 'v' a part of the video, 'V' all of it, 'r' reading,
    'a' activity, 'x' a failed quiz attempt, 'q' a passed one."""
    parts = world.course
    for step in steps:
        if step in "vV":
            end = (parts.video.duration_seconds or 0) if step == "V" else 10.0
            position = 0.0
            while position < end:  # as a player reports: in real time
                stop = min(position + 5.0, end)
                clock.advance(stop - position)
                _ = await progress.record_video_progress(
                    learner,
                    enrollment.id,
                    parts.video.id,
                    position,
                    stop,
                    settings=settings,
                    clock=clock,
                )
                position = stop
        elif step in "ra":
            lesson = parts.reading if step == "r" else parts.activity
            _ = await progress.complete_lesson(
                learner, enrollment.id, lesson.id, settings=settings, clock=clock
            )
        else:
            answers = parts.correct if step == "q" else parts.wrong
            _ = await quizzes.submit_quiz(
                learner, enrollment.id, parts.quiz.id, answers, settings=settings, clock=clock
            )


STEPS = {
    BlockerReason.NOT_STARTED: "",
    BlockerReason.VIDEO_UNFINISHED: "v",
    BlockerReason.READING_NOT_CONFIRMED: "V",
    BlockerReason.ACTIVITY_NOT_DONE: "Vr",
    BlockerReason.QUIZ_NOT_PASSED: "Vrax",
    BlockerReason.QUIZ_ATTEMPTS_EXHAUSTED: "Vraxx",  # the factory course allows 2 attempts
    "done": "Vraq",
}


async def _cast(world: World, settings: Settings, clock: FakeClock) -> Cast:
    enrollments: dict[str, Enrollment] = {}
    people: dict[str, User] = {}
    for key, steps in STEPS.items():
        person = await make_user(f"{key.lower()}@acme.example", company=world.company_x)
        enrollment = await Enrollment.create(
            learner=person,
            course=world.course.course,
            source=EnrollmentSource.ASSIGNED,
            assigned_by=world.admin_x,
            company_id=world.company_x.id,
        )
        await _walk(person, enrollment, world, steps, settings=settings, clock=clock)
        enrollments[key] = enrollment
        people[key] = person
    _ = await Course.create(title="Old course", status=CourseStatus.ARCHIVED)
    return Cast(enrollments, people)


async def test_no_admin_page_shows_a_raw_code(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    cast = await _cast(world, settings, clock)
    admin_pages = ["/admin/progress", "/admin/employees", "/admin/dashboard", "/admin/audit"]
    admin_pages += [f"/admin/enrollments/{e.id}" for e in cast.enrollments.values()]
    admin_pages += [f"/admin/employees/{p.id}" for p in cast.people.values()]
    staff_pages = ["/admin/staff/courses", "/admin/staff/support?email=acme.example"]
    staff_pages += [f"/admin/staff/courses/{c.id}" for c in await Course.all()]
    staff_pages += [f"/admin/staff/courses/{c.id}/preview" for c in await Course.all()]
    staff_pages += [f"/admin/staff/support/users/{p.id}" for p in cast.people.values()]
    staff_pages += [f"/admin/enrollments/{e.id}" for e in cast.enrollments.values()]
    found: dict[str, list[str]] = {}
    for who, pages in ((world.admin_x, admin_pages), (world.staff, staff_pages)):
        _ = await log_in(client, who, settings)
        for path in pages:
            response = await client.get(path)
            assert response.status_code == 200, path
            if codes := raw_codes(response.text):
                found[f"{who.email} {path}"] = codes
    assert found == {}
    # and the world did hold every blocker: the words of each are on the pages
    _ = await log_in(client, world.admin_x, settings)
    for reason in BlockerReason:
        if reason == BlockerReason.LOCKED:
            continue  # every unfinished enrollment but the quiz ones has locked lessons
        page = await client.get(f"/admin/enrollments/{cast.enrollments[reason].id}")
        expected = "Not started yet" if reason == BlockerReason.NOT_STARTED else None
        assert (expected or words.blocker_reason(reason)) in page.text, reason
    locked = await client.get(f"/admin/enrollments/{cast.enrollments['NOT_STARTED'].id}")
    assert "Locked until" in locked.text


@pytest.mark.parametrize(
    ("enum", "table"),
    [
        (EnrollmentStatus, words.enrollment_status),
        (LessonStatus, words.lesson_status),
        (LessonKind, words.lesson_kind),
        (BlockerReason, words.blocker_reason),
        (CourseStatus, words.course_status),
        (Role, words.role),
        (AccountType, words.account_type),
    ],
)
def test_every_code_has_words(enum: type, table: object) -> None:
    assert callable(table)
    for member in enum:  # type: ignore[attr-defined]
        said = table(member)
        assert said, member
        assert not RAW.search(said), (member, said)
        assert said != member.value


def test_both_uis_get_the_same_filters() -> None:
    from admin_ui import rendering

    for name, function in words.FILTERS.items():
        assert rendering.environment.filters[name] is function
        assert learner_web.environment.filters[name] is function
