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


@strawberry.type(name="Choice", description="One possible answer to a question.")
class ChoiceType:
    id: strawberry.ID = strawberry.field(
        description="Opaque ID of the choice: send it in QuizAnswerInput.choiceIds."
    )
    text: str = strawberry.field(description="The text of the choice.")
    _is_correct: strawberry.Private[bool]

    @strawberry.field(
        permission_classes=[CanSeeAnswerKeys],
        description="Whether this choice is a right answer. Staff only (course authors); "
        "FORBIDDEN for everyone else.",
    )
    def is_correct(self) -> bool | None:
        return self._is_correct

    @classmethod
    def from_model(cls, row: Choice) -> ChoiceType:
        return cls(
            id=strawberry.ID(encode_id("Choice", row.id)), text=row.text, _is_correct=row.is_correct
        )


@strawberry.type(name="Question", description="One question of a quiz.")
class QuestionType:
    id: strawberry.ID = strawberry.field(
        description="Opaque ID of the question: send it in QuizAnswerInput.questionId."
    )
    prompt: str = strawberry.field(description="The question as asked.")
    multiple_answers: bool = strawberry.field(
        description="Whether more than one choice is right (offer check boxes rather than "
        "radio buttons). The question counts as right only when exactly its right choices "
        "are picked."
    )
    pk: strawberry.Private[int]

    @strawberry.field(description="The choices, in the author's order.")
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


@strawberry.type(
    name="Quiz",
    description="The rules of a quiz lesson, public so that learners see them before they "
    "start; its questions are for enrolled learners.",
)
class QuizType:
    passing_score_percent: int = strawberry.field(
        description="The pass mark, 1-100: an attempt passes when its score (the share of "
        "questions answered exactly right, in percent) is at least this."
    )
    max_attempts: int | None = strawberry.field(
        description="Attempts each learner gets, before any granted by an admin or staff; "
        "null means unlimited. LessonProgress.attemptsLeft counts what is left."
    )
    lesson_id: strawberry.Private[int]
    course_id: strawberry.Private[int]

    @strawberry.field(description="How many questions the quiz has.")
    async def question_count(self, info: Info) -> int:
        return len(await info.context.loaders.questions_by_lesson.load(self.lesson_id))

    @strawberry.field(
        permission_classes=[CanSeeLessonContent],
        description="The questions, in order. For learners enrolled in the course and staff; "
        "FORBIDDEN for everyone else.",
    )
    async def questions(self, info: Info) -> list[QuestionType]:
        rows = await info.context.loaders.questions_by_lesson.load(self.lesson_id)
        return [QuestionType.from_model(row) for row in rows]


@strawberry.type(
    name="Lesson",
    description="One step of a course. Its outline (title, kind, length) is public; its "
    "content (video link, text, questions) is for learners enrolled in the course and staff.",
)
class LessonType:
    id: strawberry.ID = strawberry.field(
        description="Opaque ID of the lesson: send it as lessonId to the progress mutations."
    )
    position: int = strawberry.field(
        description="Place in the course, from 1. Lessons are completed in this order."
    )
    kind: LessonKind = strawberry.field(description="What the lesson is and how it completes.")
    title: str = strawberry.field(description="The lesson's title.")
    duration_seconds: float | None = strawberry.field(
        description="Videos: their length in seconds; null for the other kinds."
    )
    pk: strawberry.Private[int]
    course_id: strawberry.Private[int]
    _video_url: strawberry.Private[str | None]
    _body: strawberry.Private[str | None]
    _quiz: strawberry.Private[QuizType | None]

    @strawberry.field(
        permission_classes=[CanSeeLessonContent],
        description="Videos: the http(s) address to play; null for the other kinds. For "
        "learners enrolled in the course and staff; FORBIDDEN for everyone else.",
    )
    def video_url(self) -> str | None:
        return self._video_url

    @strawberry.field(
        permission_classes=[CanSeeLessonContent],
        description="The lesson's text (a reading's content, an activity's instructions); "
        "may be null. For learners enrolled in the course and staff; FORBIDDEN for everyone "
        "else.",
    )
    def body(self) -> str | None:
        return self._body

    @strawberry.field(description="Quizzes: their rules and questions; null for the other kinds.")
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


@strawberry.type(
    name="Course",
    description="An ordered list of lessons; completing all of them issues a certificate. "
    "Published courses are public; drafts are for staff.",
)
class CourseType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the course.")
    title: str = strawberry.field(description="The course's title.")
    description: str | None = strawberry.field(
        description="What the course is about, as its author wrote it; may be null."
    )
    status: CourseStatus = strawberry.field(description="Draft, published or archived.")
    credit_hours: float | None = strawberry.field(
        description="Hours / CPD credits printed on the course's certificates (up to two "
        "decimals); null when the course has none. Staff set them with "
        "setCourseCreditHours."
    )
    pk: strawberry.Private[int]
    # Lessons fetched with the page of courses: resolved without a coroutine each.
    prefetched: strawberry.Private[list[Lesson] | None] = None

    @strawberry.field(
        graphql_type=list[LessonType], description="The lessons, in order (position 1 first)."
    )
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
            credit_hours=float(row.credit_hours) if row.credit_hours is not None else None,
            pk=row.id,
            prefetched=lessons,
        )


@strawberry.input(description="One choice of a new question.")
class ChoiceInput:
    text: str = strawberry.field(description="The text of the choice; not empty.")
    is_correct: bool = strawberry.field(description="Whether it is a right answer.")


@strawberry.input(description="One question of a new quiz.")
class QuestionInput:
    prompt: str = strawberry.field(description="The question; not empty.")
    choices: list[ChoiceInput] = strawberry.field(
        description="2 to 20 choices, in the order shown, at least one right. More than one "
        "right choice makes a multiple-answer question."
    )


@strawberry.input(
    description="A new lesson. Which fields count depends on kind; the others are ignored "
    "(questions are refused on anything but a quiz). Errors are VALIDATION, with the field."
)
class LessonInput:
    kind: LessonKind = strawberry.field(description="What the lesson is.")
    title: str = strawberry.field(description="The title; not empty, at most 200 characters.")
    duration_seconds: float | None = strawberry.field(
        default=None,
        description="Videos (required): the length in seconds, more than 0 and at most 24 hours.",
    )
    video_url: str | None = strawberry.field(
        default=None, description="Videos (required): an http(s) address to play the video."
    )
    body: str | None = strawberry.field(
        default=None,
        description="The text of the lesson (a reading's content, an activity's "
        "instructions); optional.",
    )
    passing_score_percent: int | None = strawberry.field(
        default=None, description="Quizzes (required): the pass mark, 1-100."
    )
    max_attempts: int | None = strawberry.field(
        default=None,
        description="Quizzes: attempts each learner gets, 1-100; null or omitted for unlimited.",
    )
    questions: list[QuestionInput] | None = strawberry.field(
        default=None, description="Quizzes (required): 1 to 100 questions, in order."
    )

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
