"""``llp-gql export-certificates``: a company's certificates as a ZIP, from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

from tortoise import Tortoise

from llp_gql.certs.zipstream import ExportEntry, ZipStreamWriter
from llp_gql.db import tortoise_config
from llp_gql.domain import exports
from llp_gql.models import Company
from llp_gql.settings import Settings


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


async def export_certificates(settings: Settings, company: str, out: Path) -> int:
    """Write the ZIP; returns the process exit code (0 ok, 1 nothing to export, 2 no company).

    This is an operator's command on the server itself, so it does not go through
    the access policy of a logged-in user.
    """
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        found = await (
            Company.get_or_none(id=int(company))
            if company.isdigit()
            else Company.get_or_none(name=company)
        )
        if found is None:
            sys.stderr.write(f"No company {company!r}.\n")
            return 2
        ids = await exports.selected_ids(found.id, exports.ExportFilter())
        if not ids:
            sys.stderr.write(f"{found.name} has no certificates to export.\n")
            return 1
        writer = ZipStreamWriter()
        partial = out.with_name(out.name + ".part")
        with partial.open("wb") as handle:
            done = 0
            async for row in exports.iter_certificates(ids, settings=settings):
                handle.write(
                    writer.add(
                        ExportEntry(
                            employee=row.learner_name,
                            email=row.learner_email,
                            course=row.course_title,
                            issued_at=row.issued_at,
                            code=row.verification_code,
                            pdf=bytes(row.pdf),
                        )
                    )
                )
                done += 1
                _progress(done, len(ids))
            handle.write(writer.finish())
        partial.replace(out)  # never leave a half-written file under the final name
        sys.stderr.write(f"\nWrote {done} certificates to {out}\n")
        return 0
    finally:
        await Tortoise.close_connections()
