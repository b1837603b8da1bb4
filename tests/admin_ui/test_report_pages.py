"""The compliance report's page and files (admin_ui/reports.py): rights, filters (bad
ones refused with a clear 400), formula-safe CSV with a BOM, XLSX, bounded memory."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta
from urllib.parse import unquote

import httpx
import pytest
from openpyxl import load_workbook

from admin_ui.reports import XLSX_TYPE
from llp_gql.domain import audit, report_files, reports
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.matrix_filter import MatrixFilter
from llp_gql.models import AuditEvent, Enrollment, EnrollmentSource, Group, User
from llp_gql.settings import Settings
from llp_gql.words import ENROLLMENT_STATUS
from tests.admin_ui import Scene, log_in
from tests.factories import World, make_user

PAGE = "/admin/reports/compliance"
URLS = (PAGE, PAGE + ".csv", PAGE + ".xlsx")


def _csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def _hostile_person(scene: Scene, clock: FakeClock) -> User:
    """An employee whose name and group a spreadsheet would run as formulas."""
    world = scene.world
    group = await Group.create(company=world.company_x, name="+SUM(A1:A9)")
    person = await make_user(
        "eve@acme.example", name='=HYPERLINK("http://evil","Ωμέγα")', company=world.company_x
    )
    person.group_id = group.id
    await person.save()
    _ = await Enrollment.create(
        learner=person,
        course=world.course.course,
        source=EnrollmentSource.ASSIGNED,
        company_id=world.company_x.id,
        due_at=clock() - timedelta(days=2),
    )
    return person


async def test_the_page_previews_the_rows_and_links_both_files_with_the_filters(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert "2 rows" in page.text
    assert "Émma Núñez" in page.text
    assert "gus@globex.example" not in page.text  # never another company's
    assert "Completed" in page.text
    assert "COMPLETED" not in page.text.replace('value="', "")  # words, not codes
    assert f'href="{PAGE}.csv"' in page.text
    assert f'href="{PAGE}.xlsx"' in page.text
    narrowed = await client.get(PAGE + "?q=emma&people=active&overdue=")
    assert "1 row<" in narrowed.text
    assert f'href="{PAGE}.csv?q=emma&amp;people=active"' in narrowed.text
    assert 'href="/admin/progress?q=emma&amp;people=active"' in narrowed.text
    # and the matrix links here with its own filters
    matrix = await client.get("/admin/progress?q=ed&overdue=1")
    assert f'href="{PAGE}?q=ed&amp;overdue=1"' in matrix.text


async def test_the_csv_has_a_bom_a_header_words_and_formula_safe_cells(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    person = await _hostile_person(scene, clock)
    scene.world.company_x.name = "Ακμή Corp"
    await scene.world.company_x.save()
    _ = await log_in(client, scene.world.admin_x, settings)
    response = await client.get(PAGE + ".csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="compliance-Corp-')
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("compliance-Ακμή-Corp-")
    header, *rows = _csv_rows(response)
    assert header == list(report_files.HEADER)
    by_email = {row[1]: row for row in rows}
    assert set(by_email) == {"emma@acme.example", "ed@acme.example", person.email}
    eve = by_email[person.email]
    assert eve[0] == "'" + person.name  # inert text, the name kept after the apostrophe
    assert eve[3] == "'+SUM(A1:A9)"
    assert eve[5:9] == ["Not started", "0", eve[7], "yes"]
    emma = by_email["emma@acme.example"]
    assert emma[0] == "Émma Núñez"
    assert (emma[2], emma[5], emma[6], emma[10]) == (
        "active",
        "Completed",
        "100",
        scene.certificate_x.verification_code,
    )
    assert emma[9] == clock().strftime("%Y-%m-%d %H:%M")
    # every cell of every row starts harmlessly
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


async def test_the_xlsx_opens_with_the_same_rows_and_text_stays_text(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    person = await _hostile_person(scene, clock)
    _ = await log_in(client, scene.world.admin_x, settings)
    response = await client.get(PAGE + ".xlsx?overdue=1")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert 'filename="compliance-Acme-Corp-' in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(report_files.HEADER)
    assert len(rows) == 2  # the one overdue assignment
    name, group = rows[1][0], rows[1][3]
    assert (name.value, name.data_type) == (person.name, "s")  # a string, not a formula
    assert (group.value, group.data_type) == ("+SUM(A1:A9)", "s")
    assert rows[1][8].value == "yes"
    assert rows[1][7].is_date


async def test_the_status_words_are_the_learner_apps() -> None:
    assert report_files.STATUS_WORDS == ENROLLMENT_STATUS


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group=sales", "group"),
        ("group=-3", "group"),
        ("group=1e3", "group"),
        ("group=99999999999999999999", "group"),
        ("overdue=true", "overdue"),
        ("people=everyone", "people"),
        ("q=" + "x" * 101, "q"),
    ],
)
async def test_a_bad_filter_value_is_a_clear_400_and_no_file(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, url: str, query: str, field: str
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    response = await client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "content-disposition" not in response.headers
    assert f"`{field}`" in response.text or "at most 100 characters" in response.text
    if url == PAGE:
        assert f'id="f-{field}-err"' in response.text
        assert "Download CSV" not in response.text


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    "query",
    [
        "q=%00%00",
        "q=%27%3B--",
        "q=%25_%25",
        "group=&overdue=&people=",
        "page=-1&course=abc&status=NOPE",
        "q=%F0%9F%98%80&people=left",
        "group=0",
    ],
)
async def test_odd_but_readable_filters_never_fail(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, url: str, query: str
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    response = await client.get(f"{url}?{query}")
    assert response.status_code in (200, 400), response.text[:300]


@pytest.mark.parametrize("url", URLS)
async def test_only_the_companys_admins_may_see_or_download_it(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, url: str
) -> None:
    anonymous = await client.get(url)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/admin/login?next=")
    for outsider in (scene.world.staff, scene.world.employee_x, scene.world.individual_a):
        _ = await log_in(client, outsider, settings)
        refused = await client.get(url)
        assert refused.status_code == 403, outsider.email
        assert "content-disposition" not in refused.headers
    theirs = await Group.create(company=scene.world.company_y, name="Theirs")
    _ = await log_in(client, scene.world.admin_x, settings)
    assert (await client.get(f"{url}?group={theirs.id}")).status_code == 404
    _ = await log_in(client, scene.world.admin_y, settings)
    mine = await client.get(url)
    assert mine.status_code == 200
    assert "emma@acme.example" not in mine.text


# -- memory: streaming holds one batch, whatever the size of the report -------------------


async def _people(world: World, count: int) -> None:
    await User.bulk_create(
        [
            User(
                email=f"p{n:05d}@acme.example",
                name=f"Person {n:05d} Ünïcödé",
                password_hash="x",
                account_type="EMPLOYEE",
                role="LEARNER",
                company_id=world.company_x.id,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    ids = await User.filter(email__startswith="p0").values_list("id", flat=True)
    await Enrollment.bulk_create(
        [
            Enrollment(
                learner_id=i,
                course_id=world.course.course.id,
                source=EnrollmentSource.ASSIGNED,
                company_id=world.company_x.id,
            )
            for i in ids
        ],
        batch_size=1000,
    )


async def _csv_peak(world: World, clock: FakeClock, rows_wanted: int) -> tuple[int, int]:
    """Bytes streamed and the tracemalloc peak while streaming the first
    ``rows_wanted`` rows (people filtered by a name prefix)."""
    report = await reports.compliance_report(world.admin_x, MatrixFilter(), now=clock())
    size = 0
    rows = 0
    tracemalloc.start()
    try:
        async for chunk in report_files.csv_chunks(report, batch=500):
            size += len(chunk)
            rows += chunk.count(b"\n")
            if rows > rows_wanted:
                break
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, peak


@pytest.mark.slow
async def test_streaming_5000_rows_peaks_no_higher_than_1000(
    world: World, clock: FakeClock
) -> None:
    await _people(world, 5000)
    small_size, small_peak = await _csv_peak(world, clock, 1000)
    large_size, large_peak = await _csv_peak(world, clock, 5000)
    assert large_size > 4 * small_size  # the larger run did stream five times the rows
    # the peak is one batch's worth, not the report's: equal within noise, and small
    assert large_peak < small_peak * 1.25 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024


async def test_an_xlsx_past_its_row_limit_is_refused_and_not_offered(
    app: object, client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    # given a limit of one row (LLP_REPORT_XLSX_MAX_ROWS) and a report of two
    limited = settings.replace(report_xlsx_max_rows=1)
    app.state.settings = limited  # type: ignore[attr-defined]
    _ = await log_in(client, scene.world.admin_x, settings)
    refused = await client.get(PAGE + ".xlsx")
    assert refused.status_code == 413
    assert "content-disposition" not in refused.headers
    assert "at most 1 rows" in refused.text
    page = await client.get(PAGE)
    assert "Download Excel" not in page.text
    assert "Excel files hold up to 1 rows" in page.text
    # one row fits: the file is served
    assert (await client.get(PAGE + ".xlsx?q=emma")).status_code == 200
    # and the CSV has no such limit
    assert len(_csv_rows(await client.get(PAGE + ".csv"))) == 3


async def test_each_download_is_in_the_audit_log_and_a_refused_one_is_not(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.admin_x, settings)
    _ = await client.get(PAGE + ".csv?q=emma&people=active")
    _ = await client.get(PAGE + ".xlsx")
    _ = await client.get(PAGE + ".csv?people=nobody")  # refused: 400
    _ = await client.get(PAGE)  # looking is not downloading
    events = await AuditEvent.filter(action=audit.REPORT_DOWNLOADED).order_by("id")
    address = {"client_address": "203.0.113.7"}
    assert [(e.actor_id, e.company_id, e.details) for e in events] == [
        (
            scene.world.admin_x.id,
            scene.world.company_x.id,
            {"format": "csv", "filters": {"q": "emma", "people": "active"}, **address},
        ),
        (
            scene.world.admin_x.id,
            scene.world.company_x.id,
            {"format": "xlsx", "filters": {}, **address},
        ),
    ]
    log = await client.get("/admin/audit")
    assert "Compliance report downloaded" in log.text
