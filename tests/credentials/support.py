"""Helpers of the credential tests: issue a certificate, fetch its credential as a
client does (credentialUrl, then the link), and ask verifyCredential about it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate, User
from llp_gql.schema.ids import encode_id
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before
from tests.factories import World
from tests.gql import ok, token_for

LINK = "query($id: ID!) { enrollment(id: $id) { certificate { credentialUrl downloadUrl } } }"
CHECK = """query($c: String!) { verifyCredential(credential: $c) {
  status issuedAt learnerName courseTitle withdrawnAt keyId } }"""


async def individual_certificate(world: World, clock: FakeClock, settings: Settings) -> Certificate:
    enrollment = await enroll_self(world)
    await finish_before(world.individual_a, enrollment, 99, clock=clock, settings=settings)
    return await Certificate.get(enrollment_id=enrollment.id)


async def employee_certificate(world: World, clock: FakeClock, settings: Settings) -> Certificate:
    enrollment = await assign(world)
    await finish_before(world.employee_x, enrollment, 99, clock=clock, settings=settings)
    return await Certificate.get(enrollment_id=enrollment.id)


async def credential_link(
    client: httpx.AsyncClient, user: User, certificate: Certificate, settings: Settings
) -> str:
    token = await token_for(user, settings)
    data = await ok(client, LINK, {"id": encode_id("Enrollment", certificate.enrollment_id)}, token)
    url = urlsplit(data["enrollment"]["certificate"]["credentialUrl"])
    return f"{url.path}?{url.query}"


async def download_credential(
    client: httpx.AsyncClient, user: User, certificate: Certificate, settings: Settings
) -> dict[str, Any]:
    response = await client.get(await credential_link(client, user, certificate, settings))
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


async def check(client: httpx.AsyncClient, credential: object) -> dict[str, Any]:
    text = credential if isinstance(credential, str) else json.dumps(credential)
    data = await ok(client, CHECK, {"c": text})
    found: dict[str, Any] = data["verifyCredential"]
    return found
