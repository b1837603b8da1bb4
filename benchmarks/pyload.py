"""A small HTTP/1.1 load generator, used only when wrk cannot be installed.

``python -m benchmarks.pyload SPEC.json`` runs in its own process (pinned by
the harness like wrk) and prints the same ``BENCH_JSON {...}`` line as the wrk
scripts. Keep-alive connections, one request in flight per connection, the
same bad-answer check (status 200 and no ``"errors"`` in the body). It is
slower than wrk per request, so with it the load tool may become the limit:
the harness says so in the results.

SPEC: {"host", "port", "seconds", "connections", and either
"static": {"method", "path", "body" (str or null), "token" (str or null)} or
"heartbeat": {"path", "mode", "document" (JSON string), "slots": [[token,
enrollment, lesson], ...], "first_second"}}.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _request(
    method: str,
    path: str,
    host: str,
    token: str | None,
    body: bytes | None,
    session: str | None = None,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Accept: application/json"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if session:
        lines.append(f"Cookie: llp_session={session}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _static(spec: dict[str, Any], host: str) -> Callable[[int], Callable[[], bytes]]:
    body = spec["body"].encode() if spec.get("body") is not None else None
    prepared = _request(
        spec["method"], spec["path"], host, spec.get("token"), body, spec.get("session")
    )
    return lambda _index: lambda: prepared


def _heartbeat(spec: dict[str, Any], host: str) -> Callable[[int], Callable[[], bytes]]:
    def for_connection(index: int) -> Callable[[], bytes]:
        token, enrollment, lesson = spec["slots"][index % len(spec["slots"])]
        second = int(spec["first_second"])

        def build() -> bytes:
            nonlocal second
            if spec["mode"] == "graphql":
                body = (
                    f'{{"query":{spec["document"]},"variables":{{"e":"{enrollment}",'
                    f'"l":"{lesson}","from":{second},"to":{second + 1}}}}}'
                )
            else:
                body = (
                    f'{{"enrollmentId":"{enrollment}","lessonId":"{lesson}",'
                    f'"fromSecond":{second},"toSecond":{second + 1}}}'
                )
            second += 1
            return _request("POST", spec["path"], host, token, body.encode())

        return build

    return for_connection


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _main(spec: dict[str, Any]) -> dict[str, Any]:
    host, port = spec["host"], int(spec["port"])
    factory = (
        _static(spec["static"], host) if "static" in spec else _heartbeat(spec["heartbeat"], host)
    )
    deadline = time.perf_counter() + float(spec["seconds"])
    latencies: list[float] = []
    bad = 0
    socket_errors = 0

    async def connection(index: int) -> None:
        nonlocal bad, socket_errors
        build = factory(index)
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(build())
                try:
                    status, body = await _read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    socket_errors += 1
                    return
                latencies.append(time.perf_counter() - started)
                if status != 200 or b'"errors"' in body:
                    bad += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection(i) for i in range(int(spec["connections"]))))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1e6),
        "bad": bad,
        "socket_errors": socket_errors,
        "p50_us": int(cuts[49] * 1e6),
        "p90_us": int(cuts[89] * 1e6),
        "p99_us": int(cuts[98] * 1e6),
    }


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    result = asyncio.run(_main(spec))
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
