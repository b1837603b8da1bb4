"""User, Company and the login payload."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from llp_gql.domain.state import with_status
from llp_gql.models import Company, Enrollment, User
from llp_gql.schema.context import Info
from llp_gql.schema.enums import AccountType, EnrollmentStatus, Role
from llp_gql.schema.ids import decode_id, encode_id
from llp_gql.schema.pagination import Connection, paginate
from llp_gql.schema.permissions import CanManageCompany

if TYPE_CHECKING:
    from llp_gql.schema.learning import EnrollmentType

EnrollmentRef = Annotated["EnrollmentType", strawberry.lazy("llp_gql.schema.learning")]


@strawberry.type(name="Company")
class CompanyType:
    id: strawberry.ID
    name: str
    has_logo: bool
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: Company) -> CompanyType:
        return cls(
            id=strawberry.ID(encode_id("Company", row.id)),
            name=row.name,
            has_logo=row.logo_updated_at is not None,
            pk=row.id,
        )

    @strawberry.field(permission_classes=[CanManageCompany])
    async def employees(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[UserType]:
        users = await paginate(
            User.filter(company_id=self.pk),
            first=first,
            after=after,
            maximum=info.context.settings.max_page_size,
            convert=lambda rows: [UserType.from_model(r) for r in rows],
        )
        return users

    @strawberry.field(permission_classes=[CanManageCompany])
    async def enrollments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        course_id: strawberry.ID | None = None,
        status: EnrollmentStatus | None = None,
    ) -> Connection[EnrollmentRef]:
        from llp_gql.schema.learning import EnrollmentType

        query = Enrollment.filter(company_id=self.pk)
        if course_id is not None:
            query = query.filter(course_id=decode_id("Course", course_id))
        if status is not None:
            query = with_status(query, status)
        return await paginate(
            query,
            first=first,
            after=after,
            maximum=info.context.settings.max_page_size,
            convert=lambda rows: [EnrollmentType.from_model(r) for r in rows],
        )


@strawberry.type(name="User")
class UserType:
    id: strawberry.ID
    email: str
    name: str
    account_type: AccountType
    role: Role
    company_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: User) -> UserType:
        return cls(
            id=strawberry.ID(encode_id("User", row.id)),
            email=row.email,
            name=row.name,
            account_type=row.account_type,
            role=row.role,
            company_pk=row.company_id,
        )

    @strawberry.field
    async def company(self, info: Info) -> CompanyType | None:
        if self.company_pk is None:
            return None
        row = await info.context.loaders.company.load(self.company_pk)
        return CompanyType.from_model(row) if row else None


@strawberry.type
class AuthPayload:
    token: str
    expires_at: datetime
    user: UserType
