"""What the pages show, htmx partial rendering, lists, downloads, and hostile input."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from llp_gql.domain import audit, enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.clock import utcnow as clock_now
from llp_gql.models import AuditEvent, Certificate, Enrollment, EnrollmentSource
from llp_gql.settings import Settings
from tests.admin_ui import Scene, add_employees, complete_course, log_in
from tests.api.test_query_counts import QueryLog
from tests.factories import World, make_user

HX = {"HX-Request": "true"}


async def test_htmx_gets_the_content_block_alone_and_every_answer_varies_on_it(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    full = await client.get("/admin/employees")
    partial = await client.get("/admin/employees", headers=HX)
    assert full.text.startswith("<!doctype html>")
    assert '<nav class="mainnav"' in full.text
    assert "<html" not in partial.text
    # the page's own chrome stays out (the content block may have its own tabs)
    assert '<nav class="mainnav"' not in partial.text
    assert 'id="results"' in partial.text
    for response in (full, partial):
        assert response.headers["vary"] == "HX-Request"
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # a history restore (back button after a cache miss) needs the whole page
    restore = await client.get(
        "/admin/employees", headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert restore.text.startswith("<!doctype html>")


async def test_employee_search_works_as_you_type_and_as_a_plain_form(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    page = await client.get("/admin/employees")
    assert 'hx-trigger="keyup changed delay:300ms, search"' in page.text
    assert 'method="get" action="/admin/employees"' in page.text
    for headers in ({}, HX):
        found = await client.get("/admin/employees?q=EMMA", headers=headers)
        assert "emma@acme.example" in found.text
        assert "ed@acme.example" not in found.text
        assert "gus@globex.example" not in found.text  # never another company's people
    nobody = await client.get("/admin/employees?q=zzz")
    assert "Nobody matches “zzz”" in nobody.text


async def test_lists_paginate_with_real_links(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    for number in range(25):
        _ = await make_user(f"person{number:02d}@acme.example", company=scene.world.company_x)
    _ = await log_in(client, scene.world.admin_x, settings)
    first = await client.get("/admin/employees?q=person")
    assert "1–20 of 25 people" in first.text
    assert 'href="/admin/employees?q=person&amp;page=2"' in first.text
    second = await client.get("/admin/employees?q=person&page=2", headers=HX)
    assert "21–25 of 25 people" in second.text
    assert "person24@acme.example" in second.text
    # out-of-range and nonsense page numbers fall back to a real page
    for page in ("99", "-3", "abc", "9" * 40):
        response = await client.get(f"/admin/employees?q=person&page={page}")
        assert response.status_code == 200


async def test_the_matrix_shows_each_enrollment_and_opens_its_lessons_and_blockers(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    matrix = await client.get("/admin/progress")
    assert matrix.text.count('class="cell-link"') == 2  # employee_x and employee_x2
    assert 'data-status="COMPLETED"' in matrix.text
    assert 'data-status="NOT_STARTED"' in matrix.text
    cell = f'href="/admin/enrollments/{scene.open_x2.id}" hx-get="/admin/enrollments/'
    assert cell in matrix.text
    assert 'hx-target="#panel"' in matrix.text
    assert "Globex" not in matrix.text
    assert "gus@globex.example" not in matrix.text
    # the cell's panel: per-lesson state and the blockers, with the domain's words
    panel = await client.get(f"/admin/enrollments/{scene.open_x2.id}", headers=HX)
    assert "<html" not in panel.text
    # in words, never the codes (tests/admin_ui/test_words.py checks every page)
    assert "NOT_STARTED" not in panel.text
    assert "Not started yet: watch the whole video" in panel.text
    assert "LOCKED" not in panel.text
    assert "Locked until &#39;Welcome video&#39; is complete." in (panel.text)
    assert "Open as a page" in panel.text


async def test_staff_support_view_is_read_only(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.staff, settings)
    found = await client.get("/admin/staff/support?email=EMMA@")
    assert f'href="/admin/staff/support/users/{scene.world.employee_x.id}"' in found.text
    person = await client.get(f"/admin/staff/support/users/{scene.world.employee_x2.id}")
    assert "Leading Teams" in person.text
    assert "Not started" in person.text
    assert "NOT_STARTED" not in person.text
    enrollment = await client.get(f"/admin/enrollments/{scene.done_x.id}")
    assert enrollment.status_code == 200
    assert 'method="post"' not in enrollment.text.split("<main")[1]  # no action but logout
    assert "Download" not in enrollment.text
    assert "Only the admins of the company that assigned the course" in enrollment.text


async def test_the_dashboard_counts_and_charts(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    page = await client.get("/admin/dashboard")
    text = page.text
    assert '<div class="label">Employees</div><div class="value">3</div>' in text
    assert '<div class="label">Courses assigned</div><div class="value">2</div>' in text
    assert '<div class="label">Completions</div><div class="value">1</div>' in text
    assert '<div class="label">Certificates this month</div><div class="value">1</div>' in text
    assert text.count('<svg class="chart"') == 2
    assert "Leading Teams: 1 of 2 completed." in text
    assert f"{clock():%b %Y}: 1." in text
    # a certificate of last month does not count for this month
    await Certificate.filter(id=scene.certificate_x.id).update(
        issued_at=clock() - timedelta(days=40)
    )
    later = await client.get("/admin/dashboard")
    assert '<div class="label">Certificates this month</div><div class="value">0</div>' in (
        later.text
    )


async def test_the_audit_log_is_the_companys_only_and_paginated(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    for number in range(30):
        await audit.record(
            audit.ASSIGNED,
            actor=scene.world.admin_x,
            subject_type="enrollment",
            subject_id=number,
            company_id=scene.world.company_x.id,
            at=clock(),
            details={"learner_email": f"learner{number}@acme.example"},
        )
    await audit.record(
        audit.ASSIGNED,
        actor=scene.world.admin_y,
        subject_type="enrollment",
        subject_id=1,
        company_id=scene.world.company_y.id,
        details={"learner_email": "secret@globex.example"},
    )
    _ = await log_in(client, scene.world.admin_x, settings)
    first = await client.get("/admin/audit")
    assert "30 events" in first.text
    assert "learner29@acme.example" in first.text
    assert "learner0@acme.example" not in first.text
    older = re.search(r'href="(/admin/audit\?before=\d+)"', first.text)
    assert older, "no link to the older events"
    second = await client.get(older.group(1))
    assert "learner0@acme.example" in second.text
    assert "learner29@acme.example" not in second.text
    filtered = await client.get(f"/admin/audit?action={audit.LOGO_UPLOADED}")
    assert "No events of this kind" in filtered.text
    for page in (first, second):
        assert "secret@globex.example" not in page.text
    assert await AuditEvent.filter(company_id=scene.world.company_y.id).count() == 1


async def test_the_download_button_hands_out_a_fresh_signed_link_to_the_real_pdf(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    # given a course completed for real (the domain renders and stores the PDF)
    [enrollment] = await enrollments.assign_course(
        world.admin_x, world.course.course.id, [world.employee_x.id]
    )
    await complete_course(world.employee_x, enrollment, settings=settings, clock=clock)
    certificate = await Certificate.get(enrollment_id=enrollment.id)
    _ = await log_in(client, world.admin_x, settings)
    page = await client.get(f"/admin/enrollments/{enrollment.id}")
    assert f'href="/admin/certificates/{certificate.id}/download"' in page.text
    # when the admin presses Download
    response = await client.get(f"/admin/certificates/{certificate.id}/download")
    # then they are sent to a signed link of theirs, which delivers the PDF
    assert response.status_code == 303
    link = response.headers["location"]
    assert link.startswith(f"{settings.public_base_url}/certificates/{certificate.id}/download?")
    pdf = await client.get(link.removeprefix(settings.public_base_url))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment")
    # and the employee whose certificate it is has no admin page to get it from
    _ = await log_in(client, world.employee_x, settings)
    denied = await client.get(f"/admin/certificates/{certificate.id}/download")
    assert denied.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/nowhere",
        "/admin/enrollments/abc",
        "/admin/employees/1e9",
        "/admin/staff/courses/-1",
        "/admin/enrollments/99999999999999999999999",
    ],
)
async def test_unknown_paths_get_the_404_page_never_a_500(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, path: str
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    response = await client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.text


async def test_hostile_input_never_breaks_a_page(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    answers = [
        await client.get("/admin/employees?q=" + "%" * 5000),
        await client.get("/admin/employees?q=%00%27%22<script>"),
        await client.get("/admin/assign?course=abc&employee=x&employee=1e400"),
        await client.get("/admin/audit?action=<b>&page=1e9"),
        await client.post(
            "/admin/assign",
            data={"course": "1" * 30, "employees": ["x", "-1"], "csrf_token": token},
        ),
        await client.post(
            f"/admin/enrollments/{scene.open_x2.id}/attempts",
            data={"lesson": "abc", "extra": "NaN", "csrf_token": token},
        ),
        await client.post(
            "/admin/employees/new",
            content=b"\xff\xfe\x00garbage",
            headers={"content-type": "application/x-www-form-urlencoded", "x-csrf-token": token},
        ),
        await client.post(
            "/admin/company",
            content=b"--x\r\nnot multipart",
            headers={"content-type": "multipart/form-data; boundary=x", "x-csrf-token": token},
        ),
    ]
    for response in answers:
        assert response.status_code < 500, response.text[:300]
    assert "<script>" not in answers[1].text


async def test_a_staff_member_can_find_an_employee_of_any_company(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.staff, settings)
    response = await client.get("/admin/staff/support?email=globex", headers=HX)
    assert "gus@globex.example" in response.text
    assert "admin@globex.example" in response.text
    assert await Enrollment.filter(company_id=scene.world.company_y.id).count() == 1


async def test_htmx_is_served_from_the_package_pinned_to_one_major_version(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/admin/static/htmx.min.js")
    assert response.status_code == 200
    assert 'version:"2.' in response.text
    css = await client.get("/admin/static/admin.css")
    assert css.status_code == 200
    assert "--primary" in css.text
    login = await client.get("/admin/login")
    assert '<script src="/admin/static/htmx.min.js?v=' in login.text


async def test_the_export_page_counts_the_selection_and_links_the_zip(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    course = scene.world.course.course.id
    page = await client.get(f"/admin/export?course={course}")
    assert "1 certificate selected" in page.text
    assert f'href="/certificates/export.zip?course={course}"' in page.text
    assert "Émma Núñez" in page.text
    # the link streams the same selection, with the admin's session
    archive = await client.get(f"/certificates/export.zip?course={course}")
    assert archive.status_code == 200
    assert archive.content.startswith(b"PK")
    # another company's admin sees none of it
    _ = await log_in(client, scene.world.admin_y, settings)
    other = await client.get(f"/admin/export?employee={scene.world.employee_x.id}")
    assert "No certificates match" in other.text
    assert "Émma" not in other.text


async def test_export_filters_that_make_no_sense_are_shown_at_their_field(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    bad_date = await client.get("/admin/export?from=31/12/2026")
    assert bad_date.status_code == 422
    assert 'id="f-from-err"' in bad_date.text
    backwards = await client.get("/admin/export?from=2026-12-01&to=2026-01-01")
    assert backwards.status_code == 422
    assert "start date is after the end date" in backwards.text
    assert "Download ZIP" not in backwards.text


async def test_the_dashboard_costs_the_same_for_3_and_43_enrollments_and_reads_no_rows(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, queries: QueryLog
) -> None:
    """B9: a company of 100,000 enrollments must not be read into Python to count it."""
    _ = await log_in(client, scene.world.admin_x, settings)

    async def dashboard_sql() -> list[str]:
        queries.statements.clear()
        queries.active = True
        try:
            assert (await client.get("/admin/dashboard")).status_code == 200
        finally:
            queries.active = False
        return list(queries.statements)

    before = await dashboard_sql()
    company = scene.world.admin_x.company_id
    for n in range(40):
        person = await make_user(f"bulk{n}@x.example", company=scene.world.company_x)
        _ = await Enrollment.create(
            learner=person,
            course=scene.world.course.course,
            source=EnrollmentSource.ASSIGNED,
            company_id=company,
            completed_at=clock_now() if n % 2 else None,
        )
    after = await dashboard_sql()
    assert len(after) == len(before), "\n".join(after)
    # every statement on enrollments is an aggregate: no row per enrollment reaches Python
    on_enrollments = [sql for sql in after if 'FROM "enrollment"' in sql]
    assert on_enrollments
    assert all("COUNT(" in sql for sql in on_enrollments), "\n".join(on_enrollments)
    page = (await client.get("/admin/dashboard")).text
    assert '<div class="label">Completions</div><div class="value">21</div>' in page


async def test_admin_pages_load_the_certificate_fonts_for_names_in_any_script(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    """Issue 17: a Japanese name showed as boxes in the admin pages."""
    _ = await log_in(client, scene.world.admin_x, settings)
    page = await client.get("/admin/progress")
    assert '<link rel="stylesheet" href="/admin/fonts/faces.css?v=' in page.text
    css = await client.get("/admin/fonts/faces.css")
    assert css.status_code == 200
    assert "unicode-range" in css.text
    names = re.findall(r'url\("([^"/]+\.ttf)"\)', css.text)
    assert len(names) >= 10
    assert "U+4E00-9FFF" in css.text  # CJK (the fallback face that carries it)
    for name in names:
        font = await client.get(f"/admin/fonts/{name}")
        assert font.status_code == 200, name
    admin_css = (await client.get("/admin/static/admin.css")).text
    assert 'font: 15px/1.5 "LLP Script", system-ui' in admin_css


async def test_the_export_form_finds_people_with_a_certificate_by_search(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    """B9: the form listed every member (10,000 options, 908 KB); now it offers a search
    (the employee list's match, name or email) whose matches are links setting
    ``employee``, and only people with a certificate (anyone else would export nothing)."""
    _ = await log_in(client, scene.world.admin_x, settings)
    plain = (await client.get("/admin/export")).text
    assert '<option value="' + str(scene.world.employee_x.id) not in plain  # no select of people
    assert 'method="get" action="/admin/export"' in plain  # works as a plain form
    assert '<input id="f-q" name="q" type="search"' in plain
    assert "Leading Teams" in plain
    course = scene.world.course.course.id
    for q in ("ACME", "núñez", "emma@"):  # (SQLite folds the case of ASCII only)
        found = (await client.get(f"/admin/export?q={q}&course={course}")).text
        # the match keeps the other filters and sets employee=<id>
        link = f'href="/admin/export?course={course}&amp;employee={scene.world.employee_x.id}"'
        assert link in found, q
        assert f"employee={scene.world.employee_x2.id}" not in found  # has no certificate
        assert "gus@globex.example" not in found  # never another company's people
    nobody = (await client.get("/admin/export?q=zzz")).text
    assert "Nobody with a certificate matches “zzz”" in nobody


async def test_a_chosen_employee_is_named_and_any_employee_clears_it(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    course = scene.world.course.course.id
    person = scene.world.employee_x.id
    page = (await client.get(f"/admin/export?course={course}&employee={person}&q=x")).text
    assert '<p class="chosen-person"' in page
    assert "<strong>Émma Núñez</strong> <span>emma@acme.example</span>" in page
    assert f'<input type="hidden" name="employee" value="{person}">' in page
    assert f'<a href="/admin/export?course={course}">Any employee' in page
    assert 'name="q"' not in page  # no search while someone is chosen
    assert "1 certificate selected" in page
    assert f'href="/certificates/export.zip?course={course}&amp;employee={person}"' in page
    # an id that is nobody of this company: said so, with the way back
    _ = await log_in(client, scene.world.admin_y, settings)
    other = (await client.get(f"/admin/export?employee={person}")).text
    assert "Not one of your employees" in other
    assert 'href="/admin/export">Any employee' in other
    bad = await client.get("/admin/export?employee=abc")
    assert bad.status_code == 422
    assert 'id="f-employee-err"' in bad.text


async def test_the_export_search_offers_at_most_20_people(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    _ = await add_employees(scene.world, 50, prefix="many", clock=clock)  # 37 certified
    _ = await log_in(client, scene.world.admin_x, settings)
    page = (await client.get("/admin/export?q=many")).text
    assert len(re.findall(r'<li><a href="/admin/export\?employee=\d+">', page)) == 20
    assert "The first 20 are listed" in page
    assert "Many 01" in page  # by name, the first certified ones (three in four)
    assert "Many 00" not in page  # no certificate
    assert "Many 27" not in page  # the 21st
    assert "38 certificates selected" in page  # the search narrows nothing by itself
