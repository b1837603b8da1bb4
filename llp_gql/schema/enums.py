"""GraphQL enums, mirroring the domain's StrEnums one for one."""

from __future__ import annotations

import strawberry

from llp_gql.domain.certificates import VerificationStatus as _VerificationStatus
from llp_gql.domain.state import BlockerReason as _BlockerReason
from llp_gql.domain.state import EnrollmentStatus as _EnrollmentStatus
from llp_gql.models import AccountType as _AccountType
from llp_gql.models import CourseStatus as _CourseStatus
from llp_gql.models import EnrollmentSource as _EnrollmentSource
from llp_gql.models import LessonKind as _LessonKind
from llp_gql.models import LessonStatus as _LessonStatus
from llp_gql.models import Role as _Role

AccountType = strawberry.enum(_AccountType, name="AccountType")
Role = strawberry.enum(_Role, name="Role")
CourseStatus = strawberry.enum(_CourseStatus, name="CourseStatus")
LessonKind = strawberry.enum(_LessonKind, name="LessonKind")
EnrollmentSource = strawberry.enum(_EnrollmentSource, name="EnrollmentSource")
EnrollmentStatus = strawberry.enum(_EnrollmentStatus, name="EnrollmentStatus")
LessonStatus = strawberry.enum(_LessonStatus, name="LessonStatus")
BlockerReason = strawberry.enum(_BlockerReason, name="BlockerReason")
VerificationStatus = strawberry.enum(_VerificationStatus, name="VerificationStatus")
