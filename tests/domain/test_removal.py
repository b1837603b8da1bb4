"""R9: removing an enrollment, an employee or an account leaves no orphans, keeps the
audit log, withdraws certificates, and a new enrollment starts from nothing."""

from __future__ import annotations

import asyncio

import pytest

from llp_gql.domain import accounts, auth, enrollments, progress, quizzes
from llp_gql.domain.certificates import VerificationStatus, verify
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import Forbidden, LLPError, NotFound, ValidationFailed
from llp_gql.models import (
    AccountType,
    AuditEvent,
    AuthToken,
    Certificate,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    Question,
    QuizAttempt,
    User,
    WithdrawnCertificate,
)
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before, make_kinds_course, stored
from tests.factories import PASSWORD, World


async def _complete(
    learner: User, enrollment: Enrollment, clock: FakeClock, settings: Settings
) -> Certificate:
    await finish_before(learner, enrollment, 99, clock=clock, settings=settings)
    return await Certificate.get(enrollment_id=enrollment.id)


async def _orphans() -> int:
    """Rows whose parent is gone (the foreign keys should make this impossible)."""
    enrollment_ids = set(await Enrollment.all().values_list("id", flat=True))
    progress = await LessonProgress.all().values_list("enrollment_id", "id")
    progress_ids = {pid for eid, pid in progress if eid in enrollment_ids}
    orphan_progress = sum(1 for eid, _ in progress if eid not in enrollment_ids)
    orphan_attempts = await QuizAttempt.exclude(progress_id__in=progress_ids or {0}).count()
    orphan_certs = await Certificate.exclude(enrollment_id__in=enrollment_ids or {0}).count()
    user_ids = set(await User.all().values_list("id", flat=True))
    orphan_tokens = await AuthToken.exclude(user_id__in=user_ids or {0}).count()
    return orphan_progress + orphan_attempts + orphan_certs + orphan_tokens


async def test_remove_enrollment_withdraws_and_reassign_starts_fresh(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a completed assigned enrollment with a certificate
    enrollment = await assign(world)
    certificate = await _complete(world.employee_x, enrollment, clock, settings)
    audit_before = await AuditEvent.all().count()
    # when the admin removes it
    await enrollments.remove_enrollment(world.admin_x, enrollment.id, clock=clock)
    # then nothing of it is left, its code verifies as WITHDRAWN, the audit grew
    assert await stored(enrollment) == (0, 0, 0)
    assert await _orphans() == 0
    found = await verify(certificate.verification_code)
    assert found.status == VerificationStatus.WITHDRAWN
    assert found.withdrawn_at == clock()
    assert found.learner_name is None
    assert found.course_title is None
    assert await AuditEvent.all().count() == audit_before + 1
    # and assigning again starts from nothing but the quiz attempt already spent: one
    # row carries it, with no attempt, score or completion of its own
    [again] = await enrollments.assign_course(
        world.admin_x, world.course.course.id, [world.employee_x.id]
    )
    assert again.id != enrollment.id
    assert await stored(again) == (1, 0, 0)
    state = await progress.load_state(again)
    assert state.progress_percent == 0.0
    assert state.completes_with(world.course.video.id) is False
    quiz = state.lesson(world.course.quiz.id)
    assert (quiz.status, quiz.attempts_used, quiz.best_score_percent) == (
        LessonStatus.LOCKED,
        1,
        None,
    )


@pytest.mark.parametrize(
    ("remover", "expected"),
    # staff see everything read-only, so they are refused rather than kept in the dark
    [("admin_y", NotFound), ("employee_x", Forbidden), ("staff", Forbidden)],
)
async def test_only_the_assigning_admins_remove_assigned_enrollments(
    world: World, remover: str, expected: type[Exception]
) -> None:
    enrollment = await assign(world)
    actor = world.users()[remover]
    with pytest.raises(expected):
        await enrollments.remove_enrollment(actor, enrollment.id)
    assert await Enrollment.exists(id=enrollment.id)


async def test_remove_employee_leaves_no_orphans_and_keeps_audit(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await assign(world)
    certificate = await _complete(world.employee_x, enrollment, clock, settings)
    await auth.issue_token(world.employee_x, settings=settings)
    issued_audit = await AuditEvent.filter(action="certificate.issued").count()
    await accounts.remove_employee(world.admin_x, world.employee_x.id, clock=clock)
    assert not await User.exists(id=world.employee_x.id)
    assert await _orphans() == 0
    assert await Enrollment.filter(learner_id=world.employee_x.id).count() == 0
    assert await WithdrawnCertificate.exists(verification_code=certificate.verification_code)
    assert await AuditEvent.filter(action="certificate.issued").count() == issued_audit
    removal = await AuditEvent.get(action="account.employee_removed")
    assert removal.subject_id == world.employee_x.id
    assert removal.company_id == world.company_x.id


async def test_other_company_admin_cannot_remove_employee(world: World) -> None:
    with pytest.raises(NotFound):
        await accounts.remove_employee(world.admin_y, world.employee_x.id)
    assert await User.exists(id=world.employee_x.id)


async def test_delete_my_account_needs_the_password(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await enroll_self(world)
    certificate = await _complete(world.individual_a, enrollment, clock, settings)
    with pytest.raises(ValidationFailed):
        await accounts.delete_my_account(world.individual_a, "wrong password!!", clock=clock)
    assert await User.exists(id=world.individual_a.id)
    await accounts.delete_my_account(world.individual_a, PASSWORD, clock=clock)
    assert not await User.exists(id=world.individual_a.id)
    assert await _orphans() == 0
    assert (await verify(certificate.verification_code)).status == VerificationStatus.WITHDRAWN
    assert await AuditEvent.exists(action="account.deleted", subject_id=world.individual_a.id)


async def test_employees_cannot_delete_their_own_account(world: World) -> None:
    with pytest.raises(Forbidden):
        await accounts.delete_my_account(world.employee_x, PASSWORD)
    assert await User.exists(id=world.employee_x.id)


async def test_reenroll_after_self_removal_starts_fresh(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await enroll_self(world)
    await finish_before(world.individual_a, enrollment, 3, clock=clock, settings=settings)
    await enrollments.remove_enrollment(world.individual_a, enrollment.id, clock=clock)
    again = await enrollments.enroll_self(world.individual_a, world.course.course.id)
    assert await stored(again) == (0, 0, 0)


@pytest.mark.parametrize("removal", ["enrollment", "employee"])
async def test_a_certificate_returned_by_a_completion_racing_removal_is_never_lost(
    world: World, clock: FakeClock, settings: Settings, removal: str
) -> None:
    """R12 in one process (both databases; on PostgreSQL the two calls really run at
    once on the pool). The multi-worker HTTP race is tests/reliability/test_removal_race.py."""
    course = await make_kinds_course([LessonKind.READING, LessonKind.ACTIVITY])
    reading, activity = await Lesson.filter(course_id=course.id).order_by("position")
    returned: list[str] = []
    for round_ in range(12):
        # given an employee whose last lesson is ready
        learner = await User.create(
            email=f"racer{round_}@x.example",
            name="Racer",
            password_hash="not-a-hash",  # never logs in
            account_type=AccountType.EMPLOYEE,
            company_id=world.company_x.id,
        )
        enrollment = await assign(world, learner=learner, course=course)
        await progress.complete_lesson(
            learner, enrollment.id, reading.id, settings=settings, clock=clock
        )
        # when the completion and the removal are sent at the same moment
        remove = (
            enrollments.remove_enrollment(world.admin_x, enrollment.id, clock=clock)
            if removal == "enrollment"
            else accounts.remove_employee(world.admin_x, learner.id, clock=clock)
        )
        complete = progress.complete_lesson(
            learner, enrollment.id, activity.id, settings=settings, clock=clock
        )
        done, removed = await asyncio.gather(complete, remove, return_exceptions=True)
        # then the removal always succeeds, and the completion either returned the
        # certificate or failed with an expected error (the enrollment is gone)
        assert removed is None, removed
        if isinstance(done, BaseException):
            assert isinstance(done, LLPError), done
            assert done.code in {"NOT_FOUND", "LESSON_LOCKED"}
        elif done.certificate is not None:
            returned.append(done.certificate.verification_code)
    # and every certificate a completion returned verifies WITHDRAWN, never UNKNOWN
    for code in returned:
        assert (await verify(code)).status == VerificationStatus.WITHDRAWN


async def test_re_enrolling_gives_no_spent_attempt_back(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an individual who spent 2 of 3 attempts and was granted 1 by staff
    course = await make_kinds_course([LessonKind.QUIZ])
    quiz = await Lesson.get(course_id=course.id)
    first = await enrollments.enroll_self(world.individual_a, course.id)
    wrong = {q.id: [] for q in await Question.filter(lesson_id=quiz.id)}
    for _ in range(2):
        await quizzes.submit_quiz(
            world.individual_a, first.id, quiz.id, wrong, settings=settings, clock=clock
        )
    await quizzes.grant_quiz_attempts(world.staff, first.id, quiz.id, 1, clock=clock)
    # when they remove the enrollment and enroll again, twice over
    for _ in range(2):
        await enrollments.remove_enrollment(world.individual_a, first.id, clock=clock)
        first = await enrollments.enroll_self(world.individual_a, course.id)
        state = await progress.load_state(first)
        # then 3 + 1 - 2 = 2 attempts are left, not 3 or 4
        assert state.lesson(quiz.id).attempts_left == 2
    # and spending them exhausts the quiz for good
    for _ in range(2):
        await quizzes.submit_quiz(
            world.individual_a, first.id, quiz.id, wrong, settings=settings, clock=clock
        )
    await enrollments.remove_enrollment(world.individual_a, first.id, clock=clock)
    again = await enrollments.enroll_self(world.individual_a, course.id)
    with pytest.raises(LLPError) as caught:
        await quizzes.submit_quiz(
            world.individual_a, again.id, quiz.id, wrong, settings=settings, clock=clock
        )
    assert caught.value.code == "QUIZ_ATTEMPTS_EXHAUSTED"
    [blocker] = (await progress.load_state(again)).blockers
    assert blocker.reason == "QUIZ_ATTEMPTS_EXHAUSTED"
