"""GraphQL enums: the domain's own StrEnums, registered with strawberry.

``strawberry.enum`` marks the class itself, so the schema uses the domain's
enums directly: no conversion between layers, and mypy sees real types.

The words clients read for each enum and each value live here, not in the
domain: ``strawberry.enum_value`` would have to replace the domain's values, so
the descriptions are set on the registered definition instead. A value added to
a domain enum without its words here stops the import (``_describe``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

import strawberry
from strawberry.types.enum import has_enum_definition

from llp_gql.domain.certificates import VerificationStatus
from llp_gql.domain.credential_check import CredentialStatus
from llp_gql.domain.report_subscriptions import ReportKind
from llp_gql.domain.state import BlockerReason, EnrollmentStatus
from llp_gql.models import (
    AccountType,
    CourseStatus,
    DeliveryState,
    EnrollmentSource,
    LessonKind,
    LessonStatus,
    Role,
)


def _describe(
    enum: type[Enum], description: str, values: Mapping[str, str], *, name: str | None = None
) -> None:
    """Register ``enum`` with its description and one description per value (under
    ``name`` in the schema, when the class name would not say enough)."""
    if set(values) != set(enum.__members__):
        raise ValueError(f"{enum.__name__}: describe exactly {sorted(enum.__members__)}")
    registered = strawberry.enum(enum, name=name, description=description)
    assert has_enum_definition(registered)
    for value in registered.__strawberry_definition__.values:
        value.description = values[value.name]


_describe(
    AccountType,
    "What kind of account a person has. With the enrollment's source it decides who "
    "may download a certificate (see Certificate.canDownload).",
    {
        "INDIVIDUAL": "Belongs to no company: people who signed up themselves (and "
        "staff). Individual learners enroll in courses and download their own certificates.",
        "EMPLOYEE": "A member of one company, created by its admin: takes the courses "
        "assigned to them; the company's admins download their certificates, they never do.",
    },
)
_describe(
    Role,
    "What a person may do beyond learning.",
    {
        "LEARNER": "Takes courses; nothing more.",
        "COMPANY_ADMIN": "Manages one company (always an EMPLOYEE account): its employees, "
        "the courses assigned to them, their progress and their certificates.",
        "STAFF": "Operates the platform: authors and publishes courses, creates companies, "
        "reads every enrollment (read-only support); never downloads certificates.",
    },
)
_describe(
    CourseStatus,
    "Where a course is in its life: drafts are authored, published courses are taught "
    "and frozen, archived ones are retired.",
    {
        "DRAFT": "Being authored: lessons may be added. Visible to staff only; everyone "
        "else gets NOT_FOUND.",
        "PUBLISHED": "In the catalogue: anyone may see it, individuals enroll and admins "
        "assign it. Its lessons can no longer change (COURSE_PUBLISHED): staff duplicate "
        "it into a new draft instead.",
        "ARCHIVED": "Retired: out of the catalogue and takes no new enrollments "
        "(VALIDATION); learners already enrolled go on and may finish it.",
    },
)
_describe(
    LessonKind,
    "What a lesson is, which decides how it is completed.",
    {
        "VIDEO": "Completed when the watched spans cover the whole video (recordVideoProgress).",
        "READING": "A text, completed when the learner confirms having read it (completeLesson).",
        "ACTIVITY": "Something to do, completed when the learner confirms having done it "
        "(completeLesson).",
        "QUIZ": "Questions with choices, completed when an attempt reaches the pass mark "
        "(submitQuiz).",
    },
)
_describe(
    EnrollmentSource,
    "How an enrollment came to be; it decides who may download its certificate.",
    {
        "SELF": "The learner (an individual) enrolled themselves; the learner downloads "
        "the certificate and may remove the enrollment.",
        "ASSIGNED": "A company admin assigned the course to an employee; only that "
        "company's admins download the certificate or remove the enrollment.",
    },
)
_describe(
    EnrollmentStatus,
    "How far an enrollment is, as a whole.",
    {
        "NOT_STARTED": "No progress saved on any lesson yet.",
        "IN_PROGRESS": "Some progress saved, but not every lesson is completed.",
        "COMPLETED": "Every lesson is completed; the certificate was issued at that moment.",
    },
)
_describe(
    LessonStatus,
    "Where a learner is in one lesson. Lessons are taken in order.",
    {
        "LOCKED": "An earlier lesson is not completed yet; progress calls on this one "
        "answer LESSON_LOCKED and store nothing.",
        "AVAILABLE": "The next lesson to take, not started yet.",
        "IN_PROGRESS": "Started but not completed: a video with a watched span, or a quiz "
        "with at least one attempt.",
        "COMPLETED": "Done (video covered, reading or activity confirmed, quiz passed). "
        "Never undone.",
    },
)
_describe(
    BlockerReason,
    "Why an unfinished lesson keeps the course from completing. The blocker's detail "
    "says the same in plain words.",
    {
        "NOT_STARTED": "The next lesson is a video or a quiz that has not been started.",
        "LOCKED": "An earlier lesson must be completed first; the detail names it.",
        "VIDEO_UNFINISHED": "A started video is not covered yet; the detail gives the "
        "seconds watched of the total and where the first gap is.",
        "READING_NOT_CONFIRMED": "A reading not confirmed as read yet.",
        "ACTIVITY_NOT_DONE": "An activity not confirmed as done yet.",
        "QUIZ_NOT_PASSED": "A quiz tried but not passed yet; the detail gives the best "
        "score, the pass mark and the attempts left.",
        "QUIZ_ATTEMPTS_EXHAUSTED": "A quiz with no attempt left; the detail says who can "
        "grant more (grantQuizAttempts).",
    },
)
_describe(
    VerificationStatus,
    "What a verification code is worth.",
    {
        "VALID": "A certificate with this code exists; the course, the learner's name and "
        "the issue date are given as printed on it.",
        "WITHDRAWN": "A certificate had this code but was withdrawn (its enrollment or its "
        "learner's account was removed); only the withdrawal date is given.",
        "REPLACED": "A certificate had this code but was replaced by a corrected one with "
        "a new code (re-issued); only the date of the replacement is given, and nothing "
        "points to the new certificate.",
        "UNKNOWN": "No certificate ever had this code.",
    },
)
_describe(
    ReportKind,
    "A weekly mail a company admin may subscribe to (off until subscribed).",
    {
        "DIGEST": "Who in the company is overdue: counts, the first names, and a link to "
        "the progress matrix filtered to overdue work.",
        "COMPLIANCE": "A summary of the company's assignments (completed, open, overdue) "
        "and a link to the compliance report page; the report itself is not attached.",
    },
)

_describe(
    CredentialStatus,
    "What a presented Open Badges credential is worth (verifyCredential).",
    {
        "VALID": "Signed by one of this service's keys, unchanged, valid from its date, "
        "and its certificate stands.",
        "WITHDRAWN": "Genuine, but its certificate was withdrawn (its enrollment or its "
        "learner's account was removed): its status bit is set.",
        "REPLACED": "Genuine, but its certificate was re-issued under a new code (a "
        "correction): its status bit is set.",
        "INVALID_SIGNATURE": "Names one of this service's keys, but the proof does not "
        "match: it was changed after signing.",
        "UNKNOWN_ISSUER": "Not issued by this service, or signed by a key it never had.",
        "NOT_YET_VALID": "Genuine, but its validFrom is in the future.",
        "MALFORMED": "Not a credential of the expected shape: not JSON, no single "
        "eddsa-jcs-2022 proof, no issuer, no usable status entry or date.",
    },
)

__all__ = [
    "AccountType",
    "BlockerReason",
    "CourseStatus",
    "CredentialStatus",
    "EnrollmentSource",
    "EnrollmentStatus",
    "LessonKind",
    "LessonStatus",
    "ReportKind",
    "Role",
    "VerificationStatus",
]


_describe(
    DeliveryState,
    "Where a webhook delivery stands (see Query.webhookDeliveries).",
    {
        "PENDING": "Not delivered yet: waiting for its first or next attempt (nextAttemptAt), "
        "or for an earlier event of the same enrollment or person to be delivered first.",
        "DELIVERED": "The receiver answered 2xx.",
        "FAILED": "Not delivered: every attempt of about a day failed, or the webhook was "
        "disabled. An admin may resend it (resendWebhookDelivery).",
    },
    name="WebhookDeliveryState",
)
