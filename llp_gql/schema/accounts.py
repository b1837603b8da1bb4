"""User, Company and the login payload."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from llp_gql.domain import api_keys as domain_api_keys
from llp_gql.domain import groups as domain_groups
from llp_gql.domain.deadlines import with_overdue
from llp_gql.domain.invitations import is_pending
from llp_gql.domain.state import with_status
from llp_gql.models import Company, Enrollment, User
from llp_gql.schema.context import Info
from llp_gql.schema.enums import AccountType, EnrollmentStatus, Role
from llp_gql.schema.groups import GroupType
from llp_gql.schema.ids import decode_id, encode_id
from llp_gql.schema.pagination import After, Connection, First, paginate
from llp_gql.schema.permissions import CanManageApiKeys, CanManageCompany

if TYPE_CHECKING:
    from llp_gql.schema.api_keys import ApiKeyType
    from llp_gql.schema.learning import EnrollmentType
    from llp_gql.schema.reports import ReportSubscriptionType

EnrollmentRef = Annotated["EnrollmentType", strawberry.lazy("llp_gql.schema.learning")]
ApiKeyRef = Annotated["ApiKeyType", strawberry.lazy("llp_gql.schema.api_keys")]
SubscriptionRef = Annotated["ReportSubscriptionType", strawberry.lazy("llp_gql.schema.reports")]
GroupFilter = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Only people in this group of the company (Group.id); another company's "
        "group or a malformed ID answers NOT_FOUND."
    ),
]


async def _group_pk(info: Info, group_id: strawberry.ID | None) -> int | None:
    if group_id is None:
        return None
    group = await domain_groups.group_of(info.context.viewer, decode_id("Group", group_id))
    return group.id if group else None


@strawberry.type(
    name="Company",
    description="A customer organisation: its admins assign courses to its employees and "
    "keep their certificates. Visible to its own people (User.company, Query.company); "
    "its lists are for its admins only.",
)
class CompanyType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the company.")
    name: str = strawberry.field(description="The company's name (unique).")
    has_logo: bool = strawberry.field(
        description="Whether the company has a logo; it is printed on the certificates of "
        "the courses it assigned."
    )
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: Company) -> CompanyType:
        return cls(
            id=strawberry.ID(encode_id("Company", row.id)),
            name=row.name,
            has_logo=row.logo_updated_at is not None,
            pk=row.id,
        )

    @strawberry.field(
        permission_classes=[CanManageCompany],
        description="Everyone in the company, admins included, oldest account first, "
        "optionally of one group; people who left (deactivated) too, unless `active` says "
        "otherwise. For this company's admins; FORBIDDEN for everyone else.",
    )
    async def employees(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        group_id: GroupFilter = None,
        active: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only active people; false: only those who left "
                "(deactivated); null or absent: everyone."
            ),
        ] = None,
    ) -> Connection[UserType]:
        query = User.filter(company_id=self.pk)
        group_pk = await _group_pk(info, group_id)
        if group_pk is not None:
            query = query.filter(group_id=group_pk)
        if active is not None:
            query = query.filter(deactivated_at__isnull=active)
        users = await paginate(
            query,
            first=first,
            after=after,
            maximum=info.context.settings.max_page_size,
            convert=lambda rows: [UserType.from_model(r) for r in rows],
        )
        return users

    @strawberry.field(
        permission_classes=[CanManageCompany],
        description="The enrollments this company assigned, oldest first, optionally "
        "filtered. For this company's admins; FORBIDDEN for everyone else.",
    )
    async def enrollments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        course_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only enrollments in this course; a malformed ID answers NOT_FOUND."
            ),
        ] = None,
        status: Annotated[
            EnrollmentStatus | None,
            strawberry.argument(description="Only enrollments with this status."),
        ] = None,
        group_id: GroupFilter = None,
        overdue: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only overdue enrollments (due date passed, not completed); "
                "false: only the others; omitted: all."
            ),
        ] = None,
    ) -> Connection[EnrollmentRef]:
        from llp_gql.schema.learning import EnrollmentType

        query = Enrollment.filter(company_id=self.pk)
        if course_id is not None:
            query = query.filter(course_id=decode_id("Course", course_id))
        if status is not None:
            query = with_status(query, status)
        group_pk = await _group_pk(info, group_id)
        if group_pk is not None:
            query = query.filter(learner__group_id=group_pk)
        if overdue is not None:
            query = with_overdue(query, overdue, info.context.clock())
        return await paginate(
            query,
            first=first,
            after=after,
            maximum=info.context.settings.max_page_size,
            convert=lambda rows: [EnrollmentType.from_model(r) for r in rows],
        )

    @strawberry.field(
        permission_classes=[CanManageCompany],
        description="The company's groups (departments), by name, with their member counts. "
        "For this company's admins; FORBIDDEN for everyone else.",
    )
    async def groups(self, info: Info) -> list[GroupType]:
        rows = await domain_groups.groups_with_counts(info.context.viewer)
        return [GroupType.from_model(r.group, members=r.members) for r in rows]

    @strawberry.field(
        permission_classes=[CanManageApiKeys],
        description="The company's API keys, newest first, revoked ones included. For this "
        "company's admins; FORBIDDEN for everyone else and for API keys.",
    )
    async def api_keys(self, info: Info) -> list[ApiKeyRef]:
        from llp_gql.schema.api_keys import ApiKeyType

        rows = await domain_api_keys.list_keys(info.context.viewer)
        return [ApiKeyType.from_model(row) for row in rows]


@strawberry.type(
    name="User",
    description="A person with an account. You see yourself (Query.me), the learners of "
    "enrollments you may see, and, as a company admin, your company's people.",
)
class UserType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the person.")
    email: str = strawberry.field(description="The login email, lower-cased; unique.")
    name: str = strawberry.field(
        description="The name as it is printed on new certificates (issued ones keep the "
        "name they were issued with)."
    )
    account_type: AccountType = strawberry.field(description="Individual or employee of a company.")
    role: Role = strawberry.field(description="Learner, company admin or staff.")
    is_active: bool = strawberry.field(
        description="False once a company admin deactivated the person (they left the "
        "company): no sign-in, no new assignment, while their enrollments and certificates "
        "stay with the company. True otherwise."
    )
    deactivated_at: datetime | None = strawberry.field(
        description="When the person was deactivated; null while active."
    )
    invitation_pending: bool = strawberry.field(
        description="True while the person was invited and has not yet chosen a password "
        "through the mailed link (they cannot sign in until then); see resendInvitation."
    )
    company_pk: strawberry.Private[int | None]
    group_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: User) -> UserType:
        return cls(
            id=strawberry.ID(encode_id("User", row.id)),
            email=row.email,
            name=row.name,
            account_type=row.account_type,
            role=row.role,
            is_active=row.deactivated_at is None,
            deactivated_at=row.deactivated_at,
            invitation_pending=is_pending(row),
            company_pk=row.company_id,
            group_pk=row.group_id,
        )

    @strawberry.field(
        description="The company the person belongs to; null for individuals and staff."
    )
    async def company(self, info: Info) -> CompanyType | None:
        if self.company_pk is None:
            return None
        row = await info.context.loaders.company.load(self.company_pk)
        return CompanyType.from_model(row) if row else None

    @strawberry.field(
        description="Your weekly report mails (read it on Query.me). Empty for anyone "
        "else, and for people who may not receive them (only company admins may)."
    )
    async def report_subscriptions(self, info: Info) -> list[SubscriptionRef]:
        from llp_gql.domain import report_subscriptions
        from llp_gql.schema.reports import ReportSubscriptionType

        viewer = info.context.viewer
        if viewer is None or encode_id("User", viewer.id) != self.id:
            return []
        rows = await report_subscriptions.subscriptions_of(viewer)
        return [ReportSubscriptionType.from_model(row) for row in rows]

    @strawberry.field(
        description="The person's group (department) in their company; null when none."
    )
    async def group(self, info: Info) -> GroupType | None:
        if self.group_pk is None:
            return None
        row = await info.context.loaders.group.load(self.group_pk)
        return GroupType.from_model(row) if row else None


@strawberry.type(description="What signUp and login answer: a bearer token and its person.")
class AuthPayload:
    token: str = strawberry.field(
        description="Send it on every request as `Authorization: Bearer <token>` until "
        "expiresAt; keep it secret. logout and logoutEverywhere end it, and so does a "
        "password change made with another token."
    )
    expires_at: datetime = strawberry.field(
        description="When the token stops working (7 days after issue by default); log in "
        "again then."
    )
    user: UserType = strawberry.field(description="The person the token belongs to.")
