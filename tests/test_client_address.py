"""Client addresses: forwarded headers count only from trusted proxies, read from the right."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from llp_gql.client_address import (
    ForwardedHeadersMiddleware,
    client_address,
    parse_trusted_proxies,
    resolve,
)
from llp_gql.domain import audit
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent
from llp_gql.settings import Settings, SettingsError
from llp_portal.app import create_app
from tests.factories import World
from tests.gql import gid, ok, token_for

PROXIES = parse_trusted_proxies("10.0.0.1, 10.1.0.0/16, ::1")
STRONG = {
    "LLP_SECRET_KEY": "k3Jd9-x_Qw7Lm2Pz8Rt5Vb1Nc6Hy4Gf0Sa",
    "LLP_PUBLIC_BASE_URL": "https://x.example",
}


def headers(**values: str) -> list[tuple[bytes, bytes]]:
    return [(name.replace("_", "-").encode(), value.encode()) for name, value in values.items()]


@pytest.mark.parametrize(
    ("peer", "sent", "expected"),
    [
        # An untrusted peer: every header is the client's own words.
        ("203.0.113.9", headers(x_forwarded_for="198.51.100.1"), "203.0.113.9"),
        ("203.0.113.9", headers(forwarded="for=198.51.100.1"), "203.0.113.9"),
        # A trusted proxy: the right-most address that is not a trusted proxy.
        ("10.0.0.1", headers(x_forwarded_for="198.51.100.1"), "198.51.100.1"),
        ("10.0.0.1", headers(x_forwarded_for="1.1.1.1, 198.51.100.1"), "198.51.100.1"),
        ("10.0.0.1", headers(x_forwarded_for="198.51.100.1, 10.1.2.3"), "198.51.100.1"),
        ("::1", headers(x_forwarded_for="198.51.100.1"), "198.51.100.1"),
        # Every hop trusted: the left-most one is the client.
        ("10.0.0.1", headers(x_forwarded_for="10.1.0.5, 10.1.2.3"), "10.1.0.5"),
        # No header: the proxy itself.
        ("10.0.0.1", [], "10.0.0.1"),
        # Garbage or "unknown" right of the trusted hops ends the walk there.
        ("10.0.0.1", headers(x_forwarded_for="198.51.100.1, unknown"), "10.0.0.1"),
        ("10.0.0.1", headers(x_forwarded_for="198.51.100.1, not-an-ip"), "10.0.0.1"),
        ("10.0.0.1", headers(x_forwarded_for=""), "10.0.0.1"),
        # Spellings of one address are one address.
        ("10.0.0.1", headers(x_forwarded_for="2001:DB8:0::1"), "2001:db8::1"),
        ("10.0.0.1", headers(x_forwarded_for="[2001:db8::1]:4711"), "2001:db8::1"),
        ("10.0.0.1", headers(x_forwarded_for="198.51.100.1:8080"), "198.51.100.1"),
        ("::ffff:10.0.0.1", headers(x_forwarded_for="::ffff:198.51.100.1"), "198.51.100.1"),
        # The other header is ignored: a proxy writing one passes the other through.
        ("10.0.0.1", headers(forwarded="for=198.51.100.1"), "10.0.0.1"),
    ],
)
def test_x_forwarded_for(peer: str, sent: list[tuple[bytes, bytes]], expected: str) -> None:
    assert resolve(peer, sent, PROXIES)[0] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("for=198.51.100.1", "198.51.100.1"),
        ('for="[2001:db8:cafe::17]:4711"', "2001:db8:cafe::17"),
        ("for=1.1.1.1, for=198.51.100.1;proto=https", "198.51.100.1"),
        ("for=198.51.100.1, for=10.1.0.9;by=10.0.0.1", "198.51.100.1"),
        ("for=198.51.100.1, for=_hidden", "10.0.0.1"),
        ("proto=https", "10.0.0.1"),
    ],
)
def test_forwarded(value: str, expected: str) -> None:
    sent = headers(forwarded=value, x_forwarded_for="192.0.2.77")
    assert resolve("10.0.0.1", sent, PROXIES, "forwarded")[0] == expected


def test_no_trusted_proxies_means_the_peer() -> None:
    assert resolve("127.0.0.1", headers(x_forwarded_for="198.51.100.1"), ())[0] == "127.0.0.1"


def test_scheme_is_taken_from_a_trusted_proxy_only() -> None:
    https = headers(x_forwarded_proto="https", x_forwarded_for="198.51.100.1")
    assert resolve("10.0.0.1", https, PROXIES)[1] == "https"
    assert resolve("203.0.113.9", https, PROXIES)[1] is None
    odd = headers(x_forwarded_proto="gopher")
    assert resolve("10.0.0.1", odd, PROXIES)[1] is None
    forwarded = headers(forwarded="for=1.2.3.4;proto=https")
    assert resolve("10.0.0.1", forwarded, PROXIES, "forwarded")[1] == "https"


def test_settings_parse_and_refuse() -> None:
    settings = Settings.from_env({**STRONG, "LLP_TRUSTED_PROXIES": " 10.0.0.1 ,192.168.0.0/24,"})
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/24"]
    assert Settings.from_env(STRONG).trusted_proxies == ()
    with pytest.raises(SettingsError, match="LLP_TRUSTED_PROXIES: '\\*'"):
        Settings.from_env({**STRONG, "LLP_TRUSTED_PROXIES": "*"})
    with pytest.raises(SettingsError, match="LLP_FORWARDED_HEADER"):
        Settings.from_env({**STRONG, "LLP_FORWARDED_HEADER": "x-real-ip"})


async def test_middleware_sets_client_and_scheme() -> None:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{client_address(request)} {request.url.scheme}")

    app = Starlette(routes=[Route("/", echo)])
    wrapped = ForwardedHeadersMiddleware(app, trusted=PROXIES)
    for peer, expected in [("10.0.0.1", "198.51.100.1 https"), ("203.0.113.9", "203.0.113.9 http")]:
        transport = httpx.ASGITransport(app=wrapped, client=(peer, 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            response = await client.get(
                "/", headers={"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"}
            )
        assert response.text == expected


async def test_the_audit_records_the_resolved_address(
    db: object, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an app behind a trusted proxy at the test client's address
    behind = settings.replace(trusted_proxies=parse_trusted_proxies("203.0.113.7"))
    app = create_app(behind, manage_database=False, clock=clock)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    token = await token_for(world.individual_b, settings)
    # when a learner enrolls through it
    forwarded = {"X-Forwarded-For": "1.2.3.4, 198.51.100.9"}
    async with httpx.AsyncClient(
        transport=transport, base_url="https://llp.example", headers=forwarded
    ) as client:
        await ok(
            client,
            "mutation($c: ID!) { enroll(courseId: $c) { id } }",
            {"c": gid("Course", world.course.course.id)},
            token,
        )
    # then the audit row keeps the client's address, not the proxy's nor a forged one
    event = await AuditEvent.get(action=audit.ENROLLED)
    assert event.details["client_address"] == "198.51.100.9"
