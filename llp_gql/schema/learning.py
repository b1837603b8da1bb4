"""Enrollment, per-lesson progress, blockers and the results of progress mutations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeAlias, TypeVar

import strawberry

from llp_gql.domain import deadlines
from llp_gql.domain import state as domain_state
from llp_gql.domain.progress import VideoReport
from llp_gql.models import Enrollment
from llp_gql.schema.accounts import UserType
from llp_gql.schema.context import Info
from llp_gql.schema.courses import CourseType, LessonType
from llp_gql.schema.enums import BlockerReason, EnrollmentSource, EnrollmentStatus, LessonStatus
from llp_gql.schema.ids import encode_id
from llp_gql.schema.loaders import ready

if TYPE_CHECKING:
    from llp_gql.schema.certificates import CertificateType

VIDEO_PROTOCOL = """Report a watched span [fromSecond, toSecond] of a video lesson.

The server keeps the union of accepted spans; the lesson completes when it
covers the video (up to a small end tolerance). Watch time is bounded in total:
from the first accepted report on the lesson, the covered seconds never exceed
slack + max playback rate x the time since that report.

The honest client's protocol:
1. When playback starts, send fromSecond = toSecond = the current position. It
   covers nothing and starts the clock of the budget.
2. While playing, every 1 to 30 seconds (and on pause, seek and end) send the
   span played since the last report: from where the previous answer's
   `video.acceptedToSecond` left off to the current position. Never report a
   span that was skipped by seeking.
3. Read `video` in the answer: `refusedSeconds` > 0 means the budget did not
   allow all of it; keep acceptedToSecond as the start of the next report and,
   if playback has ended, send the rest again after `retryAfterSeconds`.
4. IMPLAUSIBLE_PROGRESS means nothing fitted: its extensions carry
   `claimableSeconds`, `retryAfterSeconds` and `acceptedToSecond`; wait and
   send again. Nothing was stored.
Retries and reports out of order are harmless: re-watched seconds add nothing.
"""

CertificateRef = Annotated["CertificateType", strawberry.lazy("llp_gql.schema.certificates")]

T = TypeVar("T")
# A field's value now, or (when the request's loaders do not hold it yet) later.
Later: TypeAlias = T | Awaitable[T]


@strawberry.type(
    name="LessonProgress", description="Where the learner of an enrollment is in one lesson."
)
class LessonProgressType:
    lesson: LessonType = strawberry.field(description="The lesson.")
    status: LessonStatus = strawberry.field(
        description="Locked, available, in progress or completed."
    )
    covered_seconds: float | None = strawberry.field(
        description="Videos: seconds of the video covered by the watched spans (re-watched "
        "seconds count once); null for the other kinds."
    )
    best_score_percent: int | None = strawberry.field(
        description="Quizzes: the best score so far, 0-100; null before the first attempt "
        "and for the other kinds."
    )
    attempts_used: int = strawberry.field(
        description="Quiz attempts spent, those of earlier enrollments in the same course "
        "included (enrolling again gives none back); 0 for the other kinds."
    )
    attempts_left: int | None = strawberry.field(
        description="Quizzes with a limit: attempts left, grants included; null when "
        "attempts are unlimited and for the other kinds."
    )
    completed_at: datetime | None = strawberry.field(
        description="When the lesson was completed; null until then."
    )
    last_saved_at: datetime | None = strawberry.field(
        description="When progress on this lesson was last saved; null before any."
    )

    @classmethod
    def from_state(cls, item: domain_state.LessonState) -> LessonProgressType:
        return cls(
            lesson=LessonType.from_model(item.lesson),
            status=item.status,
            covered_seconds=item.covered_seconds,
            best_score_percent=item.best_score_percent,
            attempts_used=item.attempts_used,
            attempts_left=item.attempts_left,
            completed_at=item.completed_at,
            last_saved_at=item.last_saved_at,
        )


@strawberry.type(
    name="CompletionBlocker",
    description="Why one unfinished lesson keeps the course from completing: learners and "
    "their admins see the same explanation.",
)
class CompletionBlockerType:
    lesson: LessonType = strawberry.field(description="The unfinished lesson.")
    reason: BlockerReason = strawberry.field(description="What is missing, as a code.")
    detail: str = strawberry.field(
        description="What is missing in plain words, to show to people (for example "
        "'Watched 41 of 120 s; first gap at 00:41.'); not meant to be parsed."
    )


@strawberry.type(
    name="Enrollment",
    description="One learner in one course: their progress, what is missing, and the "
    "certificate once every lesson is completed. Seen by the learner, by the admins of the "
    "company that assigned it, and by staff (read-only).",
)
class EnrollmentType:
    id: strawberry.ID = strawberry.field(
        description="Opaque ID of the enrollment: send it as enrollmentId to the progress "
        "mutations."
    )
    source: EnrollmentSource = strawberry.field(
        description="Self-enrolled or assigned by a company admin."
    )
    completed_at: datetime | None = strawberry.field(
        description="When the last lesson was completed (the certificate's date); null until then."
    )
    due_at: datetime | None = strawberry.field(
        description="When the company wants the course finished (set by assignCourse or "
        "setDueDate); null for no due date."
    )
    row: strawberry.Private[Enrollment]

    @classmethod
    def from_model(cls, row: Enrollment) -> EnrollmentType:
        """What the fields need beyond the row (state, course, certificate) comes from
        the request's loaders, where a resolver may have primed it."""
        return cls(
            id=strawberry.ID(encode_id("Enrollment", row.id)),
            source=row.source,
            completed_at=row.completed_at,
            due_at=row.due_at,
            row=row,
        )

    def _pick(self, info: Info, pick: Callable[[domain_state.EnrollmentState], T]) -> Later[T]:
        """``pick(state)``, at once when the state is already in the request's loader;
        else after the loader computes it, once for every field and object of this
        enrollment (status, progressPercent, lessons and blockers resolve concurrently)."""
        loader = info.context.loaders.state_of_enrollment
        done = ready(loader, self.row)
        return pick(done.result()) if done is not None else self._later(loader.load(self.row), pick)

    @staticmethod
    async def _later(
        state: Awaitable[domain_state.EnrollmentState],
        pick: Callable[[domain_state.EnrollmentState], T],
    ) -> T:
        return pick(await state)

    @strawberry.field(graphql_type=CourseType, description="The course.")
    def course(self, info: Info) -> Later[CourseType]:
        loader = info.context.loaders.course
        done = ready(loader, self.row.course_id)
        if done is not None and (course := done.result()) is not None:
            return CourseType.from_model(course)
        return self._course(info)

    async def _course(self, info: Info) -> CourseType:
        course = await info.context.loaders.course.load(self.row.course_id)
        assert course is not None  # RESTRICT keeps a course while it has enrollments
        return CourseType.from_model(course)

    @strawberry.field(
        description="Whether the due date has passed and the course is not completed."
    )
    def is_overdue(self, info: Info) -> bool:
        return deadlines.is_overdue(self.row, info.context.clock())

    @strawberry.field(description="The learner taking the course.")
    async def learner(self, info: Info) -> UserType:
        user = await info.context.loaders.user.load(self.row.learner_id)
        assert user is not None  # the enrollment goes with its learner (CASCADE)
        return UserType.from_model(user)

    @strawberry.field(
        description="The admin who assigned the course; null for SELF enrollments and once "
        "that admin's account is removed."
    )
    async def assigned_by(self, info: Info) -> UserType | None:
        if self.row.assigned_by_id is None:
            return None
        user = await info.context.loaders.user.load(self.row.assigned_by_id)
        return UserType.from_model(user) if user else None

    @strawberry.field(
        graphql_type=EnrollmentStatus, description="Not started, in progress or completed."
    )
    def status(self, info: Info) -> Later[EnrollmentStatus]:
        return self._pick(info, lambda s: s.status)

    @strawberry.field(
        graphql_type=float,
        description="Completed lessons out of all lessons, in percent (0-100, one decimal).",
    )
    def progress_percent(self, info: Info) -> Later[float]:
        return self._pick(info, lambda s: s.progress_percent)

    @strawberry.field(
        graphql_type=list[LessonProgressType],
        description="The learner's progress in every lesson of the course, in order.",
    )
    def lessons(self, info: Info) -> Later[list[LessonProgressType]]:
        return self._pick(info, lambda s: [LessonProgressType.from_state(x) for x in s.lessons])

    @strawberry.field(
        graphql_type=list[CompletionBlockerType],
        description="Why the course is not complete yet: one blocker per unfinished lesson, "
        "in order; empty once it is completed.",
    )
    def blockers(self, info: Info) -> Later[list[CompletionBlockerType]]:
        return self._pick(
            info,
            lambda s: [
                CompletionBlockerType(
                    lesson=LessonType.from_model(b.lesson), reason=b.reason, detail=b.detail
                )
                for b in s.blockers
            ],
        )

    @strawberry.field(
        graphql_type=CertificateRef | None,
        description="The certificate, issued when the last lesson was completed; null "
        "before. Everyone who sees the enrollment sees it; what they may do with it is in "
        "Certificate.canDownload.",
    )
    def certificate(self, info: Info) -> Later[CertificateRef | None]:
        from llp_gql.schema.certificates import CertificateType as Cert

        done = ready(info.context.loaders.certificate_by_enrollment, self.row.id)
        if done is not None:
            row = done.result()
            return Cert.from_model(row, self.row) if row else None
        return self._certificate(info)

    async def _certificate(self, info: Info) -> CertificateRef | None:
        from llp_gql.schema.certificates import CertificateType as Cert

        row = await info.context.loaders.certificate_by_enrollment.load(self.row.id)
        return Cert.from_model(row, self.row) if row else None


@strawberry.type(
    name="VideoReport",
    description=(
        "How a recordVideoProgress report was counted (see the mutation for the protocol)."
    ),
)
class VideoReportType:
    added_seconds: float = strawberry.field(
        description="New seconds this report added to the union of watched spans."
    )
    refused_seconds: float = strawberry.field(
        description=(
            "New seconds of the span beyond the watch-time budget: not stored. "
            "Send them again after retryAfterSeconds."
        )
    )
    accepted_to_second: float = strawberry.field(
        description=(
            "The span is covered from its fromSecond up to this second: start the next report here."
        )
    )
    claimable_seconds: float = strawberry.field(
        description="How many more new seconds the budget allows right now."
    )
    retry_after_seconds: float = strawberry.field(
        description="Seconds until the refused part fits the budget; 0 when nothing was refused."
    )

    @classmethod
    def from_report(cls, report: VideoReport) -> VideoReportType:
        return cls(
            added_seconds=round(report.added_seconds, 3),
            refused_seconds=round(report.refused_seconds, 3),
            accepted_to_second=round(report.accepted_to_second, 3),
            claimable_seconds=round(report.claimable_seconds, 3),
            retry_after_seconds=round(report.retry_after_seconds, 3),
        )


@strawberry.type(
    description="What a progress mutation answers: the lesson and the whole enrollment after it."
)
class ProgressResult:
    lesson_progress: LessonProgressType = strawberry.field(
        description="The lesson the call was about, after it."
    )
    enrollment: EnrollmentType = strawberry.field(
        description="The enrollment after the call; when the call completed the course, its "
        "certificate is already there."
    )
    video: VideoReportType | None = strawberry.field(
        default=None,
        description="For recordVideoProgress: how the report was counted. Null otherwise.",
    )


@strawberry.type(description="What submitQuiz answers: the score of this attempt and what follows.")
class QuizResult:
    score_percent: int = strawberry.field(
        description="This attempt's score: the share of questions answered exactly right, in "
        "percent (0-100, rounded down)."
    )
    passed: bool = strawberry.field(
        description="Whether this attempt reached the pass mark. A pass is never undone by "
        "a later attempt."
    )
    attempts_left: int | None = strawberry.field(
        description="Attempts left after this one; null when attempts are unlimited."
    )
    lesson_progress: LessonProgressType = strawberry.field(
        description="The quiz lesson after this attempt."
    )
    enrollment: EnrollmentType = strawberry.field(
        description="The enrollment after this attempt; when it completed the course, its "
        "certificate is already there."
    )


@strawberry.input(description="The answer to one question of a quiz.")
class QuizAnswerInput:
    question_id: strawberry.ID = strawberry.field(
        description="The question (Question.id); each question at most once."
    )
    choice_ids: list[strawberry.ID] = strawberry.field(
        description="Every choice picked (Choice.id of this question). The question counts "
        "as right only when these are exactly its right choices; an empty list counts as "
        "wrong."
    )
