"""End-to-end journeys over HTTP, one per role, through the real app."""

from __future__ import annotations

from typing import Any

import httpx

from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from tests.factories import PASSWORD, World
from tests.gql import fails, gid, ok, token_for

LESSON_FIELDS = "id kind title position quiz { questions { id choices { id text } } }"
ENROLLMENT_FIELDS = """
  id status progressPercent source
  lessons { status lesson { id } coveredSeconds attemptsLeft }
  blockers { reason detail lesson { title } }
  certificate { id learnerName courseTitle canDownload }
"""
VIDEO = """mutation($e: ID!, $l: ID!, $f: Float!, $t: Float!) {
  recordVideoProgress(enrollmentId: $e, lessonId: $l, fromSecond: $f, toSecond: $t) {
    lessonProgress { status coveredSeconds } enrollment { status }
    video { addedSeconds refusedSeconds acceptedToSecond claimableSeconds retryAfterSeconds }
  } }"""
COMPLETE = """mutation($e: ID!, $l: ID!) { completeLesson(enrollmentId: $e, lessonId: $l) {
  lessonProgress { status } enrollment { FIELDS } } }""".replace("FIELDS", ENROLLMENT_FIELDS)
QUIZ = """mutation($e: ID!, $l: ID!, $a: [QuizAnswerInput!]!) {
  submitQuiz(enrollmentId: $e, lessonId: $l, answers: $a) {
    scorePercent passed attemptsLeft enrollment { FIELDS } } }""".replace(
    "FIELDS", ENROLLMENT_FIELDS
)
DOWNLOAD = """query($id: ID!) { enrollment(id: $id) { certificate {
  canDownload verificationCode downloadUrl } } }"""


async def _author_course(client: httpx.AsyncClient, staff: str) -> tuple[str, list[dict[str, Any]]]:
    """Staff create, fill and publish a course of video, reading and quiz."""
    data = await ok(
        client,
        'mutation { createCourse(title: "Coaching", description: "How") { id status } }',
        token=staff,
    )
    course_id = data["createCourse"]["id"]
    assert data["createCourse"]["status"] == "DRAFT"
    lessons = [
        {
            "kind": "VIDEO",
            "title": "Intro",
            "durationSeconds": 20.0,
            "videoUrl": "https://v.example/intro.mp4",
        },
        {"kind": "READING", "title": "Read", "body": "Text"},
        {
            "kind": "QUIZ",
            "title": "Check",
            "passingScorePercent": 100,
            "maxAttempts": 2,
            "questions": [
                {
                    "prompt": "2+2?",
                    "choices": [
                        {"text": "4", "isCorrect": True},
                        {"text": "5", "isCorrect": False},
                    ],
                }
            ],
        },
    ]
    for lesson in lessons:
        await ok(
            client,
            "mutation($c: ID!, $i: LessonInput!) { addLesson(courseId: $c, input: $i) { id } }",
            {"c": course_id, "i": lesson},
            token=staff,
        )
    data = await ok(
        client,
        "mutation($c: ID!) { publishCourse(courseId: $c) { status "
        f"lessons {{ {LESSON_FIELDS} }} }} }}",
        {"c": course_id},
        token=staff,
    )
    assert data["publishCourse"]["status"] == "PUBLISHED"
    return course_id, data["publishCourse"]["lessons"]


async def _work_through(
    client: httpx.AsyncClient,
    clock: FakeClock,
    token: str,
    enrollment_id: str,
    lessons: list[dict[str, Any]],
) -> dict[str, Any]:
    video, reading, quiz = lessons
    e = enrollment_id
    # Locked lesson refused.
    await fails(client, "LESSON_LOCKED", COMPLETE, {"e": e, "l": reading["id"]}, token)
    # Playing from 0 starts the budget: 5 s slack + 2x the time since.
    await ok(client, VIDEO, {"e": e, "l": video["id"], "f": 0, "t": 0}, token)
    clock.advance(1)
    # 20 s of video one second later: the plausible 7 s are kept, the answer says so.
    data = await ok(client, VIDEO, {"e": e, "l": video["id"], "f": 0, "t": 20}, token)
    assert data["recordVideoProgress"]["video"] == {
        "addedSeconds": 7.0,
        "refusedSeconds": 13.0,
        "acceptedToSecond": 7.0,
        "claimableSeconds": 0.0,
        "retryAfterSeconds": 6.5,
    }
    # Sending the rest at once fits nothing: IMPLAUSIBLE_PROGRESS, nothing stored.
    await fails(
        client, "IMPLAUSIBLE_PROGRESS", VIDEO, {"e": e, "l": video["id"], "f": 7, "t": 20}, token
    )
    clock.advance(6.5)
    data = await ok(client, VIDEO, {"e": e, "l": video["id"], "f": 7, "t": 20}, token)
    assert data["recordVideoProgress"]["lessonProgress"]["status"] == "COMPLETED"
    await ok(client, COMPLETE, {"e": e, "l": reading["id"]}, token)
    question = quiz["quiz"]["questions"][0]
    right, wrong = question["choices"][0]["id"], question["choices"][1]["id"]
    failed = await ok(
        client,
        QUIZ,
        {"e": e, "l": quiz["id"], "a": [{"questionId": question["id"], "choiceIds": [wrong]}]},
        token,
    )
    assert failed["submitQuiz"]["passed"] is False
    assert failed["submitQuiz"]["enrollment"]["certificate"] is None
    reasons = [b["reason"] for b in failed["submitQuiz"]["enrollment"]["blockers"]]
    assert reasons == ["QUIZ_NOT_PASSED"]
    passed = await ok(
        client,
        QUIZ,
        {"e": e, "l": quiz["id"], "a": [{"questionId": question["id"], "choiceIds": [right]}]},
        token,
    )
    result: dict[str, Any] = passed["submitQuiz"]
    assert result["passed"] is True
    assert result["enrollment"]["status"] == "COMPLETED"
    assert result["enrollment"]["certificate"] is not None  # issued in the same response
    return result["enrollment"]


async def test_company_journey(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    staff = await token_for(world.staff, settings)
    admin = await token_for(world.admin_x, settings)
    course_id, lessons = await _author_course(client, staff)

    # Given an admin who creates an employee and assigns the course
    created = await ok(
        client,
        'mutation { createEmployee(email: "new@acme.example", '
        f'name: "Nia New", password: "{PASSWORD}") {{ id accountType }} }}',
        token=admin,
    )
    employee_id = created["createEmployee"]["id"]
    assigned = await ok(
        client,
        "mutation($c: ID!, $u: [ID!]!) { assignCourse(courseId: $c, "
        "userIds: $u) { id source status } }",
        {"c": course_id, "u": [employee_id]},
        token=admin,
    )
    enrollment = assigned["assignCourse"][0]
    assert (enrollment["source"], enrollment["status"]) == ("ASSIGNED", "NOT_STARTED")

    # When the employee logs in and works through it
    login = await ok(
        client,
        'mutation { login(email: "new@acme.example", '
        f'password: "{PASSWORD}") {{ token user {{ name }} }} }}',
    )
    employee = login["login"]["token"]
    done = await _work_through(client, clock, employee, enrollment["id"], lessons)

    # Then they see the certificate exists but may not download it
    assert done["certificate"]["canDownload"] is False
    denied = await fails(client, "FORBIDDEN", DOWNLOAD, {"id": enrollment["id"]}, employee)
    assert denied["data"]["enrollment"]["certificate"]["downloadUrl"] is None
    # while their admin resolves the link and gets a real PDF from it
    mine = await ok(client, DOWNLOAD, {"id": enrollment["id"]}, admin)
    url = mine["enrollment"]["certificate"]["downloadUrl"]
    assert url.startswith("https://llp.example/certificates/")
    response = await client.get(url.removeprefix("https://llp.example"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "no-store"
    # and the other company's admin cannot even see it
    other = await token_for(world.admin_y, settings)
    await fails(client, "NOT_FOUND", DOWNLOAD, {"id": enrollment["id"]}, other)
    code = mine["enrollment"]["certificate"]["verificationCode"]
    verified = await ok(
        client,
        "query($c: String!) { verifyCertificate(code: $c) { status learnerName courseTitle } }",
        {"c": code},
    )
    assert verified["verifyCertificate"] == {
        "status": "VALID",
        "learnerName": "Nia New",
        "courseTitle": "Coaching",
    }


async def test_individual_journey(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    staff = await token_for(world.staff, settings)
    course_id, lessons = await _author_course(client, staff)
    signed = await ok(
        client,
        'mutation { signUp(email: "ivy@mail.example", '
        f'password: "{PASSWORD}", name: "Ivy Ивanova") '
        "{ token user { accountType role } } }",
    )
    assert signed["signUp"]["user"] == {"accountType": "INDIVIDUAL", "role": "LEARNER"}
    token = signed["signUp"]["token"]
    enrolled = await ok(
        client, "mutation($c: ID!) { enroll(courseId: $c) { id source } }", {"c": course_id}, token
    )
    enrollment_id = enrolled["enroll"]["id"]
    done = await _work_through(client, clock, token, enrollment_id, lessons)
    assert done["certificate"]["canDownload"] is True
    mine = await ok(client, DOWNLOAD, {"id": enrollment_id}, token)
    assert mine["enrollment"]["certificate"]["downloadUrl"]
    # An employee cannot enroll themselves; another individual cannot see this enrollment.
    employee = await token_for(world.employee_x, settings)
    await fails(
        client,
        "FORBIDDEN",
        "mutation($c: ID!) { enroll(courseId: $c) { id } }",
        {"c": course_id},
        employee,
    )
    other = await token_for(world.individual_b, settings)
    await fails(client, "NOT_FOUND", DOWNLOAD, {"id": enrollment_id}, other)
    await fails(client, "NOT_FOUND", DOWNLOAD, {"id": gid("Enrollment", 999999)}, other)
