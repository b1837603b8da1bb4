"""Public verification: VALID with what is printed, WITHDRAWN with a date only, UNKNOWN;
rate-limited per address, in GraphQL and on the HTML page alike."""

from __future__ import annotations

import httpx
import pytest

from llp_gql.domain import enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate
from llp_gql.settings import Settings
from tests.domain import assign, finish_before
from tests.factories import World
from tests.gql import fails, ok

VERIFY = """query($c: String!) { verifyCertificate(code: $c) {
  status learnerName courseTitle issuedAt withdrawnAt } }"""


async def _issued(world: World, clock: FakeClock, settings: Settings) -> Certificate:
    enrollment = await assign(world)
    await finish_before(world.employee_x, enrollment, 99, clock=clock, settings=settings)
    return await Certificate.get(enrollment_id=enrollment.id)


async def test_valid_then_withdrawn(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await _issued(world, clock, settings)
    code = certificate.verification_code
    # people type codes in upper case and with spaces: still found
    typed = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).upper()
    valid = (await ok(client, VERIFY, {"c": typed}))["verifyCertificate"]
    assert valid["status"] == "VALID"
    assert valid["learnerName"] == "Émma Núñez"
    assert valid["courseTitle"] == "Leading Teams"
    assert valid["withdrawnAt"] is None
    page = await client.get(f"/verify/{code}")
    assert page.status_code == 200
    assert "Valid certificate" in page.text
    assert "Émma Núñez" in page.text

    clock.advance(3600)
    await enrollments.remove_enrollment(world.admin_x, certificate.enrollment_id, clock=clock)
    withdrawn = (await ok(client, VERIFY, {"c": code}))["verifyCertificate"]
    assert withdrawn["status"] == "WITHDRAWN"
    assert withdrawn["learnerName"] is None
    assert withdrawn["courseTitle"] is None
    assert withdrawn["withdrawnAt"] is not None
    page = await client.get(f"/verify/{code}")
    assert "withdrawn" in page.text
    assert "Émma" not in page.text


@pytest.mark.parametrize("code", ["nope", "x" * 500, "<script>alert(1)</script>", "%00", " "])
async def test_unknown_codes(client: httpx.AsyncClient, world: World, code: str) -> None:
    found = (await ok(client, VERIFY, {"c": code}))["verifyCertificate"]
    assert found == {
        "status": "UNKNOWN",
        "learnerName": None,
        "courseTitle": None,
        "issuedAt": None,
        "withdrawnAt": None,
    }
    page = await client.get("/verify/" + httpx.URL(path=code).raw_path.decode().lstrip("/"))
    assert page.status_code in {200, 404}
    assert "<script>alert" not in page.text


async def test_lookups_are_rate_limited_per_address(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    for _ in range(settings.verify_lookups_per_address):
        await ok(client, VERIFY, {"c": "nope"})
    await fails(client, "RATE_LIMITED", VERIFY, {"c": "nope"})
    page = await client.get("/verify/nope")
    assert page.status_code == 429
