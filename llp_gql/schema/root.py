"""The Query and Mutation roots: names from DESIGN.md section 5, bodies in resolvers/."""

from __future__ import annotations

import strawberry
from strawberry.permission import BasePermission

from llp_gql.resolvers import accounts as account_resolvers
from llp_gql.resolvers import certificates as certificate_resolvers
from llp_gql.resolvers import courses as course_resolvers
from llp_gql.resolvers import learning as learning_resolvers
from llp_gql.schema.accounts import AuthPayload, CompanyType, UserType
from llp_gql.schema.certificates import CertificateVerificationType
from llp_gql.schema.courses import CourseType, LessonType
from llp_gql.schema.learning import (
    VIDEO_PROTOCOL,
    EnrollmentType,
    LessonProgressType,
    ProgressResult,
    QuizResult,
)
from llp_gql.schema.pagination import Connection
from llp_gql.schema.permissions import IsAuthenticated, IsStaff

# Fields anyone may call without logging in; the schema-walk test (R2) holds every
# other root field to a permission class.
PUBLIC_FIELDS = frozenset(
    {"me", "courses", "course", "verifyCertificate", "signUp", "login", "company"}
)

authenticated: list[type[BasePermission]] = [IsAuthenticated]
staff: list[type[BasePermission]] = [IsAuthenticated, IsStaff]


@strawberry.type
class Query:
    me: UserType | None = strawberry.field(resolver=account_resolvers.me)
    courses: Connection[CourseType] = strawberry.field(
        resolver=course_resolvers.list_courses, description="Published courses."
    )
    course: CourseType | None = strawberry.field(resolver=course_resolvers.get_course)
    my_enrollments: list[EnrollmentType] = strawberry.field(
        resolver=learning_resolvers.my_enrollments, permission_classes=authenticated
    )
    enrollment: EnrollmentType | None = strawberry.field(
        resolver=learning_resolvers.get_enrollment, permission_classes=authenticated
    )
    company: CompanyType | None = strawberry.field(
        resolver=account_resolvers.company, description="The caller's own company."
    )
    verify_certificate: CertificateVerificationType = strawberry.field(
        resolver=certificate_resolvers.verify_certificate, description="Public; rate-limited."
    )


@strawberry.type
class Mutation:
    sign_up: AuthPayload = strawberry.mutation(resolver=account_resolvers.sign_up)
    login: AuthPayload = strawberry.mutation(resolver=account_resolvers.login)
    logout: bool = strawberry.mutation(
        resolver=account_resolvers.logout, permission_classes=authenticated
    )
    change_password: bool = strawberry.mutation(
        resolver=account_resolvers.change_password,
        permission_classes=authenticated,
        description=(
            "Check the current password and set a new one (at least 12 characters, not a "
            "common password; errors name the field currentPassword or newPassword). Every "
            "other session and API token of the account ends; the one making this call stays "
            "valid."
        ),
    )
    logout_everywhere: bool = strawberry.mutation(
        resolver=account_resolvers.logout_everywhere,
        permission_classes=authenticated,
        description="End every session and API token of the account, this one included.",
    )
    enroll: EnrollmentType = strawberry.mutation(
        resolver=learning_resolvers.enroll, permission_classes=authenticated
    )
    assign_course: list[EnrollmentType] = strawberry.mutation(
        resolver=learning_resolvers.assign_course, permission_classes=authenticated
    )
    remove_enrollment: bool = strawberry.mutation(
        resolver=learning_resolvers.remove_enrollment, permission_classes=authenticated
    )
    create_employee: UserType = strawberry.mutation(
        resolver=account_resolvers.create_employee, permission_classes=authenticated
    )
    remove_employee: bool = strawberry.mutation(
        resolver=account_resolvers.remove_employee, permission_classes=authenticated
    )
    delete_my_account: bool = strawberry.mutation(
        resolver=account_resolvers.delete_my_account, permission_classes=authenticated
    )
    record_video_progress: ProgressResult = strawberry.mutation(
        resolver=learning_resolvers.record_video_progress,
        permission_classes=authenticated,
        description=VIDEO_PROTOCOL.strip(),
    )
    complete_lesson: ProgressResult = strawberry.mutation(
        resolver=learning_resolvers.complete_lesson, permission_classes=authenticated
    )
    submit_quiz: QuizResult = strawberry.mutation(
        resolver=learning_resolvers.submit_quiz, permission_classes=authenticated
    )
    grant_quiz_attempts: LessonProgressType = strawberry.mutation(
        resolver=learning_resolvers.grant_quiz_attempts,
        permission_classes=authenticated,
        description=(
            "Give a learner `extra` (1-10) more attempts at a quiz with a limit: admins for "
            "courses their company assigned, staff for anyone. Audited with the reason. "
            "Attempts count per learner and quiz across enrollments of the course: "
            "enrolling again gives none back."
        ),
    )
    create_company: CompanyType = strawberry.mutation(
        resolver=account_resolvers.create_company, permission_classes=staff
    )
    create_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.create_course, permission_classes=staff
    )
    add_lesson: LessonType = strawberry.mutation(
        resolver=course_resolvers.add_lesson, permission_classes=staff
    )
    publish_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.publish_course, permission_classes=staff
    )
    duplicate_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.duplicate_course, permission_classes=staff
    )
    archive_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.archive_course, permission_classes=staff
    )
