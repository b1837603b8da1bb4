"""Tortoise models, one module per domain.

Every foreign key states ``on_delete`` on purpose; the rules are:
- what belongs to a learner's enrollment (progress, attempts, certificate) goes with it;
- authored content a learner depends on (a course with enrollments) cannot be deleted (RESTRICT);
- references to the person who did something (``assigned_by``, ``created_by``) become NULL;
- the audit log holds no foreign keys at all, so it outlives everything it describes.
"""

from llp_gql.models.accounts import (
    AccountType,
    AuthToken,
    Company,
    Group,
    RateCounter,
    Role,
    User,
)
from llp_gql.models.audit import AuditEvent
from llp_gql.models.certificates import Certificate, WithdrawnCertificate
from llp_gql.models.courses import Choice, Course, CourseStatus, Lesson, LessonKind, Question
from llp_gql.models.credentials import CertificateTemplate, SigningKey
from llp_gql.models.imports import EmployeeImport
from llp_gql.models.integrations import ApiKey, DeliveryState, WebhookDelivery, WebhookSubscription
from llp_gql.models.jobs import Job, JobState, OutboxMail
from llp_gql.models.learning import (
    Enrollment,
    EnrollmentSource,
    LessonProgress,
    LessonStatus,
    QuizAttempt,
    QuizAttemptTally,
)
from llp_gql.models.password_reset import PasswordResetToken
from llp_gql.models.reminders import ReminderDay, ReminderSent, ReportSubscription

__all__ = [
    "AccountType",
    "ApiKey",
    "AuditEvent",
    "AuthToken",
    "Certificate",
    "CertificateTemplate",
    "Choice",
    "Company",
    "Course",
    "CourseStatus",
    "DeliveryState",
    "EmployeeImport",
    "Enrollment",
    "EnrollmentSource",
    "Group",
    "Job",
    "JobState",
    "Lesson",
    "LessonKind",
    "LessonProgress",
    "LessonStatus",
    "OutboxMail",
    "PasswordResetToken",
    "Question",
    "QuizAttempt",
    "QuizAttemptTally",
    "RateCounter",
    "ReminderDay",
    "ReminderSent",
    "ReportSubscription",
    "Role",
    "SigningKey",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "WithdrawnCertificate",
]
