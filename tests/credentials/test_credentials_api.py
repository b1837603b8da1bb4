"""Open Badges credentials through the API and the routes (DESIGN.md section 4,
"Portable and signed"): what the credential says, who may download it, the status
list, the DID document, and verifyCredential's answers for the honest and the cheating
client."""

from __future__ import annotations

import copy
import hashlib
import json
from urllib.parse import urlsplit

import httpx
import pytest

from llp_gql.domain import credentials, enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate, SigningKey, User, WithdrawnCertificate
from llp_gql.schema.ids import encode_id
from llp_gql.settings import Settings
from llp_gql.vc import bitstring
from tests.credentials.support import (
    LINK,
    check,
    credential_link,
    download_credential,
    employee_certificate,
    individual_certificate,
)
from tests.factories import World
from tests.gql import fails, ok, post, token_for


async def test_an_individual_downloads_an_ob3_credential_of_the_snapshot(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an individual's certificate, whose hours were printed
    certificate = await individual_certificate(world, clock, settings)
    await Certificate.filter(id=certificate.id).update(template={"credit_hours": "1.50"})
    # and a rename after issue (the credential keeps what was printed)
    printed = certificate.learner_name
    await User.filter(id=world.individual_a.id).update(name="Someone Else", email="new@x.example")
    # when they download the credential through credentialUrl
    link = await credential_link(client, world.individual_a, certificate, settings)
    response = await client.get(link)
    # then it is an OB3 credential, private and an attachment
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vc+ld+json")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith("attachment;")
    document = response.json()
    assert document["@context"] == [credentials.VC_CONTEXT, credentials.OB3_CONTEXT]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == "did:web:llp.example"
    assert document["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    subject = document["credentialSubject"]
    assert subject["name"] == printed
    assert subject["achievement"]["name"] == certificate.course_title
    assert subject["achievement"]["creditsAvailable"] == 1.5
    assert subject["achievement"]["criteria"]["narrative"]
    assert "source" not in subject  # an individual's own course: no company
    identity = subject["identifier"][0]
    assert identity["hashed"] is True
    assert identity["identityType"] == "emailAddress"
    assert certificate.learner_email not in json.dumps(document)  # only its salted hash
    expected = hashlib.sha256((certificate.learner_email.lower() + identity["salt"]).encode())
    assert identity["identityHash"] == "sha256$" + expected.hexdigest()
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.id)
    assert status["statusListCredential"] == "https://llp.example/credentials/status/0"
    proof = document["proof"]
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["verificationMethod"] == "did:web:llp.example#key-1"
    # and downloading it again gives the same bytes (deterministic, proof included)
    again = await client.get(
        await credential_link(client, world.individual_a, certificate, settings)
    )
    assert again.content == response.content
    # and verifyCredential says VALID with what it says
    found = await check(client, document)
    assert found["status"] == "VALID"
    assert found["learnerName"] == printed
    assert found["keyId"] == "key-1"


async def test_a_company_credential_names_the_company_as_source(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await employee_certificate(world, clock, settings)
    document = await download_credential(client, world.admin_x, certificate, settings)
    assert document["credentialSubject"]["source"]["name"] == certificate.company_name
    assert "creditsAvailable" not in document["credentialSubject"]["achievement"]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_x", True),
        ("employee_x", False),  # the learner of an ASSIGNED enrollment: never
        ("employee_x2", False),
        ("staff", False),
        ("individual_a", False),
    ],
)
async def test_same_rights_as_the_pdf_for_an_assigned_certificate(
    client: httpx.AsyncClient,
    world: World,
    clock: FakeClock,
    settings: Settings,
    who: str,
    allowed: bool,
) -> None:
    certificate = await employee_certificate(world, clock, settings)
    user = world.users()[who]
    token = await token_for(user, settings)
    variables = {"id": encode_id("Enrollment", certificate.enrollment_id)}
    query = "query($id: ID!) { enrollment(id: $id) { certificate { credentialUrl } } }"
    if allowed:
        await credential_link(client, user, certificate, settings)
    else:
        body = await post(client, query, variables, token)
        codes = {e["extensions"]["code"] for e in body.get("errors", [])}
        assert codes & {"FORBIDDEN", "NOT_FOUND"}, body
        assert "credentialUrl" not in json.dumps(body.get("data") or {}) or (
            body["data"]["enrollment"] is None
            or body["data"]["enrollment"]["certificate"]["credentialUrl"] is None
        )


async def test_a_link_checks_the_policy_again_and_a_pdf_link_does_not_open_it(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await employee_certificate(world, clock, settings)
    token = await token_for(world.admin_x, settings)
    data = await ok(client, LINK, {"id": encode_id("Enrollment", certificate.enrollment_id)}, token)
    links = data["enrollment"]["certificate"]
    pdf = urlsplit(links["downloadUrl"])
    cred = urlsplit(links["credentialUrl"])
    # the PDF's token on the credential's path (and back) is refused
    swapped = await client.get(f"{cred.path}?{pdf.query}")
    assert swapped.status_code == 403
    swapped_back = await client.get(f"{pdf.path}?{cred.query}")
    assert swapped_back.status_code == 403
    # another certificate's path with this token is refused
    other = await client.get(f"/certificates/{certificate.id + 1}/credential.json?{cred.query}")
    assert other.status_code == 403
    # the link expires with the PDF's lifetime
    clock.advance(settings.download_url_ttl_seconds + 1)
    assert (await client.get(f"{cred.path}?{cred.query}")).status_code == 403


async def test_an_admin_demoted_after_getting_the_link_cannot_use_it(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await employee_certificate(world, clock, settings)
    link = await credential_link(client, world.admin_x, certificate, settings)
    await User.filter(id=world.admin_x.id).update(role="LEARNER")
    response = await client.get(link)
    assert response.status_code == 403
    assert "vc+ld+json" not in response.headers["content-type"]


async def test_withdrawal_sets_the_status_bit_and_verify_says_withdrawn(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a downloaded credential and another certificate that stays
    certificate = await employee_certificate(world, clock, settings)
    other = await individual_certificate(world, clock, settings)
    document = await download_credential(client, world.admin_x, certificate, settings)
    listed = (await client.get("/credentials/status/0")).json()
    bits = bitstring.decode(listed["credentialSubject"]["encodedList"])
    assert not bitstring.is_set(bits, certificate.id)
    # when the enrollment is removed (the certificate withdrawn)
    clock.advance(60)
    await enrollments.remove_enrollment(world.admin_x, certificate.enrollment_id, clock=clock)
    tombstone = await WithdrawnCertificate.get(verification_code=certificate.verification_code)
    assert tombstone.status_index == certificate.id
    # then its bit is set in the signed status list, and the other's is not
    response = await client.get("/credentials/status/0")
    assert response.status_code == 200
    assert (
        response.headers["cache-control"] == f"public, max-age={settings.credential_cache_seconds}"
    )
    listed = response.json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    assert listed["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    bits = bitstring.decode(listed["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert bitstring.is_set(bits, certificate.id)
    assert not bitstring.is_set(bits, other.id)
    # and verifyCredential says WITHDRAWN with the date, nothing personal
    found = await check(client, document)
    assert found["status"] == "WITHDRAWN"
    assert found["learnerName"] is None
    assert found["courseTitle"] is None
    assert found["withdrawnAt"] is not None


async def test_a_replaced_tombstone_answers_replaced(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await individual_certificate(world, clock, settings)
    document = await download_credential(client, world.individual_a, certificate, settings)
    # (re-issue is another module's work: its tombstone is what matters here)
    await WithdrawnCertificate.create(
        verification_code=certificate.verification_code,
        sha256="x",
        issued_at=certificate.issued_at,
        withdrawn_at=clock(),
        kind="REPLACED",
        reason="NAME_CORRECTION",
        status_index=certificate.id,
    )
    assert (await check(client, document))["status"] == "REPLACED"
    bits = bitstring.decode(
        (await client.get("/credentials/status/0")).json()["credentialSubject"]["encodedList"]
    )
    assert bitstring.is_set(bits, certificate.id)


async def test_the_cheating_client(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await individual_certificate(world, clock, settings)
    document = await download_credential(client, world.individual_a, certificate, settings)
    # a changed name, course or date breaks the signature
    for path, value in [
        (("credentialSubject", "name"), "Mallory"),
        (("credentialSubject", "achievement", "name"), "Brain Surgery"),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("credentialStatus", "statusListIndex"), "999"),
    ]:
        forged = copy.deepcopy(document)
        target = forged
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert (await check(client, forged))["status"] == "INVALID_SIGNATURE", path
    # a proof by a key we never had, or a foreign issuer
    foreign = copy.deepcopy(document)
    foreign["proof"]["verificationMethod"] = "did:web:llp.example#key-99"
    assert (await check(client, foreign))["status"] == "UNKNOWN_ISSUER"
    elsewhere = copy.deepcopy(document)
    elsewhere["issuer"]["id"] = "did:web:evil.example"
    assert (await check(client, elsewhere))["status"] == "UNKNOWN_ISSUER"
    # no proof, two proofs, another cryptosuite, not JSON: MALFORMED
    for broken in (
        {k: v for k, v in document.items() if k != "proof"},
        {**document, "proof": [document["proof"], document["proof"]]},
        {**document, "proof": {**document["proof"], "cryptosuite": "eddsa-rdfc-2022"}},
        "not json",
        "[1, 2]",
        "{" * 5000,
        '{"a": NaN}',
        "1" * 5000,
    ):
        assert (await check(client, broken))["status"] == "MALFORMED"
    # nothing of it was stored, no key made beyond the one
    assert await SigningKey.all().count() == 1


async def test_a_future_credential_is_not_yet_valid(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    certificate = await individual_certificate(world, clock, settings)
    clock.now = clock.now.replace(year=clock.now.year + 1)
    future = await Certificate.get(id=certificate.id)
    future.issued_at = clock()
    clock.now = clock.now.replace(year=clock.now.year - 1)
    document = await credentials.signed_credential(future, course_id=1, settings=settings)
    assert (await check(client, document))["status"] == "NOT_YET_VALID"


async def test_oversized_credentials_are_refused_with_their_own_code(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    big = json.dumps({"x": "a" * settings.max_credential_bytes})
    await fails(
        client,
        "CREDENTIAL_TOO_LARGE",
        "query($c: String!) { verifyCredential(credential: $c) { status } }",
        {"c": big},
    )
    # multi-byte characters count as bytes: 20,000 × 4 bytes is past 64 KiB
    wide = json.dumps({"x": "😀" * 20_000}, ensure_ascii=False)
    await fails(
        client,
        "CREDENTIAL_TOO_LARGE",
        "query($c: String!) { verifyCredential(credential: $c) { status } }",
        {"c": wide},
    )


async def test_verify_credential_shares_the_verification_limit(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    query = "query($c: String!) { verifyCredential(credential: $c) { status } }"
    for _ in range(settings.verify_lookups_per_address):
        await check(client, "{}")
    await fails(client, "RATE_LIMITED", query, {"c": "{}"})
    assert (await client.get("/credentials/status/0")).status_code == 429


async def test_did_document_and_jwks_publish_every_key(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    response = await client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public, max-age=")
    document = response.json()
    assert document["id"] == "did:web:llp.example"
    [method] = document["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert document["assertionMethod"] == [method["id"]]
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [key["kid"] for key in jwks["keys"]] == [method["id"]]
    assert jwks["keys"][0]["crv"] == "Ed25519"
    # lists past the highest certificate do not exist
    assert (await client.get("/credentials/status/1")).status_code == 404


@pytest.mark.parametrize(
    ("base", "did", "path"),
    [
        ("https://llp.example", "did:web:llp.example", "/.well-known/did.json"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000", "/.well-known/did.json"),
        ("https://example.com/llp/", "did:web:example.com:llp", "/llp/did.json"),
    ],
)
def test_did_web_of_the_public_base_url(base: str, did: str, path: str) -> None:
    settings = Settings(public_base_url=base.rstrip("/"))
    assert credentials.did_web(settings) == did
    assert credentials.did_document_path(settings) == path


def test_status_positions_past_the_first_list() -> None:
    assert credentials.status_position(7) == (0, 7)
    assert credentials.status_position(131_072) == (1, 0)
    assert credentials.status_position(300_000) == (2, 300_000 - 262_144)
