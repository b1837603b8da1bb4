"""Sign-up, login, logout, companies and employees."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import accounts, auth, inviting, membership, password_reset
from llp_gql.domain.principals import is_person
from llp_gql.schema.accounts import AuthPayload, CompanyType, UserType
from llp_gql.schema.context import Info
from llp_gql.schema.ids import decode_id

_STRENGTH_RULE = (
    "At least 12 and at most 256 characters, and not a common password; otherwise "
    "VALIDATION with extensions.reason TOO_SHORT, TOO_LONG or COMMON."
)
Email = Annotated[
    str,
    strawberry.argument(
        description="An email address; case and surrounding spaces do not matter. Unique "
        "across all accounts."
    ),
]
Name = Annotated[
    str,
    strawberry.argument(
        description="The person's name as it should be printed on certificates (any script; "
        "1 to 200 characters, runs of spaces collapsed)."
    ),
]
NewPassword = Annotated[str, strawberry.argument(description=_STRENGTH_RULE)]


def _payload(issued: auth.Issued) -> AuthPayload:
    return AuthPayload(
        token=issued.token, expires_at=issued.expires_at, user=UserType.from_model(issued.user)
    )


async def sign_up(info: Info, email: Email, password: NewPassword, name: Name) -> AuthPayload:
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


async def login(
    info: Info,
    email: Annotated[str, strawberry.argument(description="The account's email.")],
    password: Annotated[str, strawberry.argument(description="The account's password.")],
) -> AuthPayload:
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


async def change_password(
    info: Info,
    current_password: Annotated[
        str, strawberry.argument(description="The password in use now, to prove it is you.")
    ],
    new_password: Annotated[
        str, strawberry.argument(description=f"The password to use from now on. {_STRENGTH_RULE}")
    ],
) -> bool:
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


async def request_password_reset(
    info: Info,
    email: Annotated[
        str,
        strawberry.argument(
            description="The email of the account whose password is forgotten; case and "
            "surrounding spaces do not matter."
        ),
    ],
) -> bool:
    context = info.context
    await password_reset.request_reset(
        email,
        settings=context.settings,
        client_address=context.client_address,
        clock=context.clock,
    )
    return True


async def set_password(
    info: Info,
    token: Annotated[
        str,
        strawberry.argument(
            description="The token from the reset link (the `token` query parameter of "
            "/learn/reset?token=...)."
        ),
    ],
    password: Annotated[
        str, strawberry.argument(description=f"The password to use from now on. {_STRENGTH_RULE}")
    ],
) -> bool:
    context = info.context
    _ = await password_reset.reset_password(
        token, password, settings=context.settings, clock=context.clock
    )
    return True


async def logout_everywhere(info: Info) -> bool:
    _ = await auth.logout_everywhere(info.context.viewer, clock=info.context.clock)
    return True


async def me(info: Info) -> UserType | None:
    viewer = info.context.viewer
    # An API key is no person: it has no "me" (its company is Query.company).
    return UserType.from_model(viewer) if viewer and is_person(viewer) else None


async def company(info: Info) -> CompanyType | None:
    """The caller's own company; None for people without one."""
    viewer = info.context.viewer
    if viewer is None or viewer.company_id is None:
        return None
    row = await info.context.loaders.company.load(viewer.company_id)
    return CompanyType.from_model(row) if row else None


async def create_employee(
    info: Info,
    email: Email,
    name: Name,
    password: Annotated[
        str,
        strawberry.argument(
            description="The employee's first password, to hand over to them (API clients "
            f"only; inviteEmployee lets the person choose it). {_STRENGTH_RULE}"
        ),
    ],
) -> UserType:
    return UserType.from_model(
        await accounts.create_employee(info.context.viewer, email, name, password)
    )


async def invite_employee(
    info: Info,
    email: Email,
    name: Name,
    group_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="A group of your company to put the employee in; NOT_FOUND for a "
            "group that does not exist or is another company's."
        ),
    ] = None,
) -> UserType:
    context = info.context
    user = await inviting.invite_employee(
        context.viewer,
        email,
        name,
        decode_id("Group", group_id) if group_id is not None else None,
        settings=context.settings,
        clock=context.clock,
    )
    return UserType.from_model(user)


async def resend_invitation(
    info: Info,
    user_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The invited employee (User.id)."),
    ],
) -> UserType:
    context = info.context
    user = await inviting.resend_invitation(
        context.viewer,
        decode_id("User", user_id),
        settings=context.settings,
        clock=context.clock,
    )
    return UserType.from_model(user)


async def remove_employee(
    info: Info,
    user_id: Annotated[
        strawberry.ID, strawberry.argument(description="The employee to remove (User.id).")
    ],
) -> bool:
    context = info.context
    await accounts.remove_employee(
        context.viewer, decode_id("User", user_id), clock=context.clock, settings=context.settings
    )
    return True


async def delete_my_account(
    info: Info,
    password: Annotated[
        str, strawberry.argument(description="Your current password, to confirm the deletion.")
    ],
) -> bool:
    context = info.context
    await accounts.delete_my_account(
        context.viewer, password, clock=context.clock, settings=context.settings
    )
    return True


async def create_company(
    info: Info,
    name: Annotated[
        str,
        strawberry.argument(
            description="The company's name (1 to 200 characters); unique, else CONFLICT."
        ),
    ],
    admin_email: Annotated[
        str,
        strawberry.argument(description="The first admin's email; unique, else CONFLICT."),
    ],
    admin_name: Annotated[str, strawberry.argument(description="The first admin's name.")],
    admin_password: Annotated[
        str | None,
        strawberry.argument(
            description="Leave it out (the usual way, and the admin UI's): the first admin is "
            "invited by mail and chooses their own password. Given, it is their password, to "
            f"hand over to them (API clients only). {_STRENGTH_RULE}"
        ),
    ] = None,
) -> CompanyType:
    context = info.context
    row = await accounts.create_company(
        context.viewer, name, admin_email, admin_name, admin_password, clock=context.clock
    )
    return CompanyType.from_model(row)


UserId = Annotated[strawberry.ID, strawberry.argument(description="The person (User.id).")]


async def deactivate_employee(info: Info, user_id: UserId) -> UserType:
    context = info.context
    row = await membership.deactivate_employee(
        context.viewer, decode_id("User", user_id), clock=context.clock
    )
    return UserType.from_model(row)


async def reactivate_employee(info: Info, user_id: UserId) -> UserType:
    context = info.context
    row = await membership.reactivate_employee(
        context.viewer, decode_id("User", user_id), clock=context.clock
    )
    return UserType.from_model(row)


async def set_company_admin(
    info: Info,
    user_id: UserId,
    is_admin: Annotated[
        bool,
        strawberry.argument(
            description="true: make the person a company admin; false: take the role away."
        ),
    ],
) -> UserType:
    context = info.context
    row = await membership.set_company_admin(
        context.viewer, decode_id("User", user_id), is_admin, clock=context.clock
    )
    return UserType.from_model(row)


async def rename_user(info: Info, user_id: UserId, name: Name) -> UserType:
    context = info.context
    row = await membership.rename_user(
        context.viewer, decode_id("User", user_id), name, clock=context.clock
    )
    return UserType.from_model(row)
