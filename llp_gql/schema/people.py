"""The Company Admins' mutations about people: invite, import, groups, leavers, admins,
renames. ``Mutation`` (schema/root.py) inherits them; bodies in resolvers/."""

from __future__ import annotations

import strawberry

from llp_gql.resolvers import accounts as account_resolvers
from llp_gql.resolvers import groups as group_resolvers
from llp_gql.resolvers import imports as import_resolvers
from llp_gql.schema.accounts import UserType
from llp_gql.schema.groups import GroupType
from llp_gql.schema.imports import ImportResult
from llp_gql.schema.wording import _LOGGED_IN, authenticated


@strawberry.type(description="Mutations about people (merged into Mutation).")
class PeopleMutations:
    create_group: GroupType = strawberry.mutation(
        resolver=group_resolvers.create_group,
        permission_classes=authenticated,
        description="Create an empty group (department) in your company. Company admins "
        "only (FORBIDDEN for others); VALIDATION (field name) for a bad name or past the "
        "company's group limit (extensions.limit GROUPS_PER_COMPANY); CONFLICT when the name "
        "is taken, whatever the case. Audited." + _LOGGED_IN,
    )
    rename_group: GroupType = strawberry.mutation(
        resolver=group_resolvers.rename_group,
        permission_classes=authenticated,
        description="Rename a group of your company. Company admins only (FORBIDDEN for "
        "others); NOT_FOUND for another company's group; VALIDATION and CONFLICT as for "
        "createGroup. Audited." + _LOGGED_IN,
    )
    delete_group: bool = strawberry.mutation(
        resolver=group_resolvers.delete_group,
        permission_classes=authenticated,
        description="Delete a group of your company. Its members stay, in no group; their "
        "enrollments are untouched. Company admins only (FORBIDDEN for others); NOT_FOUND "
        "for another company's group. Audited." + _LOGGED_IN,
    )
    set_employee_group: UserType = strawberry.mutation(
        resolver=group_resolvers.set_employee_group,
        permission_classes=authenticated,
        description="Put an employee of your company in one of its groups, or (groupId "
        "null) in none. Company admins only (FORBIDDEN for others); NOT_FOUND for another "
        "company's person or group. Audited." + _LOGGED_IN,
    )
    create_employee: UserType = strawberry.mutation(
        resolver=account_resolvers.create_employee,
        permission_classes=authenticated,
        description="Create an employee (a learner) in your company with a password you "
        "choose. For API clients that hand passwords over themselves; the admin UI invites "
        "instead (inviteEmployee), so that only the person knows their password. Company "
        "admins only (FORBIDDEN for others). VALIDATION names the field at fault; CONFLICT "
        "when the email already has an account." + _LOGGED_IN,
    )
    invite_employee: UserType = strawberry.mutation(
        resolver=account_resolvers.invite_employee,
        permission_classes=authenticated,
        description="Invite an employee (a learner) to your company: the account is created "
        "at once without a password (User.invitationPending) and a mail with a single-use "
        "link valid for LLP_INVITATION_TTL_SECONDS (7 days by default) lets them choose it. "
        "Company admins only (FORBIDDEN for others). VALIDATION names the field at fault; "
        "CONFLICT when the email already has an account; NOT_FOUND for a group that is not "
        "your company's; RATE_LIMITED with extensions.limit INVITATIONS_PER_ADMIN beyond "
        "LLP_INVITATIONS_PER_ADMIN_PER_HOUR invitations and resends within an hour." + _LOGGED_IN,
    )
    resend_invitation: UserType = strawberry.mutation(
        resolver=account_resolvers.resend_invitation,
        permission_classes=authenticated,
        description="Mail an invited employee a fresh invitation link (earlier links keep "
        "working until they expire). Company admins only; NOT_FOUND for anyone who is not "
        "an employee of your company; VALIDATION (field userId) when the person has set "
        "their password already or is deactivated; RATE_LIMITED with extensions.limit "
        "INVITATION_RESENDS_PER_PERSON (LLP_INVITATION_RESENDS_PER_PERSON_PER_HOUR, 3 by "
        "default) or INVITATIONS_PER_ADMIN." + _LOGGED_IN,
    )
    import_employees: ImportResult = strawberry.mutation(
        resolver=import_resolvers.import_employees,
        permission_classes=authenticated,
        description="Preview (dryRun, the default) or apply a CSV of employees for your "
        "company: new people are invited by mail, names and groups updated, courses "
        "assigned. Company admins only (FORBIDDEN for others). Applying is all or nothing "
        "and idempotent: a file with any ERROR row stores nothing (VALIDATION with "
        "extensions.reason HAS_ERRORS); a concurrent change of the same people answers "
        "CONFLICT. A file that cannot be read is VALIDATION with extensions.reason NOT_UTF8, "
        "EMPTY_FILE, NO_HEADER, MISSING_COLUMN, DUPLICATE_COLUMN or UNREADABLE_CSV; limits "
        "answer IMPORT_FILE_TOO_LARGE (LLP_IMPORT_MAX_BYTES) and IMPORT_TOO_MANY_ROWS "
        "(LLP_IMPORT_MAX_ROWS). The request body limit (LLP_MAX_BODY_BYTES, BODY_TOO_LARGE) "
        "applies as to any request; larger files go through the admin UI's upload." + _LOGGED_IN,
    )
    remove_employee: bool = strawberry.mutation(
        resolver=account_resolvers.remove_employee,
        permission_classes=authenticated,
        description="Erase an employee of your company with all their enrollments, progress "
        "and certificates (whose codes then verify as WITHDRAWN). Company admins only; "
        "NOT_FOUND for anyone who is not an employee of your company; VALIDATION for "
        "yourself (ask another admin)." + _LOGGED_IN,
    )
    deactivate_employee: UserType = strawberry.mutation(
        resolver=account_resolvers.deactivate_employee,
        permission_classes=authenticated,
        description="A person of your company left: they can no longer sign in (every "
        "session and API token ends at once, pending password and invitation links are "
        "spent), get no new assignment and make no progress; their enrollments, progress "
        "and certificates stay with the company (listed, exported, downloadable by its "
        "admins). Audited. Deactivating a deactivated person changes nothing. Company admins "
        "only (FORBIDDEN for others); NOT_FOUND for anyone not of your company; VALIDATION "
        "for yourself (ask another admin); CONFLICT for the last active admin." + _LOGGED_IN,
    )
    reactivate_employee: UserType = strawberry.mutation(
        resolver=account_resolvers.reactivate_employee,
        permission_classes=authenticated,
        description="Give a deactivated person of your company access again: they sign in "
        "with their old password and keep their role. Audited. Reactivating an active person "
        "changes nothing. Company admins only (FORBIDDEN for others); NOT_FOUND for anyone "
        "not of your company." + _LOGGED_IN,
    )
    set_company_admin: UserType = strawberry.mutation(
        resolver=account_resolvers.set_company_admin,
        permission_classes=authenticated,
        description="Make a person of your company a company admin (isAdmin: true) or take "
        "the role away (false; yourself included). The role is checked on every request, so "
        "it takes effect at once. Audited. Company admins only (FORBIDDEN for others); "
        "NOT_FOUND for anyone not of your company; VALIDATION to promote a deactivated "
        "person; CONFLICT when it would leave the company without an active admin, also "
        "when two admins demote each other at the same moment." + _LOGGED_IN,
    )
    rename_user: UserType = strawberry.mutation(
        resolver=account_resolvers.rename_user,
        permission_classes=authenticated,
        description="Correct a person's name: anyone their own, company admins those of "
        "their company's people. Certificates already issued keep the name printed on them; "
        "new ones carry the new name. Audited (without the names). VALIDATION (field name) "
        "for a name the rules refuse; NOT_FOUND for anyone else." + _LOGGED_IN,
    )
