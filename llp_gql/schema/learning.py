"""Enrollment, per-lesson progress, blockers and the results of progress mutations."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

import strawberry

from llp_gql.domain import state as domain_state
from llp_gql.domain.progress import VideoReport
from llp_gql.models import Certificate, Course, Enrollment
from llp_gql.schema.accounts import UserType
from llp_gql.schema.context import Info
from llp_gql.schema.courses import CourseType, LessonType
from llp_gql.schema.enums import BlockerReason, EnrollmentSource, EnrollmentStatus, LessonStatus
from llp_gql.schema.ids import encode_id

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


@strawberry.type(name="LessonProgress")
class LessonProgressType:
    lesson: LessonType
    status: LessonStatus
    covered_seconds: float | None
    best_score_percent: int | None
    attempts_used: int
    attempts_left: int | None
    completed_at: datetime | None
    last_saved_at: datetime | None

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


@strawberry.type(name="CompletionBlocker")
class CompletionBlockerType:
    lesson: LessonType
    reason: BlockerReason
    detail: str


@strawberry.type(name="Enrollment")
class EnrollmentType:
    id: strawberry.ID
    source: EnrollmentSource
    completed_at: datetime | None
    row: strawberry.Private[Enrollment]
    cached: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_model(
        cls,
        row: Enrollment,
        state: domain_state.EnrollmentState | None = None,
        certificate: Certificate | Literal[False] | None = False,
        course: Course | None = None,
    ) -> EnrollmentType:
        """``state``: already computed by a mutation, saving the loaders a trip;
        ``certificate``: already fetched (None: it has none; False: not fetched);
        ``course``: already fetched (joined into the enrollment query)."""
        cached: dict[str, Any] = {"state": state} if state else {}
        if certificate is not False:
            cached["certificate"] = certificate
        if course is not None:
            cached["course"] = course
        return cls(
            id=strawberry.ID(encode_id("Enrollment", row.id)),
            source=row.source,
            completed_at=row.completed_at,
            row=row,
            cached=cached,
        )

    async def _state(self, info: Info) -> domain_state.EnrollmentState:
        # status, progressPercent, lessons and blockers resolve concurrently: they
        # share one in-flight computation instead of each computing the state.
        if "state" in self.cached:
            state: domain_state.EnrollmentState = self.cached["state"]
            return state
        if "pending" not in self.cached:
            self.cached["pending"] = asyncio.ensure_future(self._compute_state(info))
        computed: domain_state.EnrollmentState = await self.cached["pending"]
        return computed

    async def _compute_state(self, info: Info) -> domain_state.EnrollmentState:
        loaders = info.context.loaders
        lessons = await loaders.lessons_by_course.load(self.row.course_id)
        progress = await loaders.progress_by_enrollment.load(self.row.id)
        state = domain_state.compute_state(
            lessons, progress, info.context.settings, source=self.row.source
        )
        self.cached["state"] = state
        return state

    def _pick(self, info: Info, pick: Callable[[domain_state.EnrollmentState], Any]) -> Any:
        """``pick(state)``, synchronously when the state came with the object: a
        coroutine per field costs more than the field itself on long lists."""
        state = self.cached.get("state")
        return pick(state) if state is not None else self._later(info, pick)

    async def _later(self, info: Info, pick: Callable[[domain_state.EnrollmentState], Any]) -> Any:
        return pick(await self._state(info))

    @strawberry.field
    def course(self, info: Info) -> CourseType:
        if "course" in self.cached:
            return CourseType.from_model(self.cached["course"])
        return self._course(info)  # type: ignore[return-value]

    async def _course(self, info: Info) -> CourseType:
        course = await info.context.loaders.course.load(self.row.course_id)
        assert course is not None  # RESTRICT keeps a course while it has enrollments
        return CourseType.from_model(course)

    @strawberry.field
    async def learner(self, info: Info) -> UserType:
        user = await info.context.loaders.user.load(self.row.learner_id)
        assert user is not None  # the enrollment goes with its learner (CASCADE)
        return UserType.from_model(user)

    @strawberry.field
    async def assigned_by(self, info: Info) -> UserType | None:
        if self.row.assigned_by_id is None:
            return None
        user = await info.context.loaders.user.load(self.row.assigned_by_id)
        return UserType.from_model(user) if user else None

    @strawberry.field
    def status(self, info: Info) -> EnrollmentStatus:
        return self._pick(info, lambda s: s.status)  # type: ignore[no-any-return]

    @strawberry.field
    def progress_percent(self, info: Info) -> float:
        return self._pick(info, lambda s: s.progress_percent)  # type: ignore[no-any-return]

    @strawberry.field
    def lessons(self, info: Info) -> list[LessonProgressType]:
        return self._pick(  # type: ignore[no-any-return]
            info, lambda s: [LessonProgressType.from_state(x) for x in s.lessons]
        )

    @strawberry.field
    def blockers(self, info: Info) -> list[CompletionBlockerType]:
        return self._pick(  # type: ignore[no-any-return]
            info,
            lambda s: [
                CompletionBlockerType(
                    lesson=LessonType.from_model(b.lesson), reason=b.reason, detail=b.detail
                )
                for b in s.blockers
            ],
        )

    @strawberry.field
    def certificate(self, info: Info) -> CertificateRef | None:
        from llp_gql.schema.certificates import CertificateType as Cert

        if "certificate" in self.cached:
            row = self.cached["certificate"]
            return Cert.from_model(row, self.row) if row else None
        return self._certificate(info)  # type: ignore[return-value]

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


@strawberry.type
class ProgressResult:
    lesson_progress: LessonProgressType
    enrollment: EnrollmentType
    video: VideoReportType | None = strawberry.field(
        default=None,
        description="For recordVideoProgress: how the report was counted. Null otherwise.",
    )


@strawberry.type
class QuizResult:
    score_percent: int
    passed: bool
    attempts_left: int | None
    lesson_progress: LessonProgressType
    enrollment: EnrollmentType


@strawberry.input
class QuizAnswerInput:
    question_id: strawberry.ID
    choice_ids: list[strawberry.ID]
