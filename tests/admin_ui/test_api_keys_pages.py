"""The API keys pages for every role: who sees, makes and revokes keys; the key shown
once (never cached); CSRF; another company's key answers 404 like a missing one."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql.domain import api_keys
from llp_gql.models import ApiKey, AuditEvent
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import World

ROLES = [
    "staff",
    "admin_x",
    "admin_y",
    "employee_x",
    "employee_y",
    "individual_a",
]
MAKERS = {"staff", "admin_x", "admin_y"}


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
async def test_list_and_make(
    client: httpx.AsyncClient, world: World, settings: Settings, role: str
) -> None:
    # given a person of this role, signed in through the browser
    token = "" if role == "anonymous" else await log_in(client, world.users()[role], settings)
    # when they open the page
    page = await client.get("/admin/api-keys")
    # then admins and staff see it; others are refused (anonymous: to the login page)
    expected = 200 if role in MAKERS else (303 if role == "anonymous" else 403)
    assert page.status_code == expected
    # when they post the form
    form = {"name": "Workday", "scope": ["read"], "csrf_token": token}
    made = await client.post("/admin/api-keys", data=form)
    # then only admins and staff make a key, shown once in a page nobody caches
    if role in MAKERS:
        assert made.status_code == 200
        assert made.headers["cache-control"] == "no-store"
        row = await ApiKey.get()
        assert row.company_id == world.users()[role].company_id
        [key] = re.findall(r"llp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", made.text)
        assert api_keys.digest(key) == row.key_hash
        # and the list, afterwards, never shows it again
        again = await client.get("/admin/api-keys")
        assert key not in again.text
        assert row.prefix in again.text
    else:
        assert made.status_code == expected
        assert await ApiKey.all().count() == 0


async def test_a_post_without_csrf_makes_nothing(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    _ = await log_in(client, world.admin_x, settings)
    response = await client.post("/admin/api-keys", data={"name": "K", "scope": ["read"]})
    assert response.status_code == 403
    assert await ApiKey.all().count() == 0


async def test_bad_form_is_answered_next_to_the_field(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await log_in(client, world.admin_x, settings)
    response = await client.post("/admin/api-keys", data={"name": "K", "csrf_token": token})
    assert response.status_code == 422
    assert 'id="f-scopes-err"' in response.text
    response = await client.post(
        "/admin/api-keys", data={"name": "", "scope": "read", "csrf_token": token}
    )
    assert response.status_code == 422
    assert 'id="f-name-err"' in response.text
    assert await ApiKey.all().count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin_x", 200), ("admin_y", 404), ("staff", 404), ("employee_x", 403)],
)
async def test_revoke_asks_first_then_revokes(
    client: httpx.AsyncClient, world: World, settings: Settings, role: str, status: int
) -> None:
    # given company X's key
    made = await api_keys.create_key(world.admin_x, "K", ["read"], settings=settings)
    token = await log_in(client, world.users()[role], settings)
    # when the role opens its revoke page, and a missing key's
    page = await client.get(f"/admin/api-keys/{made.row.id}/revoke")
    missing = await client.get("/admin/api-keys/999999/revoke")
    # then its own admin is asked to confirm; another company's key is like a missing one
    assert page.status_code == status
    if status == 404:
        assert missing.status_code == 404
        assert missing.text == page.text
    # when they confirm
    done = await client.post(f"/admin/api-keys/{made.row.id}/revoke", data={"csrf_token": token})
    row = await ApiKey.get(id=made.row.id)
    if role == "admin_x":
        assert done.status_code == 303
        assert row.revoked_at is not None
        assert await AuditEvent.filter(action="api_key.revoked").count() == 1
        assert await api_keys.authenticate_key(made.key) is None
    else:
        assert done.status_code == status
        assert row.revoked_at is None
