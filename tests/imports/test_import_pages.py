"""The admin UI import: upload, preview (errors first), apply once, template, refusals."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from llp_gql.models import EmployeeImport, User
from llp_gql.settings import Settings
from tests.admin_ui import log_in, page_csrf
from tests.factories import World
from tests.imports.helpers import csv_text

pytestmark = pytest.mark.asyncio


async def send(client: httpx.AsyncClient, token: str, data: bytes, name: str = "people.csv"):  # type: ignore[no-untyped-def]
    return await client.post(
        "/admin/import",
        files={"file": (name, data, "text/csv")},
        data={"csrf_token": token},
    )


async def test_upload_preview_apply_once(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await log_in(client, world.admin_x, settings)
    employees = await client.get("/admin/employees")
    assert 'href="/admin/import"' in employees.text
    form = await client.get("/admin/import")
    assert form.status_code == 200
    title = world.course.course.title
    text = csv_text(f"new@acme.example,New Person,Sales,{title},2026-02-01", "bad,Bad,,,")
    response = await send(client, token, text.encode())
    assert response.status_code == 303
    preview_url = response.headers["location"]
    preview = await client.get(preview_url)
    assert preview.status_code == 200
    html = preview.text
    assert html.index("is not an email") < html.index("New Person")  # errors first
    assert "Apply this file" not in html  # a file with errors is not applied
    assert await User.filter(email="new@acme.example").count() == 0

    good = await send(
        client, token, csv_text(f"new@acme.example,New Person,Sales,{title},").encode()
    )
    url = good.headers["location"]
    page = await client.get(url)
    assert "Apply this file" in page.text
    applied = await client.post(url + "/apply", data={"csrf_token": page_csrf(page.text)})
    assert applied.status_code == 200
    assert "Import applied" in applied.text
    assert await User.filter(email="new@acme.example").count() == 1
    again = await client.post(url + "/apply", data={"csrf_token": token})
    assert again.status_code == 409
    assert "applied already" in again.text
    assert await User.filter(email="new@acme.example").count() == 1


async def test_apply_needs_csrf_and_the_own_company(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await log_in(client, world.admin_x, settings)
    url = (await send(client, token, csv_text("n@acme.example,N,,,").encode())).headers["location"]
    refused = await client.post(url + "/apply", data={"csrf_token": "0" * 64})
    assert refused.status_code == 403
    other_token = await log_in(client, world.admin_y, settings)
    assert (await client.get(url)).status_code == 404
    assert (await client.post(url + "/apply", data={"csrf_token": other_token})).status_code == 404
    assert (await client.get("/admin/import/999999")).status_code == 404
    employee_token = await log_in(client, world.employee_x, settings)
    assert (
        await client.post(url + "/apply", data={"csrf_token": employee_token})
    ).status_code == 403
    assert await User.filter(email="n@acme.example").count() == 0


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("email,name\nä,b\n".encode("cp1252"), "CSV UTF-8"),
        (b"a@b.example,Ann\n", "header"),
        (b"", "Choose a CSV file"),
    ],
)
async def test_file_errors_are_shown_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World, settings: Settings, data: bytes, words: str
) -> None:
    token = await log_in(client, world.admin_x, settings)
    response = await send(client, token, data, name="people.csv" if data else "")
    assert response.status_code == 422
    assert words in response.text
    assert await EmployeeImport.all().count() == 0


async def test_a_file_over_the_limit_is_refused(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await log_in(client, world.admin_x, settings)
    big = ("email,name\n" + "a@b.example,A\n" * (settings.import_max_bytes // 14 + 10)).encode()
    assert len(big) > settings.import_max_bytes
    response = await send(client, token, big)
    assert response.status_code == 422
    assert "larger than" in response.text
    assert await EmployeeImport.all().count() == 0


async def test_the_template_is_a_valid_import(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    await log_in(client, world.admin_x, settings)
    response = await client.get("/admin/import/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["email", "name", "group", "courses", "due_date"]
    assert len(rows) == 3
