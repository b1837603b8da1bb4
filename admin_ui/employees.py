"""Company Admin pages about people: the employee list, create, remove, assign courses."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from tortoise.expressions import Q

from admin_ui import web
from llp_gql.domain import access, accounts, enrollments, progress
from llp_gql.domain.passwords import check_password_rules
from llp_gql.errors import LLPError, NotFound, ValidationFailed
from llp_gql.models import Certificate, Course, CourseStatus, Enrollment, User

PAGE_SIZE = 20
MAX_QUERY = 100
ASSIGN_LIST_LIMIT = 500
EMPLOYEE_FIELDS = {"name", "email", "password"}


def search_term(request: Request) -> str:
    return web.query_text(request, "q", limit=MAX_QUERY)


@web.page(web.company_admin)
async def employee_list(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    q = search_term(request)
    query = User.filter(company_id=company.id)
    if q:
        query = query.filter(Q(name__icontains=q) | Q(email__icontains=q))
    pager = web.pager(request, await query.count(), PAGE_SIZE)
    people = await query.order_by("name", "id").offset(pager.offset).limit(pager.size)
    rows = await Enrollment.filter(learner_id__in=[p.id for p in people]).values(
        "learner_id", "completed_at"
    )
    counts: dict[int, list[int]] = {p.id: [0, 0] for p in people}
    for row in rows:
        counts[row["learner_id"]][0] += 1
        counts[row["learner_id"]][1] += row["completed_at"] is not None
    return web.render(
        request,
        "employees.html",
        {
            "company": company,
            "people": [(p, counts[p.id][0], counts[p.id][1]) for p in people],
            "q": q,
            "pager": pager,
            "company_size": await User.filter(company_id=company.id).count(),
        },
    )


def _check_employee_fields(email: str, name: str, password: str) -> dict[str, str]:
    """Every field's problem at once (the domain stops at the first)."""
    errors: dict[str, str] = {}
    for field, check in (
        ("name", lambda: accounts.clean_name(name)),
        ("email", lambda: accounts.clean_email(email)),
        ("password", lambda: check_password_rules(password)),
    ):
        try:
            check()
        except ValidationFailed as exc:
            errors[field] = exc.message
    return errors


@web.page(web.company_admin)
async def employee_new(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    if request.method == "GET":
        return web.render(
            request, "employee_new.html", {"company": company, "values": {}, "errors": {}}
        )
    form = await web.read_form(request)
    values = {
        "name": web.text(form, "name", limit=1000),
        "email": web.text(form, "email", limit=1000),
    }
    password = web.text(form, "password", limit=1000)
    errors = _check_employee_fields(values["email"], values["name"], password)
    if not errors:
        try:
            created = await accounts.create_employee(
                user, values["email"], values["name"], password
            )
        except LLPError as exc:
            errors = web.errors_of(exc, EMPLOYEE_FIELDS)
        else:
            return web.redirect(f"/admin/employees/{created.id}?done=employee-created")
    return web.render(
        request,
        "employee_new.html",
        {"company": company, "values": values, "errors": errors},
        status=422,
    )


async def _enrollment_rows(learner: User) -> list[dict[str, object]]:
    items = await Enrollment.filter(learner_id=learner.id).order_by("created_at")
    states = await progress.load_states(items)
    titles = {
        c.id: c.title
        for c in await Course.filter(id__in=[e.course_id for e in items]).only("id", "title")
    }
    certified = set(
        await web.ids(Certificate.filter(enrollment_id__in=[e.id for e in items]), "enrollment_id")
    )
    return [
        {
            "enrollment": e,
            "title": titles.get(e.course_id, "?"),
            "state": states[e.id],
            "certified": e.id in certified,
        }
        for e in items
    ]


@web.page(web.company_admin)
async def employee_detail(request: Request, user: User) -> Response:
    person = await access.access_employee(user, request.path_params["user_id"])
    return web.render(
        request,
        "employee.html",
        {"person": person, "rows": await _enrollment_rows(person), "is_self": person.id == user.id},
    )


@web.page(web.company_admin)
async def employee_remove(request: Request, user: User) -> Response:
    person = await access.access_employee(user, request.path_params["user_id"])
    error = None
    if request.method == "POST":
        try:
            await accounts.remove_employee(user, person.id, clock=web.clock_of(request))
        except LLPError as exc:
            error = exc.message
        else:
            return web.redirect("/admin/employees?done=employee-removed")
    rows = await _enrollment_rows(person)
    return web.render(
        request,
        "employee_remove.html",
        {
            "person": person,
            "enrollments": len(rows),
            "certificates": sum(1 for row in rows if row["certified"]),
            "is_self": person.id == user.id,
            "error": error,
        },
        status=422 if error else 200,
    )


# -- assigning courses ---------------------------------------------------------------------


async def _assign_context(
    request: Request, user: User, *, course_id: int | None, chosen: set[int], q: str
) -> dict[str, object]:
    company = await access.access_own_company(user)
    courses = await Course.filter(status=CourseStatus.PUBLISHED).order_by("title", "id")
    query = User.filter(company_id=company.id)
    if q:
        query = query.filter(Q(name__icontains=q) | Q(email__icontains=q))
    people = await query.order_by("name", "id").limit(ASSIGN_LIST_LIMIT)
    already: set[int] = set()
    if course_id is not None:
        already = set(
            await web.ids(
                Enrollment.filter(course_id=course_id, learner_id__in=[p.id for p in people]),
                "learner_id",
            )
        )
    return {
        "company": company,
        "courses": courses,
        "course_id": course_id,
        "people": people,
        "chosen": chosen,
        "already": already,
        "q": q,
        "truncated": len(people) == ASSIGN_LIST_LIMIT,
    }


@web.page(web.company_admin)
async def assign(request: Request, user: User) -> Response:
    if request.method == "GET":
        params = request.query_params
        # "employee" from links ("Assign" on a person), "employees" from htmx refreshes
        # of the list, which keep the boxes already ticked.
        raw = [*params.getlist("employee"), *params.getlist("employees")]
        chosen = {i for i in map(web.int_or_none, raw) if i is not None}
        context = await _assign_context(
            request,
            user,
            course_id=web.int_or_none(params.get("course")),
            chosen=chosen,
            q=search_term(request),
        )
        return web.render(request, "assign.html", {**context, "errors": {}})
    form = await web.read_form(request)
    course_id = web.int_or_none(web.text(form, "course", limit=20))
    raw_ids = web.texts(form, "employees")
    ids = [i for i in map(web.int_or_none, raw_ids) if i is not None]
    errors: dict[str, str] = {}
    if course_id is None:
        errors["course"] = "Choose a course."
    if not raw_ids:
        errors["employees"] = "Choose at least one employee."
    if not errors:
        try:
            if len(ids) != len(raw_ids):
                raise NotFound("User")
            await enrollments.assign_course(
                user, course_id or 0, ids, max_users=web.settings_of(request).max_assign_users
            )
        except NotFound as exc:
            errors = (
                {"course": "Choose one of the published courses."}
                if exc.message.startswith("Course")
                else {"employees": "Choose people of your company only."}
            )
        except LLPError as exc:
            field = {"userIds": "employees"}.get(exc.field or "", "course")
            errors = {field: exc.message}
        else:
            return web.redirect("/admin/progress?done=assigned")
    context = await _assign_context(request, user, course_id=course_id, chosen=set(ids), q="")
    return web.render(request, "assign.html", {**context, "errors": errors}, status=422)
