"""The demo world (``llp-gql demo``) is consistent and looks like a real company.

Given the demo seeded into a fresh database, then: no certificate is older than its
assignment, completion agrees with progress and with the certificate, overdue work
exists (and work due later, and work done), a few dozen employees sit in 3-4
departments, names come in several scripts, two individuals learn on their own, and
the README's logins work with the demo password.
"""

from __future__ import annotations

import time
import unicodedata
from datetime import timedelta

from tortoise.context import TortoiseContext

from llp_gql import demo
from llp_gql.domain import auth, progress
from llp_gql.domain.clock import utcnow
from llp_gql.domain.state import EnrollmentStatus
from llp_gql.models import (
    AuditEvent,
    Certificate,
    Company,
    Enrollment,
    EnrollmentSource,
    Group,
    LessonProgress,
    Role,
    User,
)
from llp_gql.settings import Settings

README_LOGINS = [
    "admin@acme.example",
    "staff@llp.example",
    "sam@mail.example",
    "olivia@acme.example",
]


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split()[0] if name else ""


async def test_the_demo_world_is_consistent_and_realistic(
    db: TortoiseContext, settings: Settings
) -> None:
    started = time.monotonic()
    await demo._seed(settings)
    seconds = time.monotonic() - started
    now = utcnow()
    acme = await Company.get(name="Acme Corp")

    # no certificate before its assignment; nothing in the future
    enrollments = {e.id: e for e in await Enrollment.all()}
    learners = {u.id: u for u in await User.all()}
    certificates = {c.enrollment_id: c for c in await Certificate.all()}  # type: ignore[attr-defined]
    assert len(certificates) >= 10
    for enrollment_id, certificate in certificates.items():
        enrollment = enrollments[enrollment_id]
        assert enrollment.created_at <= certificate.issued_at <= now, enrollment_id
        assert enrollment.completed_at == certificate.issued_at, enrollment_id
    for enrollment in enrollments.values():
        assert learners[enrollment.learner_id].created_at <= enrollment.created_at  # type: ignore[attr-defined]
        assert enrollment.created_at <= now
        if enrollment.due_at is not None:
            assert enrollment.due_at > enrollment.created_at
    for row in await LessonProgress.all():
        enrollment = enrollments[row.enrollment_id]  # type: ignore[attr-defined]
        if row.completed_at is not None:
            assert enrollment.created_at <= row.completed_at <= now
    assert await AuditEvent.filter(at__gt=now + timedelta(seconds=1)).count() == 0

    # completion agrees with progress and with the certificate
    counts = {status: 0 for status in EnrollmentStatus}
    for enrollment in enrollments.values():
        state = await progress.load_state(enrollment, settings)
        counts[state.status] += 1
        done = state.status == EnrollmentStatus.COMPLETED
        assert (enrollment.completed_at is not None) == done, enrollment.id
        assert (enrollment.id in certificates) == done, enrollment.id
        assert (state.progress_percent == 100) == done, enrollment.id
    assert all(count >= 5 for count in counts.values()), counts

    # overdue work exists, and work due later, and work done before its due date
    assigned = [e for e in enrollments.values() if e.source == EnrollmentSource.ASSIGNED]
    overdue = [e for e in assigned if e.due_at and e.due_at < now and e.completed_at is None]
    upcoming = [e for e in assigned if e.due_at and e.due_at > now and e.completed_at is None]
    on_time = [e for e in assigned if e.due_at and e.completed_at and e.completed_at <= e.due_at]
    assert len(overdue) >= 3
    assert len(upcoming) >= 3
    assert len(on_time) >= 3

    # a few dozen employees in 3-4 departments, everyone in one
    employees = [u for u in learners.values() if u.company_id == acme.id and u.role == Role.LEARNER]
    assert 24 <= len(employees) <= 60
    departments = await Group.filter(company_id=acme.id)
    assert 3 <= len(departments) <= 4
    assert all(u.group_id is not None for u in employees)  # type: ignore[attr-defined]
    for group in departments:
        assert sum(u.group_id == group.id for u in employees) >= 3, group.name  # type: ignore[attr-defined]

    # names in several scripts
    scripts = {_script(ch) for u in employees for ch in u.name if ch.isalpha()}
    assert len(scripts - {""}) >= 6, scripts

    # a couple of individuals learning on their own
    individuals = {e.learner_id for e in enrollments.values() if e.source == EnrollmentSource.SELF}  # type: ignore[attr-defined]
    assert len(individuals) >= 2

    # the README's logins work
    for email in [*README_LOGINS, *(email for email, _ in demo.EMPLOYEES)]:
        issued = await auth.login(
            email, demo.DEMO_PASSWORD, settings=settings, client_address="127.0.0.1"
        )
        assert issued.token, email

    # and it seeds in seconds (a generous bound: the machine may be busy)
    assert seconds < 60, seconds
