"""The client's address: the one place that decides who is on the other end.

Rate limits (login, sign-up, verification, anonymous GraphQL) and the audit log key
on it, so a header anyone can send must not choose it. ``X-Forwarded-For`` and
``Forwarded`` are believed only when the direct peer (the TCP connection) is one of
``LLP_TRUSTED_PROXIES``; the chain is then read from the right, skipping trusted
proxies, and the first address that is not one is the client. Everything left of
it was written by the client itself and is ignored.

Only one header is read, the one ``LLP_FORWARDED_HEADER`` names: a proxy that
writes ``Forwarded`` passes a client's ``X-Forwarded-For`` through untouched (and
the other way round), so reading both would let a client choose its address again.

``ForwardedHeadersMiddleware`` resolves the address once per request and puts it
in ``scope["client"]`` (and the forwarded scheme in ``scope["scheme"]``, so that
cookies stay ``Secure`` behind a TLS proxy); ``client_address(request)`` is what
every caller reads. The ASGI server's own proxy-header handling must be off
(``llp-gql serve`` turns it off; see docs/deployment.md for other servers).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Literal

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from llp_gql.observability import client_address_var

__all__ = [
    "FORWARDED_HEADERS",
    "ForwardedHeader",
    "ForwardedHeadersMiddleware",
    "Network",
    "client_address",
    "parse_trusted_proxies",
    "resolve",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ForwardedHeader = Literal["x-forwarded-for", "forwarded"]
FORWARDED_HEADERS: tuple[ForwardedHeader, ...] = ("x-forwarded-for", "forwarded")
UNKNOWN = "unknown"
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_trusted_proxies(text: str) -> tuple[Network, ...]:
    """``"10.0.0.1, 10.1.0.0/16, ::1"`` as networks; ValueError names a bad entry."""
    networks = []
    for item in text.split(","):
        entry = item.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR network") from None
    return tuple(networks)


def _address(text: str) -> _Address | None:
    """An address from a header entry: ``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``::1``."""
    value = text.strip().strip('"')
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: _Address, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)


def _forwarded_for(values: Iterable[str]) -> list[str]:
    """The ``for=`` parameters of RFC 7239 ``Forwarded`` values, left to right."""
    chain = []
    for value in values:
        for element in value.split(","):
            found = ""
            for pair in element.split(";"):
                name, _, raw = pair.partition("=")
                if name.strip().lower() == "for":
                    found = raw.strip()
            chain.append(found)
    return chain


def _forwarded_proto(values: Sequence[str]) -> str | None:
    if not values:
        return None
    last = values[-1].split(",")[-1]
    for pair in last.split(";"):
        name, _, raw = pair.partition("=")
        if name.strip().lower() == "proto":
            return raw.strip().strip('"').lower()
    return None


def resolve(
    peer: str | None,
    headers: Sequence[tuple[bytes, bytes]],
    trusted: Sequence[Network],
    header: ForwardedHeader = "x-forwarded-for",
) -> tuple[str, str | None]:
    """Return ``(client address, forwarded scheme or None)`` for one request.

    The address is canonical (``ipaddress`` spelling, IPv4-mapped IPv6 as IPv4), so
    one client cannot look like many by spelling its address differently. An entry
    that is not an address (``unknown``, an obfuscated name, garbage) ends the walk
    at the last trusted hop: a client cannot escape its budget by sending garbage.
    """
    peer_address = _address(peer) if peer else None
    if peer_address is None:
        return (peer or UNKNOWN), None
    if not trusted or not _trusted(peer_address, trusted):
        return str(peer_address), None
    values = [value.decode("latin-1") for name, value in headers if name == header.encode()]
    if header == "forwarded":
        chain = _forwarded_for(values)
        scheme = _forwarded_proto(values)
    else:
        chain = [entry for value in values for entry in value.split(",")]
        protos = [
            value.decode("latin-1") for name, value in headers if name == b"x-forwarded-proto"
        ]
        scheme = protos[-1].split(",")[-1].strip().lower() if protos else None
    client = peer_address
    for entry in reversed(chain):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _trusted(address, trusted):
            break
    return str(client), (scheme if scheme in ("http", "https") else None)


def client_address(connection: HTTPConnection) -> str:
    """The client's address as ``ForwardedHeadersMiddleware`` resolved it."""
    client = connection.scope.get("client")
    return str(client[0]) if client else UNKNOWN


class ForwardedHeadersMiddleware:
    """Resolve the client address and scheme once, before anything reads them."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted: Sequence[Network] = (),
        header: ForwardedHeader = "x-forwarded-for",
    ) -> None:
        self.app = app
        self.trusted = tuple(trusted)
        self.header = header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address, scheme = resolve(
            client[0] if client else None, scope.get("headers", ()), self.trusted, self.header
        )
        scope["client"] = (address, client[1] if client else 0)
        if scheme is not None and scope["type"] == "http":
            scope["scheme"] = scheme
        token = client_address_var.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            client_address_var.reset(token)
