"""importEmployees over HTTP: preview, apply, codes, paging, the body limit."""

from __future__ import annotations

import httpx
import pytest

from llp_gql.models import User
from llp_gql.settings import Settings
from tests.factories import World
from tests.gql import fails, ok, post, token_for
from tests.imports.helpers import csv_text

pytestmark = pytest.mark.asyncio

IMPORT = """
mutation($csv: String!, $dryRun: Boolean!, $first: Int, $offset: Int!, $onlyErrors: Boolean!) {
  importEmployees(csv: $csv, dryRun: $dryRun) {
    applied newGroups
    totals { rows new updated unchanged errors newAssignments alreadyAssigned newGroups }
    rows(first: $first, offset: $offset, onlyErrors: $onlyErrors) {
      row email name outcome reason message group dueDate
      courses { ref courseId title assignment }
    }
  }
}"""


def variables(text: str, *, dry_run: bool = True, first: int | None = 20, offset: int = 0,
              only_errors: bool = False) -> dict[str, object]:  # fmt: skip
    return {"csv": text, "dryRun": dry_run, "first": first, "offset": offset,
            "onlyErrors": only_errors}  # fmt: skip


async def test_preview_then_apply(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await token_for(world.admin_x, settings)
    title = world.course.course.title
    text = csv_text(f"new@acme.example,New,Sales,{title},2026-02-01", "bad,Bad,,,")
    data = await ok(client, IMPORT, variables(text), token)
    result = data["importEmployees"]
    assert result["applied"] is False
    assert result["totals"]["errors"] == 1
    assert [r["outcome"] for r in result["rows"]] == ["ERROR", "NEW"]  # errors first
    assert result["rows"][0]["reason"] == "INVALID_EMAIL"
    assert result["rows"][1]["courses"][0]["assignment"] == "NEW"
    assert result["rows"][1]["dueDate"] == "2026-02-01"
    body = await fails(client, "VALIDATION", IMPORT, variables(text, dry_run=False), token)
    assert body["errors"][0]["extensions"]["reason"] == "HAS_ERRORS"
    assert await User.filter(email="new@acme.example").count() == 0

    good = csv_text(f"new@acme.example,New,Sales,{title},2026-02-01")
    applied = (await ok(client, IMPORT, variables(good, dry_run=False), token))["importEmployees"]
    assert applied["applied"] is True
    assert applied["totals"]["new"] == 1
    again = (await ok(client, IMPORT, variables(good, dry_run=False), token))["importEmployees"]
    assert [r["outcome"] for r in again["rows"]] == ["UNCHANGED"]
    assert again["rows"][0]["courses"][0]["assignment"] == "ALREADY_ASSIGNED"


async def test_rows_are_paged_and_capped(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await token_for(world.admin_x, settings)
    text = csv_text(*(f"p{i}@acme.example,P {i},,," for i in range(30)), "x,Bad,,,")
    page = (await ok(client, IMPORT, variables(text, first=10, offset=25), token))[
        "importEmployees"
    ]
    assert [r["row"] for r in page["rows"]] == [26, 27, 28, 29, 30, 31]  # row 32 came first
    errors = (await ok(client, IMPORT, variables(text, only_errors=True), token))["importEmployees"]
    assert [r["row"] for r in errors["rows"]] == [32]
    await fails(client, "PAGE_TOO_LARGE", IMPORT, variables(text, first=101), token)
    await fails(client, "VALIDATION", IMPORT, variables(text, offset=-1), token)


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        ("", "VALIDATION", "EMPTY_FILE"),
        ("a@b.example,Ann\n", "VALIDATION", "NO_HEADER"),
        ("email,group\n", "VALIDATION", "MISSING_COLUMN"),
        ('email,name\n"open,quote\n', "VALIDATION", "UNREADABLE_CSV"),
    ],
)
async def test_file_errors(
    client: httpx.AsyncClient, world: World, settings: Settings, text: str, code: str,
    reason: str,
) -> None:  # fmt: skip
    token = await token_for(world.admin_x, settings)
    body = await fails(client, code, IMPORT, variables(text), token)
    assert body["errors"][0]["extensions"]["reason"] == reason


async def test_limits_have_their_codes(
    app: object, client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await token_for(world.admin_x, settings)
    many = csv_text(*(f"p{i}@acme.example,P,,," for i in range(settings.import_max_rows + 1)))
    await fails(client, "IMPORT_TOO_MANY_ROWS", IMPORT, variables(many), token)
    # Beyond the request body limit the transport refuses before anything runs.
    huge = "email,name\n" + "x" * settings.max_body_bytes
    response = await client.post(
        "/graphql",
        json={"query": IMPORT, "variables": variables(huge)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"


async def test_who_may_import(client: httpx.AsyncClient, world: World, settings: Settings) -> None:
    text = csv_text("n@acme.example,N,,,")
    await fails(client, "UNAUTHENTICATED", IMPORT, variables(text))
    for who in (world.employee_x, world.staff, world.individual_a):
        await fails(client, "FORBIDDEN", IMPORT, variables(text), await token_for(who, settings))
    # Admin Y importing X's employee: refused without naming the company.
    body = await post(
        client, IMPORT, variables(csv_text("emma@acme.example,Emma,,,")),
        await token_for(world.admin_y, settings),
    )  # fmt: skip
    row = body["data"]["importEmployees"]["rows"][0]
    assert row["reason"] == "OTHER_COMPANY"
    assert "Acme" not in row["message"]
