"""The Query and Mutation roots: names from DESIGN.md section 5, bodies in resolvers/."""

from __future__ import annotations

import strawberry
from strawberry.permission import BasePermission

from llp_gql.resolvers import accounts as account_resolvers
from llp_gql.resolvers import certificates as certificate_resolvers
from llp_gql.resolvers import courses as course_resolvers
from llp_gql.resolvers import groups as group_resolvers
from llp_gql.resolvers import imports as import_resolvers
from llp_gql.resolvers import learning as learning_resolvers
from llp_gql.schema.accounts import AuthPayload, CompanyType, UserType
from llp_gql.schema.certificates import CertificateVerificationType
from llp_gql.schema.courses import CourseType, LessonType
from llp_gql.schema.groups import GroupType
from llp_gql.schema.imports import ImportResult
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
    {
        "me",
        "courses",
        "course",
        "verifyCertificate",
        "signUp",
        "login",
        "company",
        "requestPasswordReset",
        "setPassword",
    }
)

authenticated: list[type[BasePermission]] = [IsAuthenticated]
staff: list[type[BasePermission]] = [IsAuthenticated, IsStaff]


# Every permission class answers with a code: say it once for the fields that carry one.
_LOGGED_IN = " UNAUTHENTICATED without a login."
_STAFF = " Staff only: UNAUTHENTICATED without a login, FORBIDDEN for others."
_LEARNER = (
    " Only the enrollment's learner: others who may see the enrollment get FORBIDDEN, "
    "everyone else NOT_FOUND." + _LOGGED_IN
)


@strawberry.type(
    description="What a client reads. Expected failures are GraphQL errors whose "
    "extensions.code is stable (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, VALIDATION, "
    "RATE_LIMITED, ...); anything unexpected is INTERNAL, with no detail. Another "
    "company's objects answer NOT_FOUND, exactly like IDs that do not exist. Every document "
    "is measured before it runs (depth, aliases, fields, cost) and a limit answers its own "
    "code. Authenticate with `Authorization: Bearer <token>` (see login)."
)
class Query:
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
    verify_certificate: CertificateVerificationType = strawberry.field(
        resolver=certificate_resolvers.verify_certificate,
        description="Check a certificate's verification code. Public, no login needed; "
        "limited per address (30 a minute by default), beyond which RATE_LIMITED.",
    )


@strawberry.type(
    description="What a client changes. Errors as for Query; a mutation that fails stores "
    "nothing. Mutations of one document run one after the other."
)
class Mutation:
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
