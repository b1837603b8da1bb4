"""The Assign page: a course to people and groups, with an optional due date.

One form holds everything (course, due date, groups, the people filter and the
ticked people), so that filtering the list, with or without JavaScript, never
loses what was ticked: people chosen but not in the filtered list travel as
hidden inputs, and the page says how many are selected. The filter button posts
the form back (``op=filter``) instead of a GET, which would put the CSRF token in
the address; htmx refreshes the list with a GET of the fields it needs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from admin_ui.employees import MAX_QUERY, search_term
from admin_ui.groups import group_param
from llp_gql.domain import access, enrollments
from llp_gql.errors import LLPError, NotFound

ASSIGN_LIST_LIMIT = 500
FIELDS = {"course": "course", "userIds": "employees", "groupIds": "groups", "dueAt": "due"}


def _ids(values: list[str]) -> set[int]:
    return {i for i in map(forms.int_or_none, values) if i is not None}


def due_at_of(raw: str) -> datetime | None:
    """A date from the form means 'by the end of that day' (UTC); '' means none."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError("Enter the date as YYYY-MM-DD.") from None
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


async def _render(
    request: Request,
    user: access.Actor,
    *,
    values: dict[str, str],
    chosen: set[int],
    chosen_groups: set[int],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    course_id = forms.int_or_none(values.get("course"))
    group_id = forms.int_or_none(values.get("group"))
    choices = await enrollments.assign_choices(
        user,
        course_id=course_id,
        search=values.get("q", ""),
        limit=ASSIGN_LIST_LIMIT,
        group_id=group_id,
    )
    shown = {p.id for p in choices.people}
    return rendering.render(
        request,
        "assign.html",
        {
            "company": choices.company,
            "courses": choices.courses,
            "course_id": course_id,
            "people": choices.people,
            "groups": choices.groups,
            "group_id": group_id,
            "chosen": chosen,
            "chosen_groups": chosen_groups,
            "hidden_chosen": sorted(chosen - shown),
            "already": choices.already,
            "q": values.get("q", ""),
            "due": values.get("due", ""),
            "truncated": choices.truncated,
            "errors": errors,
            "min_due": app_state.now(request).date().isoformat(),
        },
        status=status,
    )


@web.page(web.company_admin)
async def assign_page(request: Request, user: access.Actor) -> Response:
    if request.method == "GET":
        params = request.query_params
        # "employee" from links ("Assign" on a person), "employees" from htmx refreshes
        # of the list, which keep the boxes already ticked; "group" filters the list and,
        # from the groups page's "Assign" link, is ticked as a group to assign.
        values = {
            "course": params.get("course", ""),
            "group": params.get("group", ""),
            "q": search_term(request),
            "due": forms.query_text(request, "due", limit=20),
        }
        chosen_groups = _ids(params.getlist("groups"))
        if params.get("from") == "groups" and (gid := group_param(request)) is not None:
            chosen_groups.add(gid)
        chosen = _ids([*params.getlist("employee"), *params.getlist("employees")])
        return await _render(
            request, user, values=values, chosen=chosen, chosen_groups=chosen_groups, errors={}
        )
    form = await forms.read_form(request)
    return await _post(request, user, form)


async def _post(request: Request, user: access.Actor, form: FormData) -> Response:
    values = {
        "course": forms.text(form, "course", limit=20),
        "group": forms.text(form, "group", limit=20),
        "q": forms.text(form, "q", limit=MAX_QUERY).strip(),
        "due": forms.text(form, "due", limit=20).strip(),
    }
    raw_ids = forms.texts(form, "employees")
    raw_groups = forms.texts(form, "groups")
    chosen, chosen_groups = _ids(raw_ids), _ids(raw_groups)
    if form.get("op") == "filter":
        return await _render(
            request, user, values=values, chosen=chosen, chosen_groups=chosen_groups, errors={}
        )
    errors: dict[str, str] = {}
    course_id = forms.int_or_none(values["course"])
    if course_id is None:
        errors["course"] = "Choose a course."
    if not raw_ids and not raw_groups:
        errors["employees"] = "Choose at least one person or group."
    try:
        due_at = due_at_of(values["due"])
    except ValueError as exc:
        errors["due"] = str(exc)
        due_at = None
    if not errors:
        settings = app_state.settings_of(request)
        try:
            if len(chosen) != len(set(raw_ids)) or len(chosen_groups) != len(set(raw_groups)):
                raise NotFound("User")
            await enrollments.assign_course(
                user,
                course_id or 0,
                sorted(chosen),
                group_ids=sorted(chosen_groups),
                due_at=due_at,
                max_users=settings.max_assign_users,
                max_total=settings.max_assign_total,
                clock=app_state.clock_of(request),
            )
        except NotFound as exc:
            errors = (
                {"course": "Choose one of the published courses."}
                if exc.message.startswith("Course")
                else {"employees": "Choose people and groups of your company only."}
            )
        except LLPError as exc:
            errors = {FIELDS.get(exc.field or "", "course"): exc.message}
        else:
            return rendering.redirect("/admin/progress?done=assigned")
    return await _render(
        request,
        user,
        values=values,
        chosen=chosen,
        chosen_groups=chosen_groups,
        errors=errors,
        status=422,
    )
