"""Forms: validation errors are shown next to their fields and nothing is stored;
accepted forms do what they say (through the domain)."""

from __future__ import annotations

import re

import httpx

from llp_gql.domain import audit
from llp_gql.models import (
    AuditEvent,
    Choice,
    Company,
    Course,
    CourseStatus,
    Enrollment,
    Job,
    Lesson,
    LessonKind,
    LessonProgress,
    Question,
    User,
)
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in, png


def _field_error(html: str, field_id: str) -> str:
    """The error printed under a field, which must also be marked invalid."""
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html), field_id
    found = re.search(rf'<p class="field-error" id="{field_id}-err">([^<]*)</p>', html)
    assert found, field_id
    return found.group(1)


# -- employees --------------------------------------------------------------------------------


async def test_a_bad_employee_form_shows_every_error_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    users = await User.all().count()
    response = await client.post(
        "/admin/employees/new",
        data={"name": "  ", "email": "not-an-email", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "cannot be empty" in _field_error(response.text, "f-name")
    assert "valid email" in _field_error(response.text, "f-email")
    assert 'value="not-an-email"' in response.text  # what was typed stays
    assert 'type="password"' not in response.text  # an admin never chooses a password
    assert await User.all().count() == users
    assert await Job.all().count() == 0


async def test_an_email_already_taken_is_shown_at_the_email_field(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    response = await client.post(
        "/admin/employees/new",
        data={
            "name": "Gus Again",
            "email": "gus@globex.example",
            "password": "a long enough password",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "already exists" in _field_error(response.text, "f-email")
    assert await User.filter(name="Gus Again").count() == 0


async def test_inviting_an_employee_adds_them_to_the_admins_company(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    response = await client.post(
        "/admin/employees/new",
        data={
            "name": "Nia Newcomer",
            "email": "nia@acme.example",
            "csrf_token": token,
        },
    )
    created = await User.get(email="nia@acme.example")
    assert response.headers["location"] == f"/admin/employees/{created.id}?done=invitation-sent"
    assert created.company_id == scene.world.company_x.id
    assert created.password_hash == ""
    assert await Job.filter(kind="invitation.send").count() == 1
    page = await client.get(response.headers["location"])
    assert "The invitation was sent" in page.text
    assert "Invitation pending" in page.text


async def test_removing_an_employee_takes_a_confirmation_then_removes_them(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    employee = scene.world.employee_x
    # the first step only asks, and says what will go
    confirm = await client.get(f"/admin/employees/{employee.id}/remove")
    assert "Remove Émma Núñez?" in confirm.text
    assert "1 certificate will be withdrawn" in confirm.text
    assert await User.exists(id=employee.id)
    # the second step removes
    response = await client.post(
        f"/admin/employees/{employee.id}/remove", data={"csrf_token": token}
    )
    assert response.headers["location"] == "/admin/employees?done=employee-removed"
    assert not await User.exists(id=employee.id)
    assert await AuditEvent.exists(action=audit.EMPLOYEE_REMOVED, subject_id=employee.id)


async def test_an_admin_cannot_remove_themselves(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    response = await client.post(
        f"/admin/employees/{scene.world.admin_x.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 422
    assert "cannot remove yourself" in response.text
    assert await User.exists(id=scene.world.admin_x.id)


# -- assigning ------------------------------------------------------------------------------


async def test_assigning_without_people_or_course_shows_errors_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    before = await Enrollment.all().count()
    response = await client.post("/admin/assign", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a course." in response.text
    assert "Choose at least one person or group." in response.text
    assert await Enrollment.all().count() == before


async def test_assigning_a_draft_or_another_companys_employee_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    before = await Enrollment.all().count()
    draft = await client.post(
        "/admin/assign",
        data={
            "course": str(scene.world.draft.id),
            "employees": [str(scene.world.admin_x.id)],
            "csrf_token": token,
        },
    )
    assert draft.status_code == 422
    assert "Choose one of the published courses." in draft.text
    mixed = await client.post(
        "/admin/assign",
        data={
            "course": str(scene.world.course.course.id),
            "employees": [str(scene.world.admin_x.id), str(scene.world.employee_y.id)],
            "csrf_token": token,
        },
    )
    assert mixed.status_code == 422
    assert "Choose people and groups of your company only." in mixed.text
    assert await Enrollment.all().count() == before


async def test_assigning_one_course_to_several_people_at_once(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    second = await Course.create(title="Second course", status=CourseStatus.PUBLISHED)
    people = [scene.world.employee_x, scene.world.employee_x2, scene.world.admin_x]
    response = await client.post(
        "/admin/assign",
        data={
            "course": str(second.id),
            "employees": [str(p.id) for p in people],
            "csrf_token": token,
        },
    )
    assert response.headers["location"] == "/admin/progress?done=assigned"
    assert await Enrollment.filter(course_id=second.id).count() == 3
    matrix = await client.get("/admin/progress")
    assert "Second course" in matrix.text


# -- enrollments ------------------------------------------------------------------------------


async def test_granting_too_many_attempts_shows_the_domains_message_and_changes_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    quiz = scene.world.course.quiz
    response = await client.post(
        f"/admin/enrollments/{scene.open_x2.id}/attempts",
        data={"lesson": str(quiz.id), "extra": "50", "reason": "x", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "Grant between 1 and 10 attempts at a time." in response.text
    assert not await LessonProgress.exists(enrollment_id=scene.open_x2.id)


async def test_granting_attempts_adds_them_and_is_audited(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    quiz = scene.world.course.quiz
    response = await client.post(
        f"/admin/enrollments/{scene.open_x2.id}/attempts",
        data={
            "lesson": str(quiz.id),
            "extra": "3",
            "reason": "Lost connection",
            "csrf_token": token,
        },
        headers={"HX-Request": "true"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Extra attempts granted." in response.text
    assert "<html" not in response.text  # htmx gets the page's content block only
    row = await LessonProgress.get(enrollment_id=scene.open_x2.id, lesson_id=quiz.id)
    assert row.extra_attempts == 3
    event = await AuditEvent.get(action=audit.ATTEMPTS_GRANTED, subject_id=scene.open_x2.id)
    assert event.details["reason"] == "Lost connection"


async def test_granting_attempts_without_a_reason_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    quiz = scene.world.course.quiz
    response = await client.post(
        f"/admin/enrollments/{scene.open_x2.id}/attempts",
        data={"lesson": str(quiz.id), "extra": "2", "reason": "   ", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "Say why: the reason is kept in the audit log." in response.text
    assert not await LessonProgress.exists(enrollment_id=scene.open_x2.id)
    assert not await AuditEvent.exists(action=audit.ATTEMPTS_GRANTED)


async def test_removing_an_assignment_asks_first_then_removes_it(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    confirm = await client.get(f"/admin/enrollments/{scene.done_x.id}/remove")
    assert "Remove this assignment?" in confirm.text
    assert "certificate issued" in confirm.text
    response = await client.post(
        f"/admin/enrollments/{scene.done_x.id}/remove", data={"csrf_token": token}
    )
    assert response.headers["location"] == "/admin/progress?done=enrollment-removed"
    assert not await Enrollment.exists(id=scene.done_x.id)


# -- logo --------------------------------------------------------------------------------------


async def test_a_file_that_is_not_an_image_is_refused_and_the_logo_kept(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_y, settings)
    response = await client.post(
        "/admin/company",
        data={"csrf_token": token},
        files={"logo": ("logo.png", b"<svg onload=alert(1)>", "image/png")},
    )
    assert response.status_code == 422
    assert "must be a PNG or JPEG" in _field_error(response.text, "f-logo")
    company = await Company.get(id=scene.world.company_y.id)
    assert company.logo is None
    assert not await AuditEvent.exists(action=audit.LOGO_UPLOADED)


async def test_uploading_a_logo_stores_it_audits_it_and_shows_a_preview(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_y, settings)
    response = await client.post(
        "/admin/company",
        data={"csrf_token": token},
        files={"logo": ("logo.png", png(900, 300), "image/png")},
    )
    assert response.headers["location"] == "/admin/company?done=logo-uploaded"
    company = await Company.get(id=scene.world.company_y.id)
    assert company.logo
    assert company.logo_updated_at is not None
    assert await AuditEvent.exists(action=audit.LOGO_UPLOADED, company_id=company.id)
    page = await client.get("/admin/company")
    assert '<img src="/admin/company/logo?v=' in page.text
    image = await client.get("/admin/company/logo")
    assert image.headers["content-type"] == "image/png"
    assert image.content == bytes(company.logo)  # normalised (at most 600 px wide)


async def test_an_upload_without_a_file_says_so(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_y, settings)
    response = await client.post("/admin/company", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a PNG or JPEG file" in response.text


# -- staff -------------------------------------------------------------------------------------


async def test_a_bad_company_form_shows_errors_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    companies = await Company.all().count()
    response = await client.post(
        "/admin/staff/companies/new",
        data={
            "name": "",
            "admin_name": "Al",
            "admin_email": "nope",
            "admin_password": "x",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert _field_error(response.text, "f-name")
    assert _field_error(response.text, "f-admin_email")
    # no password field: the first admin is invited and chooses it
    assert 'name="admin_password"' not in response.text
    assert await Company.all().count() == companies


async def test_a_company_name_already_taken_is_shown_at_the_name(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    response = await client.post(
        "/admin/staff/companies/new",
        data={
            "name": "Acme Corp",
            "admin_name": "Al Admin",
            "admin_email": "al@new.example",
            "admin_password": "a long enough password",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "already exists" in _field_error(response.text, "f-name")
    assert not await User.exists(email="al@new.example")


async def test_a_course_without_a_title_is_not_created(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    courses = await Course.all().count()
    response = await client.post(
        "/admin/staff/courses/new", data={"title": "   ", "csrf_token": token}
    )
    assert response.status_code == 422
    assert _field_error(response.text, "f-title")
    assert await Course.all().count() == courses


async def test_a_video_without_duration_or_address_is_refused(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    path = f"/admin/staff/courses/{scene.world.draft.id}/lessons"
    no_duration = await client.post(
        path,
        data={
            "kind": "VIDEO",
            "title": "Intro",
            "duration_seconds": "abc",
            "video_url": "https://v.example/a.mp4",
            "csrf_token": token,
        },
    )
    assert no_duration.status_code == 422
    assert "length of the video" in _field_error(no_duration.text, "f-duration_seconds")
    no_url = await client.post(
        path,
        data={
            "kind": "VIDEO",
            "title": "Intro",
            "duration_seconds": "60",
            "video_url": "javascript:alert(1)",
            "csrf_token": token,
        },
    )
    assert no_url.status_code == 422
    assert "address of the video" in _field_error(no_url.text, "f-video_url")
    assert not await Lesson.exists(course_id=scene.world.draft.id)


async def test_a_quiz_question_without_a_correct_choice_is_refused(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    response = await client.post(
        f"/admin/staff/courses/{scene.world.draft.id}/lessons",
        data={
            "kind": "QUIZ",
            "title": "Check",
            "passing_score_percent": "80",
            "q1_prompt": "Which?",
            "q1_c1_text": "A",
            "q1_c2_text": "B",
            "rows": "3",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "needs at least one correct choice" in response.text
    assert 'value="Which?"' in response.text  # the typed question stays
    assert not await Lesson.exists(course_id=scene.world.draft.id)


async def test_staff_add_a_quiz_with_questions_and_choices(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    draft = scene.world.draft
    response = await client.post(
        f"/admin/staff/courses/{draft.id}/lessons",
        data={
            "kind": "QUIZ",
            "title": "Check",
            "passing_score_percent": "50",
            "max_attempts": "",
            "rows": "3",
            "q1_prompt": "Single?",
            "q1_c1_text": "Yes",
            "q1_c1_correct": "on",
            "q1_c2_text": "No",
            "q2_prompt": "Several?",
            "q2_c1_text": "A",
            "q2_c1_correct": "on",
            "q2_c2_text": "B",
            "q2_c3_text": "C",
            "q2_c3_correct": "on",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    lesson = await Lesson.get(course_id=draft.id)
    assert lesson.kind == LessonKind.QUIZ
    assert lesson.max_attempts is None
    questions = await Question.filter(lesson_id=lesson.id).order_by("position")
    assert [q.multiple_answers for q in questions] == [False, True]
    assert await Choice.filter(question_id=questions[1].id, is_correct=True).count() == 2
    editor = await client.get(f"/admin/staff/courses/{draft.id}")
    assert "Several?" in editor.text
    assert "(several answers)" in editor.text


async def test_publishing_an_empty_draft_explains_why_not(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    response = await client.post(
        f"/admin/staff/courses/{scene.world.draft.id}/publish", data={"csrf_token": token}
    )
    assert response.status_code == 422
    assert "Add at least one lesson before publishing." in response.text
    assert (await Course.get(id=scene.world.draft.id)).status == CourseStatus.DRAFT


async def test_a_published_course_offers_no_lesson_form(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    course = scene.world.course.course
    page = await client.get(f"/admin/staff/courses/{course.id}")
    assert "Add a lesson" not in page.text
    assert "frozen" in page.text
    # and posting one anyway gets the domain's answer, nothing stored
    lessons = await Lesson.filter(course_id=course.id).count()
    response = await client.post(
        f"/admin/staff/courses/{course.id}/lessons",
        data={"kind": "READING", "title": "Sneaky", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "published and frozen" in response.text
    assert await Lesson.filter(course_id=course.id).count() == lessons
