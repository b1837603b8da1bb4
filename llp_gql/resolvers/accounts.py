"""Sign-up, login, logout, companies and employees."""

from __future__ import annotations

import strawberry

from llp_gql.domain import accounts, auth
from llp_gql.schema.accounts import AuthPayload, CompanyType, UserType
from llp_gql.schema.context import Info
from llp_gql.schema.ids import decode_id


def _payload(issued: auth.Issued) -> AuthPayload:
    return AuthPayload(
        token=issued.token, expires_at=issued.expires_at, user=UserType.from_model(issued.user)
    )


async def sign_up(info: Info, email: str, password: str, name: str) -> AuthPayload:
    context = info.context
    user = await accounts.sign_up(
        email,
        password,
        name,
        settings=context.settings,
        client_address=context.client_address,
        clock=context.clock,
    )
    return _payload(await auth.issue_token(user, settings=context.settings, clock=context.clock))


async def login(info: Info, email: str, password: str) -> AuthPayload:
    context = info.context
    issued = await auth.login(
        email,
        password,
        settings=context.settings,
        client_address=context.client_address,
        clock=context.clock,
    )
    return _payload(issued)


async def logout(info: Info) -> bool:
    return await auth.logout(info.context.token)


async def change_password(info: Info, current_password: str, new_password: str) -> bool:
    context = info.context
    await auth.change_password(
        context.viewer,
        current_password,
        new_password,
        keep_token=context.token,
        settings=context.settings,
        clock=context.clock,
    )
    return True


async def logout_everywhere(info: Info) -> bool:
    _ = await auth.logout_everywhere(info.context.viewer, clock=info.context.clock)
    return True


async def me(info: Info) -> UserType | None:
    viewer = info.context.viewer
    return UserType.from_model(viewer) if viewer else None


async def company(info: Info) -> CompanyType | None:
    """The caller's own company; None for people without one."""
    viewer = info.context.viewer
    if viewer is None or viewer.company_id is None:
        return None
    row = await info.context.loaders.company.load(viewer.company_id)
    return CompanyType.from_model(row) if row else None


async def create_employee(info: Info, email: str, name: str, password: str) -> UserType:
    return UserType.from_model(
        await accounts.create_employee(info.context.viewer, email, name, password)
    )


async def remove_employee(info: Info, user_id: strawberry.ID) -> bool:
    context = info.context
    await accounts.remove_employee(context.viewer, decode_id("User", user_id), clock=context.clock)
    return True


async def delete_my_account(info: Info, password: str) -> bool:
    context = info.context
    await accounts.delete_my_account(context.viewer, password, clock=context.clock)
    return True


async def create_company(
    info: Info, name: str, admin_email: str, admin_name: str, admin_password: str
) -> CompanyType:
    row = await accounts.create_company(
        info.context.viewer, name, admin_email, admin_name, admin_password
    )
    return CompanyType.from_model(row)
