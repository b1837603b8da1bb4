"""In-process scenarios, each run in a fresh process by the harness:

- ``b4``: database queries per request (GraphQL and baseline), counted from
  Tortoise's ``tortoise.db_client`` log, one line per statement sent;
- ``b5``: milliseconds per certificate PDF;
- ``b7``: the streaming ZIP export of a company's certificates, driven through
  ``llp_gql.certs.zipstream.stream_zip`` (used when the server has no export route).

``python -m benchmarks.inproc b4|b5|b7 --url URL [--manifest FILE]`` prints
one ``BENCH_JSON {...}`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from tortoise import Tortoise

from benchmarks import queries
from benchmarks.baseline import build_app
from benchmarks.infra import proc_status, reset_peak
from benchmarks.seed import Manifest, make_logo
from llp_gql.db import tortoise_config
from llp_gql.settings import Settings

SECRET = "benchmark-secret-key-0123456789-abcdefghijklmnop"
MARK = "BENCH_JSON "


class QueryCounter(logging.Handler):
    """Counts the statements Tortoise sends (it logs each at DEBUG before sending it)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
        self.statements.append(" ".join((text or record.getMessage()).split())[:90])


def _settings(url: str) -> Settings:
    return Settings(
        mode="production",
        database_url=url,
        secret_key=SECRET,
        public_base_url="https://llp.example",
        introspection=False,
    )


async def b4(url: str, manifest: Manifest) -> dict[str, Any]:
    """Queries per request for B1 and B3 at 10 and 50 items, GraphQL and baseline."""
    await Tortoise.init(config=tortoise_config(url))
    counter = QueryCounter()
    db_log = logging.getLogger("tortoise.db_client")
    db_log.addHandler(counter)
    db_log.setLevel(logging.DEBUG)
    db_log.propagate = False
    app = build_app(_settings(url), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    cases: list[tuple[str, str, str, str, dict[str, Any] | None, str | None]] = []
    for items, token in ((10, manifest.dashboard_token), (50, manifest.dashboard50_token)):
        cases.append((f"B1 graphql {items}", "POST", "/graphql", queries.DASHBOARD, None, token))
        cases.append((f"B1 baseline {items}", "GET", "/bench/dashboard", "", None, token))
    for items in (10, 50):
        first: dict[str, Any] = {"first": items}
        cases.append((f"B3 graphql {items}", "POST", "/graphql", queries.CATALOG, first, None))
        cases.append(
            (f"B3 baseline {items}", "GET", f"/bench/catalog?first={items}", "", None, None)
        )
    out: dict[str, Any] = {}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, method, path, document, variables, auth in cases:
                headers = {"Authorization": f"Bearer {auth}"} if auth else {}
                body = {"query": document, "variables": variables or {}} if document else None
                for _ in range(2):  # the second request is the one counted (caches warm)
                    counter.statements.clear()
                    response = await client.request(method, path, json=body, headers=headers)
                data = response.json()
                if response.status_code != 200 or "errors" in data:
                    raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
                out[name] = {"queries": len(counter.statements), "sql": counter.statements[:]}
    finally:
        await Tortoise.close_connections()
    return out


def b5(renders: int) -> dict[str, Any]:
    """Median ms per PDF after warm-up, for three names, with a company logo, QR code and
    the company's template (signatory, signature image, issuer line, accent colour,
    hours: layout 2). Each name is also rendered in layout 1 (no template), interleaved
    with layout 2 so that both see the same machine load: ``*_layout1`` rows."""
    from decimal import Decimal

    from llp_gql.certs.logo import validate_signature
    from llp_gql.certs.render import (
        CertificateSnapshot,
        TemplateValues,
        render_certificate,
        warm_up,
    )

    warm_up()
    logo = make_logo()
    signature = validate_signature(logo)  # any validated image stands in for a signature
    template = TemplateValues(
        signatory_name="Dr. Amelia Hartmann",
        signatory_title="Director of Learning, Acme Holdings",
        signature_image=signature,
        issuer_line="Issued by Acme Academy in partnership with the Leadership Learning Portal",
        accent_colour="#7a1f5c",
        credit_hours=Decimal("12.50"),
        version=3,
        source="company",
    )
    code = "k7qf3xrm9dwazp2th8ncv4je6bqq5r2d"
    names = {
        "latin": "Zoë Ångström-Łukasiewicz",
        "cjk": "田中 由紀",
        "arabic": "محمد عبد الله",
    }
    out: dict[str, Any] = {}
    for label, name in names.items():
        layout1 = CertificateSnapshot(
            learner_name=name,
            course_title="Leading Through Change",
            company_name="Acme Holdings GmbH",
            company_logo=logo,
            issued_at=datetime(2026, 11, 28, 14, 3, tzinfo=UTC),
            verification_code=code,
            verify_url=f"https://llp.example/verify/{code}",
        )
        layout2 = replace(layout1, template_version=2, template=template)
        for _ in range(5):
            render_certificate(layout1)
            render_certificate(layout2)
        times: dict[str, list[float]] = {label: [], f"{label}_layout1": []}
        pdfs: dict[str, bytes] = {}
        for _ in range(renders):
            for key, snap in ((label, layout2), (f"{label}_layout1", layout1)):
                started = time.perf_counter()
                pdfs[key] = render_certificate(snap)
                times[key].append((time.perf_counter() - started) * 1000)
        for key, measured in times.items():
            out[key] = {
                "median_ms": round(statistics.median(measured), 2),
                "min_ms": round(min(measured), 2),
                "max_ms": round(max(measured), 2),
                "bytes": len(pdfs[key]),
                "renders": renders,
            }
    return out


async def b7(url: str, manifest: Manifest) -> dict[str, Any]:
    """Stream the company's certificates into a ZIP, batch by batch from the database."""
    from llp_gql.certs.zipstream import ExportEntry, stream_zip
    from llp_gql.models import Certificate

    await Tortoise.init(config=tortoise_config(url))
    try:
        # Warm the ORM and the zip code on a few rows, outside the measurement.
        sample = await Certificate.filter(enrollment__company_id=manifest.export_company_id).limit(
            2
        )
        async for _ in stream_zip(_entries_of(sample)):
            pass
        del sample
        gc.collect()
        reset = reset_peak("self")
        before = proc_status("self")
        started = time.perf_counter()
        first: float | None = None
        size = 0
        chunks = 0

        async def entries() -> AsyncIterator[ExportEntry]:
            last = 0
            while True:
                rows = list(
                    await Certificate.filter(
                        enrollment__company_id=manifest.export_company_id, id__gt=last
                    )
                    .order_by("id")
                    .limit(100)
                )
                if not rows:
                    return
                for row in rows:
                    yield _entry(row)
                last = rows[-1].id

        async for chunk in stream_zip(entries()):
            if first is None:
                first = time.perf_counter()
            size += len(chunk)
            chunks += 1
        total = time.perf_counter() - started
        after = proc_status("self")
    finally:
        await Tortoise.close_connections()
    return {
        "mode": "in-process (llp_gql.certs.zipstream.stream_zip, batches of 100 rows)",
        "certificates": chunks - 1,
        "total_s": round(total, 3),
        "ttfb_ms": round(((first or started) - started) * 1000, 1),
        "zip_bytes": size,
        "rss_before_kib": before["VmRSS"],
        "peak_growth_mib": round((after["VmHWM"] - before["VmRSS"]) / 1024, 1),
        "peak_reset": reset,
    }


def _entry(row: Any) -> Any:
    from llp_gql.certs.zipstream import ExportEntry

    return ExportEntry(
        employee=row.learner_name,
        email=row.learner_email,
        course=row.course_title,
        issued_at=row.issued_at,
        code=row.verification_code,
        pdf=bytes(row.pdf),
    )


async def _entries_of(rows: list[Any]) -> AsyncIterator[Any]:
    for row in rows:
        yield _entry(row)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inproc")
    parser.add_argument("scenario", choices=["b4", "b5", "b7"])
    parser.add_argument("--url", default="")
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    manifest = (
        Manifest.from_json(json.loads(args.manifest.read_text(encoding="utf-8")))
        if args.manifest
        else None
    )
    result: dict[str, Any]
    if args.scenario == "b5":
        result = b5(args.renders)
    else:
        assert manifest is not None, "--manifest is required"
        scenario = b4 if args.scenario == "b4" else b7
        result = asyncio.run(scenario(args.url, manifest))
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
