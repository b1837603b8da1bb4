"""Issuing the certificate with the call that completes the last lesson (DESIGN.md 3, 4)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PIL import Image
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.connection import get_connections
from tortoise.context import tortoise_test_context
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql import jobs
from llp_gql.certs.render import TEMPLATE_VERSION, CertificateSnapshot, render_certificate_async
from llp_gql.db import MODEL_MODULES
from llp_gql.domain import audit, enrollments, issuance, progress, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.state import EnrollmentStatus
from llp_gql.models import (
    AuditEvent,
    Certificate,
    Company,
    Course,
    Enrollment,
    Job,
    JobState,
    LessonKind,
    User,
)
from llp_gql.settings import Settings
from tests.conftest import ON_POSTGRES, fresh_database
from tests.domain import assign, enroll_self, finish_before, finish_lesson, make_kinds_course
from tests.factories import World, build_world


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def _complete_course(
    world: World, enrollment: Enrollment, learner: User, *, clock: FakeClock, settings: Settings
) -> progress.ProgressOutcome:
    """Finish every lesson; returns the outcome of the call that completed the last one."""
    lessons = await finish_before(learner, enrollment, 4, clock=clock, settings=settings)
    return await finish_lesson(learner, enrollment, lessons[-1], clock=clock, settings=settings)


@pytest.mark.parametrize("case", ["assigned_with_logo", "assigned_without_logo", "self"])
async def test_the_completing_call_returns_the_certificate_with_its_snapshot(
    world: World, clock: FakeClock, settings: Settings, case: str
) -> None:
    # given an enrollment with every lesson but the quiz done
    logo = _png()
    if case == "assigned_with_logo":
        await Company.filter(id=world.company_x.id).update(logo=logo)
    learner = world.individual_a if case == "self" else world.employee_x
    enrollment = await (enroll_self(world) if case == "self" else assign(world))
    # when the learner passes the quiz
    outcome = await _complete_course(world, enrollment, learner, clock=clock, settings=settings)
    # then that very call returns the certificate, issued at the completion time
    certificate = outcome.certificate
    assert certificate is not None
    assert outcome.state.status == EnrollmentStatus.COMPLETED
    assert outcome.state.progress_percent == 100.0
    assert outcome.state.blockers == ()
    assert certificate.issued_at == clock.now == outcome.enrollment.completed_at
    stored = await Enrollment.get(id=enrollment.id)
    assert stored.completed_at == clock.now
    # with the snapshot, the PDF and its hash
    assert (certificate.learner_name, certificate.learner_email) == (learner.name, learner.email)
    assert certificate.course_title == "Leading Teams"
    expected_company = None if case == "self" else "Acme Corp"
    assert certificate.company_name == expected_company
    assert certificate.company_logo == (logo if case == "assigned_with_logo" else None)
    assert certificate.template_version == TEMPLATE_VERSION
    # the PDF is drawn after commit (the queue), or by the first download
    assert certificate.sha256 == issuance.PENDING
    [job] = await Job.filter(kind=issuance.RENDER_JOB)
    assert job.payload == {"certificate_id": certificate.id}
    pdf = await issuance.ensure_pdf(certificate, settings=settings)
    assert pdf.startswith(b"%PDF")
    stored = await Certificate.get(id=certificate.id)
    assert bytes(stored.pdf) == pdf
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert re.fullmatch(r"[a-z2-7]{32}", certificate.verification_code)
    # and one audit event, readable by the assigning company's admins
    event = await AuditEvent.get(action=audit.CERTIFICATE_ISSUED)
    assert (event.subject_id, event.company_id, event.actor_id) == (
        certificate.id,
        enrollment.company_id,
        None,
    )


async def test_completing_an_earlier_lesson_issues_nothing(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an enrollment, when the learner completes the first three lessons
    enrollment = await assign(world)
    lessons = await finish_before(world.employee_x, enrollment, 3, clock=clock, settings=settings)
    outcome = await finish_lesson(
        world.employee_x, enrollment, lessons[2], clock=clock, settings=settings
    )
    # then no certificate and no completion time
    assert outcome.certificate is None
    assert outcome.state.status == EnrollmentStatus.IN_PROGRESS
    assert (await Enrollment.get(id=enrollment.id)).completed_at is None
    assert await Certificate.all().count() == 0


async def test_later_renames_never_change_an_issued_certificate(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an issued certificate
    enrollment = await assign(world)
    outcome = await _complete_course(
        world, enrollment, world.employee_x, clock=clock, settings=settings
    )
    assert outcome.certificate is not None
    before = await Certificate.get(id=outcome.certificate.id)
    # when the learner, the course and the company are renamed
    await User.filter(id=world.employee_x.id).update(name="Someone Else", email="x@acme.example")
    await Course.filter(id=world.course.course.id).update(title="Renamed Course")
    await Company.filter(id=world.company_x.id).update(name="Renamed Corp", logo=_png())
    # then the certificate still says what it said, byte for byte
    after = await Certificate.get(id=before.id)
    snapshot = (
        "learner_name",
        "learner_email",
        "course_title",
        "company_name",
        "company_logo",
        "issued_at",
        "pdf",
        "sha256",
        "verification_code",
    )
    assert [getattr(after, f) for f in snapshot] == [getattr(before, f) for f in snapshot]
    assert after.learner_name == "Émma Núñez"


async def test_the_completing_request_renders_nothing_the_queue_renders_after_commit(
    world: World, clock: FakeClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a renderer that notes whether a transaction is open while it runs
    seen: list[bool] = []
    real = render_certificate_async

    async def spy(snapshot: CertificateSnapshot) -> bytes:
        seen.append(isinstance(get_connections().get("default"), TransactionalDBClient))
        return await real(snapshot)

    # issuance imported the name, so the spy replaces it there
    monkeypatch.setattr("llp_gql.domain.issuance.render_certificate_async", spy)
    # when the course is completed
    enrollment = await assign(world)
    outcome = await _complete_course(
        world, enrollment, world.employee_x, clock=clock, settings=settings
    )
    # then the request drew nothing; the certificate and its code exist already
    assert outcome.certificate is not None
    assert seen == []
    # and the queue, after commit, draws the PDF once, outside any transaction
    handlers = jobs.handlers(settings, clock=clock)
    assert await queue.run_one(handlers, settings=settings, clock=clock)
    assert seen == [False]
    stored = await Certificate.get(id=outcome.certificate.id)
    assert bytes(stored.pdf).startswith(b"%PDF")
    assert stored.sha256 == hashlib.sha256(bytes(stored.pdf)).hexdigest()
    # a later download gets the stored bytes, drawing nothing
    assert await issuance.ensure_pdf(stored, settings=settings) == bytes(stored.pdf)
    assert seen == [False]
    [event] = await AuditEvent.filter(action=audit.CERTIFICATE_ISSUED)
    assert "sha256" not in event.details


async def test_a_download_racing_the_queue_stores_one_pdf_the_same_bytes(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await assign(world)
    outcome = await _complete_course(
        world, enrollment, world.employee_x, clock=clock, settings=settings
    )
    assert outcome.certificate is not None
    first = await Certificate.get(id=outcome.certificate.id)
    second = await Certificate.get(id=outcome.certificate.id)
    # two renderers (a download and the queue) draw the same certificate at once
    a, b = await asyncio.gather(
        issuance.ensure_pdf(first, settings=settings),
        issuance.ensure_pdf(second, settings=settings),
    )
    assert a == b  # deterministic: whoever stores first, the bytes are these
    stored = await Certificate.get(id=first.id)
    assert bytes(stored.pdf) == a
    # the render job then finds it drawn and finishes without drawing again
    handlers = jobs.handlers(settings, clock=clock)
    assert await queue.run_one(handlers, settings=settings, clock=clock)
    assert (await Certificate.get(id=first.id)).sha256 == stored.sha256


async def test_a_certificate_removed_before_its_render_leaves_a_finished_job(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await assign(world)
    outcome = await _complete_course(
        world, enrollment, world.employee_x, clock=clock, settings=settings
    )
    assert outcome.certificate is not None
    await enrollments.remove_enrollment(world.admin_x, enrollment.id, clock=clock)
    handlers = jobs.handlers(settings, clock=clock)
    assert await queue.run_one(handlers, settings=settings, clock=clock)
    [job] = await Job.filter(kind=issuance.RENDER_JOB)
    assert job.state == JobState.DONE


async def test_a_second_certificate_is_refused_by_the_constraint_and_stores_nothing(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an issued certificate
    enrollment = await assign(world)
    outcome = await _complete_course(
        world, enrollment, world.employee_x, clock=clock, settings=settings
    )
    assert outcome.certificate is not None
    # when issuance runs again with a freshly prepared certificate, as only a writer
    # that skipped the enrollment's lock could (completions take it and find the
    # course completed)
    prepared = await issuance.prepare_certificate(
        enrollment, settings=settings, issued_at=clock.now
    )
    with pytest.raises(IntegrityError):
        async with in_transaction() as connection:
            await issuance.issue_certificate(
                enrollment, settings=settings, clock=clock, connection=connection, prepared=prepared
            )
    # then the unique constraint keeps the first one, and the failed transaction
    # left nothing behind (no second audit event, no render job for a ghost)
    assert await Certificate.filter(enrollment_id=enrollment.id).count() == 1
    assert await AuditEvent.filter(action=audit.CERTIFICATE_ISSUED).count() == 1
    assert await Job.filter(kind=issuance.RENDER_JOB).count() == 1


def test_verification_codes_carry_160_random_bits() -> None:
    # given many codes, then each is 32 base32 characters (5 bits each) and all differ
    codes = {issuance.new_verification_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"[a-z2-7]{32}", code) for code in codes)


# -- exactly once under real concurrency (RELIABILITY.md R5) -----------------------------------


@pytest_asyncio.fixture
async def race_world(tmp_path: Path) -> AsyncIterator[World]:
    """A world in a database that racing requests really share: a file on SQLite (the
    default test database lives in memory), the usual per-test database on PostgreSQL."""
    if ON_POSTGRES:
        async with fresh_database():
            yield await build_world()
        return
    async with tortoise_test_context(MODEL_MODULES, db_url=f"sqlite://{tmp_path / 'race.sqlite3'}"):
        yield await build_world()


RACERS = 50


async def test_fifty_racing_completions_issue_exactly_one_certificate(
    race_world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a course whose last lesson is an activity, everything before it done
    world = race_world
    course = await make_kinds_course([LessonKind.VIDEO, LessonKind.READING, LessonKind.ACTIVITY])
    enrollment = await assign(world, course=course)
    lessons = await finish_before(world.employee_x, enrollment, 3, clock=clock, settings=settings)
    # when fifty requests complete the last lesson at once
    results = await asyncio.gather(
        *(
            progress.complete_lesson(
                world.employee_x, enrollment.id, lessons[-1].id, settings=settings, clock=clock
            )
            for _ in range(RACERS)
        ),
        return_exceptions=True,
    )
    # then none fails, exactly one certificate exists, and every call returns it
    assert [r for r in results if isinstance(r, BaseException)] == []
    outcomes = [r for r in results if isinstance(r, progress.ProgressOutcome)]
    issued = await Certificate.filter(enrollment_id=enrollment.id).count()
    print(
        f"R5 {'postgres' if ON_POSTGRES else 'sqlite'}: {RACERS} racing calls, "
        f"{issued} certificate(s)"
    )
    assert issued == 1
    assert {o.certificate.id if o.certificate else None for o in outcomes} == {
        (await Certificate.get(enrollment_id=enrollment.id)).id
    }
    assert await AuditEvent.filter(action=audit.CERTIFICATE_ISSUED).count() == 1
