"""The published documents cost a fixed number of queries, however many certificates are
withdrawn or keys were made (deterministic bounds, as B4 holds the API to)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from llp_gql.domain import signing_keys
from llp_gql.domain.clock import FakeClock
from llp_gql.models import WithdrawnCertificate
from llp_gql.settings import Settings
from llp_gql.vc import bitstring
from tests.api.test_query_counts import QueryLog, queries  # noqa: F401  (the fixture)
from tests.factories import World


async def _tombstones(start: int, n: int) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    await WithdrawnCertificate.bulk_create(
        [
            WithdrawnCertificate(
                verification_code=f"code{i}",
                sha256="x",
                issued_at=moment,
                withdrawn_at=moment,
                status_index=i,
            )
            for i in range(start, start + n)
        ]
    )


async def _cost(queries: QueryLog, client: httpx.AsyncClient, path: str) -> int:  # noqa: F811
    queries.statements.clear()
    queries.active = True
    try:
        response = await client.get(path)
    finally:
        queries.active = False
    assert response.status_code == 200, response.text
    return len(queries.statements)


async def test_status_list_and_did_document_cost_the_same_at_10_and_1000(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
    queries: QueryLog,  # noqa: F811
) -> None:
    await signing_keys.active_key(settings.secret_key, clock=clock)
    await _tombstones(1, 10)
    status_at_10 = await _cost(queries, client, "/credentials/status/0")
    did_at_1 = await _cost(queries, client, "/.well-known/did.json")
    await _tombstones(11, 990)
    for _ in range(5):
        await signing_keys.rotate(settings.secret_key, clock=clock)
    status_at_1000 = await _cost(queries, client, "/credentials/status/0")
    did_at_6 = await _cost(queries, client, "/.well-known/did.json")
    print(f"\nstatus list 10→{status_at_10} 1000→{status_at_1000}; did 1→{did_at_1} 6→{did_at_6}")
    assert status_at_10 == status_at_1000 <= 6
    assert did_at_1 == did_at_6 <= 4
    # and all 1000 bits are set, in a list of the fixed size
    listed = (await client.get("/credentials/status/0")).json()
    bits = bitstring.decode(listed["credentialSubject"]["encodedList"])
    assert sum(bitstring.is_set(bits, i) for i in range(1, 1001)) == 1000
    assert not bitstring.is_set(bits, 1001)
