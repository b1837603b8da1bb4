"""A real re-issue (domain/corrections.py) and the portable credential (domain/credentials.py)
meet: the old credential's status bit is set and verifies as REPLACED, the new one is
VALID under its new code, and the old code's verify page says REPLACED with nothing
personal. (The two were built on separate branches; this holds them together.)"""

from __future__ import annotations

import httpx

from llp_gql.domain import corrections
from llp_gql.domain.certificates import Reason
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate, WithdrawnCertificate
from llp_gql.settings import Settings
from llp_gql.vc import bitstring
from tests.credentials.support import check, download_credential, employee_certificate
from tests.factories import World


async def test_a_reissue_replaces_the_old_credential_and_the_new_one_is_valid(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an employee's certificate whose credential the admin downloaded
    old = await employee_certificate(world, clock, settings)
    old_document = await download_credential(client, world.admin_x, old, settings)
    assert (await check(client, old_document))["status"] == "VALID"
    # when the admin re-issues it after a name correction
    clock.advance(3600)
    new = await corrections.reissue_certificate(
        world.admin_x, old.id, Reason.NAME_CORRECTION, settings=settings, clock=clock
    )
    # then the old code is a REPLACED tombstone holding the old status bit
    tombstone = await WithdrawnCertificate.get(verification_code=old.verification_code)
    assert (tombstone.kind, tombstone.status_index) == ("REPLACED", old.id)
    listed = (await client.get("/credentials/status/0")).json()
    bits = bitstring.decode(listed["credentialSubject"]["encodedList"])
    assert bitstring.is_set(bits, old.id)
    assert not bitstring.is_set(bits, new.id)
    # and the old credential verifies as REPLACED, with nothing personal
    found = await check(client, old_document)
    assert found["status"] == "REPLACED"
    assert found["learnerName"] is None
    assert found["withdrawnAt"] is not None
    # and the new certificate's credential is VALID under a different code
    fresh = await Certificate.get(id=new.id)
    assert fresh.verification_code != old.verification_code
    new_document = await download_credential(client, world.admin_x, fresh, settings)
    assert (await check(client, new_document))["status"] == "VALID"
    assert new_document["id"] != old_document["id"]
    # and the old code's page says REPLACED without the name
    page = await client.get(f"/verify/{old.verification_code}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Replaced" in page.text or "REPLACED" in page.text
    assert old.learner_name not in page.text
