"""Human words for every code a person may meet: lesson and enrollment states, lesson
kinds, blockers and error codes.

One place, so that the learner app, the admin pages and emails say the same thing
(STYLE.md: "human words instead of enum codes"). Pages never print a raw code such
as ``VIDEO_UNFINISHED``; the templates of both UIs get these functions as filters.
It lives beside the domain, not in either UI, since both import it and neither may
reach into the other; the reminder mails (``llp_gql.domain.reminders``) use it too.
"""

from __future__ import annotations

from llp_gql.domain.state import Blocker, BlockerReason, EnrollmentStatus

ENROLLMENT_STATUS = {
    EnrollmentStatus.NOT_STARTED: "Not started",
    EnrollmentStatus.IN_PROGRESS: "In progress",
    EnrollmentStatus.COMPLETED: "Completed",
}

LESSON_STATUS = {
    "LOCKED": "Locked",
    "AVAILABLE": "Ready to start",
    "IN_PROGRESS": "In progress",
    "COMPLETED": "Done",
}

COURSE_STATUS = {
    "DRAFT": "Draft",
    "PUBLISHED": "Published",
    "ARCHIVED": "Archived",
}

ROLE = {
    "STAFF": "Staff",
    "COMPANY_ADMIN": "Company admin",
    "LEARNER": "Learner",
}

ACCOUNT_TYPE = {
    "INDIVIDUAL": "Individual",
    "EMPLOYEE": "Employee",
}

LESSON_KIND = {
    "VIDEO": "Video",
    "READING": "Reading",
    "ACTIVITY": "Activity",
    "QUIZ": "Quiz",
}

# What is missing, in the learner's words; the domain's detail (figures) follows.
BLOCKER = {
    BlockerReason.NOT_STARTED: "Not started yet",
    BlockerReason.LOCKED: "Locked until the lessons before it are done",
    BlockerReason.VIDEO_UNFINISHED: "Part of the video is still to watch",
    BlockerReason.READING_NOT_CONFIRMED: "Reading not confirmed yet",
    BlockerReason.ACTIVITY_NOT_DONE: "Activity not marked as done yet",
    BlockerReason.QUIZ_NOT_PASSED: "Quiz not passed yet",
    BlockerReason.QUIZ_ATTEMPTS_EXHAUSTED: "No quiz attempts left",
}

# The stable error codes of DESIGN.md section 5, for pages that show a refusal.
ERROR = {
    "UNAUTHENTICATED": "Please sign in first.",
    "FORBIDDEN": "Your account cannot do this.",
    "NOT_FOUND": "There is nothing here, or it is not yours to see.",
    "VALIDATION": "Something in the form needs another look.",
    "LESSON_LOCKED": "This lesson opens once the lessons before it are done.",
    "IMPLAUSIBLE_PROGRESS": "The video progress arrived faster than the video can play.",
    "QUIZ_ATTEMPTS_EXHAUSTED": "You have no attempts left at this quiz.",
    "COURSE_PUBLISHED": "This course is published and can no longer change.",
    "RATE_LIMITED": "Too many tries in a short time; wait a minute.",
    "CONFLICT": "Something changed at the same moment; reload and try again.",
}


def _lookup(table: dict[str, str], code: object) -> str:
    key = str(code)
    # An unknown code still reads as words, never as SHOUTED_SNAKE_CASE.
    return table.get(key) or key.replace("_", " ").capitalize()


def enrollment_status(code: object) -> str:
    return _lookup({str(k): v for k, v in ENROLLMENT_STATUS.items()}, code)


def lesson_status(code: object) -> str:
    return _lookup(LESSON_STATUS, code)


def course_status(code: object) -> str:
    return _lookup(COURSE_STATUS, code)


def role(code: object) -> str:
    return _lookup(ROLE, code)


def account_type(code: object) -> str:
    return _lookup(ACCOUNT_TYPE, code)


def lesson_kind(code: object) -> str:
    return _lookup(LESSON_KIND, code)


def blocker_reason(code: object) -> str:
    return _lookup({str(k): v for k, v in BLOCKER.items()}, code)


def blocker(item: Blocker) -> str:
    """One sentence: 'Quiz not passed yet: best score 50% of 70% needed; 2 attempts left.'

    The domain's detail already reads as words (with the figures); the label goes
    first unless the detail starts by saying the same ('Locked until ...',
    'Not started yet: ...')."""
    detail = item.detail.strip()
    if item.reason in _SELF_EXPLAINING or not detail:
        return detail or blocker_reason(item.reason) + "."
    return f"{blocker_reason(item.reason)}: {detail[0].lower()}{detail[1:]}"


_SELF_EXPLAINING = {BlockerReason.LOCKED, BlockerReason.NOT_STARTED}


def error(code: object) -> str:
    return _lookup(ERROR, code)


FILTERS = {
    "enrollment_status": enrollment_status,
    "lesson_status": lesson_status,
    "lesson_kind": lesson_kind,
    "course_status": course_status,
    "role": role,
    "account_type": account_type,
    "blocker_reason": blocker_reason,
    "blocker": blocker,
    "error_words": error,
}
