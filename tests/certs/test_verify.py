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


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_the_page_names_the_issuer_and_the_code_and_answers_json_on_request(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await _issued(world, clock, settings)
    code = certificate.verification_code
    page = await client.get(f"/verify/{code}", headers={"Accept": BROWSER_ACCEPT})
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    assert "VALID" in page.text
    assert "Awarded to</dt><dd>Émma Núñez" in page.text
    assert f"for {world.company_x.name}" in page.text
    grouped = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).upper()
    assert grouped in page.text
    answer = await client.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "status": "VALID",
        "code": code,
        "learnerName": "Émma Núñez",
        "courseTitle": "Leading Teams",
        "companyName": world.company_x.name,
        "issuedAt": certificate.issued_at.isoformat(),
        "creditHours": None,
        "withdrawnAt": None,
        "replacedAt": None,
    }
    # withdrawn: the code and the date, nothing personal, in either form
    await enrollments.remove_enrollment(world.admin_x, certificate.enrollment_id, clock=clock)
    gone = await client.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert gone.json()["status"] == "WITHDRAWN"
    assert gone.json()["learnerName"] is None
    assert gone.json()["companyName"] is None
    page = await client.get(f"/verify/{code}")
    assert "WITHDRAWN" in page.text
    assert grouped in page.text
    assert "Émma" not in page.text
    assert world.company_x.name not in page.text


async def test_the_form_leads_to_the_code_page_and_unknown_codes_offer_it_again(
    client: httpx.AsyncClient, world: World
) -> None:
    form = await client.get("/verify")
    assert form.status_code == 200
    assert "<form method=get action='/verify'>" in form.text
    assert "form-action 'self'" in form.headers["content-security-policy"]
    typed = await client.get("/verify", params={"code": " abcd-EFGH 12 "})
    assert typed.status_code == 303
    assert typed.headers["location"] == "/verify/abcdefgh12"
    hostile = "<b>x<i>'onfocus=alert(1)"
    unknown = await client.get("/verify/" + httpx.URL(path=hostile).raw_path.decode()[1:])
    assert "UNKNOWN" in unknown.text
    assert "<form" in unknown.text
    assert "<b>x" not in unknown.text
    assert "'onfocus" not in unknown.text
    only_symbols = await client.get("/verify", params={"code": "----"})
    assert only_symbols.headers["location"] == "/verify/-"


async def test_json_clients_are_rate_limited_with_a_json_answer(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    for _ in range(settings.verify_lookups_per_address):
        answer = await client.get("/verify/nope", headers={"Accept": "application/json"})
        assert answer.json()["status"] == "UNKNOWN"
    refused = await client.get("/verify/nope", headers={"Accept": "application/json"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert refused.headers["retry-after"] == "60"
