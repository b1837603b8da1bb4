"""GraphQL enums: the domain's own StrEnums, registered with strawberry.

``strawberry.enum`` marks the class itself, so the schema uses the domain's
enums directly: no conversion between layers, and mypy sees real types.
"""

from __future__ import annotations

import strawberry

from llp_gql.domain.certificates import VerificationStatus
from llp_gql.domain.state import BlockerReason, EnrollmentStatus
from llp_gql.models import (
    AccountType,
    CourseStatus,
    EnrollmentSource,
    LessonKind,
    LessonStatus,
    Role,
)

for _enum in (
    AccountType,
    Role,
    CourseStatus,
    LessonKind,
    EnrollmentSource,
    EnrollmentStatus,
    LessonStatus,
    BlockerReason,
    VerificationStatus,
):
    _ = strawberry.enum(_enum)

__all__ = [
    "AccountType",
    "BlockerReason",
    "CourseStatus",
    "EnrollmentSource",
    "EnrollmentStatus",
    "LessonKind",
    "LessonStatus",
    "Role",
    "VerificationStatus",
]
