"""The compliance report: a page with the matrix's filters, a preview of the first rows
and the downloads (CSV streamed batch by batch, XLSX built on disk and streamed).

The filters are read strictly (``matrix_filter.parse_matrix_filter``): a value that
cannot be read is a 400 page naming it, never a file with other rows than asked for.
Company Admins only (``access.access_own_company``, via ``reports.compliance_report``),
like the ZIP export. ``/admin/reports/compliance`` is linked from the weekly email:
keep the URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from admin_ui import app_state, rendering, web
from llp_gql.certs.routes import PRIVATE_HEADERS, attachment
from llp_gql.domain import access, groups, matrix_filter, report_files, reports
from llp_gql.errors import ValidationFailed

PAGE = "/admin/reports/compliance"
PREVIEW_ROWS = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _report(request: Request, user: access.Actor) -> reports.ComplianceReport:
    selection = matrix_filter.parse_matrix_filter(request.query_params, strict=True)
    return await reports.compliance_report(user, selection, now=app_state.now(request))


@web.page(web.company_admin)
async def report_page(request: Request, user: access.Actor) -> Response:
    errors: dict[str, str] = {}
    try:
        report: reports.ComplianceReport | None = await _report(request, user)
    except ValidationFailed as exc:
        report, errors = None, {exc.field or "__all__": exc.message}
    preview: list[reports.ReportRow] = []
    total = 0
    if report is not None:
        total = await reports.count_rows(report)
        async for rows in reports.report_batches(report, batch=PREVIEW_ROWS, limit=PREVIEW_ROWS):
            preview = rows
    selection = report.selection if report else matrix_filter.MatrixFilter()
    query = urlencode(selection.query_items())
    return rendering.render(
        request,
        "report.html",
        {
            "company": await access.access_own_company(user),
            "selection": selection,
            "errors": errors,
            "groups": await groups.list_groups(user),
            "rows": preview,
            "total": total,
            "status_words": report_files.STATUS_WORDS,
            "percent": report_files.percent_text,
            "csv_url": f"{PAGE}.csv" + (f"?{query}" if query else ""),
            "xlsx_url": f"{PAGE}.xlsx" + (f"?{query}" if query else ""),
            "xlsx_max_rows": app_state.settings_of(request).report_xlsx_max_rows,
            "matrix_url": "/admin/progress" + (f"?{query}" if query else ""),
        },
        status=400 if errors else 200,
    )


def _download(
    report: reports.ComplianceReport, chunks: AsyncIterator[bytes], media_type: str, suffix: str
) -> Response:
    stamp = report.now.strftime("%Y%m%d")
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": attachment(
                f"compliance-{report.company.name}-{stamp}", suffix, fallback="compliance"
            ),
        },
    )


@web.page(web.company_admin)
async def report_csv(request: Request, user: access.Actor) -> Response:
    """Checked before the first byte (filters, rights); then streamed batch by batch."""
    report = await _report(request, user)
    batch = app_state.settings_of(request).report_batch_rows
    await reports.record_download(report, "csv")
    chunks = report_files.csv_chunks(report, batch=batch)
    return _download(report, chunks, "text/csv; charset=utf-8", ".csv")


@web.page(web.company_admin)
async def report_xlsx(request: Request, user: access.Actor) -> Response:
    """REPORT_TOO_LARGE (413 page) past ``report_xlsx_max_rows``: one COUNT first."""
    report = await _report(request, user)
    settings = app_state.settings_of(request)
    await reports.check_xlsx_size(report, settings.report_xlsx_max_rows)
    batch = settings.report_batch_rows
    await reports.record_download(report, "xlsx")
    chunks = report_files.xlsx_chunks(report, batch=batch)
    return _download(report, chunks, XLSX_TYPE, ".xlsx")
