"""importEmployees: the CSV as a string, previewed or applied."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import imports
from llp_gql.schema.context import Info
from llp_gql.schema.imports import ImportResult


async def import_employees(
    info: Info,
    csv: Annotated[
        str,
        strawberry.argument(
            description="The CSV file's text: a header row with email and name (optional "
            "group, courses, due_date), commas or semicolons; see docs/import.md."
        ),
    ],
    dry_run: Annotated[
        bool,
        strawberry.argument(
            description="True (the default): only preview. False: apply, all or nothing."
        ),
    ] = True,
) -> ImportResult:
    context = info.context
    preview = await imports.import_csv(
        context.viewer, csv, dry_run=dry_run, settings=context.settings, clock=context.clock
    )
    return ImportResult.of(preview)
