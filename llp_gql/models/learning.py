"""Enrollments, per-lesson progress and quiz attempts."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.accounts import Company, User
from llp_gql.models.courses import Course, Lesson

if TYPE_CHECKING:
    from llp_gql.models.certificates import Certificate


class EnrollmentSource(StrEnum):
    SELF = "SELF"
    ASSIGNED = "ASSIGNED"


class LessonStatus(StrEnum):
    LOCKED = "LOCKED"
    AVAILABLE = "AVAILABLE"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class Enrollment(Model):
    id = fields.IntField(primary_key=True)
    # Removing a learner removes their enrollments and everything under them.
    learner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="enrollments", on_delete=fields.CASCADE
    )
    learner_id: int
    # A course with learners cannot be deleted; archive it instead.
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="enrollments", on_delete=fields.RESTRICT, db_index=True
    )
    course_id: int
    source = fields.CharEnumField(EnrollmentSource, max_length=16)
    assigned_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    assigned_by_id: int | None
    # The company that assigned the course; the download right of an ASSIGNED
    # enrollment belongs to that company's admins.
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.RESTRICT, db_index=True
    )
    company_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    # When an assigned course should be finished; past it and not completed is overdue.
    due_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    progress: fields.ReverseRelation[LessonProgress]
    certificate: fields.BackwardOneToOneRelation[Certificate]

    class Meta:
        table = "enrollment"
        unique_together = (("learner", "course"),)


class LessonProgress(Model):
    id = fields.IntField(primary_key=True)
    enrollment: fields.ForeignKeyRelation[Enrollment] = fields.ForeignKeyField(
        "models.Enrollment", related_name="progress", on_delete=fields.CASCADE
    )
    enrollment_id: int
    # Lessons of a course with enrollments are frozen, so this never fires in practice.
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name=False, on_delete=fields.RESTRICT
    )
    lesson_id: int
    status = fields.CharEnumField(LessonStatus, max_length=16, default=LessonStatus.IN_PROGRESS)
    # Union of accepted [from, to] spans, sorted and merged.
    watched_spans: fields.Field[list[list[float]]] = fields.JSONField(default=list)
    covered_seconds = fields.FloatField(default=0.0)
    # When the learner's first accepted report on this video arrived: the watch-time
    # budget (DESIGN.md section 3) is counted from here.
    watch_started_at = fields.DatetimeField(null=True)
    last_report_at = fields.DatetimeField(null=True)
    best_score_percent = fields.IntField(null=True)
    # Attempts of this enrollment; ``attempts_carried`` are those spent in earlier
    # enrollments of the same course (see QuizAttemptTally), which count too.
    attempts_used = fields.IntField(default=0)
    attempts_carried = fields.IntField(default=0)
    extra_attempts = fields.IntField(default=0)
    started_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "lesson_progress"
        unique_together = (("enrollment", "lesson"),)


class QuizAttempt(Model):
    id = fields.IntField(primary_key=True)
    progress: fields.ForeignKeyRelation[LessonProgress] = fields.ForeignKeyField(
        "models.LessonProgress", related_name="attempts", on_delete=fields.CASCADE
    )
    progress_id: int
    # Unique per progress row: two racing submissions cannot both take the last attempt.
    number = fields.IntField()
    score_percent = fields.IntField()
    passed = fields.BooleanField()
    answers: fields.Field[dict[str, list[int]]] = fields.JSONField(default=dict)
    submitted_at = fields.DatetimeField()

    class Meta:
        table = "quiz_attempt"
        unique_together = (("progress", "number"),)


class QuizAttemptTally(Model):
    """Quiz attempts spent and granted in removed enrollments, per learner and quiz.

    Removing an enrollment restarts progress but
    gives no spent attempt back: the next enrollment of the course starts from here.
    Erasing the person erases this too."""

    id = fields.IntField(primary_key=True)
    learner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    learner_id: int
    # Quizzes of a course with enrollments are frozen; a deleted draft lesson takes its tally.
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name=False, on_delete=fields.CASCADE
    )
    lesson_id: int
    attempts_used = fields.IntField(default=0)
    extra_attempts = fields.IntField(default=0)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "quiz_attempt_tally"
        unique_together = (("learner", "lesson"),)
