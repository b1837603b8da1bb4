"""The one hierarchy of expected errors.

Every error a user may see carries a stable ``code`` (DESIGN.md section 5) and
a message that is safe to show. Anything that is not an ``LLPError`` is
unexpected: the GraphQL layer masks it as ``INTERNAL`` and logs it with the
request id.

    LLPError                      code
    ├── Unauthenticated           UNAUTHENTICATED
    ├── Forbidden                 FORBIDDEN
    │   └── AccountDeactivated    FORBIDDEN, with reason ACCOUNT_DEACTIVATED
    ├── NotFound                  NOT_FOUND
    ├── ValidationFailed          VALIDATION
    │   ├── WeakPassword          VALIDATION, with a ``reason``
    │   ├── TooMany               VALIDATION, with the ``limit`` whose setting was exceeded
    │   ├── InvalidResetToken     VALIDATION, field ``token``, with a ``reason``
    │   └── WebhookUrlRefused     VALIDATION, field ``url``, with a ``reason``
    ├── LessonLocked              LESSON_LOCKED
    ├── ImplausibleProgress       IMPLAUSIBLE_PROGRESS
    ├── QuizAttemptsExhausted     QUIZ_ATTEMPTS_EXHAUSTED
    ├── CoursePublished           COURSE_PUBLISHED
    ├── RateLimited               RATE_LIMITED, with the ``limit`` hit where it has a name
    ├── Conflict                  CONFLICT
    ├── LimitExceeded             one code per limit (QUERY_TOO_DEEP, ...)
    └── ServiceUnavailable        SERVICE_UNAVAILABLE
"""

from __future__ import annotations

from typing import ClassVar


class LLPError(Exception):
    """An expected failure whose message may be shown to the caller."""

    code: ClassVar[str] = "INTERNAL"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def extensions(self) -> dict[str, object]:
        ext: dict[str, object] = {"code": self.code}
        if self.field:
            ext["field"] = self.field
        return ext


class Unauthenticated(LLPError):
    code = "UNAUTHENTICATED"
    http_status = 401

    def __init__(self, message: str = "Log in to do this.") -> None:
        super().__init__(message)


class Forbidden(LLPError):
    code = "FORBIDDEN"
    http_status = 403

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message)


class AccountDeactivated(Forbidden):
    """The person left their company (an admin deactivated them). Said only to someone
    who has just given the right password, so it reveals nothing to a guesser."""

    reason: ClassVar[str] = "ACCOUNT_DEACTIVATED"

    def __init__(
        self,
        message: str = "Your account has been deactivated. "
        "Contact your company's admin to have it reactivated.",
    ) -> None:
        super().__init__(message)

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": self.reason}


class NotFound(LLPError):
    """Raised alike for objects that do not exist and for those the caller may not see."""

    code = "NOT_FOUND"
    http_status = 404

    def __init__(self, what: str = "Object") -> None:
        super().__init__(f"{what} not found.")


class ValidationFailed(LLPError):
    code = "VALIDATION"


class WeakPassword(ValidationFailed):
    """A new password the policy refuses; ``reason`` (TOO_SHORT, TOO_LONG, COMMON) lets a
    client word its own hint, the message already says why in plain words."""

    def __init__(self, message: str, *, reason: str, field: str = "password") -> None:
        super().__init__(message, field=field)
        self.reason = reason

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": self.reason}


class InvalidResetToken(ValidationFailed):
    """A password-reset or invitation link that cannot be used; ``reason`` is UNKNOWN,
    USED, EXPIRED or DEACTIVATED. ``purpose`` ("reset" or "invite") words pages' texts."""

    def __init__(self, message: str, *, reason: str, purpose: str = "reset") -> None:
        super().__init__(message, field="token")
        self.reason = reason
        self.purpose = purpose

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": self.reason}


class TooMany(ValidationFailed):
    """More items than a setting allows (people per assignment, groups per company);
    ``limit`` names which limit, so a client can tell them apart."""

    def __init__(self, message: str, *, field: str, limit: str) -> None:
        super().__init__(message, field=field)
        self.limit = limit

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "limit": self.limit}


class WebhookUrlRefused(ValidationFailed):
    """A webhook URL the rules refuse (``domain/webhook_urls.py``); ``reason`` is BAD_URL,
    NOT_HTTPS, PRIVATE_ADDRESS or UNRESOLVABLE, the message says why in plain words."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, field="url")
        self.reason = reason

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": self.reason}


class LessonLocked(LLPError):
    code = "LESSON_LOCKED"
    http_status = 409


class ImplausibleProgress(LLPError):
    """A video report of which nothing fits the watch-time budget. Its extensions say
    how to recover: ``claimableSeconds`` (may be claimed now), ``retryAfterSeconds``
    (until the refused part fits) and ``acceptedToSecond`` (where to report from)."""

    code = "IMPLAUSIBLE_PROGRESS"
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        claimable_seconds: float,
        retry_after_seconds: float,
        accepted_to_second: float,
    ) -> None:
        super().__init__(message)
        self.claimable_seconds = claimable_seconds
        self.retry_after_seconds = retry_after_seconds
        self.accepted_to_second = accepted_to_second

    def extensions(self) -> dict[str, object]:
        return super().extensions() | {
            "claimableSeconds": self.claimable_seconds,
            "retryAfterSeconds": self.retry_after_seconds,
            "acceptedToSecond": self.accepted_to_second,
        }


class QuizAttemptsExhausted(LLPError):
    code = "QUIZ_ATTEMPTS_EXHAUSTED"
    http_status = 409


class CoursePublished(LLPError):
    code = "COURSE_PUBLISHED"
    http_status = 409


class RateLimited(LLPError):
    """A throttle was hit. ``limit`` names which one where a caller can tell several
    apart (PASSWORD_RESET_PER_ADDRESS, PASSWORD_RESET_PER_ACCOUNT)."""

    code = "RATE_LIMITED"
    http_status = 429

    def __init__(self, message: str, *, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit

    def extensions(self) -> dict[str, object]:
        ext = super().extensions()
        if self.limit:
            ext["limit"] = self.limit
        return ext


class ReportTooLarge(LLPError):
    """An XLSX report of more rows than ``LLP_REPORT_XLSX_MAX_ROWS``: the CSV has no limit."""

    code = "REPORT_TOO_LARGE"
    http_status = 413


class Conflict(LLPError):
    code = "CONFLICT"
    http_status = 409


class LimitExceeded(LLPError):
    """A configured limit was hit; each limit has its own code."""

    http_status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.limit_code = code

    def extensions(self) -> dict[str, object]:
        return {"code": self.limit_code}


class ServiceUnavailable(LLPError):
    code = "SERVICE_UNAVAILABLE"
    http_status = 503

    def __init__(self, message: str = "The service is briefly unavailable; try again.") -> None:
        super().__init__(message)
