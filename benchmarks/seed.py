"""Seed the benchmark database: rows inserted in bulk through the ORM, tokens through the domain.

Seeding goes around the domain on purpose (``bulk_create``): building 1,000
certificates through the progress engine would render 1,000 PDFs. The rows are
the ones the engine would leave behind: progress rows in lesson order, the
enrollment's ``completed_at`` and a certificate (with a real rendered PDF,
reused) exactly for the enrollments whose lessons are all complete.

What is seeded (see ``Manifest``):

- ``catalog_courses`` published courses of 10 lessons (video, reading,
  activity, quiz, ...): B3, and the courses the learners below are enrolled in;
- the B1 learner: 10 SELF enrollments with mixed progress (3 complete with a
  certificate, the rest part-way or not started, so every blocker kind shows);
- the B4 learner: the same pattern over 50 enrollments;
- heartbeat learners, one per load-tool connection, each enrolled in a course
  whose video lasts 10^9 s (B2, B8);
- B6 learners, employees of a company with a logo, whose assigned course has
  lessons 1-8 complete and 9 (reading) and 10 (activity) open;
- a company with a logo whose employees hold ``export_certificates`` certificates,
  10 each (B7: 10,000 in the harness's full mode, 1,000 in quick mode).

The export company's certificates are the bulk of the seed (10,000 rows with a PDF
each): three PDFs are rendered once and reused, their SHA-256 computed once, the rows
built in Python and inserted ``bulk_create`` in batches, so seeding stays in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import itertools
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw
from tortoise import Tortoise

from llp_gql.certs.logo import validate_logo
from llp_gql.certs.render import CertificateSnapshot, render_certificate
from llp_gql.db import migrate, tortoise_config
from llp_gql.domain import auth
from llp_gql.domain.clock import utcnow
from llp_gql.domain.issuance import new_verification_code, verify_url
from llp_gql.domain.passwords import hash_password
from llp_gql.models import (
    AccountType,
    Certificate,
    Company,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    Role,
    User,
)
from llp_gql.schema.ids import encode_id
from llp_gql.settings import Settings

PASSWORD = "bench-password-123"
KINDS = [
    LessonKind.VIDEO,
    LessonKind.READING,
    LessonKind.ACTIVITY,
    LessonKind.QUIZ,
    LessonKind.VIDEO,
    LessonKind.READING,
    LessonKind.ACTIVITY,
    LessonKind.VIDEO,
    LessonKind.READING,
    LessonKind.QUIZ,
]
# Lessons complete per enrollment, cycled: 3 of 10 complete, the rest spread out.
DONE_PATTERN = [10, 10, 10, 8, 6, 4, 3, 1, 0, 0]
VIDEO_SECONDS = 300.0
HEARTBEAT_VIDEO_SECONDS = 1e9
B6_KINDS = [*KINDS[:8], LessonKind.READING, LessonKind.ACTIVITY]
UNICODE_NAMES = [
    "Zoë Ångström-Łukasiewicz",
    "田中 由紀",
    "José Álvarez Muñoz",
    "Søren Kierkegård",
    "Ιωάννα Παπαδοπούλου",
]


@dataclass
class SeedPlan:
    catalog_courses: int = 60
    heartbeat_learners: int = 8
    b6_enrollments: int = 40
    export_certificates: int = 10_000


@dataclass
class HeartbeatSlot:
    token: str
    enrollment: str
    lesson: str


@dataclass
class CompletionSlot:
    token: str
    enrollment: str
    earlier_lesson: str
    last_lesson: str


@dataclass
class Manifest:
    database_url: str
    dashboard_token: str = ""  # B1: 10 enrollments x 10 lessons
    # B11: the same learner's browser session, and one of their lessons for the player page
    dashboard_session: str = ""
    lesson_page: str = ""  # /learn/enrollments/<id>/lessons/<id>
    lesson_enrollment: str = ""  # the enrollment's GraphQL id
    dashboard50_token: str = ""  # B4: 50 enrollments
    heartbeats: list[HeartbeatSlot] = field(default_factory=list)
    completions: list[CompletionSlot] = field(default_factory=list)
    export_company_id: int = 0
    export_admin_token: str = ""
    export_admin_session: str = ""
    export_certificates: int = 0
    catalog_courses: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        data = dict(data)
        data["heartbeats"] = [HeartbeatSlot(**x) for x in data["heartbeats"]]
        data["completions"] = [CompletionSlot(**x) for x in data["completions"]]
        return cls(**data)


def make_logo() -> bytes:
    """A 600 x 200 PNG with transparency, stored as an upload would be."""
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 190, 190), fill=(200, 30, 40, 255))
    draw.ellipse((220, 20, 380, 180), fill=(20, 60, 160, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return validate_logo(out.getvalue())


def snapshot(
    settings: Settings,
    name: str,
    course: str,
    company: str | None,
    logo: bytes | None,
    issued_at: datetime,
) -> CertificateSnapshot:
    code = new_verification_code()
    return CertificateSnapshot(
        learner_name=name,
        course_title=course,
        company_name=company,
        company_logo=logo,
        issued_at=issued_at,
        verification_code=code,
        verify_url=verify_url(settings, code),
    )


async def _courses(count: int, kinds: list[LessonKind], prefix: str, video: float) -> list[Course]:
    courses = [
        Course(
            title=f"{prefix} {i:03d}: leading people",
            description=f"Course {i} of the benchmark catalogue.",
            status=CourseStatus.PUBLISHED,
            published_at=utcnow(),
        )
        for i in range(1, count + 1)
    ]
    await Course.bulk_create(courses)
    rows = list(await Course.filter(title__startswith=prefix).order_by("id"))
    lessons = [
        Lesson(
            course_id=course.id,
            position=position,
            kind=kind,
            title=f"{kind.value.title()} {position} of {course.title}",
            duration_seconds=video if kind == LessonKind.VIDEO else None,
            video_url="https://videos.llp.example/v.mp4" if kind == LessonKind.VIDEO else None,
            body="Read this and think about it." if kind != LessonKind.VIDEO else None,
            passing_score_percent=70 if kind == LessonKind.QUIZ else None,
            max_attempts=3 if kind == LessonKind.QUIZ else None,
        )
        for course in rows
        for position, kind in enumerate(kinds, start=1)
    ]
    await Lesson.bulk_create(lessons, batch_size=500)
    return rows


async def _users(
    prefix: str,
    names: list[str],
    password_hash: str,
    *,
    company: Company | None = None,
    role: Role = Role.LEARNER,
) -> list[User]:
    users = [
        User(
            email=f"{prefix}{i}@bench.example",
            name=name,
            password_hash=password_hash,
            account_type=AccountType.EMPLOYEE if company else AccountType.INDIVIDUAL,
            role=role,
            company_id=company.id if company else None,
        )
        for i, name in enumerate(names)
    ]
    await User.bulk_create(users, batch_size=500)
    return list(await User.filter(email__startswith=prefix).order_by("id"))


def _completed_row(enrollment_id: int, lesson: Lesson, at: datetime) -> LessonProgress:
    values: dict[str, Any] = {"status": LessonStatus.COMPLETED, "completed_at": at}
    if lesson.kind == LessonKind.VIDEO:
        duration = lesson.duration_seconds or 0.0
        values |= {"watched_spans": [[0.0, duration]], "covered_seconds": duration}
        values["last_report_at"] = at
    if lesson.kind == LessonKind.QUIZ:
        values |= {"attempts_used": 1, "best_score_percent": 100}
    return LessonProgress(enrollment_id=enrollment_id, lesson_id=lesson.id, updated_at=at, **values)


def _partial_row(enrollment_id: int, lesson: Lesson, at: datetime) -> LessonProgress | None:
    if lesson.kind == LessonKind.VIDEO:
        third = (lesson.duration_seconds or 0.0) / 3
        return LessonProgress(
            enrollment_id=enrollment_id,
            lesson_id=lesson.id,
            status=LessonStatus.IN_PROGRESS,
            watched_spans=[[0.0, third]],
            covered_seconds=third,
            last_report_at=at,
            updated_at=at,
        )
    if lesson.kind == LessonKind.QUIZ:
        return LessonProgress(
            enrollment_id=enrollment_id,
            lesson_id=lesson.id,
            status=LessonStatus.IN_PROGRESS,
            attempts_used=1,
            best_score_percent=40,
            updated_at=at,
        )
    return None  # readings and activities have no "started" state


async def _enroll(
    learners: list[User],
    courses: list[Course],
    *,
    company: Company | None = None,
    admin: User | None = None,
) -> list[Enrollment]:
    """Enroll every learner in every course (pairwise product)."""
    rows = [
        Enrollment(
            learner_id=learner.id,
            course_id=course.id,
            source=EnrollmentSource.ASSIGNED if company else EnrollmentSource.SELF,
            company_id=company.id if company else None,
            assigned_by_id=admin.id if admin else None,
        )
        for learner in learners
        for course in courses
    ]
    await Enrollment.bulk_create(rows, batch_size=500)
    ids = [learner.id for learner in learners]
    course_ids = [course.id for course in courses]
    return list(
        await Enrollment.filter(learner_id__in=ids, course_id__in=course_ids).order_by("id")
    )


class _Pdfs:
    """A few rendered PDFs, reused round-robin for the seeded certificates."""

    def __init__(self, settings: Settings, company: str | None, logo: bytes | None) -> None:
        at = utcnow()
        self.pdfs = [
            render_certificate(snapshot(settings, name, "Leading people", company, logo, at))
            for name in UNICODE_NAMES[:3]
        ]
        self._cycle = itertools.cycle([(pdf, hashlib.sha256(pdf).hexdigest()) for pdf in self.pdfs])

    def next(self) -> tuple[bytes, str]:
        """A PDF and its SHA-256 (hashed once, not once per certificate)."""
        return next(self._cycle)


def _certificate(
    enrollment: Enrollment,
    learner: User,
    course: Course,
    pdf: tuple[bytes, str],
    at: datetime,
    company: Company | None,
) -> Certificate:
    return Certificate(
        enrollment_id=enrollment.id,
        verification_code=new_verification_code(),
        learner_name=learner.name,
        learner_email=learner.email,
        course_title=course.title,
        company_name=company.name if company else None,
        company_logo=company.logo if company else None,
        issued_at=at,
        template_version=1,
        pdf=pdf[0],
        sha256=pdf[1],
    )


async def _progress_pattern(
    enrollments: list[Enrollment],
    lessons: dict[int, list[Lesson]],
    learner: User,
    courses: dict[int, Course],
    pdfs: _Pdfs,
) -> None:
    now = utcnow()
    progress: list[LessonProgress] = []
    certificates: list[Certificate] = []
    for j, enrollment in enumerate(enrollments):
        done = DONE_PATTERN[j % len(DONE_PATTERN)]
        ordered = lessons[enrollment.course_id]
        at = now - timedelta(days=30 - j % 30)
        for lesson in ordered[:done]:
            progress.append(_completed_row(enrollment.id, lesson, at))
        if done < len(ordered) and j % 2 == 0:
            partial = _partial_row(enrollment.id, ordered[done], at)
            if partial is not None:
                progress.append(partial)
        if done == len(ordered):
            enrollment.completed_at = at
            await enrollment.save(update_fields=["completed_at"])
            course = courses[enrollment.course_id]
            certificates.append(_certificate(enrollment, learner, course, pdfs.next(), at, None))
    await LessonProgress.bulk_create(progress, batch_size=500)
    await Certificate.bulk_create(certificates, batch_size=100)


async def seed(settings: Settings, plan: SeedPlan) -> Manifest:
    """Fill an empty, migrated database; return what the scenarios need."""
    manifest = Manifest(database_url=settings.database_url)
    password_hash = hash_password(PASSWORD)
    logo = make_logo()
    now = utcnow()

    catalog = await _courses(plan.catalog_courses, KINDS, "Catalog", VIDEO_SECONDS)
    manifest.catalog_courses = len(catalog)
    by_id = {course.id: course for course in catalog}
    lessons: dict[int, list[Lesson]] = {}
    for lesson in await Lesson.filter(course_id__in=list(by_id)).order_by("course_id", "position"):
        lessons.setdefault(lesson.course_id, []).append(lesson)
    individual_pdfs = _Pdfs(settings, None, None)

    # B1 and B4: individuals with mixed progress.
    for count, attribute in ((10, "dashboard_token"), (50, "dashboard50_token")):
        [learner] = await _users(f"dash{count}-", [UNICODE_NAMES[0]], password_hash)
        enrollments = await _enroll([learner], catalog[:count])
        await _progress_pattern(enrollments, lessons, learner, by_id, individual_pdfs)
        issued = await auth.issue_token(learner, settings=settings)
        setattr(manifest, attribute, issued.token)
        if count == 10:
            session = await auth.issue_token(learner, settings=settings, kind=auth.SESSION)
            manifest.dashboard_session = session.token
            # A part-way enrollment's video lesson: the player page at its busiest.
            open_ = enrollments[-1]
            video = lessons[open_.course_id][0]
            manifest.lesson_page = f"/learn/enrollments/{open_.id}/lessons/{video.id}"
            manifest.lesson_enrollment = encode_id("Enrollment", open_.id)

    # B2 / B8: one learner per connection, each with a very long video.
    [video_course] = await _courses(
        1, [LessonKind.VIDEO, LessonKind.READING], "Heartbeat", HEARTBEAT_VIDEO_SECONDS
    )
    video = await Lesson.get(course_id=video_course.id, position=1)
    names = [f"Viewer {i}" for i in range(plan.heartbeat_learners)]
    viewer_enrollments = await _enroll(
        viewers := await _users("viewer-", names, password_hash), [video_course]
    )
    # They pressed play long ago: the watch-time budget (slack + rate x time since the
    # first report) then exceeds anything a benchmark run can claim, so every heartbeat
    # is accepted and measured doing the same work (lock, read, update) as a real one.
    await LessonProgress.bulk_create(
        [
            LessonProgress(
                enrollment_id=enrollment.id,
                lesson_id=video.id,
                status=LessonStatus.IN_PROGRESS,
                watch_started_at=now - timedelta(days=3650),
                updated_at=now,
            )
            for enrollment in viewer_enrollments
        ]
    )
    for learner, enrollment in zip(viewers, viewer_enrollments, strict=True):
        issued = await auth.issue_token(learner, settings=settings)
        manifest.heartbeats.append(
            HeartbeatSlot(
                issued.token, encode_id("Enrollment", enrollment.id), encode_id("Lesson", video.id)
            )
        )

    # B6: employees of a company with a logo; lessons 9 and 10 open.
    issuer = await Company.create(name="Ångström Leadership GmbH", logo=logo, logo_updated_at=now)
    [issuer_admin] = await _users(
        "issuer-admin-", ["Ada Admin"], password_hash, company=issuer, role=Role.COMPANY_ADMIN
    )
    [b6_course] = await _courses(1, B6_KINDS, "Issuance", VIDEO_SECONDS)
    b6_lessons = list(await Lesson.filter(course_id=b6_course.id).order_by("position"))
    b6_names = [f"{UNICODE_NAMES[i % len(UNICODE_NAMES)]} {i}" for i in range(plan.b6_enrollments)]
    b6_learners = await _users("issue-", b6_names, password_hash, company=issuer)
    b6_enrollments = await _enroll(b6_learners, [b6_course], company=issuer, admin=issuer_admin)
    await LessonProgress.bulk_create(
        [
            _completed_row(e.id, lesson, now - timedelta(hours=1))
            for e in b6_enrollments
            for lesson in b6_lessons[:8]
        ],
        batch_size=500,
    )
    learner_by_id = {u.id: u for u in b6_learners}
    for enrollment in b6_enrollments:
        issued = await auth.issue_token(learner_by_id[enrollment.learner_id], settings=settings)
        manifest.completions.append(
            CompletionSlot(
                issued.token,
                encode_id("Enrollment", enrollment.id),
                encode_id("Lesson", b6_lessons[8].id),
                encode_id("Lesson", b6_lessons[9].id),
            )
        )

    # B7: ``export_certificates`` certificates of one company, 10 per employee.
    exporter = await Company.create(name="Export & Söhne AG", logo=logo, logo_updated_at=now)
    [admin] = await _users(
        "export-admin-", ["Erin Admin"], password_hash, company=exporter, role=Role.COMPANY_ADMIN
    )
    per_employee = 10
    employees = await _users(
        "export-",
        [
            f"{UNICODE_NAMES[i % len(UNICODE_NAMES)]} {i}"
            for i in range(-(-plan.export_certificates // per_employee))
        ],
        password_hash,
        company=exporter,
    )
    export_enrollments = (
        await _enroll(employees, catalog[:per_employee], company=exporter, admin=admin)
    )[: plan.export_certificates]
    export_ids = [e.id for e in export_enrollments]
    for start in range(0, len(export_ids), 1000):  # SQLite bounds the bound parameters
        await Enrollment.filter(id__in=export_ids[start : start + 1000]).update(
            completed_at=now - timedelta(days=1)
        )
    export_pdfs = _Pdfs(settings, exporter.name, logo)
    employee_by_id = {u.id: u for u in employees}
    certificates = [
        _certificate(
            e,
            employee_by_id[e.learner_id],
            by_id[e.course_id],
            export_pdfs.next(),
            now - timedelta(days=1),
            exporter,
        )
        for e in export_enrollments
    ]
    await Certificate.bulk_create(certificates, batch_size=100)
    manifest.export_company_id = exporter.id
    manifest.export_certificates = len(certificates)
    manifest.export_admin_token = (await auth.issue_token(admin, settings=settings)).token
    session = await auth.issue_token(admin, settings=settings, kind=auth.SESSION)
    manifest.export_admin_session = session.token
    return manifest


async def seed_database(settings: Settings, plan: SeedPlan) -> Manifest:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        return await seed(settings, plan)
    finally:
        await Tortoise.close_connections()


def main() -> None:
    """``python -m benchmarks.seed --url URL --out FILE``: migrate, seed, write the manifest."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seed")
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--b6", type=int, default=SeedPlan.b6_enrollments)
    parser.add_argument("--heartbeat-learners", type=int, default=SeedPlan.heartbeat_learners)
    parser.add_argument(
        "--export-certificates", type=int, default=SeedPlan.export_certificates, help="B7"
    )
    args = parser.parse_args()
    settings = Settings(
        mode="production",
        database_url=args.url,
        secret_key=args.secret,
        public_base_url="https://llp.example",
    )
    plan = SeedPlan(
        b6_enrollments=args.b6,
        heartbeat_learners=args.heartbeat_learners,
        export_certificates=args.export_certificates,
    )
    asyncio.run(migrate(args.url))
    manifest = asyncio.run(seed_database(settings, plan))
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(manifest.to_json(), handle)


if __name__ == "__main__":
    main()
