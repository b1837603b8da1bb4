"""The Query and Mutation roots: names from DESIGN.md section 5, bodies in resolvers/."""

from __future__ import annotations

import strawberry

from llp_gql.resolvers import accounts as account_resolvers
from llp_gql.resolvers import api_keys as key_resolvers
from llp_gql.resolvers import certificates as certificate_resolvers
from llp_gql.resolvers import courses as course_resolvers
from llp_gql.resolvers import credentials as credential_resolvers
from llp_gql.resolvers import learning as learning_resolvers
from llp_gql.resolvers import templates as template_resolvers
from llp_gql.schema.accounts import AuthPayload, CompanyType, UserType
from llp_gql.schema.api_keys import ApiKeyType
from llp_gql.schema.certificate_mutations import CertificateMutations
from llp_gql.schema.certificates import CertificateVerificationType
from llp_gql.schema.courses import CourseType, LessonType
from llp_gql.schema.credentials import CredentialVerificationType
from llp_gql.schema.key_mutations import KeyMutations
from llp_gql.schema.learning import (
    VIDEO_PROTOCOL,
    EnrollmentType,
    LessonProgressType,
    ProgressResult,
    QuizResult,
)
from llp_gql.schema.pagination import Connection
from llp_gql.schema.people import PeopleMutations
from llp_gql.schema.reports import ReportMutations
from llp_gql.schema.templates import CertificateTemplateType
from llp_gql.schema.webhook_fields import WebhookMutations, WebhookQueries
from llp_gql.schema.wording import _LEARNER, _LOGGED_IN, _STAFF, authenticated, staff

# Fields anyone may call without logging in; the schema-walk test (R2) holds every
# other root field to a permission class.
PUBLIC_FIELDS = frozenset(
    {
        "me",
        "courses",
        "course",
        "verifyCertificate",
        "verifyCredential",
        "signUp",
        "login",
        "company",
        "requestPasswordReset",
        "setPassword",
    }
)


@strawberry.type(
    description="What a client reads. Expected failures are GraphQL errors whose "
    "extensions.code is stable (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, VALIDATION, "
    "RATE_LIMITED, ...); anything unexpected is INTERNAL, with no detail. Another "
    "company's objects answer NOT_FOUND, exactly like IDs that do not exist. Every document "
    "is measured before it runs (depth, aliases, fields, cost) and a limit answers its own "
    "code. Authenticate with `Authorization: Bearer <token>` (see login)."
)
class Query(WebhookQueries):
    me: UserType | None = strawberry.field(
        resolver=account_resolvers.me,
        description="The person logged in; null without a login.",
    )
    courses: Connection[CourseType] = strawberry.field(
        resolver=course_resolvers.list_courses,
        description="The catalogue: published courses, oldest first. Public.",
    )
    course: CourseType | None = strawberry.field(
        resolver=course_resolvers.get_course,
        description="One course: published ones for anyone, drafts and archived ones for "
        "staff. NOT_FOUND for a course that does not exist or that you may not see.",
    )
    my_enrollments: list[EnrollmentType] = strawberry.field(
        resolver=learning_resolvers.my_enrollments,
        permission_classes=authenticated,
        description="Your own enrollments as a learner, oldest first: the learner's "
        "dashboard." + _LOGGED_IN,
    )
    enrollment: EnrollmentType | None = strawberry.field(
        resolver=learning_resolvers.get_enrollment,
        permission_classes=authenticated,
        description="One enrollment you may see: your own, one your company assigned (its "
        "admins), or any (staff, read-only). NOT_FOUND alike for one that does not exist and "
        "one you may not see." + _LOGGED_IN,
    )
    company: CompanyType | None = strawberry.field(
        resolver=account_resolvers.company,
        description="The caller's own company (its admins read their lists there); null "
        "without a login or without a company.",
    )
    api_keys: list[ApiKeyType] = strawberry.field(
        resolver=key_resolvers.api_keys_list,
        permission_classes=authenticated,
        description="The API keys you manage, newest first, revoked ones included: your "
        "company's for its admins, the platform's for staff; empty for everyone else (and "
        "for API keys)." + _LOGGED_IN,
    )
    certificate_template: CertificateTemplateType = strawberry.field(
        resolver=template_resolvers.certificate_template,
        permission_classes=authenticated,
        description="The certificate template you edit: the platform default for staff, "
        "your company's for company admins (FORBIDDEN for others)." + _LOGGED_IN,
    )
    verify_certificate: CertificateVerificationType = strawberry.field(
        resolver=certificate_resolvers.verify_certificate,
        description="Check a certificate's verification code. Public, no login needed; "
        "limited per address (30 a minute by default), beyond which RATE_LIMITED.",
    )
    verify_credential: CredentialVerificationType = strawberry.field(
        resolver=credential_resolvers.verify_credential,
        description="Check a presented Open Badges 3.0 credential (Certificate."
        "credentialUrl's file): its signature against this service's keys, validFrom and "
        "its status (withdrawn, replaced). Public; shares verifyCertificate's limit per "
        "address.",
    )


@strawberry.type(
    description="What a client changes. Errors as for Query; a mutation that fails stores "
    "nothing. Mutations of one document run one after the other."
)
class Mutation(
    PeopleMutations, KeyMutations, ReportMutations, WebhookMutations, CertificateMutations
):
    sign_up: AuthPayload = strawberry.mutation(
        resolver=account_resolvers.sign_up,
        description="Open an individual learner account and log in with it. Public; limited "
        "per address (RATE_LIMITED). VALIDATION names the field at fault (email, name, "
        "password); CONFLICT when the email already has an account.",
    )
    login: AuthPayload = strawberry.mutation(
        resolver=account_resolvers.login,
        description="Exchange an email and password for a bearer token. Public. "
        "UNAUTHENTICATED alike for an unknown email and a wrong password; RATE_LIMITED after "
        "too many attempts per address or per account within a minute.",
    )
    logout: bool = strawberry.mutation(
        resolver=account_resolvers.logout,
        permission_classes=authenticated,
        description="Revoke the bearer token this request was made with; true when it was "
        "revoked. Other sessions and tokens stay (see logoutEverywhere)." + _LOGGED_IN,
    )
    change_password: bool = strawberry.mutation(
        resolver=account_resolvers.change_password,
        permission_classes=authenticated,
        description=(
            "Check the current password and set a new one (at least 12 characters, not a "
            "common password; errors name the field currentPassword or newPassword). Every "
            "other session and API token of the account ends; the one making this call stays "
            "valid. Attempts count against the account's login limit (RATE_LIMITED)." + _LOGGED_IN
        ),
    )
    request_password_reset: bool = strawberry.mutation(
        resolver=account_resolvers.request_password_reset,
        description="Forgot your password? Mails a single-use link to /learn/reset?token=... "
        "that sets a new one (see setPassword); it is valid for LLP_RESET_TTL_SECONDS (an "
        "hour by default). Public. Always answers true, whether or not the email has an "
        "account, so it tells nobody which addresses do. VALIDATION (field email) for "
        "something that is not an email address; RATE_LIMITED with extensions.limit "
        "PASSWORD_RESET_PER_ADDRESS (too many requests from your address) or "
        "PASSWORD_RESET_PER_ACCOUNT (too many for this email) within a minute.",
    )
    set_password: bool = strawberry.mutation(
        resolver=account_resolvers.set_password,
        description="Set a new password with the token of a reset link (requestPasswordReset) "
        "or set the first one with an invitation's (inviteEmployee). "
        "Public. The link is spent, with any other pending link of the account, and every "
        "session and API token of the account ends: log in again with the new password. "
        "VALIDATION with field token and extensions.reason UNKNOWN, USED, EXPIRED or "
        "DEACTIVATED for a link that cannot be used; VALIDATION with field password and a "
        "reason (TOO_SHORT, TOO_LONG, COMMON) for a password the policy refuses, which "
        "leaves the link usable.",
    )
    logout_everywhere: bool = strawberry.mutation(
        resolver=account_resolvers.logout_everywhere,
        permission_classes=authenticated,
        description="End every session and API token of the account, this one included."
        + _LOGGED_IN,
    )
    enroll: EnrollmentType = strawberry.mutation(
        resolver=learning_resolvers.enroll,
        permission_classes=authenticated,
        description="Enroll yourself in a published course. Individual learners only "
        "(FORBIDDEN for employees, admins and staff: employees are assigned courses). "
        "Enrolling again returns the same enrollment. NOT_FOUND for a course that does not "
        "exist or is a draft; VALIDATION for an archived one." + _LOGGED_IN,
    )
    assign_course: list[EnrollmentType] = strawberry.mutation(
        resolver=learning_resolvers.assign_course,
        permission_classes=authenticated,
        description="Assign a published course to employees of your company, one enrollment "
        "each: the userIds in order, then the active members of the groupIds. Company admins "
        "only (FORBIDDEN for others). An employee who already has the course keeps the "
        "enrollment, progress included; a dueAt given moves their due date too unless they "
        "completed the course. NOT_FOUND for a course that does not exist or is a draft, or "
        "for any person or group not of your company (then nothing is assigned); VALIDATION "
        "for an archived course, a dueAt in the past, no one to assign, or too many (then "
        "extensions.limit is ASSIGN_USERS, ASSIGN_GROUPS or ASSIGN_TOTAL)." + _LOGGED_IN,
    )
    set_due_date: EnrollmentType = strawberry.mutation(
        resolver=learning_resolvers.set_due_date,
        permission_classes=authenticated,
        description="Set or remove the due date of one assignment. The admins of the "
        "company that assigned it; others who may see it get FORBIDDEN, everyone else "
        "NOT_FOUND. VALIDATION for a date in the past or a completed course. Audited." + _LOGGED_IN,
    )
    remove_enrollment: bool = strawberry.mutation(
        resolver=learning_resolvers.remove_enrollment,
        permission_classes=authenticated,
        description="Delete an enrollment with its progress and certificate (whose code then "
        "verifies as WITHDRAWN). Enrolling again starts from nothing, except that spent quiz "
        "attempts stay counted. Allowed to the admins of the company that assigned it, and to "
        "the learner for their own SELF enrollment; others who may see it get FORBIDDEN, "
        "everyone else NOT_FOUND." + _LOGGED_IN,
    )
    delete_my_account: bool = strawberry.mutation(
        resolver=account_resolvers.delete_my_account,
        permission_classes=authenticated,
        description="Erase your own account with all its enrollments, progress and "
        "certificates (whose codes then verify as WITHDRAWN). Individual learners only "
        "(FORBIDDEN for employees, who are removed by their admin, and for staff); "
        "VALIDATION (field password) when the password is wrong." + _LOGGED_IN,
    )
    record_video_progress: ProgressResult = strawberry.mutation(
        resolver=learning_resolvers.record_video_progress,
        permission_classes=authenticated,
        description=VIDEO_PROTOCOL.strip()
        + "\n\nOther errors: LESSON_LOCKED while an earlier lesson is unfinished; VALIDATION "
        "for a lesson that is not a video or a span out of range (the field is named)." + _LEARNER,
    )
    complete_lesson: ProgressResult = strawberry.mutation(
        resolver=learning_resolvers.complete_lesson,
        permission_classes=authenticated,
        description="Confirm a reading as read or an activity as done, which completes it "
        "(and the course, with its certificate, when it was the last lesson). Confirming "
        "again changes nothing. LESSON_LOCKED while an earlier lesson is unfinished; "
        "VALIDATION (field lessonId) for a video or a quiz." + _LEARNER,
    )
    submit_quiz: QuizResult = strawberry.mutation(
        resolver=learning_resolvers.submit_quiz,
        permission_classes=authenticated,
        description="Submit one attempt at a quiz. It is scored at once; reaching the pass "
        "mark completes the lesson (and the course, with its certificate, when it was the "
        "last one). QUIZ_ATTEMPTS_EXHAUSTED when no attempt is left (nothing is stored); "
        "LESSON_LOCKED while an earlier lesson is unfinished; VALIDATION (field answers or "
        "lessonId) for answers that do not fit the quiz; CONFLICT when another attempt was "
        "saved at the same moment (reload and try again)." + _LEARNER,
    )
    grant_quiz_attempts: LessonProgressType = strawberry.mutation(
        resolver=learning_resolvers.grant_quiz_attempts,
        permission_classes=authenticated,
        description=(
            "Give a learner `extra` (1-10) more attempts at a quiz with a limit: admins for "
            "courses their company assigned, staff for anyone. Audited with the reason. "
            "Attempts count per learner and quiz across enrollments of the course: "
            "enrolling again gives none back. Others who may see the enrollment get "
            "FORBIDDEN, everyone else NOT_FOUND; VALIDATION for a lesson that is not a quiz, "
            "a quiz without a limit, or `extra` out of range." + _LOGGED_IN
        ),
    )
    create_company: CompanyType = strawberry.mutation(
        resolver=account_resolvers.create_company,
        permission_classes=staff,
        description="Create a company with its first admin (an employee account with the "
        "COMPANY_ADMIN role). Without adminPassword the admin is invited: a mail with a "
        "single-use link lets them choose their password (User.invitationPending until "
        "then). VALIDATION names the field at fault; CONFLICT when the name or the admin's "
        "email is taken." + _STAFF,
    )
    create_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.create_course,
        permission_classes=staff,
        description="Create an empty DRAFT course; add lessons with addLesson, then "
        "publishCourse. VALIDATION names the field at fault." + _STAFF,
    )
    add_lesson: LessonType = strawberry.mutation(
        resolver=course_resolvers.add_lesson,
        permission_classes=staff,
        description="Append a lesson at the end of a draft course (at most 200). "
        "COURSE_PUBLISHED once the course is published or archived (duplicate it instead); "
        "NOT_FOUND for a course that does not exist; VALIDATION names the field at fault." + _STAFF,
    )
    publish_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.publish_course,
        permission_classes=staff,
        description="Put a draft course in the catalogue. From then on its lessons are "
        "frozen. VALIDATION for a course without lessons; COURSE_PUBLISHED when it is no "
        "longer a draft; NOT_FOUND for a course that does not exist." + _STAFF,
    )
    duplicate_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.duplicate_course,
        permission_classes=staff,
        description="Copy a course (lessons, questions, choices) into a new draft titled "
        "'<title> (copy)': the way to change a published course. NOT_FOUND for a course "
        "that does not exist." + _STAFF,
    )
    archive_course: CourseType = strawberry.mutation(
        resolver=course_resolvers.archive_course,
        permission_classes=staff,
        description="Retire a published course: out of the catalogue, no new enrollments; "
        "learners already in it go on. Archiving again changes nothing. VALIDATION for a "
        "draft; NOT_FOUND for a course that does not exist." + _STAFF,
    )
