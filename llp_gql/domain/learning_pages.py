"""What the learner's web pages read (``/learn``), in a few queries per page.

The pages change nothing here: enrolling, progress, quizzes and sign-up go through
``enrollments``, ``progress``, ``quizzes`` and ``accounts``, as the GraphQL
mutations do. These functions only gather what a page shows, and every object
a viewer asks for by id is loaded through ``access`` (another learner's
enrollment is NOT_FOUND, exactly like a missing one).

Quiz questions come without their answer keys: which choice is correct is for
course authors only (``access.may_see_answer_keys``), and a learner's page never
asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from llp_gql.domain import access, issuance, progress
from llp_gql.domain.state import EnrollmentState, LessonState
from llp_gql.errors import NotFound
from llp_gql.models import (
    Certificate,
    Choice,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonStatus,
    Question,
)
from llp_gql.settings import Settings


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    course: Course
    lessons: list[Lesson]
    # The viewer's enrollment in it, when there is one.
    enrollment_id: int | None


@dataclass(frozen=True, slots=True)
class CertificateView:
    """What a learner may see of their certificate: downloading and the code are for
    those ``access.may_download_certificate`` admits (individuals, their SELF ones)."""

    issued_at: datetime
    certificate_id: int
    can_download: bool
    verify_url: str | None  # only when can_download
    # LinkedIn's "Add to profile" link: an individual's own (SELF) certificate only.
    linkedin_url: str | None = None


@dataclass(frozen=True, slots=True)
class LearningView:
    enrollment: Enrollment
    course: Course
    state: EnrollmentState
    certificate: CertificateView | None
    # Set once assignments carry a due date (DESIGN.md section 5's Enrollment.dueAt).
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: int
    text: str


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: int
    prompt: str
    multiple_answers: bool
    choices: list[ChoiceView]


@dataclass(frozen=True, slots=True)
class LessonView:
    """One lesson of the learner's enrollment, with where a video should resume."""

    learning: LearningView
    lesson: LessonState
    # The first second not yet watched (0 for a finished or unstarted video).
    resume_second: float
    # Lessons of a course are few; the page links to the neighbours.
    previous_id: int | None
    next_id: int | None


def _certificate(
    viewer: access.Viewer, enrollment: Enrollment, row: Certificate | None, settings: Settings
) -> CertificateView | None:
    if row is None:
        return None
    allowed = access.may_download_certificate(viewer, enrollment)
    return CertificateView(
        issued_at=row.issued_at,
        certificate_id=row.id,
        can_download=allowed,
        verify_url=issuance.verify_url(settings, row.verification_code) if allowed else None,
        linkedin_url=issuance.linkedin_url(settings, row)
        if allowed and enrollment.source == EnrollmentSource.SELF
        else None,
    )


async def catalogue(viewer: access.Viewer) -> list[CatalogueEntry]:
    """Published courses with their lessons (titles, kinds, durations) and whether the
    viewer is enrolled, in three queries."""
    courses = list(await Course.filter(status=CourseStatus.PUBLISHED).order_by("title", "id"))
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in await Lesson.filter(course_id__in=[c.id for c in courses]).order_by("position"):
        lessons[lesson.course_id].append(lesson)
    mine: dict[int, int] = {}
    if viewer is not None:
        for row in await Enrollment.filter(learner_id=viewer.id).only("id", "course_id"):
            mine[row.course_id] = row.id
    return [CatalogueEntry(c, lessons[c.id], mine.get(c.id)) for c in courses]


async def my_learning(viewer: access.Viewer, settings: Settings) -> list[LearningView]:
    """Every enrollment of the viewer with its state and certificate, in four queries."""
    user = access.require_user(viewer)
    rows = list(await Enrollment.filter(learner_id=user.id).select_related("course").order_by("id"))
    states = await progress.load_states(rows, settings)
    certificates = {
        c.enrollment_id: c for c in await Certificate.filter(enrollment_id__in=[r.id for r in rows])
    }
    return [
        LearningView(
            enrollment=row,
            course=row.course,
            state=states[row.id],
            certificate=_certificate(viewer, row, certificates.get(row.id), settings),
            due_at=getattr(row, "due_at", None),
        )
        for row in rows
    ]


async def learning(viewer: access.Viewer, enrollment_id: int, settings: Settings) -> LearningView:
    """The viewer's own enrollment: NOT_FOUND when it is missing or not visible to them,
    FORBIDDEN when they see it but are not its learner (an admin)."""
    row = await access.access_enrollment_for_progress(viewer, enrollment_id)
    course = await Course.get(id=row.course_id)
    state = await progress.load_state(row, settings)
    certificate = await Certificate.get_or_none(enrollment_id=row.id)
    return LearningView(
        row,
        course,
        state,
        _certificate(viewer, row, certificate, settings),
        getattr(row, "due_at", None),
    )


async def lesson(
    viewer: access.Viewer, enrollment_id: int, lesson_id: int, settings: Settings
) -> LessonView:
    """One lesson of the viewer's enrollment; NOT_FOUND for a lesson of another course."""
    view = await learning(viewer, enrollment_id, settings)
    ids = [item.lesson.id for item in view.state.lessons]
    if lesson_id not in ids:
        raise NotFound("Lesson")
    index = ids.index(lesson_id)
    item = view.state.lessons[index]
    resume = 0.0
    if item.lesson.kind == LessonKind.VIDEO and item.status != LessonStatus.COMPLETED:
        resume = resume_second(
            item.progress.watched_spans if item.progress else [],
            settings.video_end_tolerance_seconds,
        )
    return LessonView(
        learning=view,
        lesson=item,
        resume_second=resume,
        previous_id=ids[index - 1] if index > 0 else None,
        next_id=ids[index + 1] if index + 1 < len(ids) else None,
    )


def resume_second(watched: list[list[float]], lead_in: float) -> float:
    """Where a player should resume: the first second not watched after the opening span.

    A player reports from where playback *started*, which may be a few frames after 0;
    a gap before the first span shorter than ``lead_in`` (the end tolerance, which
    forgives as much) is no reason to start the video again from the top."""
    if not watched or float(watched[0][0]) > lead_in:
        return 0.0
    return float(watched[0][1])


async def quiz_questions(lesson: Lesson) -> list[QuestionView]:
    """A quiz's questions and choices in order, without which choice is correct.

    For a lesson the caller has already loaded through :func:`lesson` (so the viewer
    is its learner); two queries."""
    questions = list(await Question.filter(lesson_id=lesson.id).order_by("position"))
    choices: dict[int, list[ChoiceView]] = defaultdict(list)
    for choice in (
        await Choice.filter(question_id__in=[q.id for q in questions])
        .order_by("position")
        .only("id", "question_id", "text")
    ):
        choices[choice.question_id].append(ChoiceView(choice.id, choice.text))
    return [QuestionView(q.id, q.prompt, q.multiple_answers, choices[q.id]) for q in questions]


__all__ = [
    "CatalogueEntry",
    "CertificateView",
    "ChoiceView",
    "LearningView",
    "LessonView",
    "QuestionView",
    "catalogue",
    "learning",
    "lesson",
    "my_learning",
    "quiz_questions",
    "resume_second",
]
