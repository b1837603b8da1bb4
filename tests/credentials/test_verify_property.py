"""verifyCredential never fails on garbage (hypothesis): random JSON, random strings, and
a genuine credential with random values put anywhere in it all get one of the answers,
never an error or a 500; and only the untouched credential is VALID."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from llp_gql.domain import credential_check
from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from tests.credentials.support import check, download_credential, individual_certificate
from tests.factories import World

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["proof", "issuer", "validFrom", "credentialStatus", "credentialSubject", "type", "@context"]
)
RUNS = hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout; each run draws afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@RUNS
@given(value=JSON | st.text(max_size=200))
async def test_random_input_gets_an_answer_not_an_error(
    world: World, settings: Settings, clock: FakeClock, value: Any
) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    found = await credential_check.check_credential(text, settings=settings, now=clock())
    assert found.status in {
        credential_check.CredentialStatus.MALFORMED,
        credential_check.CredentialStatus.UNKNOWN_ISSUER,
    }


@RUNS
@given(key=KEYS, inner=st.sampled_from([None, "type", "id", "verificationMethod"]), value=JSON)
async def test_a_genuine_credential_with_random_parts(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
    key: str,
    inner: str | None,
    value: Any,
) -> None:
    document = await _genuine(client, world, clock, settings)
    changed = copy.deepcopy(document)
    if inner is not None and isinstance(changed.get(key), dict):
        changed[key][inner] = value
    else:
        changed[key] = value
    found = await credential_check.check_credential(
        json.dumps(changed), settings=settings, now=clock()
    )
    if changed == document:
        assert found.status == credential_check.CredentialStatus.VALID
    else:
        assert found.status != credential_check.CredentialStatus.VALID


async def _genuine(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> dict[str, Any]:
    """One genuine credential per test database (hypothesis reuses the fixtures across
    its examples), kept on the world it was made in."""
    kept: dict[str, Any] | None = getattr(world, "genuine_credential", None)
    if kept is None:
        certificate = await individual_certificate(world, clock, settings)
        kept = await download_credential(client, world.individual_a, certificate, settings)
        world.genuine_credential = kept  # type: ignore[attr-defined]
    return kept


async def test_garbage_through_graphql_answers_malformed(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    for text in ("", "null", '{"a": "\\ud800"}', '{"proof": {}}', "\x00" * 100):
        assert (await check(client, text))["status"] == "MALFORMED"
    # a lone surrogate cannot travel in a UTF-8 request, but the domain takes any str
    for text in ("\ud800", '{"proof": "\ud800"}'):
        found = await credential_check.check_credential(text, settings=settings, now=clock())
        assert found.status == credential_check.CredentialStatus.MALFORMED
