"""The benchmark harness of BENCHMARKS.md (B1-B8, B11): ``python -m benchmarks.run``.

For each database it seeds a fresh one, starts the real server with uvicorn
(``benchmarks.server:app``: the app plus the baseline endpoints) pinned to
core 0, and drives it with wrk pinned to core 1, GraphQL and baseline in turn
(A B A B ...). Every figure is a ratio within one run, or an in-process
measurement. Writes ``latest.md`` and ``latest.json`` to ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import importlib.metadata
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import queries
from benchmarks.infra import (
    REPO,
    Server,
    create_database,
    drop_database,
    granian_version,
    postgres_available,
    proc_status,
    reset_peak,
    scalar,
)
from benchmarks.load import HeartbeatLoad, Load, LoadResult, LoadTool, StaticLoad, pin
from benchmarks.seed import Manifest
from llp_gql.schema.ids import decode_id

SCENARIOS = ("B1", "B1+", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B11")
# The targets of BENCHMARKS.md (shared/), in one place: ratio floors, B6's ceiling, B5 and B7.
RATIO_TARGETS = {"B1": 0.70, "B1+": 0.50, "B2": 0.80, "B3": 0.50, "B8": 1.0, "B11": 0.8}
B5_MAX_MS = 5.0
B6_MAX_RATIO = 1.2
B7_MAX_TOTAL_S = 5.0
B7_MAX_TTFB_MS = 100.0
B7_MAX_GROWTH_MIB = 50.0
SERVER_CORE = 0
LOAD_CORE = 1
MARK = "BENCH_JSON "


@dataclass(frozen=True)
class Config:
    pairs: int
    seconds: float
    warmup: float
    connections: int
    b6_enrollments: int
    b6_warmup: int
    b8_pairs: int
    renders: int
    export_certificates: int  # B7: BENCHMARKS.md's 10,000; quick mode a tenth (and says so)

    @classmethod
    def for_mode(cls, quick: bool) -> Config:
        if quick:
            return cls(3, 2, 1, 8, 15, 3, 2, 20, 1_000)
        return cls(5, 5, 2, 8, 40, 4, 5, 50, 10_000)


@dataclass
class Row:
    """One line of the results table."""

    id: str
    db: str
    scenario: str
    figure: str
    target: str
    met: bool | None  # None: nothing to meet (B8) or not measured
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "db": self.db,
            "scenario": self.scenario,
            "figure": self.figure,
            "target": self.target,
            "met": self.met,
            "details": self.details,
        }


_STARTED = time.perf_counter()


def log(message: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(f"[{time.strftime('%H:%M:%S')} +{elapsed:5.0f} s] {message}", file=sys.stderr, flush=True)


def _bench_json(output: str) -> dict[str, Any]:
    line = next((x for x in output.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"no result line in: {output[-1500:]}")
    data: dict[str, Any] = json.loads(line[len(MARK) :])
    return data


def run_module(module: str, *args: str, core: int | None = SERVER_CORE) -> dict[str, Any]:
    """``python -m module args`` in its own process (pinned to the server's core)."""
    done = subprocess.run(
        [*pin(core), sys.executable, "-m", module, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {args[:1]} failed: {done.stderr[-2000:]}")
    return _bench_json(done.stdout)


# ------------------------------------------------------------------ side by side


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def side_by_side(
    tool: LoadTool,
    base_url: str,
    make: Callable[[str], Load],
    config: Config,
    *,
    arms: tuple[str, str] = ("graphql", "baseline"),
    urls: tuple[str, str] | None = None,
    before_run: Callable[[str], None] | None = None,
    after_run: Callable[[str, LoadResult], None] | None = None,
    pairs: int | None = None,
) -> dict[str, Any]:
    """A B A B ...: ``pairs`` pairs of runs; ratio = A req/s / B req/s per pair."""
    first, second = urls or (base_url, base_url)
    for arm, url in ((arms[0], first), (arms[1], second)):  # warm-up, not counted
        tool.run(url, make(arm), seconds=config.warmup, connections=config.connections)
    runs: list[dict[str, Any]] = []
    ratios: list[float] = []
    for _ in range(pairs or config.pairs):
        results = []
        for arm, url in ((arms[0], first), (arms[1], second)):
            if before_run:
                before_run(arm)
            result = tool.run(
                url, make(arm), seconds=config.seconds, connections=config.connections
            )
            if after_run:
                after_run(arm, result)
            results.append(result)
        a, b = results
        ratios.append(a.rps / b.rps if b.rps else 0.0)
        runs.append({arms[0]: a.to_json(), arms[1]: b.to_json()})
    bad = sum(r[arm]["bad"] + r[arm]["socket_errors"] for r in runs for arm in arms)
    return {
        "ratio": round(statistics.median(ratios), 3),
        "spread": _spread(ratios),
        "ratios": [round(r, 3) for r in ratios],
        f"{arms[0]}_rps_median": round(statistics.median(r[arms[0]]["rps"] for r in runs), 1),
        f"{arms[1]}_rps_median": round(statistics.median(r[arms[1]]["rps"] for r in runs), 1),
        "bad_answers": bad,
        "runs": runs,
    }


def round_robin(
    tool: LoadTool,
    arms: list[tuple[str, str]],
    make: Callable[[str], Load],
    config: Config,
    rounds: int,
) -> dict[str, Any]:
    """Several servers in turn: a warm-up of each, then ``rounds`` rounds running every arm
    once, in reverse order every other round (A B C D, D C B A, ...) so that a drift of the
    machine does not favour one position. ``pair_ratios`` turns two arms into a ratio row."""
    for name, url in arms:
        tool.run(url, make(name), seconds=config.warmup, connections=config.connections)
    runs: list[dict[str, Any]] = []
    for index in range(rounds):
        order = arms if index % 2 == 0 else arms[::-1]
        runs.append(
            {
                name: tool.run(
                    url, make(name), seconds=config.seconds, connections=config.connections
                ).to_json()
                for name, url in order
            }
        )
    return {"arms": [name for name, _ in arms], "runs": runs}


def pair_ratios(result: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    """Arm ``a`` over arm ``b``, one ratio per round (both ran in it): ``side_by_side``'s shape."""
    runs = [{a: run[a], b: run[b]} for run in result["runs"]]
    ratios = [r[a]["rps"] / r[b]["rps"] if r[b]["rps"] else 0.0 for r in runs]
    bad = sum(r[arm]["bad"] + r[arm]["socket_errors"] for r in runs for arm in (a, b))
    return {
        "ratio": round(statistics.median(ratios), 3),
        "spread": _spread(ratios),
        "ratios": [round(r, 3) for r in ratios],
        f"{a}_rps_median": round(statistics.median(r[a]["rps"] for r in runs), 1),
        f"{b}_rps_median": round(statistics.median(r[b]["rps"] for r in runs), 1),
        "bad_answers": bad,
        "runs": runs,
    }


def _ratio_row(rid: str, db: str, scenario: str, target: float, result: dict[str, Any]) -> Row:
    """A ratio row: met when the median of the pair ratios reaches ``target``, every answer
    was good and (where checked) both sides answered the same JSON."""
    ratio = result["ratio"]
    bad = result["bad_answers"]
    figure = f"{ratio:.3f} ({result['spread']})"
    rps = [v for k, v in result.items() if k.endswith("_rps_median")]
    figure += f"; {rps[0]:.0f} vs {rps[1]:.0f} req/s"
    if bad:
        figure += f"; {bad} bad answers"
    same = result.get("same_json", True)
    if not same:
        figure += "; JSON differs"
    ratios = result.get("ratios") or [ratio]
    if min(ratios) < target <= max(ratios):
        figure += "; spread crosses the target"
    met = ratio >= target and not bad and bool(same)
    return Row(rid, db, scenario, figure, f">= {target:.2f}", met, result)


# ------------------------------------------------------------------ parity


_TOKEN = re.compile(r"token=[^\"&]+")


def _normalise(data: Any) -> Any:
    return json.loads(_TOKEN.sub("token=...", json.dumps(data, sort_keys=True)))


def parity(
    client: httpx.Client,
    graphql: dict[str, Any],
    baseline: tuple[str, str, dict[str, Any] | None],
    token: str | None,
    blank: tuple[str, ...] = (),
) -> bool:
    """Do GraphQL and the baseline answer the same JSON (after blanking ``blank`` keys)?"""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    a = client.post("/graphql", json=graphql, headers=headers).json()
    method, path, body = baseline
    b = client.request(method, path, json=body, headers=headers).json()

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (None if k in blank else scrub(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    same = bool(_normalise(scrub(a)) == _normalise(scrub(b)))
    if not same or "errors" in a:
        log(f"  parity FAILED for {path}: {json.dumps(a)[:300]} vs {json.dumps(b)[:300]}")
        return False
    return True


# ------------------------------------------------------------------ scenarios


class Bench:
    def __init__(
        self, db: str, config: Config, tool: LoadTool, workdir: Path, only: set[str]
    ) -> None:
        self.db = db
        self.only = only
        self.checks: dict[str, bool] = {}
        self.config = config
        self.tool = tool
        self.workdir = workdir
        self.secret = secrets.token_urlsafe(48)
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.url = ""
        self.manifest: Manifest
        self.second = 0  # B2: where the next run's spans start (moves on every run)

    def next_second(self) -> int:
        self.second += 1_000_000
        return self.second

    def seed(self) -> None:
        self.url = create_database(self.db, self.workdir)
        out = self.workdir / f"manifest-{self.db}.json"
        log(f"{self.db}: migrating and seeding")
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.seed",
                "--url",
                self.url,
                "--out",
                str(out),
                # One argument: a secret starting with "-" would be read as an option.
                f"--secret={self.secret}",
                "--b6",
                str(self.config.b6_enrollments + self.config.b6_warmup),
                "--heartbeat-learners",
                str(self.config.connections),
                "--export-certificates",
                str(self.config.export_certificates),
            ],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"seeding failed: {done.stderr[-2000:]}")
        self.manifest = Manifest.from_json(json.loads(out.read_text(encoding="utf-8")))
        log(f"{self.db}: seeded in {time.perf_counter() - started:.1f} s")

    def b4(self) -> None:
        log(f"{self.db}: B4 query counts")
        out = run_module(
            "benchmarks.inproc",
            "b4",
            "--url",
            self.url,
            "--manifest",
            str(self.workdir / f"manifest-{self.db}.json"),
        )
        counts = {name: value["queries"] for name, value in out.items()}
        b1 = (counts["B1 graphql 10"], counts["B1 graphql 50"])
        b3 = (counts["B3 graphql 10"], counts["B3 graphql 50"])
        met = b1[0] == b1[1] and b3[0] == b3[1] and max(*b1, *b3) <= 5
        figure = f"B1 {b1[0]} / {b1[1]}, B3 {b3[0]} / {b3[1]} (10 / 50 items)"
        base = (counts["B1 baseline 10"], counts["B3 baseline 10"])
        figure += f"; baseline B1 {base[0]}, B3 {base[1]}"
        self.rows.append(
            Row("B4", self.db, "queries per request, B1 and B3", figure, "equal, <= 5", met, out)
        )

    def parity_checks(self, server: Server) -> None:
        m = self.manifest
        with httpx.Client(base_url=server.url, timeout=30) as client:
            checks = {
                "B1": parity(
                    client,
                    {"query": queries.DASHBOARD},
                    ("GET", "/bench/dashboard", None),
                    m.dashboard_token,
                ),
                "B1+": parity(
                    client,
                    {"query": queries.DASHBOARD_LESSONS},
                    ("GET", "/bench/dashboard?lessons=1", None),
                    m.dashboard_token,
                ),
                "B3": parity(
                    client,
                    {"query": queries.CATALOG, "variables": {"first": 50}},
                    ("GET", "/bench/catalog?first=50", None),
                    None,
                ),
            }
            slot = m.heartbeats[0]
            second = 999_000_000
            checks["B2"] = parity(
                client,
                {
                    "query": queries.HEARTBEAT,
                    "variables": {
                        "e": slot.enrollment,
                        "l": slot.lesson,
                        "from": second,
                        "to": second + 1,
                    },
                },
                (
                    "POST",
                    "/bench/heartbeat",
                    {
                        "enrollmentId": slot.enrollment,
                        "lessonId": slot.lesson,
                        "fromSecond": second + 1,
                        "toSecond": second + 2,
                    },
                ),
                slot.token,
                blank=("coveredSeconds", "lastSavedAt"),
            )
        log(f"{self.db}: same JSON from GraphQL and baseline: {checks}")
        self.checks = checks

    def b1(self, server: Server, *, lessons: bool = False) -> None:
        m = self.manifest
        rid = "B1+" if lessons else "B1"
        log(f"{self.db}: {rid} dashboard")
        document = queries.DASHBOARD_LESSONS if lessons else queries.DASHBOARD
        body = json.dumps({"query": document})
        path = "/bench/dashboard?lessons=1" if lessons else "/bench/dashboard"

        def make(arm: str) -> Load:
            if arm == "graphql":
                return StaticLoad("POST", "/graphql", body, m.dashboard_token)
            return StaticLoad("GET", path, None, m.dashboard_token)

        result = side_by_side(self.tool, server.url, make, self.config)
        result["same_json"] = self.checks.get(rid, False)
        scenario = (
            "dashboard + every lesson's state (B1 with 10 x 10 lesson rows)"
            if lessons
            else "dashboard, 10 enrollments x 10 lessons, GraphQL / baseline"
        )
        self.rows.append(_ratio_row(rid, self.db, scenario, RATIO_TARGETS[rid], result))

    def b1_lessons(self, server: Server) -> None:
        self.b1(server, lessons=True)

    def b2(self, server: Server) -> None:
        m = self.manifest
        log(f"{self.db}: B2 heartbeat")
        document = json.dumps(queries.HEARTBEAT)
        video_lesson = decode_id("Lesson", m.heartbeats[0].lesson)
        # An integer we decoded ourselves: nothing to inject.
        where = f"WHERE lesson_id = {int(video_lesson)}"
        covered_sql = "SELECT COALESCE(SUM(covered_seconds), 0) FROM lesson_progress " + where  # noqa: S608
        accepted: dict[str, list[float]] = {"graphql": [], "baseline": []}
        last = [0.0]

        def before(_arm: str) -> None:
            last[0] = float(scalar(self.url, covered_sql))

        def b2(arm: str) -> Load:
            path = "/graphql" if arm == "graphql" else "/bench/heartbeat"
            return HeartbeatLoad(
                path, arm, document, tuple(m.heartbeats), first_second=self.next_second()
            )

        def check(arm: str, run: LoadResult) -> None:
            now = float(scalar(self.url, covered_sql))
            # Every accepted report adds one second to the covered sum.
            accepted[arm].append((now - last[0]) / run.requests if run.requests else 0.0)

        result = side_by_side(
            self.tool, server.url, b2, self.config, before_run=before, after_run=check
        )
        result["accepted_per_request"] = {k: [round(x, 3) for x in v] for k, v in accepted.items()}
        result["same_json"] = self.checks.get("B2", False)
        fraction = min(min(v) for v in accepted.values())
        row = _ratio_row(
            "B2", self.db, "video heartbeat, GraphQL / baseline", RATIO_TARGETS["B2"], result
        )
        row.figure += f"; {min(fraction, 1.0):.0%}+ reports stored"
        row.met = bool(row.met and fraction >= 0.99)
        self.rows.append(row)

    def b3(self, server: Server) -> None:
        log(f"{self.db}: B3 catalog")
        catalog_body = json.dumps({"query": queries.CATALOG, "variables": {"first": 50}})

        def b3(arm: str) -> Load:
            if arm == "graphql":
                return StaticLoad("POST", "/graphql", catalog_body)
            return StaticLoad("GET", "/bench/catalog?first=50")

        result = side_by_side(self.tool, server.url, b3, self.config)
        result["same_json"] = self.checks.get("B3", False)
        self.rows.append(
            _ratio_row(
                "B3",
                self.db,
                "catalog, courses(first: 50), GraphQL / baseline",
                RATIO_TARGETS["B3"],
                result,
            )
        )

    def b11(self, server: Server) -> None:
        """The learner app's pages (HTML, browser session) against the same data through
        GraphQL (bearer token): My learning vs B1's dashboard, the lesson page vs
        ``enrollment(id)`` with every lesson's state."""
        m = self.manifest
        log(f"{self.db}: B11 learner pages")
        pages = (
            ("My learning", "/learn/", {"query": queries.DASHBOARD}),
            (
                "lesson page",
                m.lesson_page,
                {"query": queries.LESSON_PAGE, "variables": {"e": m.lesson_enrollment}},
            ),
        )
        for name, path, document in pages:
            body = json.dumps(document)

            def make(arm: str, path: str = path, body: str = body) -> Load:
                if arm == "html":
                    return StaticLoad("GET", path, None, session=m.dashboard_session)
                return StaticLoad("POST", "/graphql", body, m.dashboard_token)

            result = side_by_side(
                self.tool, server.url, make, self.config, arms=("html", "graphql")
            )
            scenario = f"learner app {name} (HTML) / the same data through GraphQL"
            self.rows.append(_ratio_row("B11", self.db, scenario, RATIO_TARGETS["B11"], result))

    def b6(self, server: Server) -> None:
        log(f"{self.db}: B6 last lesson vs earlier lesson")
        earlier: list[float] = []
        last: list[float] = []
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for index, slot in enumerate(self.manifest.completions):
                headers = {"Authorization": f"Bearer {slot.token}"}
                timings = []
                for lesson, finishes in ((slot.earlier_lesson, False), (slot.last_lesson, True)):
                    body = {
                        "query": queries.COMPLETE,
                        "variables": {"e": slot.enrollment, "l": lesson},
                    }
                    started = time.perf_counter()
                    response = client.post("/graphql", json=body, headers=headers)
                    timings.append(time.perf_counter() - started)
                    data = response.json()
                    enrollment = data.get("data", {}).get("completeLesson", {}) or {}
                    certificate = (enrollment.get("enrollment") or {}).get("certificate")
                    if "errors" in data or (certificate is not None) != finishes:
                        raise RuntimeError(f"B6 unexpected answer: {json.dumps(data)[:400]}")
                if index >= self.config.b6_warmup:
                    earlier.append(timings[0] * 1000)
                    last.append(timings[1] * 1000)
        ratios = [b / a for a, b in zip(earlier, last, strict=True)]
        ratio = statistics.median(ratios)
        med_a, med_b = statistics.median(earlier), statistics.median(last)
        figure = f"{ratio:.3f} ({_spread(ratios)}); {med_b:.1f} ms vs {med_a:.1f} ms"
        details = {
            "ratio": round(ratio, 3),
            "ratio_of_medians": round(med_b / med_a, 3),
            "earlier_ms_median": round(med_a, 2),
            "last_ms_median": round(med_b, 2),
            "pairs": len(ratios),
            "spread": _spread(ratios),
        }
        self.rows.append(
            Row(
                "B6",
                self.db,
                "completing the last lesson / an earlier one",
                figure,
                f"<= {B6_MAX_RATIO}",
                ratio <= B6_MAX_RATIO,
                details,
            )
        )

    def _wait_for_idle_queue(self, limit_s: float = 120.0) -> float:
        """Seconds waited until no PDF is left to draw (at most ``limit_s``)."""
        started = time.perf_counter()
        busy = (
            "SELECT COUNT(*) FROM job WHERE kind = 'certificate.render' "
            "AND state IN ('QUEUED', 'RUNNING')"
        )
        while time.perf_counter() - started < limit_s and scalar(self.url, busy):
            time.sleep(0.25)
        return time.perf_counter() - started

    def b7(self, server: Server) -> None:
        log(f"{self.db}: B7 ZIP export of {self.manifest.export_certificates} certificates")
        # B6 just issued certificates whose PDFs the server's queue draws in the
        # background (~10 ms of CPU each, on the export's core): B7 measures the export,
        # so it starts once the queue is idle, and says how long it waited.
        waited = self._wait_for_idle_queue()
        found = find_export(server, self.manifest, self.workdir)
        if found is None:
            details = run_module(
                "benchmarks.inproc",
                "b7",
                "--url",
                self.url,
                "--manifest",
                str(self.workdir / f"manifest-{self.db}.json"),
            )
            self.notes.append(
                "B7: the server has no export route yet; measured in-process "
                "(zipstream.stream_zip fed from the database in batches of 100)."
            )
        else:
            details = found
        total, ttfb, growth = details["total_s"], details["ttfb_ms"], details["peak_growth_mib"]
        figure = f"{total:.2f} s, TTFB {ttfb:.0f} ms, +{growth:.1f} MiB"
        if waited >= 0.5:
            figure += f" (after {waited:.0f} s for the queue to draw B6's PDFs)"
        if found is None:
            figure += " (in-process)"
        count = self.manifest.export_certificates
        # Over HTTP the ZIP is opened and its entries counted (the in-process fallback
        # counts chunks, not entries).
        exported = details.get("certificates", count) if found is not None else count
        if exported != count:
            figure += f"; {exported} of {count} certificates in the ZIP"
        met = (
            total <= B7_MAX_TOTAL_S
            and ttfb <= B7_MAX_TTFB_MS
            and growth <= B7_MAX_GROWTH_MIB
            and exported == count
        )
        scenario = f"company ZIP export, {count:,} certificates"
        if count < 10_000:
            # The target is for 10,000: a smaller export meeting it says nothing of 10,000.
            scenario += " (quick mode; the target is for 10,000)"
            met = None if met else False
        self.rows.append(
            Row(
                "B7",
                self.db,
                scenario,
                figure,
                f"<= {B7_MAX_TOTAL_S:.0f} s, <= {B7_MAX_TTFB_MS:.0f} ms, "
                f"<= {B7_MAX_GROWTH_MIB:.0f} MiB (10,000)",
                met,
                details,
            )
        )

    def b8(self) -> None:
        """B2's heartbeat against four servers of ``llp_portal.asgi:app``, none pinned (two
        workers need both cores, shared with wrk and PostgreSQL): uvicorn with the Nagle fix
        and granian, each with 2 and 1 workers, in rounds (order reversed every other round).
        """
        log(f"{self.db}: B8 uvicorn and granian, --workers 2 and 1 (B2 heartbeat)")
        from benchmarks.uvicorn_nodelay import uvicorn_binds_tcp

        m = self.manifest
        document = json.dumps(queries.HEARTBEAT)
        granian = granian_version()
        kinds = [("uvicorn", "uvicorn-nodelay")]
        if granian:
            kinds.append(("granian", "granian"))
        else:
            self.notes.append(
                "B8: granian is not installed (pip install -e '.[bench]'): uvicorn only."
            )
        arms: list[tuple[str, str]] = []
        servers: list[Server] = []
        with contextlib.ExitStack() as stack:
            for name, kind in kinds:
                for workers in (2, 1):
                    server = Server(
                        "llp_portal.asgi:app",
                        self.url,
                        self.secret,
                        core=None,
                        workers=workers,
                        kind=kind,
                        log=self.workdir / f"server-b8-{name}{workers}.log",
                        wait=False,  # the four start together
                    )
                    stack.callback(server.stop)
                    servers.append(server)
                    arms.append((f"{name}{workers}", server.url))
            for server in servers:
                server.wait_ready()

            def make(_arm: str) -> Load:
                return HeartbeatLoad(
                    "/graphql", "graphql", document, tuple(m.heartbeats), self.next_second()
                )

            result = round_robin(self.tool, arms, make, self.config, self.config.b8_pairs)
        result["uvicorn"] = importlib.metadata.version("uvicorn")
        result["uvicorn_binds_ipproto_tcp"] = uvicorn_binds_tcp()
        result["granian"] = granian
        how = (
            "uvicorn via benchmarks.uvicorn_nodelay (uvicorn "
            f"{result['uvicorn']} binds IPPROTO_TCP itself: {result['uvicorn_binds_ipproto_tcp']})"
        )
        comparisons: list[tuple[str, str, str, float | None]] = [
            ("uvicorn2", "uvicorn1", "uvicorn --workers 2 / --workers 1", RATIO_TARGETS["B8"])
        ]
        if granian:
            comparisons += [
                ("granian2", "granian1", "granian --workers 2 / --workers 1", RATIO_TARGETS["B8"]),
                ("granian2", "uvicorn2", "granian / uvicorn at 2 workers", None),
            ]
        for a, b, label, target in comparisons:
            pair = pair_ratios(result, a, b)
            pair["how"] = how
            scenario = f"B2 heartbeat, {label}, PostgreSQL"
            if target is None:
                row = _ratio_row("B8", self.db, scenario, 0.0, pair)
                row.target, row.met = "report it", None
                if pair["bad_answers"]:
                    row.met = False
            else:
                row = _ratio_row("B8", self.db, scenario, target, pair)
            self.rows.append(row)

    def attempt(self, rid: str, scenario: Callable[[], None]) -> None:
        """Run one scenario; a failure becomes a row saying so, and the run goes on."""
        if rid not in self.only:
            return
        try:
            scenario()
        except Exception as exc:
            log(f"{self.db}: {rid} FAILED: {type(exc).__name__}: {exc}")
            message = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
            self.rows.append(Row(rid, self.db, "(failed)", f"error: {message}", "-", False))

    def run(self) -> None:
        try:
            self.seed()
        except Exception as exc:
            for rid in sorted(self.only - {"B5"}):
                self.rows.append(
                    Row(rid, self.db, "(not run)", f"seeding failed: {exc}", "-", False)
                )
            drop_database(self.db)
            return
        try:
            self.attempt("B4", self.b4)
            log(f"{self.db}: starting the server")
            server = Server(
                "benchmarks.server:app",
                self.url,
                self.secret,
                core=SERVER_CORE,
                log=self.workdir / f"server-{self.db}.log",
            )
            try:
                try:
                    self.parity_checks(server)
                except Exception as exc:  # the scenarios still run; same_json says False
                    log(f"{self.db}: parity checks failed: {type(exc).__name__}: {exc}")
                for rid, scenario in (
                    ("B1", self.b1),
                    ("B1+", self.b1_lessons),
                    ("B2", self.b2),
                    ("B3", self.b3),
                    ("B6", self.b6),
                    ("B7", self.b7),
                    ("B11", self.b11),
                ):
                    self.attempt(rid, functools.partial(scenario, server))
            finally:
                server.stop()
            if self.db == "postgres":
                self.attempt("B8", self.b8)
        finally:
            drop_database(self.db)


def export_routes() -> list[str]:
    """GET routes of the app whose path mentions an export (the route may not exist yet)."""
    from starlette.routing import Mount, Route

    from llp_gql.settings import Settings
    from llp_portal.app import create_app

    app = create_app(
        Settings(mode="dev", database_url="sqlite://:memory:", secret_key="x" * 40),
        manage_database=False,
    )
    found: list[str] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(list(route.routes), prefix + route.path)
            elif (
                isinstance(route, Route)
                and "export" in route.path
                and "GET" in (route.methods or {"GET"})
            ):
                found.append(prefix + route.path)

    walk(list(app.routes), "")
    return found


def measure_export(
    client: httpx.Client, server: Server, path: str, headers: dict[str, str], target: Path
) -> dict[str, Any] | None:
    """One whole export over HTTP, or None when the answer is not a ZIP."""
    reset = reset_peak(server.pid)
    before = proc_status(server.pid)
    started = time.perf_counter()
    first: float | None = None
    with client.stream("GET", path, headers=headers) as response, target.open("wb") as out:
        if response.status_code != 200 or "zip" not in response.headers.get("content-type", ""):
            return None
        for chunk in response.iter_raw():
            if first is None and chunk:
                first = time.perf_counter()
            out.write(chunk)
    total = time.perf_counter() - started
    after = proc_status(server.pid)
    with zipfile.ZipFile(target) as archive:
        entries = len(archive.namelist())
    return {
        "certificates": entries - 1,  # the last entry is the manifest
        "total_s": round(total, 3),
        "ttfb_ms": round(((first or started) - started) * 1000, 1),
        "zip_bytes": target.stat().st_size,
        "rss_before_kib": before["VmRSS"],
        "peak_growth_mib": round((after["VmHWM"] - before["VmRSS"]) / 1024, 1),
        "peak_reset": reset,
    }


def find_export(server: Server, manifest: Manifest, workdir: Path) -> dict[str, Any] | None:
    """Measure the export over HTTP when the server has a GET export route answering a ZIP:
    the first export of the process (cold) is the figure; a second one (warm) is recorded."""
    auths = [
        {"Authorization": f"Bearer {manifest.export_admin_token}"},
        {"Cookie": f"llp_session={manifest.export_admin_session}"},
    ]
    target = workdir / "export.zip"
    with httpx.Client(base_url=server.url, timeout=120) as client:
        for template in export_routes():
            path = re.sub(r"\{[^}]+\}", str(manifest.export_company_id), template)
            for headers in auths:
                cold = measure_export(client, server, path, headers, target)
                if cold is None:
                    continue
                warm = measure_export(client, server, path, headers, target)
                return {"mode": f"HTTP GET {template}", **cold, "warm": warm}
    return None


def b5_row(config: Config) -> Row:
    log("B5 certificate rendering")
    b5 = run_module("benchmarks.inproc", "b5", "--renders", str(config.renders))
    # The target is for layout 2 (with the signatory); the *_layout1 rows are context.
    worst = max(b5[label]["median_ms"] for label in ("latin", "cjk", "arabic"))
    figure = (
        f"{b5['latin']['median_ms']:.1f} ms (CJK {b5['cjk']['median_ms']:.1f}, "
        f"Arabic {b5['arabic']['median_ms']:.1f}; layout 1 Latin "
        f"{b5['latin_layout1']['median_ms']:.1f})"
    )
    return Row(
        "B5",
        "-",
        "one certificate PDF, in-process",
        figure,
        f"<= {B5_MAX_MS:.0f} ms median",
        worst <= B5_MAX_MS,
        b5,
    )


# ------------------------------------------------------------------ output


def _mark(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "-"}[met]


def markdown(rows: list[Row], meta: dict[str, Any], notes: list[str]) -> str:
    lines = [
        f"Run {meta['date']} on {meta['machine']} ({meta['cores']} cores), "
        f"{'quick' if meta['quick'] else 'full'} mode, load tool: {meta['load_tool']}.",
        "",
        "| id | db | scenario | figure | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.id} | {row.db} | {row.scenario} | {row.figure} | {row.target} "
            f"| {_mark(row.met)} |"
        )
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer, shorter runs (~4 min for both databases)"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument("--python-load", action="store_true", help="use pyload instead of wrk")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="comma-separated ids, e.g. B1,B3 (default all)"
    )
    parser.add_argument(
        "--export-certificates",
        type=int,
        help="B7's certificates (default 10,000; 1,000 with --quick)",
    )
    args = parser.parse_args(argv)
    only = {x.strip().upper() for x in args.only.split(",") if x.strip()}
    if unknown := sorted(only - set(SCENARIOS)):
        parser.error(f"--only: unknown ids {', '.join(unknown)} (ids: {', '.join(SCENARIOS)})")

    config = Config.for_mode(args.quick)
    if args.export_certificates:
        config = dataclasses.replace(config, export_certificates=args.export_certificates)
    started = time.perf_counter()
    if (os.cpu_count() or 1) > LOAD_CORE and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {LOAD_CORE})  # the harness is a client too (B6, B7)
    args.out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="llp-bench-") as tmp:
        workdir = Path(tmp)
        tool = LoadTool(workdir, core=LOAD_CORE, force_python=args.python_load)
        log(f"load tool: {tool.note}")
        if "B5" in only:
            rows.append(b5_row(config))
        databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
        for db in databases:
            if db == "postgres" and (why := postgres_available()):
                notes.append(f"PostgreSQL skipped: {why}")
                log(notes[-1])
                continue
            bench = Bench(db, config, tool, workdir, only)
            try:
                bench.run()
            finally:
                rows += bench.rows
                notes += bench.notes
    order = {rid: i for i, rid in enumerate(SCENARIOS)}
    rows.sort(key=lambda r: (order[r.id], r.db))
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} {platform.machine()} {platform.processor() or ''}".strip(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "quick": args.quick,
        "load_tool": tool.note,
        "pinning": (
            "server core 0, load tool and harness core 1, B8 servers unpinned"
            if pin(LOAD_CORE)
            else "none (no taskset or one core)"
        ),
        "config": config.__dict__,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if tool.name != "wrk":
        notes.append(f"Load tool: {tool.note}.")
    table = markdown(rows, meta, notes)
    (args.out / "latest.md").write_text(table, encoding="utf-8")
    payload = {"meta": meta, "notes": notes, "rows": [row.to_json() for row in rows]}
    (args.out / "latest.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(table)
    log(f"done in {meta['seconds']} s; wrote {args.out / 'latest.md'} and latest.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
