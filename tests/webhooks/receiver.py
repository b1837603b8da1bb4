"""A real HTTP receiver for webhook tests: a small Starlette app under uvicorn, in a thread,
on a free local port.

It checks every request's Standard Webhooks signature with its own code (not the
service's), records what arrived, and answers as the test scripts it: a list of
statuses to answer in turn, then 200; or a function of the request. "Processed" means
the receiver took the event in (a 2xx, or a failure *after* processing, which is how a
lost answer looks to the sender): duplicates of processed events must carry the same
``webhook-id``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route


def verify_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks, written from the specification (independent of the service)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    offered = [
        part.split(",", 1)[1]
        for part in headers.get("webhook-signature", "").split()
        if part.startswith("v1,")
    ]
    return any(hmac.compare_digest(expected, value) for value in offered)


@dataclass
class Arrival:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    verified: bool
    processed: bool

    @property
    def event_id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def event(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


# (the request as received, how many requests came before) -> (status, processed)
Answer = Callable[[Arrival, int], tuple[int, bool]]


@dataclass
class Receiver:
    url: str
    secrets: dict[str, str] = field(default_factory=dict)  # path -> secret to check with
    arrivals: list[Arrival] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    answer: Answer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(self, path: str, secret: str) -> str:
        """The URL of ``path`` on this receiver, whose requests are checked with ``secret``."""
        self.secrets[path] = secret
        return self.url + path

    def processed(self) -> list[Arrival]:
        with self.lock:
            return [a for a in self.arrivals if a.processed]

    def all(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)

    async def handle(self, request: Request) -> Response:
        if request.url.path == "/redirect":
            return RedirectResponse("/elsewhere", status_code=302)
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        secret = self.secrets.get(request.url.path)
        verified = secret is not None and verify_signature(secret, headers, body)
        arrival = Arrival(request.url.path, headers, body, 0, verified, False)
        with self.lock:
            before = len(self.arrivals)
            if self.answer is not None:
                status, processed = self.answer(arrival, before)
            elif self.statuses:
                status, processed = self.statuses.pop(0), False
            else:
                status, processed = 200, True
            arrival.status, arrival.processed = status, processed and verified
            self.arrivals.append(arrival)
        return Response(status_code=status)


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 until the block ends."""
    sock = bound_socket()
    port = sock.getsockname()[1]
    receiver = Receiver(url=f"http://127.0.0.1:{port}")
    app = Starlette(routes=[Route("/{path:path}", receiver.handle, methods=["POST", "GET"])])
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the receiver did not start"
    try:
        yield receiver
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
