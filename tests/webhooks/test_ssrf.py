"""SSRF: webhooks never reach private, loopback, link-local, multicast or reserved
addresses (unless LLP_WEBHOOK_ALLOW_PRIVATE), checked when subscribing and again at
every delivery against the address actually connected to."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from llp_gql.domain import webhook_urls, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import WebhookUrlRefused
from llp_gql.models import WebhookSubscription
from llp_gql.settings import Settings
from tests.factories import World
from tests.webhooks.conftest import drain
from tests.webhooks.helpers import deliveries, emit, subscribe
from tests.webhooks.receiver import Receiver

PUBLIC = "93.184.215.14"  # a global unicast address (not contacted in these tests)


def dns(table: dict[str, list[str]]) -> webhook_urls.Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "PRIVATE_ADDRESS"),
        ("https://127.1.2.3:8443/hook", "PRIVATE_ADDRESS"),
        ("https://[::1]/hook", "PRIVATE_ADDRESS"),
        ("https://10.0.0.7/hook", "PRIVATE_ADDRESS"),
        ("https://172.16.0.1/hook", "PRIVATE_ADDRESS"),
        ("https://192.168.1.1/hook", "PRIVATE_ADDRESS"),
        ("https://169.254.169.254/latest/meta-data", "PRIVATE_ADDRESS"),
        ("https://100.64.0.1/hook", "PRIVATE_ADDRESS"),
        ("https://0.0.0.0/hook", "PRIVATE_ADDRESS"),
        ("https://224.0.0.1/hook", "PRIVATE_ADDRESS"),
        ("https://240.0.0.1/hook", "PRIVATE_ADDRESS"),
        ("https://[fe80::1]/hook", "PRIVATE_ADDRESS"),
        ("https://[fc00::1]/hook", "PRIVATE_ADDRESS"),
        ("https://[ff02::1]/hook", "PRIVATE_ADDRESS"),
        ("https://[::ffff:127.0.0.1]/hook", "PRIVATE_ADDRESS"),
        ("https://[::ffff:169.254.169.254]/hook", "PRIVATE_ADDRESS"),
        ("https://[2002:7f00:1::]/hook", "PRIVATE_ADDRESS"),  # 6to4 of 127.0.0.1
        ("https://localhost/hook", "PRIVATE_ADDRESS"),  # a name resolving to loopback
        ("https://internal.example/hook", "PRIVATE_ADDRESS"),  # resolves to 10.1.2.3
        ("https://mixed.example/hook", "PRIVATE_ADDRESS"),  # one public, one private
        ("http://hooks.example/hook", "NOT_HTTPS"),
        ("ftp://hooks.example/hook", "BAD_URL"),
        ("https://user:pw@hooks.example/hook", "BAD_URL"),
        ("https://hooks.example/hook#x", "BAD_URL"),
        ("hooks.example/hook", "BAD_URL"),
        ("https://hooks.example:99999/", "BAD_URL"),
        ("https://hooks.example/a b", "BAD_URL"),
        ("https://nowhere.example/hook", "UNRESOLVABLE"),
    ],
)
async def test_subscribing_refuses_unsafe_addresses(
    world: World, settings: Settings, clock: FakeClock, url: str, reason: str
) -> None:
    resolver = dns(
        {
            "localhost": ["127.0.0.1", "::1"],
            "internal.example": ["10.1.2.3"],
            "mixed.example": [PUBLIC, "192.168.0.5"],
            "hooks.example": [PUBLIC],
        }
    )
    with pytest.raises(WebhookUrlRefused) as refused:
        await webhooks.create_webhook(
            world.admin_x,
            url,
            ["certificate.issued"],
            settings=settings,
            clock=clock,
            resolver=resolver,
        )
    assert refused.value.reason == reason
    assert refused.value.extensions()["field"] == "url"
    assert await WebhookSubscription.all().count() == 0


async def test_the_system_resolver_finds_localhost_is_loopback(settings: Settings) -> None:
    # a real DNS answer (the hosts file), not the test's table
    with pytest.raises(WebhookUrlRefused) as refused:
        await webhook_urls.check("https://localhost:8443/hook", settings)
    assert refused.value.reason == "PRIVATE_ADDRESS"


async def test_a_public_address_is_accepted(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    created = await webhooks.create_webhook(
        world.admin_x,
        "https://hooks.example/llp?tenant=7",
        ["certificate.issued", "certificate.issued", "employee.deactivated"],
        "HR system",
        settings=settings,
        clock=clock,
        resolver=dns({"hooks.example": [PUBLIC]}),
    )
    assert created.secret.startswith("whsec_")
    assert created.subscription.events == "certificate.issued employee.deactivated"
    assert created.subscription.url == "https://hooks.example/llp?tenant=7"


def test_public_means_global() -> None:
    public = ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
    private = ["127.0.0.1", "10.0.0.1", "169.254.0.1", "::1", "fd00::1", "192.0.2.1", "::"]
    assert all(webhook_urls.is_public(ipaddress.ip_address(a)) for a in public)
    assert not any(webhook_urls.is_public(ipaddress.ip_address(a)) for a in private)


async def test_delivery_refuses_a_private_address_without_connecting(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    # given a webhook to the local receiver, made while private addresses were allowed
    await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    await emit(world.company_x.id, "enrollment:1", 1, clock)

    # when it is delivered by a server that does not allow them
    strict = hook_settings.replace(webhook_allow_private=False)
    await drain(strict, clock)

    # then nothing reached the receiver; the attempt failed, saying why
    assert receiver.all() == []
    [delivery] = await deliveries()
    assert delivery.state == "PENDING"
    assert delivery.attempts == 1
    assert delivery.last_status is None
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("Not sent: Webhooks are sent to public addresses only")


async def test_delivery_refuses_http_when_it_is_not_allowed(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    await subscribe(world.admin_x, receiver, settings=hook_settings, clock=clock)
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    await drain(hook_settings.replace(webhook_allow_http=False), clock)
    assert receiver.all() == []
    [delivery] = await deliveries()
    assert delivery.last_error is not None
    assert "https only" in delivery.last_error


async def test_delivery_connects_to_the_address_it_checked(
    world: World, receiver: Receiver, hook_settings: Settings, clock: FakeClock
) -> None:
    """DNS rebinding: the name is resolved once per attempt, and that address is the one
    connected to (the name goes in the Host header); a later answer cannot redirect it."""
    port = receiver.url.rsplit(":", 1)[1]
    answers = [["127.0.0.1"], ["192.0.2.99"]]  # the second answer would go nowhere

    async def rebinding(host: str, port_: int) -> list[str]:
        assert host == "hooks.example"
        return answers.pop(0) if answers else ["192.0.2.99"]

    created = await webhooks.create_webhook(
        world.admin_x,
        f"http://hooks.example:{port}/hook",
        ["enrollment.completed"],
        settings=hook_settings,
        clock=clock,
        resolver=dns({"hooks.example": ["127.0.0.1"]}),
    )
    receiver.endpoint("/hook", created.secret)
    await emit(world.company_x.id, "enrollment:1", 1, clock)
    from llp_gql.domain import queue, webhook_delivery

    async def deliver(job: object) -> None:
        await webhook_delivery.deliver_job(
            job,  # type: ignore[arg-type]
            settings=hook_settings,
            clock=clock,
            resolver=rebinding,
        )

    assert await queue.run_one({"webhook.deliver": deliver}, settings=hook_settings, clock=clock)
    [arrival] = receiver.all()
    assert arrival.headers["host"] == f"hooks.example:{port}"
    assert arrival.verified
    assert answers == [["192.0.2.99"]]  # resolved exactly once for the attempt


async def test_a_resolver_that_hangs_is_given_up(settings: Settings) -> None:
    async def hanging(host: str, port: int) -> list[str]:
        await asyncio.sleep(30)
        return [PUBLIC]

    with pytest.raises(WebhookUrlRefused) as refused:
        await webhook_urls.check(
            "https://slow.example/hook", settings.replace(webhook_timeout_seconds=0.5), hanging
        )
    assert refused.value.reason == "UNRESOLVABLE"
