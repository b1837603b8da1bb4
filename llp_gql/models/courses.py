"""Courses, their ordered lessons, quiz questions and choices."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.accounts import User


class CourseStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class LessonKind(StrEnum):
    VIDEO = "VIDEO"
    READING = "READING"
    ACTIVITY = "ACTIVITY"
    QUIZ = "QUIZ"


class Course(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(null=True)
    status = fields.CharEnumField(CourseStatus, max_length=16, default=CourseStatus.DRAFT)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    duplicated_from: fields.ForeignKeyNullableRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    # Hours / CPD credits printed on the certificate and in the credential.
    credit_hours = fields.DecimalField(max_digits=6, decimal_places=2, null=True)

    lessons: fields.ReverseRelation[Lesson]

    class Meta:
        table = "course"


class Lesson(Model):
    id = fields.IntField(primary_key=True)
    # Lessons only change while the course is a draft, which has no enrollments,
    # so deleting a draft course may take its lessons along.
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="lessons", on_delete=fields.CASCADE
    )
    course_id: int
    position = fields.IntField()  # 1-based
    kind = fields.CharEnumField(LessonKind, max_length=16)
    title = fields.CharField(max_length=200)
    duration_seconds = fields.FloatField(null=True)
    video_url = fields.CharField(max_length=2000, null=True)
    body = fields.TextField(null=True)
    passing_score_percent = fields.IntField(null=True)
    max_attempts = fields.IntField(null=True)

    questions: fields.ReverseRelation[Question]

    class Meta:
        table = "lesson"
        unique_together = (("course", "position"),)
        ordering = ["position"]


class Question(Model):
    id = fields.IntField(primary_key=True)
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name="questions", on_delete=fields.CASCADE
    )
    lesson_id: int
    position = fields.IntField()
    prompt = fields.TextField()
    # More than one correct choice: the learner must pick exactly that set.
    multiple_answers = fields.BooleanField(default=False)

    choices: fields.ReverseRelation[Choice]

    class Meta:
        table = "question"
        unique_together = (("lesson", "position"),)
        ordering = ["position"]


class Choice(Model):
    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "models.Question", related_name="choices", on_delete=fields.CASCADE
    )
    question_id: int
    position = fields.IntField()
    text = fields.TextField()
    is_correct = fields.BooleanField(default=False)

    class Meta:
        table = "choice"
        unique_together = (("question", "position"),)
        ordering = ["position"]
