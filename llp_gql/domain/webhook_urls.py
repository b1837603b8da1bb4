"""Where a webhook may be sent: the address rules that keep it off private networks (SSRF).

A subscription's URL is checked twice: when it is created (its shape, and every address
its host resolves to then) and at every delivery (the host is resolved again, every
address must be public, and the connection goes to the address that was checked, so a
DNS answer that changes between the check and the connection, a "rebinding", cannot
steer the request to a private address).

Refused: anything but https (http only with ``LLP_WEBHOOK_ALLOW_HTTP``), user names or
passwords in the URL, and hosts whose addresses are private, loopback, link-local,
multicast, reserved, shared (100.64/10), unspecified or otherwise not global (IPv4
inside IPv6 is judged as IPv4). ``LLP_WEBHOOK_ALLOW_PRIVATE=true`` lifts the address
rule, for a receiver on the same machine or network (tests, demos).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from llp_gql.errors import WebhookUrlRefused
from llp_gql.settings import Settings

MAX_URL_LENGTH = 2000

# (host, port) -> the addresses it resolves to; injectable so tests can play DNS.
Resolver = Callable[[str, int], Awaitable[list[str]]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL, split into what the connection needs."""

    url: str
    scheme: str
    host: str  # as written (lower case, no brackets), for the Host header and TLS
    port: int
    path: str  # path and query, at least "/"


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves ``host`` to."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse(url: str, settings: Settings) -> Target:
    """The URL's shape: scheme, host, port; no credentials, no fragment."""
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or any(ord(ch) < 33 for ch in text):
        raise WebhookUrlRefused(
            f"Give a full https:// address of at most {MAX_URL_LENGTH} characters, without spaces.",
            reason="BAD_URL",
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise WebhookUrlRefused("This is not a valid address.", reason="BAD_URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise WebhookUrlRefused("Give a full address starting with https://.", reason="BAD_URL")
    if scheme == "http" and not settings.webhook_allow_http:
        raise WebhookUrlRefused(
            "Webhooks are sent over https only: give an https:// address.", reason="NOT_HTTPS"
        )
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise WebhookUrlRefused(
            "The address may not carry a user name, password or #fragment.", reason="BAD_URL"
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        url=text,
        scheme=scheme,
        host=parts.hostname.lower(),
        port=port or (443 if scheme == "https" else 80),
        path=path,
    )


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet (IPv4 inside IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return is_public(inner)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_private
    )


async def resolve(target: Target, settings: Settings, resolver: Resolver) -> list[Address]:
    """Every address the target's host has now; PRIVATE_ADDRESS unless all are public
    (or ``LLP_WEBHOOK_ALLOW_PRIVATE``), UNRESOLVABLE when it has none."""
    try:
        literal: Address | None = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = await asyncio.wait_for(
                resolver(target.host, target.port), settings.webhook_timeout_seconds
            )
        except (OSError, UnicodeError, TimeoutError):
            found = []
        addresses = []
        for text in found:
            try:
                addresses.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError:
                continue
    if not addresses:
        raise WebhookUrlRefused(
            f"The host {target.host} could not be found.", reason="UNRESOLVABLE"
        )
    if not settings.webhook_allow_private and not all(is_public(a) for a in addresses):
        raise WebhookUrlRefused(
            "Webhooks are sent to public addresses only; this host is on a private, "
            "loopback or reserved network.",
            reason="PRIVATE_ADDRESS",
        )
    return addresses


async def check(url: str, settings: Settings, resolver: Resolver = system_resolver) -> Target:
    """A URL a subscription may use: its shape and its host's addresses now."""
    target = parse(url, settings)
    _ = await resolve(target, settings, resolver)
    return target
