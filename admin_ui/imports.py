"""Company Admin pages of the employee CSV import: upload, preview, apply, template.

The uploaded file is stored (``EmployeeImport``) so that "Apply" applies exactly the
file that was previewed; the preview page shows the rows with errors first, a page
at a time. Applying needs a file without errors (docs/import.md says why).
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from llp_gql.domain import access, imports
from llp_gql.errors import Conflict, LLPError, ValidationFailed

PAGE_SIZE = 100
TEMPLATE_NAME = "employees-template.csv"


def _upload_page(request: Request, errors: dict[str, str], status: int = 200) -> Response:
    settings = app_state.settings_of(request)
    return rendering.render(
        request,
        "import.html",
        {
            "errors": errors,
            "max_mb": round(settings.import_max_bytes / 1_000_000, 1),
            "max_rows": settings.import_max_rows,
        },
        status=status,
    )


@web.page(web.company_admin)
async def import_upload(request: Request, user: access.Actor) -> Response:
    _ = await access.access_own_company(user)
    if request.method == "GET":
        return _upload_page(request, {})
    settings = app_state.settings_of(request)
    form = await forms.read_form(request)
    file = form.get("file")
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise ValidationFailed("Choose a CSV file to upload.", field="file")
        data = await file.read(settings.import_max_bytes + 1)
        import_id = await imports.upload(
            user, file.filename, data, settings=settings, clock=lambda: app_state.now(request)
        )
    except LLPError as exc:
        if not isinstance(exc, ValidationFailed) and exc.http_status != 400:
            raise
        return _upload_page(request, {"file": exc.message}, status=422)
    return rendering.redirect(f"/admin/import/{import_id}")


def _page_of(request: Request, count: int) -> int:
    pages = max(1, -(-count // PAGE_SIZE))
    page = forms.int_or_none(request.query_params.get("page")) or 1
    return min(max(page, 1), pages)


def _preview_page(
    request: Request,
    stored: imports.StoredImport,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    preview = stored.preview
    rows = preview.errors_first()
    page = _page_of(request, len(rows))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    return rendering.render(
        request,
        "import_preview.html",
        {
            "stored": stored,
            "totals": preview.totals,
            "new_groups": preview.new_groups,
            "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            "page": page,
            "pages": pages,
            "first_row": (page - 1) * PAGE_SIZE + 1,
            "applied": preview.applied,
            "error": error,
        },
        status=status,
    )


@web.page(web.company_admin)
async def import_preview(request: Request, user: access.Actor) -> Response:
    import_id = int(request.path_params["import_id"])
    settings = app_state.settings_of(request)
    stored = await imports.stored_preview(
        user, import_id, settings=settings, clock=lambda: app_state.now(request)
    )
    return _preview_page(request, stored)


@web.page(web.company_admin)
async def import_apply(request: Request, user: access.Actor) -> Response:
    import_id = int(request.path_params["import_id"])
    settings = app_state.settings_of(request)
    clock = lambda: app_state.now(request)  # noqa: E731 - the request's clock, twice
    try:
        stored = await imports.apply_stored(user, import_id, settings=settings, clock=clock)
    except (Conflict, imports.ImportFileError) as exc:
        current = await imports.stored_preview(user, import_id, settings=settings, clock=clock)
        return _preview_page(request, current, error=exc.message, status=exc.http_status)
    return _preview_page(request, stored)


@web.page(web.company_admin)
async def import_template(request: Request, user: access.Actor) -> Response:
    _ = await access.access_own_company(user)
    return Response(
        imports.template_csv().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
