"""The ZIP export page: filters, how many certificates match, and the download link.

The ZIP itself is streamed by ``/certificates/export.zip`` (``llp_gql.certs.routes``);
this page parses the filters with the same function and counts with the same domain
query, so the count shown is the count in the file.

An employee is found by a search (``q``, name or email, like the employee list's),
not picked from a list of everyone: the matches are links that set ``employee=<id>``,
so choosing works without JavaScript and by keyboard.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import forms, rendering, web
from admin_ui.employees import search_term
from admin_ui.groups import group_param
from llp_gql.certs.routes import export_filter
from llp_gql.domain import access, exports, groups
from llp_gql.errors import ValidationFailed

PAGE = "/admin/export"
PREVIEW_ROWS = 10
MATCHES = 20  # people offered for a search; one more is read to say there are more
FILTERS = ("course", "employee", "group", "from", "to")


def _url(base: str, params: list[tuple[str, str]]) -> str:
    return base + ("?" + urlencode(params) if params else "")


@web.page(web.company_admin)
async def export_page(request: Request, user: access.Actor) -> Response:
    company = await exports.company_for_export(user)
    # Another company's group is NOT_FOUND, as everywhere (the ZIP route finds nothing).
    _ = await groups.group_of(user, group_param(request))
    values = {name: forms.query_text(request, name, limit=20) for name in FILTERS}
    q = search_term(request)
    errors: dict[str, str] = {}
    preview = exports.SelectionPreview(0, [])
    chosen = None
    try:
        selection = export_filter(request)
        chosen = await exports.person_to_export(company, selection.learner_id)
        preview = await exports.preview_selection(company.id, selection, PREVIEW_ROWS)
    except ValidationFailed as exc:
        errors = forms.errors_of(exc, set(FILTERS))
    matches = [] if values["employee"] else await exports.people_to_export(company, q, MATCHES + 1)
    params = [(name, value) for name, value in values.items() if value]
    others = [(name, value) for name, value in params if name != "employee"]
    return rendering.render(
        request,
        "export.html",
        {
            "company": company,
            "values": values,
            "errors": errors,
            "count": preview.count,
            "preview": preview.newest,
            "courses": await exports.export_courses(company),
            "q": q,
            "chosen": chosen,
            "matches": [
                (p, _url(PAGE, [*others, ("employee", str(p.id))])) for p in matches[:MATCHES]
            ],
            "more_matches": len(matches) > MATCHES,
            "matches_shown": MATCHES,
            "any_employee_url": _url(PAGE, others),
            "groups": await groups.list_groups(user),
            "zip_url": _url("/certificates/export.zip", params),
        },
        status=422 if errors else 200,
    )
