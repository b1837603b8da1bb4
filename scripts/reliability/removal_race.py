"""R12: removal racing completion, over HTTP, PostgreSQL with 2 workers.

Each pair is one learner whose last lesson is ready: one request completes it while
another, sent at the same instant, removes what it belongs to. The kinds, in turn:

    removeEnrollment by the individual     (SELF enrollment)
    removeEnrollment by the company admin  (ASSIGNED enrollment)
    removeEmployee by the company admin
    deleteMyAccount by the individual

Every certificate a completing request returned must afterwards either still exist
(VALID) or have left a tombstone (WITHDRAWN); one that verifies UNKNOWN is a lost
record. Certificates are followed from the id in the answer to the issuance audit
event (which survives removal) to the stored hash; the individuals' codes are also
verified through the public API.

A second phase spends quiz attempts while the enrollment is being removed, enrolls
again and counts attempts given back (attemptsLeft above what was left).

    python scripts/reliability/removal_race.py [--pairs 200] [--quiz-learners 40]
                                               [--workers 2]

LLP_RACE_POSTGRES_URL names the server (default postgres://postgres@127.0.0.1:5432/
postgres); a scratch database is created and dropped. Prints the R12 figures and
exits 0 when both are 0.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import secrets
import sys
from dataclasses import dataclass
from typing import Any

import httpx
from _common import (
    Server,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_admin_url,
    strong_secret,
)

KINDS = ("self-removal", "admin-removal", "employee-removal", "account-deletion")
PASSWORD = "correct horse battery staple 42"  # noqa: S105 - a scratch database
COMPLETE = """mutation($e: ID!, $l: ID!) { completeLesson(enrollmentId: $e, lessonId: $l) {
  enrollment { certificate { id } } } }"""
COMPLETE_WITH_CODE = """mutation($e: ID!, $l: ID!) {
  completeLesson(enrollmentId: $e, lessonId: $l) {
    enrollment { certificate { id verificationCode } } } }"""
REMOVE_ENROLLMENT = "mutation($e: ID!) { removeEnrollment(enrollmentId: $e) }"
REMOVE_EMPLOYEE = "mutation($u: ID!) { removeEmployee(userId: $u) }"
DELETE_ACCOUNT = "mutation($p: String!) { deleteMyAccount(password: $p) }"
VERIFY = "query($c: String!) { verifyCertificate(code: $c) { status } }"
SUBMIT = """mutation($e: ID!, $l: ID!, $a: [QuizAnswerInput!]!) {
  submitQuiz(enrollmentId: $e, lessonId: $l, answers: $a) { attemptsLeft } }"""
ENROLL = "mutation($c: ID!) { enroll(courseId: $c) { id } }"
ATTEMPTS = """query($e: ID!) { enrollment(id: $e) { lessons { lesson { kind } attemptsLeft } } }"""


@dataclass
class Pair:
    kind: str
    learner_token: str
    learner_gid: str
    enrollment_gid: str
    last_lesson_gid: str


@dataclass
class QuizLearner:
    token: str
    enrollment_gid: str
    lesson_gid: str
    answers: list[dict[str, Any]]


@dataclass
class World:
    admin_token: str
    pairs: list[Pair]
    quiz_course_gid: str
    quiz_learners: list[QuizLearner]


def seed(database_url: str, secret: str, pairs: int, quiz_learners: int) -> World:
    async def run() -> World:
        from tortoise import Tortoise

        from llp_gql.db import tortoise_config
        from llp_gql.domain import auth, enrollments, progress
        from llp_gql.domain.clock import utcnow
        from llp_gql.domain.passwords import hash_password
        from llp_gql.models import (
            AccountType,
            Choice,
            Company,
            Course,
            CourseStatus,
            Lesson,
            LessonKind,
            Question,
            Role,
            User,
        )
        from llp_gql.schema.ids import encode_id
        from llp_gql.settings import Settings

        settings = Settings(database_url=database_url, secret_key=secret)
        await Tortoise.init(config=tortoise_config(database_url))
        try:
            password_hash = hash_password(PASSWORD)  # one hash for everyone: seeding speed
            company = await Company.create(name="Racing Ltd")
            admin = await User.create(
                email="admin@racing.example",
                name="Ada Admin",
                password_hash=password_hash,
                account_type=AccountType.EMPLOYEE,
                role=Role.COMPANY_ADMIN,
                company=company,
            )
            course = await Course.create(title="Racing", status=CourseStatus.PUBLISHED)
            reading = await Lesson.create(
                course=course, position=1, kind=LessonKind.READING, title="Read", body="Text"
            )
            activity = await Lesson.create(
                course=course, position=2, kind=LessonKind.ACTIVITY, title="Do", body="Do it"
            )
            world = World(
                admin_token=(await auth.issue_token(admin, settings=settings)).token,
                pairs=[],
                quiz_course_gid="",
                quiz_learners=[],
            )
            for number in range(pairs):
                kind = KINDS[number % len(KINDS)]
                employee = kind in ("admin-removal", "employee-removal")
                learner = await User.create(
                    email=f"racer{number}@racing.example",
                    name=f"Racer {number}",
                    password_hash=password_hash,
                    account_type=AccountType.EMPLOYEE if employee else AccountType.INDIVIDUAL,
                    role=Role.LEARNER,
                    company=company if employee else None,
                )
                if employee:
                    [enrollment] = await enrollments.assign_course(admin, course.id, [learner.id])
                else:
                    enrollment = await enrollments.enroll_self(learner, course.id)
                await progress.complete_lesson(
                    learner, enrollment.id, reading.id, settings=settings, clock=utcnow
                )
                world.pairs.append(
                    Pair(
                        kind=kind,
                        learner_token=(await auth.issue_token(learner, settings=settings)).token,
                        learner_gid=encode_id("User", learner.id),
                        enrollment_gid=encode_id("Enrollment", enrollment.id),
                        last_lesson_gid=encode_id("Lesson", activity.id),
                    )
                )
            quiz_course = await Course.create(title="Quiz", status=CourseStatus.PUBLISHED)
            quiz = await Lesson.create(
                course=quiz_course,
                position=1,
                kind=LessonKind.QUIZ,
                title="Quiz",
                passing_score_percent=100,
                max_attempts=3,
            )
            question = await Question.create(lesson=quiz, position=1, prompt="Right?")
            await Choice.create(question=question, position=1, text="Yes", is_correct=True)
            wrong = await Choice.create(question=question, position=2, text="No", is_correct=False)
            world.quiz_course_gid = encode_id("Course", quiz_course.id)
            for number in range(quiz_learners):
                learner = await User.create(
                    email=f"quizzer{number}@racing.example",
                    name=f"Quizzer {number}",
                    password_hash=password_hash,
                    account_type=AccountType.INDIVIDUAL,
                    role=Role.LEARNER,
                )
                enrollment = await enrollments.enroll_self(learner, quiz_course.id)
                world.quiz_learners.append(
                    QuizLearner(
                        token=(await auth.issue_token(learner, settings=settings)).token,
                        enrollment_gid=encode_id("Enrollment", enrollment.id),
                        lesson_gid=encode_id("Lesson", quiz.id),
                        answers=[
                            {
                                "questionId": encode_id("Question", question.id),
                                "choiceIds": [encode_id("Choice", wrong.id)],
                            }
                        ],
                    )
                )
            return world
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [(e.get("extensions") or {}).get("code", "?") for e in body.get("errors") or []]


async def race_pair(
    client: httpx.AsyncClient, world: World, pair: Pair, rng: random.Random
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Completion and removal of one pair, started together (either may go first)."""
    individual = pair.kind in ("self-removal", "account-deletion")
    complete = post(
        client,
        COMPLETE_WITH_CODE if individual else COMPLETE,
        {"e": pair.enrollment_gid, "l": pair.last_lesson_gid},
        pair.learner_token,
    )
    if pair.kind == "self-removal":
        remove = post(client, REMOVE_ENROLLMENT, {"e": pair.enrollment_gid}, pair.learner_token)
    elif pair.kind == "admin-removal":
        remove = post(client, REMOVE_ENROLLMENT, {"e": pair.enrollment_gid}, world.admin_token)
    elif pair.kind == "employee-removal":
        remove = post(client, REMOVE_EMPLOYEE, {"u": pair.learner_gid}, world.admin_token)
    else:
        remove = post(client, DELETE_ACCOUNT, {"p": PASSWORD}, pair.learner_token)

    async def later(call: Any) -> dict[str, Any]:
        await asyncio.sleep(rng.uniform(0, 0.004))
        result: dict[str, Any] = await call
        return result

    if rng.random() < 0.5:
        completed, removed = await asyncio.gather(later(complete), remove)
    else:
        completed, removed = await asyncio.gather(complete, later(remove))
    return completed, removed


async def certificate_states(database_url: str, certificate_ids: list[int]) -> dict[int, str]:
    """VALID (row exists), WITHDRAWN (tombstone of the same code) or UNKNOWN, per id.

    The issuance audit event names the code by its SHA-256 (``code_sha256``)."""
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        states = {}
        for certificate_id in certificate_ids:
            if await connection.fetchval("SELECT 1 FROM certificate WHERE id = $1", certificate_id):
                states[certificate_id] = "VALID"
                continue
            sha = await connection.fetchval(
                "SELECT details->>'code_sha256' FROM audit_event WHERE action = $1 "
                "AND subject_type = 'certificate' AND subject_id = $2",
                "certificate.issued",
                certificate_id,
            )
            tombstone = sha and await connection.fetchval(
                "SELECT 1 FROM withdrawn_certificate "
                "WHERE encode(sha256(convert_to(verification_code, 'UTF8')), 'hex') = $1",
                sha,
            )
            states[certificate_id] = "WITHDRAWN" if tombstone else "UNKNOWN"
        return states
    finally:
        await connection.close()


async def fire(base_url: str, world: World, database_url: str) -> dict[str, Any]:
    rng = random.Random(12)  # noqa: S311 - jitter, not secrecy
    # No keep-alive: a request on a connection the server is just closing (its idle
    # timeout) fails with ReadError before it is read, which is noise here.
    limits = httpx.Limits(max_connections=60, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
        # Phase 1: completion against removal, 25 pairs at a time.
        outcomes: list[tuple[Pair, dict[str, Any], dict[str, Any]]] = []
        for start in range(0, len(world.pairs), 25):
            wave = world.pairs[start : start + 25]
            results = await asyncio.gather(*(race_pair(client, world, p, rng) for p in wave))
            outcomes += [(p, c, r) for p, (c, r) in zip(wave, results, strict=True)]
        returned: dict[int, tuple[Pair, str | None]] = {}
        codes: collections.Counter[str] = collections.Counter()
        for pair, completed, removed in outcomes:
            codes.update(f"complete:{c}" for c in error_codes(completed))
            codes.update(f"remove:{c}" for c in error_codes(removed))
            data = (completed.get("data") or {}).get("completeLesson") or {}
            certificate = (data.get("enrollment") or {}).get("certificate")
            if certificate:
                from llp_gql.schema.ids import decode_id

                returned[decode_id("Certificate", certificate["id"])] = (
                    pair,
                    certificate.get("verificationCode"),
                )
        states = await certificate_states(database_url, list(returned))
        # The individuals' codes, verified as anyone would (anonymous, public API).
        public: collections.Counter[str] = collections.Counter()
        for _, code in returned.values():
            if code:
                body = (
                    await client.post("/graphql", json={"query": VERIFY, "variables": {"c": code}})
                ).json()
                data = body.get("data") or {}
                public[(data.get("verifyCertificate") or {}).get("status", str(body))] += 1

        # Phase 2: a quiz attempt against removal, then enrolling again.
        given_back = 0
        spent: list[int] = []

        async def quiz_race(learner: QuizLearner) -> tuple[dict[str, Any], dict[str, Any]]:
            submit = post(
                client,
                SUBMIT,
                {"e": learner.enrollment_gid, "l": learner.lesson_gid, "a": learner.answers},
                learner.token,
            )
            remove = post(client, REMOVE_ENROLLMENT, {"e": learner.enrollment_gid}, learner.token)
            first = await post(
                client,
                SUBMIT,
                {"e": learner.enrollment_gid, "l": learner.lesson_gid, "a": learner.answers},
                learner.token,
            )
            assert not error_codes(first), first  # one attempt spent before the race
            submitted, removed = await asyncio.gather(submit, remove)
            return submitted, removed

        quiz_results = await asyncio.gather(*(quiz_race(q) for q in world.quiz_learners))
        for learner, (submitted, removed) in zip(world.quiz_learners, quiz_results, strict=True):
            assert not error_codes(removed), removed
            used = 1 + (0 if error_codes(submitted) else 1)
            spent.append(used)
            again = await post(client, ENROLL, {"c": world.quiz_course_gid}, learner.token)
            enrollment_gid = again["data"]["enroll"]["id"]
            state = await post(client, ATTEMPTS, {"e": enrollment_gid}, learner.token)
            [quiz] = state["data"]["enrollment"]["lessons"]
            if quiz["attemptsLeft"] > 3 - used:
                given_back += 1
    return {
        "pairs": len(outcomes),
        "codes": dict(codes),
        "returned": len(returned),
        "states": dict(collections.Counter(states.values())),
        "unknown": sum(state == "UNKNOWN" for state in states.values()),
        "public": dict(public),
        "quiz_learners": len(world.quiz_learners),
        "attempts_spent": dict(collections.Counter(spent)),
        "given_back": given_back,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--quiz-learners", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    admin_url = postgres_admin_url()
    name = f"llp_r12_{secrets.token_hex(4)}"
    database_url = asyncio.run(create_postgres_database(admin_url, name))
    try:
        migrate(database_url)
        secret = strong_secret()
        world = seed(database_url, secret, args.pairs, args.quiz_learners)
        # Every code is verified from this one address: lift that limit for the run.
        server = Server(
            database_url,
            secret,
            workers=args.workers,
            env={"LLP_VERIFY_LOOKUPS_PER_ADDRESS": "1000000"},
        )
        try:
            server.wait_ready()
            result = asyncio.run(fire(server.base_url, world, database_url))
        finally:
            server.stop()
        errors = [line for line in server.lines if "Traceback" in line]
    finally:
        asyncio.run(drop_postgres_database(admin_url, name))
    print(
        f"  pairs {result['pairs']} ({', '.join(KINDS)} in turn), workers {args.workers}; "
        f"error codes {result['codes'] or 'none'}; certificates returned {result['returned']}: "
        f"{result['states']}; individuals' codes verified publicly: {result['public']}"
    )
    print(f"  quiz: {result['quiz_learners']} learners, attempts spent {result['attempts_spent']}")
    if errors:
        print(f"  server log has {len(errors)} tracebacks:\n" + server.output()[-3000:])
    print(
        f"R12: certificates returned and later UNKNOWN: {result['unknown']}; "
        f"attempts given back by re-enrolling: {result['given_back']}"
    )
    return 0 if result["unknown"] == 0 and result["given_back"] == 0 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
