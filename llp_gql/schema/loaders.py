"""DataLoaders, created per request (never at module level), so that lists cost
a constant number of queries however long they are.

They are also the request's one cache: what a resolver fetched up front (the
dashboard's prefetch) or a mutation computed (the state it returns) is primed
here, and the fields read it back with ``ready`` without awaiting anything.
"""

from __future__ import annotations

from asyncio import Future
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from llp_gql.domain import state as domain_state
from llp_gql.domain.groups import member_counts
from llp_gql.models import (
    Certificate,
    Choice,
    Company,
    Course,
    Enrollment,
    Group,
    Lesson,
    LessonProgress,
    Question,
    User,
)

K = TypeVar("K")
R = TypeVar("R")

# A certificate's PDF and logo are large; lists never need them.
CERTIFICATE_FIELDS = (
    "id",
    "enrollment_id",
    "verification_code",
    "learner_name",
    "course_title",
    "issued_at",
    "sha256",
    "company_name",
    "template",
)


def _one(rows: Iterable[R], keys: Sequence[int], key: Callable[[R], int]) -> list[R | None]:
    by_key = {key(row): row for row in rows}
    return [by_key.get(k) for k in keys]


def _many(rows: Iterable[R], keys: Sequence[int], key: Callable[[R], int]) -> list[list[R]]:
    grouped: dict[int, list[R]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


def _enrollment_id(enrollment: Enrollment) -> int:
    return enrollment.id


def ready(loader: DataLoader[K, R], key: K) -> Future[R] | None:
    """The loader's answer for ``key`` when it is already there (primed or loaded),
    else None. A field that finds it returns the value at once: on long lists a
    coroutine per field costs more than the field itself."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return None
    return future


class Loaders:
    def __init__(self) -> None:
        self.user = DataLoader(self._users)
        self.company = DataLoader(self._companies)
        self.course = DataLoader(self._courses)
        self.lessons_by_course = DataLoader(self._lessons)
        self.questions_by_lesson = DataLoader(self._questions)
        self.choices_by_question = DataLoader(self._choices)
        self.progress_by_enrollment = DataLoader(self._progress)
        self.certificate_by_enrollment = DataLoader(self._certificates)
        # Loaded with the row (the state needs its course and source), cached by its id:
        # the fields of one enrollment, and every object of it in the request, share one
        # computation. A mutation primes the state it computed (``force``: it is newer).
        self.state_of_enrollment: DataLoader[Enrollment, domain_state.EnrollmentState] = DataLoader(
            self._states, cache_key_fn=_enrollment_id
        )
        self.enrolled_course_ids: set[int] | None = None
        self.group = DataLoader(self._groups)
        self.group_member_count = DataLoader(self._group_member_counts)

    @staticmethod
    async def _users(keys: list[int]) -> list[User | None]:
        return _one(await User.filter(id__in=keys), keys, lambda u: u.id)

    @staticmethod
    async def _companies(keys: list[int]) -> list[Company | None]:
        rows = await Company.filter(id__in=keys).only("id", "name", "logo_updated_at")
        return _one(rows, keys, lambda c: c.id)

    @staticmethod
    async def _groups(keys: list[int]) -> list[Group | None]:
        return _one(await Group.filter(id__in=keys), keys, lambda g: g.id)

    @staticmethod
    async def _group_member_counts(keys: list[int]) -> list[int]:
        counts = await member_counts(keys)
        return [counts[k] for k in keys]

    @staticmethod
    async def _courses(keys: list[int]) -> list[Course | None]:
        return _one(await Course.filter(id__in=keys), keys, lambda c: c.id)

    @staticmethod
    async def _lessons(keys: list[int]) -> list[list[Lesson]]:
        rows = await Lesson.filter(course_id__in=keys).order_by("course_id", "position")
        return _many(rows, keys, lambda x: x.course_id)

    @staticmethod
    async def _questions(keys: list[int]) -> list[list[Question]]:
        rows = await Question.filter(lesson_id__in=keys).order_by("lesson_id", "position")
        return _many(rows, keys, lambda q: q.lesson_id)

    @staticmethod
    async def _choices(keys: list[int]) -> list[list[Choice]]:
        rows = await Choice.filter(question_id__in=keys).order_by("question_id", "position")
        return _many(rows, keys, lambda c: c.question_id)

    @staticmethod
    async def _progress(keys: list[int]) -> list[list[LessonProgress]]:
        rows = await LessonProgress.filter(enrollment_id__in=keys)
        return _many(rows, keys, lambda p: p.enrollment_id)

    @staticmethod
    async def _certificates(keys: list[int]) -> list[Certificate | None]:
        rows = await Certificate.filter(enrollment_id__in=keys).only(*CERTIFICATE_FIELDS)
        return _one(rows, keys, lambda c: c.enrollment_id)

    async def _states(self, keys: list[Enrollment]) -> list[domain_state.EnrollmentState]:
        # Through the loaders above: one query for the lessons, one for the progress,
        # however many enrollments ask at once.
        lessons = await self.lessons_by_course.load_many([e.course_id for e in keys])
        progress = await self.progress_by_enrollment.load_many([e.id for e in keys])
        return [
            domain_state.compute_state(ls, rows, source=e.source)
            for e, ls, rows in zip(keys, lessons, progress, strict=True)
        ]

    def prime_users(self, users: Iterable[User]) -> None:
        for user in users:
            self.user.prime(user.id, user)
