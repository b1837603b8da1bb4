"""The load tool: wrk with Lua scripts (installed from Debian's packages when missing),
or ``benchmarks.pyload`` when wrk cannot be had. Always a separate process, pinned
to its own core when ``taskset`` exists."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.seed import HeartbeatSlot

LUA_DIR = Path(__file__).with_name("lua")
MARK = "BENCH_JSON "


@dataclass(frozen=True)
class StaticLoad:
    """The same request again and again."""

    method: str
    path: str
    body: str | None = None
    token: str | None = None
    # A browser session (B11's pages): sent as the llp_session cookie.
    session: str | None = None


@dataclass(frozen=True)
class HeartbeatLoad:
    """Video reports moving forward one second each, one enrollment per connection."""

    path: str
    mode: str  # "graphql" or "baseline"
    document: str  # the GraphQL document as a JSON string ("-" for the baseline)
    slots: tuple[HeartbeatSlot, ...]
    first_second: int


Load = StaticLoad | HeartbeatLoad


@dataclass
class LoadResult:
    requests: int
    seconds: float
    bad: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "bad": self.bad,
            "socket_errors": self.socket_errors,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
        }


def pin(core: int | None) -> list[str]:
    """The ``taskset`` prefix for a core (None: every core, undoing the harness's own
    pinning, which children inherit), or nothing when pinning is not possible."""
    cores = os.cpu_count() or 1
    if shutil.which("taskset") is None or (core is not None and cores <= core):
        return []
    return ["taskset", "-c", f"0-{cores - 1}" if core is None else str(core)]


def _apt(*args: str) -> None:
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [*prefix, "apt-get", *args], check=False, capture_output=True, timeout=300, env=env
        )


def ensure_wrk() -> tuple[str | None, str]:
    """wrk's path, installing Debian's package when missing; (None, why) when impossible."""
    if found := shutil.which("wrk"):
        return found, "wrk found"
    if shutil.which("apt-get") is None:
        return None, "wrk is missing and there is no apt-get"
    _apt("install", "-y", "wrk")
    if not shutil.which("wrk"):
        _apt("update")
        _apt("install", "-y", "wrk")
    if found := shutil.which("wrk"):
        return found, "wrk installed with apt-get"
    return None, "apt-get could not install wrk"


class LoadTool:
    """Runs one load for a number of seconds and parses its ``BENCH_JSON`` line."""

    def __init__(self, workdir: Path, *, core: int | None, force_python: bool = False) -> None:
        self.workdir = workdir
        self.core = core
        self.wrk: str | None = None
        if force_python:
            self.note = "Python load generator (forced with --python-load)"
        else:
            self.wrk, why = ensure_wrk()
            self.note = (
                f"wrk ({why})"
                if self.wrk
                else f"Python load generator: {why}; it may limit the figures"
            )
        self.name = "wrk" if self.wrk else "python"
        self._scripts: dict[str, Path] = {}
        self._counter = 0

    def _script(self, name: str) -> Path:
        if name not in self._scripts:
            path = self.workdir / f"wrk-{name}"
            common = (LUA_DIR / "common.lua").read_text(encoding="utf-8")
            path.write_text(common + "\n" + (LUA_DIR / name).read_text(encoding="utf-8"))
            self._scripts[name] = path
        return self._scripts[name]

    def _file(self, suffix: str, text: str) -> Path:
        self._counter += 1
        path = self.workdir / f"load-{self._counter}{suffix}"
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, base_url: str, load: Load, *, seconds: float, connections: int) -> LoadResult:
        command = self._wrk_command if self.wrk else self._python_command
        argv = command(base_url, load, seconds, connections)
        done = subprocess.run(
            [*pin(self.core), *argv],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
        if line is None:
            raise RuntimeError(
                f"load tool failed ({done.returncode}): {done.stdout[-800:]} {done.stderr[-800:]}"
            )
        data = json.loads(line[len(MARK) :])
        return LoadResult(
            requests=int(data["requests"]),
            seconds=data["duration_us"] / 1e6,
            bad=int(data["bad"]),
            socket_errors=int(data["socket_errors"]),
            p50_ms=round(data["p50_us"] / 1000, 2),
            p90_ms=round(data["p90_us"] / 1000, 2),
            p99_ms=round(data["p99_us"] / 1000, 2),
        )

    def _wrk_command(
        self, base_url: str, load: Load, seconds: float, connections: int
    ) -> list[str]:
        assert self.wrk is not None
        duration = f"{max(1, round(seconds))}s"
        if isinstance(load, StaticLoad):
            body = "-" if load.body is None else str(self._file(".json", load.body))
            return [
                self.wrk,
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{duration}",
                "--latency",
                "-s",
                str(self._script("static.lua")),
                base_url,
                "--",
                load.method,
                load.path,
                body,
                load.token or "-",
                load.session or "-",
            ]
        lines = [load.path, load.mode, load.document]
        lines += [f"{s.token} {s.enrollment} {s.lesson}" for s in load.slots]
        config = self._file(".txt", "\n".join(lines) + "\n")
        # One connection per thread: each thread owns one learner's enrollment.
        return [
            self.wrk,
            f"-t{connections}",
            f"-c{connections}",
            f"-d{duration}",
            "--latency",
            "-s",
            str(self._script("heartbeat.lua")),
            base_url,
            "--",
            str(config),
            str(load.first_second),
        ]

    def _python_command(
        self, base_url: str, load: Load, seconds: float, connections: int
    ) -> list[str]:
        host_port = base_url.split("://", 1)[1].rstrip("/")
        host, _, port = host_port.partition(":")
        spec: dict[str, object] = {
            "host": host,
            "port": int(port or 80),
            "seconds": seconds,
            "connections": connections,
        }
        if isinstance(load, StaticLoad):
            spec["static"] = {
                "method": load.method,
                "path": load.path,
                "body": load.body,
                "token": load.token,
                "session": load.session,
            }
        else:
            spec["heartbeat"] = {
                "path": load.path,
                "mode": load.mode,
                "document": load.document,
                "slots": [[s.token, s.enrollment, s.lesson] for s in load.slots],
                "first_second": load.first_second,
            }
        path = self._file(".json", json.dumps(spec))
        return [sys.executable, "-m", "benchmarks.pyload", str(path)]
