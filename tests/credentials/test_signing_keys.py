"""Signing keys: made on first use (one, however many workers race), encrypted at rest
with a key derived from LLP_SECRET_KEY, rotated by `llp-gql rotate-signing-key`, and
retired keys stay published so what they signed still verifies."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from llp_gql.domain import credentials, signing_keys
from llp_gql.domain.clock import FakeClock
from llp_gql.models import SigningKey
from llp_gql.settings import Settings
from tests.credentials.support import check, download_credential, individual_certificate
from tests.factories import World

OTHER_SECRET = "another-secret-key-that-is-long-enough-987654"


async def test_first_use_makes_one_key_however_many_ask_at_once(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # when twenty requests need the key at the same moment (on PostgreSQL, on as many
    # connections) while none exists
    keys = await asyncio.gather(
        *(signing_keys.active_key(settings.secret_key, clock=clock) for _ in range(20))
    )
    # then one key was made and every one of them signs with it
    assert await SigningKey.all().count() == 1
    assert {key.kid for key in keys} == {"key-1"}


async def test_the_private_key_is_encrypted_with_the_secret(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    await signing_keys.active_key(settings.secret_key, clock=clock)
    row = await SigningKey.get(kid="key-1")
    assert row.private_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert settings.secret_key not in row.private_pem
    signing_keys._open.cache_clear()
    with pytest.raises(signing_keys.KeyUnreadable):
        signing_keys._open(row.private_pem, OTHER_SECRET)


async def test_rotation_retires_the_old_key_which_still_verifies(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a credential signed with the first key
    certificate = await individual_certificate(world, clock, settings)
    old = await download_credential(client, world.individual_a, certificate, settings)
    assert old["proof"]["verificationMethod"].endswith("#key-1")
    # when the key is rotated
    clock.advance(60)
    new_key = await signing_keys.rotate(settings.secret_key, clock=clock)
    assert new_key.kid == "key-2"
    # then new credentials are signed with the new key
    new = await download_credential(client, world.individual_a, certificate, settings)
    assert new["proof"]["verificationMethod"].endswith("#key-2")
    # and the old key is retired but still published, so the old credential verifies
    retired = await SigningKey.get(kid="key-1")
    assert retired.retired_at == clock()
    assert await SigningKey.filter(retired_at=None).count() == 1
    document = (await client.get("/.well-known/did.json")).json()
    assert [m["id"].split("#")[1] for m in document["verificationMethod"]] == ["key-1", "key-2"]
    assert len(document["assertionMethod"]) == 2
    assert (await check(client, old))["status"] == "VALID"
    assert (await check(client, old))["keyId"] == "key-1"
    assert (await check(client, new))["keyId"] == "key-2"


async def test_concurrent_rotations_leave_one_active_key(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    await signing_keys.active_key(settings.secret_key, clock=clock)
    rotated = await asyncio.gather(
        *(signing_keys.rotate(settings.secret_key, clock=clock) for _ in range(5))
    )
    assert len({key.kid for key in rotated}) == 5
    assert await SigningKey.all().count() == 6
    assert await SigningKey.filter(retired_at=None).count() == 1


async def test_a_changed_secret_retires_the_unreadable_key(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a credential signed under the first secret
    certificate = await individual_certificate(world, clock, settings)
    old = await download_credential(client, world.individual_a, certificate, settings)
    # when the service runs with another secret (dev and demo draw one at each start)
    changed = settings.replace(secret_key=OTHER_SECRET)
    key = await signing_keys.active_key(changed.secret_key, clock=clock)
    # then a new key signs, the old one is retired and still published
    assert key.kid == "key-2"
    assert (await SigningKey.get(kid="key-1")).retired_at is not None
    new = await credentials.signed_credential(
        certificate, course_id=world.course.course.id, settings=changed
    )
    assert new["proof"]["verificationMethod"].endswith("#key-2")
    assert (await check(client, old))["status"] == "VALID"
