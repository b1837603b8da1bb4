"""Enrollments and progress: enroll, assign, remove, videos, lessons, quizzes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from llp_gql.domain import access, certificates, deadlines, enrollments, progress, quizzes
from llp_gql.domain.completion import ProgressOutcome
from llp_gql.domain.progress import VideoReport
from llp_gql.errors import ValidationFailed
from llp_gql.models import Enrollment
from llp_gql.schema.context import Info
from llp_gql.schema.ids import decode_id, decode_ids
from llp_gql.schema.learning import (
    EnrollmentType,
    LessonProgressType,
    ProgressResult,
    QuizAnswerInput,
    QuizResult,
    VideoReportType,
)

MAX_ANSWERS = 500

EnrollmentId = Annotated[
    strawberry.ID, strawberry.argument(description="The enrollment (Enrollment.id).")
]
LessonId = Annotated[
    strawberry.ID,
    strawberry.argument(description="A lesson of the enrollment's course (Lesson.id)."),
]
CourseId = Annotated[strawberry.ID, strawberry.argument(description="The course (Course.id).")]


def _result(info: Info, outcome: ProgressOutcome) -> ProgressResult:
    loaders = info.context.loaders
    if outcome.certificate is not None:
        # The response that completed the course shows its certificate without a query;
        # forced, since an earlier mutation of the same document may have cached "none".
        loaders.certificate_by_enrollment.prime(
            outcome.enrollment.id, outcome.certificate, force=True
        )
    # The state after this change, without a query; forced, since an earlier mutation of
    # the same document may have left the state from before it.
    loaders.state_of_enrollment.prime(outcome.enrollment, outcome.state, force=True)
    report = outcome.note
    return ProgressResult(
        lesson_progress=LessonProgressType.from_state(outcome.lesson_state),
        enrollment=EnrollmentType.from_model(outcome.enrollment),
        video=VideoReportType.from_report(report) if isinstance(report, VideoReport) else None,
    )


async def my_enrollments(info: Info) -> list[EnrollmentType]:
    viewer = access.require_user(info.context.viewer)
    # The course comes in the same query: a dashboard always shows it.
    rows = await Enrollment.filter(learner_id=viewer.id).select_related("course").order_by("id")
    loaders = info.context.loaders
    loaders.prime_users([viewer])
    for row in rows:
        loaders.course.prime(row.course_id, row.course)
    # Lessons, progress and certificates of the whole list in three queries, loaded before
    # the fields resolve: then every field answers at once from the loaders.
    _ = await loaders.state_of_enrollment.load_many(rows)
    _ = await loaders.certificate_by_enrollment.load_many([row.id for row in rows])
    return [EnrollmentType.from_model(row) for row in rows]


async def get_enrollment(info: Info, id: EnrollmentId) -> EnrollmentType:
    row = await access.access_enrollment(info.context.viewer, decode_id("Enrollment", id))
    return EnrollmentType.from_model(row)


async def enroll(info: Info, course_id: CourseId) -> EnrollmentType:
    row = await enrollments.enroll_self(info.context.viewer, decode_id("Course", course_id))
    return EnrollmentType.from_model(row)


async def assign_course(
    info: Info,
    course_id: CourseId,
    user_ids: Annotated[
        list[strawberry.ID],
        strawberry.argument(
            description="Employees of your company (User.id): at most 500 by default; "
            "repeated ones count once."
        ),
    ] = [],  # noqa: B006 - never mutated; the schema shows the default
    group_ids: Annotated[
        list[strawberry.ID],
        strawberry.argument(
            description="Groups of your company (Group.id): their active (not deactivated) "
            "members at this moment are assigned, after the userIds, by name. At most 500 "
            "groups, and 10,000 people in all by default."
        ),
    ] = [],  # noqa: B006 - never mutated; the schema shows the default
    due_at: Annotated[
        datetime | None,
        strawberry.argument(
            description="When the course should be finished: in the future (else "
            "VALIDATION); without a timezone it is read as UTC. People who already have "
            "the course get it too unless they completed it; omitted: no due date for new "
            "assignments and existing ones unchanged."
        ),
    ] = None,
) -> list[EnrollmentType]:
    context = info.context
    rows = await enrollments.assign_course(
        context.viewer,
        decode_id("Course", course_id),
        decode_ids("User", user_ids),
        group_ids=decode_ids("Group", group_ids),
        due_at=due_at,
        max_users=context.settings.max_assign_users,
        max_total=context.settings.max_assign_total,
        clock=context.clock,
    )
    return [EnrollmentType.from_model(row) for row in rows]


async def set_due_date(
    info: Info,
    enrollment_id: EnrollmentId,
    due_at: Annotated[
        datetime | None,
        strawberry.argument(
            description="The new due date, in the future (else VALIDATION; without a "
            "timezone it is read as UTC); null removes it."
        ),
    ] = None,
) -> EnrollmentType:
    context = info.context
    row = await deadlines.set_due_date(
        context.viewer, decode_id("Enrollment", enrollment_id), due_at, clock=context.clock
    )
    return EnrollmentType.from_model(row)


async def remove_enrollment(
    info: Info,
    enrollment_id: EnrollmentId,
    reason: Annotated[
        str | None,
        strawberry.argument(
            description="Optional reason code for withdrawing its certificate: "
            "NAME_CORRECTION, TEMPLATE_UPDATE, ISSUED_IN_ERROR or OTHER (kept in the audit "
            "log and the code's record, never shown publicly)."
        ),
    ] = None,
) -> bool:
    context = info.context
    await enrollments.remove_enrollment(
        context.viewer,
        decode_id("Enrollment", enrollment_id),
        clock=context.clock,
        settings=context.settings,
        reason=certificates.parse_reason(reason, required=False),
    )
    return True


async def record_video_progress(
    info: Info,
    enrollment_id: EnrollmentId,
    lesson_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="A video lesson of the enrollment's course (Lesson.id)."),
    ],
    from_second: Annotated[
        float,
        strawberry.argument(
            description="Where the watched span starts, in seconds from the start of the "
            "video: 0 or more, before the end of the video."
        ),
    ],
    to_second: Annotated[
        float,
        strawberry.argument(
            description="Where the watched span ends, in seconds: not before fromSecond; "
            "beyond the end of the video counts as the end."
        ),
    ],
) -> ProgressResult:
    context = info.context
    outcome = await progress.record_video_progress(
        context.viewer,
        decode_id("Enrollment", enrollment_id),
        decode_id("Lesson", lesson_id),
        from_second,
        to_second,
        settings=context.settings,
        clock=context.clock,
    )
    return _result(info, outcome)


async def complete_lesson(
    info: Info,
    enrollment_id: EnrollmentId,
    lesson_id: Annotated[
        strawberry.ID,
        strawberry.argument(
            description="A reading or activity of the enrollment's course (Lesson.id)."
        ),
    ],
) -> ProgressResult:
    context = info.context
    outcome = await progress.complete_lesson(
        context.viewer,
        decode_id("Enrollment", enrollment_id),
        decode_id("Lesson", lesson_id),
        settings=context.settings,
        clock=context.clock,
    )
    return _result(info, outcome)


async def submit_quiz(
    info: Info,
    enrollment_id: EnrollmentId,
    lesson_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="A quiz of the enrollment's course (Lesson.id)."),
    ],
    answers: Annotated[
        list[QuizAnswerInput],
        strawberry.argument(
            description="One answer per question, each question at most once; a question "
            "left out counts as wrong."
        ),
    ],
) -> QuizResult:
    context = info.context
    if len(answers) > MAX_ANSWERS:
        raise ValidationFailed("Too many answers.", field="answers")
    parsed: dict[int, list[int]] = {}
    for answer in answers:
        question_id = decode_id("Question", answer.question_id)
        if question_id in parsed:
            raise ValidationFailed("Each question may be answered once.", field="answers")
        if len(answer.choice_ids) > MAX_ANSWERS:
            raise ValidationFailed("Too many choices.", field="answers")
        parsed[question_id] = decode_ids("Choice", [str(c) for c in answer.choice_ids])
    outcome = await quizzes.submit_quiz(
        context.viewer,
        decode_id("Enrollment", enrollment_id),
        decode_id("Lesson", lesson_id),
        parsed,
        settings=context.settings,
        clock=context.clock,
    )
    result = _result(info, outcome.progress)
    return QuizResult(
        score_percent=outcome.score_percent,
        passed=outcome.passed,
        attempts_left=outcome.attempts_left,
        lesson_progress=result.lesson_progress,
        enrollment=result.enrollment,
    )


async def grant_quiz_attempts(
    info: Info,
    enrollment_id: EnrollmentId,
    lesson_id: Annotated[
        strawberry.ID,
        strawberry.argument(
            description="A quiz with an attempt limit in the enrollment's course (Lesson.id)."
        ),
    ],
    extra: Annotated[
        int, strawberry.argument(description="How many more attempts to give: 1 to 10.")
    ],
    reason: Annotated[
        str | None,
        strawberry.argument(
            description="Why the attempts are granted; kept in the audit log (at most 500 "
            "characters)."
        ),
    ] = None,
) -> LessonProgressType:
    context = info.context
    outcome = await quizzes.grant_quiz_attempts(
        context.viewer,
        decode_id("Enrollment", enrollment_id),
        decode_id("Lesson", lesson_id),
        extra,
        clock=context.clock,
        reason=reason,
    )
    return LessonProgressType.from_state(outcome.lesson_state)
