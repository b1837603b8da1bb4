"""Logging in and out, tokens, and the company lists over GraphQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from tests.domain import assign, finish_before
from tests.factories import PASSWORD, World
from tests.gql import fails, gid, ok, post, token_for

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt } }"
ME = "{ me { email role accountType company { name } } }"


async def test_login_me_logout(client: httpx.AsyncClient, world: World) -> None:
    data = await ok(client, LOGIN, {"e": "ADMIN@acme.example ", "p": PASSWORD})
    token = data["login"]["token"]
    me = (await ok(client, ME, token=token))["me"]
    assert me == {
        "email": "admin@acme.example",
        "role": "COMPANY_ADMIN",
        "accountType": "EMPLOYEE",
        "company": {"name": "Acme Corp"},
    }
    assert (await ok(client, "mutation { logout }", token=token))["logout"] is True
    # the token is dead: the caller is anonymous again
    assert (await ok(client, ME, token=token))["me"] is None
    await fails(client, "UNAUTHENTICATED", "mutation { logout }", token=token)


async def test_wrong_password_and_unknown_user_look_the_same(
    client: httpx.AsyncClient, world: World
) -> None:
    wrong = await fails(
        client, "UNAUTHENTICATED", LOGIN, {"e": "admin@acme.example", "p": "not the password"}
    )
    unknown = await fails(
        client, "UNAUTHENTICATED", LOGIN, {"e": "nobody@acme.example", "p": "not the password"}
    )
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_tokens_expire(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    token = (await ok(client, LOGIN, {"e": "ann@mail.example", "p": PASSWORD}))["login"]["token"]
    clock.advance(settings.token_ttl_seconds + 1)
    assert (await ok(client, ME, token=token))["me"] is None
    await fails(client, "UNAUTHENTICATED", "{ myEnrollments { id } }", token=token)


async def test_sign_up_refuses_bad_input_and_stores_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    signup = (
        "mutation($e: String!, $p: String!, $n: String!) { signUp(email: $e, "
        "password: $p, name: $n) { token } }"
    )
    await fails(client, "VALIDATION", signup, {"e": "not-an-email", "p": PASSWORD, "n": "X"})
    await fails(client, "VALIDATION", signup, {"e": "x@mail.example", "p": "short", "n": "X"})
    await fails(client, "VALIDATION", signup, {"e": "x@mail.example", "p": PASSWORD, "n": "  "})
    await fails(client, "CONFLICT", signup, {"e": "Ann@Mail.example", "p": PASSWORD, "n": "A"})
    assert (await post(client, LOGIN, {"e": "x@mail.example", "p": PASSWORD}))["errors"]


async def test_company_enrollments_filter_by_status_and_course(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    done = await assign(world, world.employee_x)
    await finish_before(world.employee_x, done, 99, clock=clock, settings=settings)
    started = await assign(world, world.employee_x2)
    await finish_before(world.employee_x2, started, 2, clock=clock, settings=settings)
    admin = await token_for(world.admin_x, settings)
    query = """query($s: EnrollmentStatus, $c: ID) { company { enrollments(status: $s,
      courseId: $c) { totalCount edges { node { id status } } } } }"""
    for status, expected in [("COMPLETED", done.id), ("IN_PROGRESS", started.id)]:
        page = (await ok(client, query, {"s": status}, admin))["company"]["enrollments"]
        assert page["totalCount"] == 1
        assert page["edges"][0]["node"] == {"id": gid("Enrollment", expected), "status": status}
    none = await ok(client, query, {"s": "NOT_STARTED"}, admin)
    assert none["company"]["enrollments"]["totalCount"] == 0
    other_course = await ok(client, query, {"c": gid("Course", world.draft.id)}, admin)
    assert other_course["company"]["enrollments"]["totalCount"] == 0


async def test_pages_are_capped(client: httpx.AsyncClient, world: World) -> None:
    await fails(client, "PAGE_TOO_LARGE", "{ courses(first: 101) { totalCount } }")
    await fails(client, "PAGE_TOO_LARGE", "{ courses(first: 99999999) { totalCount } }")
    await fails(client, "VALIDATION", "{ courses(first: -1) { totalCount } }")
    await fails(client, "VALIDATION", '{ courses(after: "garbage") { totalCount } }')


async def test_browser_session_counts_only_from_our_own_origin(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    from llp_gql.auth_middleware import SESSION_COOKIE
    from llp_gql.domain import auth

    session = await auth.issue_token(world.admin_x, settings=settings, kind=auth.SESSION)
    client.cookies.set(SESSION_COOKIE, session.token, domain="llp.example")
    query = {"query": "{ me { email } }"}
    ours = await client.post("/graphql", json=query, headers={"Origin": "https://llp.example"})
    assert ours.json()["data"]["me"] == {"email": "admin@acme.example"}
    theirs = await client.post("/graphql", json=query, headers={"Origin": "https://evil.example"})
    assert theirs.json()["data"]["me"] is None
    # an API token is not a session: the cookie path never accepts it
    api = await auth.issue_token(world.admin_x, settings=settings)
    client.cookies.set(SESSION_COOKIE, api.token, domain="llp.example")
    assert (await client.post("/graphql", json=query)).json()["data"]["me"] is None


async def test_nul_characters_are_refused_not_stored(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    signup = (
        "mutation($e: String!, $p: String!, $n: String!) { signUp(email: $e, "
        "password: $p, name: $n) { token } }"
    )
    await fails(client, "VALIDATION", signup, {"e": "a\x00b@mail.example", "p": PASSWORD, "n": "A"})
    await fails(client, "VALIDATION", signup, {"e": "ab@mail.example", "p": PASSWORD, "n": "A\x00"})
    staff = await token_for(world.staff, settings)
    await fails(
        client,
        "VALIDATION",
        'mutation($d: String) { createCourse(title: "T", description: $d) { id } }',
        {"d": "bad\x00text"},
        staff,
    )
    login = await post(client, LOGIN, {"e": "x\x00@mail.example", "p": PASSWORD})
    assert login["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_enrollment_state_is_computed_once_per_enrollment(
    client: httpx.AsyncClient, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llp_gql.domain import state as domain_state

    enrollment = await assign(world)
    calls: list[int] = []
    real = domain_state.compute_state

    def counting(*args: Any, **kwargs: Any) -> domain_state.EnrollmentState:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(domain_state, "compute_state", counting)
    token = await token_for(world.employee_x, settings)
    query = (
        "query($id: ID!) { enrollment(id: $id) { status progressPercent "
        "lessons { status } blockers { reason } } }"
    )
    await ok(client, query, {"id": gid("Enrollment", enrollment.id)}, token)
    assert len(calls) == 1
