"""Course, Lesson, Quiz, Question, Choice and the authoring inputs."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry

from llp_gql.domain.courses import ChoiceSpec, LessonSpec, QuestionSpec
from llp_gql.models import Choice, Course, Lesson, Question
from llp_gql.models import LessonKind as LessonKindModel
from llp_gql.schema.context import Info
from llp_gql.schema.enums import CourseStatus, LessonKind
from llp_gql.schema.ids import encode_id
from llp_gql.schema.permissions import CanSeeAnswerKeys, CanSeeLessonContent


@strawberry.type(name="Choice")
class ChoiceType:
    id: strawberry.ID
    text: str
    _is_correct: strawberry.Private[bool]

    @strawberry.field(permission_classes=[CanSeeAnswerKeys], description="Staff only.")
    def is_correct(self) -> bool | None:
        return self._is_correct

    @classmethod
    def from_model(cls, row: Choice) -> ChoiceType:
        return cls(
            id=strawberry.ID(encode_id("Choice", row.id)), text=row.text, _is_correct=row.is_correct
        )


@strawberry.type(name="Question")
class QuestionType:
    id: strawberry.ID
    prompt: str
    multiple_answers: bool
    pk: strawberry.Private[int]

    @strawberry.field
    async def choices(self, info: Info) -> list[ChoiceType]:
        rows = await info.context.loaders.choices_by_question.load(self.pk)
        return [ChoiceType.from_model(row) for row in rows]

    @classmethod
    def from_model(cls, row: Question) -> QuestionType:
        return cls(
            id=strawberry.ID(encode_id("Question", row.id)),
            prompt=row.prompt,
            multiple_answers=row.multiple_answers,
            pk=row.id,
        )


@strawberry.type(name="Quiz")
class QuizType:
    passing_score_percent: int
    max_attempts: int | None
    lesson_id: strawberry.Private[int]
    course_id: strawberry.Private[int]

    @strawberry.field
    async def question_count(self, info: Info) -> int:
        return len(await info.context.loaders.questions_by_lesson.load(self.lesson_id))

    @strawberry.field(permission_classes=[CanSeeLessonContent])
    async def questions(self, info: Info) -> list[QuestionType]:
        rows = await info.context.loaders.questions_by_lesson.load(self.lesson_id)
        return [QuestionType.from_model(row) for row in rows]


@strawberry.type(name="Lesson")
class LessonType:
    id: strawberry.ID
    position: int
    kind: LessonKind
    title: str
    duration_seconds: float | None
    pk: strawberry.Private[int]
    course_id: strawberry.Private[int]
    _video_url: strawberry.Private[str | None]
    _body: strawberry.Private[str | None]
    _quiz: strawberry.Private[QuizType | None]

    @strawberry.field(permission_classes=[CanSeeLessonContent])
    def video_url(self) -> str | None:
        return self._video_url

    @strawberry.field(permission_classes=[CanSeeLessonContent])
    def body(self) -> str | None:
        return self._body

    @strawberry.field
    def quiz(self) -> QuizType | None:
        return self._quiz

    @classmethod
    def from_model(cls, row: Lesson) -> LessonType:
        quiz = None
        if row.kind == LessonKindModel.QUIZ:
            quiz = QuizType(
                passing_score_percent=row.passing_score_percent or 0,
                max_attempts=row.max_attempts,
                lesson_id=row.id,
                course_id=row.course_id,
            )
        return cls(
            id=strawberry.ID(encode_id("Lesson", row.id)),
            position=row.position,
            kind=row.kind,
            title=row.title,
            duration_seconds=row.duration_seconds,
            pk=row.id,
            course_id=row.course_id,
            _video_url=row.video_url,
            _body=row.body,
            _quiz=quiz,
        )


@strawberry.type(name="Course")
class CourseType:
    id: strawberry.ID
    title: str
    description: str | None
    status: CourseStatus
    pk: strawberry.Private[int]
    # Lessons fetched with the page of courses: resolved without a coroutine each.
    prefetched: strawberry.Private[list[Lesson] | None] = None

    @strawberry.field(graphql_type=list[LessonType])
    def lessons(self, info: Info) -> list[LessonType] | Awaitable[list[LessonType]]:
        if self.prefetched is not None:
            return [LessonType.from_model(row) for row in self.prefetched]
        return self._load_lessons(info)

    async def _load_lessons(self, info: Info) -> list[LessonType]:
        rows = await info.context.loaders.lessons_by_course.load(self.pk)
        return [LessonType.from_model(row) for row in rows]

    @classmethod
    def from_model(cls, row: Course, lessons: list[Lesson] | None = None) -> CourseType:
        return cls(
            id=strawberry.ID(encode_id("Course", row.id)),
            title=row.title,
            description=row.description,
            status=row.status,
            pk=row.id,
            prefetched=lessons,
        )


@strawberry.input
class ChoiceInput:
    text: str
    is_correct: bool


@strawberry.input
class QuestionInput:
    prompt: str
    choices: list[ChoiceInput]


@strawberry.input
class LessonInput:
    kind: LessonKind
    title: str
    duration_seconds: float | None = None
    video_url: str | None = None
    body: str | None = None
    passing_score_percent: int | None = None
    max_attempts: int | None = None
    questions: list[QuestionInput] | None = None

    def to_spec(self) -> LessonSpec:
        return LessonSpec(
            kind=LessonKindModel(self.kind),
            title=self.title,
            duration_seconds=self.duration_seconds,
            video_url=self.video_url,
            body=self.body,
            passing_score_percent=self.passing_score_percent,
            max_attempts=self.max_attempts,
            questions=tuple(
                QuestionSpec(q.prompt, tuple(ChoiceSpec(c.text, c.is_correct) for c in q.choices))
                for q in self.questions or ()
            ),
        )
