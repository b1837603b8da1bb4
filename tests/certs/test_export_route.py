"""The company ZIP export: contents, manifest, only the admin's company, the empty case."""

from __future__ import annotations

import csv
import io
import zipfile

import httpx
import pytest

from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before
from tests.factories import World
from tests.gql import token_for


async def _certified(world: World, clock: FakeClock, settings: Settings) -> list[Certificate]:
    """Two certificates in company X (employee_x, employee_x2), one SELF one of an individual."""
    done = []
    for learner in (world.employee_x, world.employee_x2):
        enrollment = await assign(world, learner)
        await finish_before(learner, enrollment, 99, clock=clock, settings=settings)
        done.append(await Certificate.get(enrollment_id=enrollment.id))
    own = await enroll_self(world)
    await finish_before(world.individual_a, own, 99, clock=clock, settings=settings)
    return done


async def _get(client: httpx.AsyncClient, token: str | None, query: str = "") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.get(f"/certificates/export.zip{query}", headers=headers)


async def test_admin_exports_their_company_with_a_manifest(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificates = await _certified(world, clock, settings)
    response = await _get(client, await token_for(world.admin_x, settings))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[-1] == "manifest.csv"
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 2
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {r["code"] for r in rows} == {c.verification_code for c in certificates}
    by_code = {c.verification_code: c for c in certificates}
    for row in rows:
        # drawn by the export (no queue worker ran) and stored: the stored bytes are these
        certificate = await Certificate.get(id=by_code[row["code"]].id)
        assert certificate.sha256 != ""
        assert row["sha256"] == certificate.sha256
        assert archive.read(row["file"]) == bytes(certificate.pdf)
        assert row["email"] == certificate.learner_email


async def test_filters_narrow_the_selection(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    await _certified(world, clock, settings)
    token = await token_for(world.admin_x, settings)
    response = await _get(client, token, f"?employee={world.employee_x.id}")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 1
    nothing = await _get(client, token, "?from=2031-01-01")
    assert nothing.status_code == 404
    assert "No certificates match" in nothing.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_y", 404), ("employee_x", 403), ("individual_a", 403), ("staff", 403), (None, 401)],
)
async def test_nobody_else_gets_company_x_certificates(
    client: httpx.AsyncClient,
    world: World,
    clock: FakeClock,
    settings: Settings,
    who: str | None,
    status: int,
) -> None:
    await _certified(world, clock, settings)
    token = await token_for(world.users()[who], settings) if who else None
    response = await _get(client, token)
    # admin_y exports their own company, which has none: the empty answer, not X's files
    assert response.status_code == status
    assert not response.content.startswith(b"PK")


@pytest.mark.parametrize(
    "query", ["?course=abc", "?from=yesterday", "?from=2026-02-01&to=2026-01-01"]
)
async def test_bad_filters_are_refused_clearly(
    client: httpx.AsyncClient, world: World, settings: Settings, query: str
) -> None:
    response = await _get(client, await token_for(world.admin_x, settings), query)
    assert response.status_code == 400
