"""Company Admin pages about groups (departments): the list with member counts, create,
rename, delete (after a confirmation naming how many members it has), and the group
select of an employee's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from llp_gql.domain import access, access_company, groups
from llp_gql.errors import LLPError

NAME_LIMIT = 1000  # cut before the domain's 100-character rule answers


def group_param(request: Request) -> int | None:
    """The ``group`` filter of a listing's query string (the pages' one name for it)."""
    return forms.int_or_none(request.query_params.get("group"))


async def _list(
    request: Request,
    user: access.Actor,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    editing: int | None = None,
) -> Response:
    company = await access.access_own_company(user)
    return rendering.render(
        request,
        "groups.html",
        {
            "company": company,
            "rows": await groups.groups_with_counts(user),
            "values": values or {},
            "errors": errors or {},
            "editing": editing,
            "max_length": groups.MAX_GROUP_NAME_LENGTH,
        },
        status=422 if errors else 200,
    )


@web.page(web.company_admin)
async def group_list(request: Request, user: access.Actor) -> Response:
    """GET: the list; POST: create a group."""
    if request.method == "GET":
        return await _list(request, user)
    form = await forms.read_form(request)
    name = forms.text(form, "name", limit=NAME_LIMIT)
    try:
        _ = await groups.create_group(
            user, name, max_groups=app_state.settings_of(request).max_groups_per_company
        )
    except LLPError as exc:
        return await _list(request, user, values={"name": name}, errors={"name": exc.message})
    return rendering.redirect("/admin/groups?done=group-created")


@web.page(web.company_admin)
async def group_rename(request: Request, user: access.Actor) -> Response:
    group = await access_company.access_group(user, request.path_params["group_id"])
    form = await forms.read_form(request)
    name = forms.text(form, "name", limit=NAME_LIMIT)
    try:
        _ = await groups.rename_group(user, group.id, name)
    except LLPError as exc:
        return await _list(
            request,
            user,
            values={f"name-{group.id}": name},
            errors={f"name-{group.id}": exc.message},
            editing=group.id,
        )
    return rendering.redirect("/admin/groups?done=group-renamed")


@web.page(web.company_admin)
async def group_delete(request: Request, user: access.Actor) -> Response:
    """GET asks to confirm, saying how many members the group has; POST deletes."""
    group = await access_company.access_group(user, request.path_params["group_id"])
    if request.method == "POST":
        await groups.delete_group(user, group.id)
        return rendering.redirect("/admin/groups?done=group-deleted")
    counts = await groups.member_counts([group.id])
    return rendering.render(
        request, "group_delete.html", {"group": group, "members": counts[group.id]}
    )


@web.page(web.company_admin)
async def employee_group(request: Request, user: access.Actor) -> Response:
    """The group select of an employee's page ('' for no group)."""
    person = await access.access_employee(user, request.path_params["user_id"])
    form = await forms.read_form(request)
    raw = forms.text(form, "group", limit=20).strip()
    group_id = forms.int_or_none(raw)
    if raw and group_id is None:
        return rendering.redirect(f"/admin/employees/{person.id}")
    _ = await groups.set_employee_group(user, person.id, group_id)
    return rendering.redirect(f"/admin/employees/{person.id}?done=group-set")
