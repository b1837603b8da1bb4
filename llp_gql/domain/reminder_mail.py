"""The words of a reminder mail: each course, its due date, and exactly which lessons
are missing (the blockers, in the words the learner app uses) with a link to each.

Pure: the scan (``reminders``) hands in rows it already loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from llp_gql import words
from llp_gql.domain.state import EnrollmentState
from llp_gql.mail.compose import Mail, render
from llp_gql.models import Enrollment, User
from llp_gql.settings import Settings


@dataclass(frozen=True, slots=True)
class CourseReminder:
    enrollment: Enrollment
    title: str
    state: EnrollmentState


def when_due(due_at: datetime, now: datetime) -> str:
    """'due in 7 days', 'due within a day', 'overdue since 20 Jan 2026 (3 days)'."""
    if now < due_at:
        days = (due_at - now).days
        if days < 1:
            return "due within a day"
        return f"due in {days} day" + ("" if days == 1 else "s")
    late = (now - due_at).days
    since = f"overdue since {due_at:%d %b %Y}"
    if late < 1:
        return since
    return f"{since} ({late} day{'' if late == 1 else 's'})"


def _subject(items: Sequence[CourseReminder], now: datetime) -> str:
    if len(items) == 1:
        item = items[0]
        assert item.enrollment.due_at is not None
        state = "is overdue" if item.enrollment.due_at <= now else "is due soon"
        return f"Reminder: {item.title} {state}"
    return f"Reminder: {len(items)} courses to finish"


def compose_reminder(
    person: User, items: Sequence[CourseReminder], *, settings: Settings, now: datetime
) -> Mail:
    """One person's reminder mail for ``items`` (their courses with a reminder due)."""
    learn = f"{settings.public_base_url}/learn"
    courses = []
    for item in items:
        enrollment = item.enrollment
        assert enrollment.due_at is not None
        course_link = f"{learn}/enrollments/{enrollment.id}"
        courses.append(
            {
                "title": item.title,
                "due": f"{enrollment.due_at:%d %b %Y, %H:%M} UTC",
                "when": when_due(enrollment.due_at, now),
                "overdue": enrollment.due_at <= now,
                "progress": item.state.progress_percent,
                "link": course_link,
                "lessons": [
                    {
                        "title": blocker.lesson.title,
                        "missing": words.blocker(blocker),
                        "link": f"{course_link}/lessons/{blocker.lesson.id}",
                    }
                    for blocker in item.state.blockers
                ],
            }
        )
    return render(
        "reminder",
        to=person.email,
        subject=_subject(items, now),
        context={"name": person.name, "courses": courses, "my_learning": f"{learn}/"},
    )
