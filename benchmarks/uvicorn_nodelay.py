"""uvicorn's own command line, with the Nagle fix for ``--workers N`` whatever the version.

``python -m benchmarks.uvicorn_nodelay APP --workers 2 ...`` takes uvicorn's options.

With ``--workers N`` uvicorn binds the listening socket itself (``Config.bind_socket``)
and hands it to the worker processes. asyncio turns ``TCP_NODELAY`` on for accepted
connections only when the listening socket was made with ``proto=IPPROTO_TCP``; uvicorn
up to 0.54 made it with the default protocol 0, so every small keep-alive answer waited
for the client's delayed ACK (~40 ms; Kludex/uvicorn#3149). uvicorn 0.55 binds with
``IPPROTO_TCP`` itself: there this module changes nothing. With one worker uvicorn lets
``loop.create_server`` make the socket (``getaddrinfo`` says ``IPPROTO_TCP``): not affected.

Used by the harness's B8 only; ``llp-gql serve`` is not changed by it.
"""

from __future__ import annotations

import logging
import socket
import sys

import uvicorn.config
from uvicorn.main import main

_original_bind = uvicorn.config.Config.bind_socket


def needs_fix(sock: socket.socket) -> bool:
    """A TCP listening socket asyncio would not set ``TCP_NODELAY`` on accepted connections of."""
    return sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP


def bind_socket(self: uvicorn.config.Config) -> socket.socket:
    sock = _original_bind(self)
    if not needs_fix(sock):
        return sock
    family = sock.family
    address = sock.getsockname()
    sock.close()  # bound, not listening yet: the address is free again at once
    fixed = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    fixed.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    fixed.bind(address)
    fixed.set_inheritable(True)
    print("benchmarks.uvicorn_nodelay: listening socket re-made as IPPROTO_TCP", file=sys.stderr)
    return fixed


def uvicorn_binds_tcp() -> bool:
    """Does this uvicorn's ``--workers`` socket already say ``IPPROTO_TCP`` (the fix is in)?"""
    config = uvicorn.config.Config("benchmarks.server:app", host="127.0.0.1", port=0)
    quiet = logging.getLogger("uvicorn.error")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # not "Uvicorn running on ..." in the harness's output
    try:
        sock = _original_bind(config)
    finally:
        quiet.setLevel(level)
    try:
        return not needs_fix(sock)
    finally:
        sock.close()


if __name__ == "__main__":
    uvicorn.config.Config.bind_socket = bind_socket  # type: ignore[method-assign]
    sys.argv[0] = "uvicorn"
    main()
