"""API keys: the list, making one (its key shown once), revoking with a confirmation.

Company admins manage their company's keys, staff the platform's; the domain
(``api_keys``, ``access_keys``) decides, as for the GraphQL mutations.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from llp_gql.domain import access, access_keys, api_keys
from llp_gql.errors import LLPError

SCOPE_WORDS = {
    access_keys.READ: "Read: see what an admin sees (no certificate downloads)",
    access_keys.MANAGE_PEOPLE: "Manage people: create, invite, deactivate and remove employees",
    access_keys.ASSIGN: "Assign: assign courses, set due dates, remove assignments",
}


async def _page(
    request: Request,
    user: access.Actor,
    *,
    made: api_keys.NewKey | None = None,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    scopes = access_keys.STAFF_SCOPES if access.is_staff(user) else access_keys.COMPANY_SCOPES
    response = rendering.render(
        request,
        "api_keys.html",
        {
            "keys": await api_keys.list_keys(user),
            "scopes": [(s, SCOPE_WORDS[s]) for s in scopes],
            "made": made,
            "values": values or {},
            "errors": errors or {},
            "max_length": api_keys.MAX_NAME,
        },
        status=422 if errors else 200,
    )
    # The one answer that holds a key: never kept by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


@web.page(web.admin_or_staff)
async def key_list(request: Request, user: access.Actor) -> Response:
    """GET: the keys; POST: make one and show it, once."""
    if request.method == "GET":
        return await _page(request, user)
    form = await forms.read_form(request)
    name = forms.text(form, "name", limit=1000)
    scopes = forms.texts(form, "scope")
    try:
        made = await api_keys.create_key(
            user, name, scopes, settings=app_state.settings_of(request)
        )
    except LLPError as exc:
        field = exc.field if exc.field in ("name", "scopes") else "name"
        return await _page(
            request,
            user,
            values={"name": name, "scopes": scopes},
            errors={field: exc.message},
        )
    return await _page(request, user, made=made)


@web.page(web.admin_or_staff)
async def key_revoke(request: Request, user: access.Actor) -> Response:
    """GET asks to confirm; POST revokes."""
    row = await access_keys.access_api_key(user, request.path_params["key_id"])
    if request.method == "POST":
        _ = await api_keys.revoke_key(user, row.id)
        return rendering.redirect("/admin/api-keys?done=api-key-revoked")
    return rendering.render(request, "api_key_revoke.html", {"key": row})
