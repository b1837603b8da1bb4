"""Permission classes: each a thin wrapper around a predicate of domain/access.py."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from llp_gql.domain import access, access_keys
from llp_gql.schema.context import Info


class _Rule(BasePermission):
    code: ClassVar[str] = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__()
        self.error_extensions = {"code": self.code}


class IsAuthenticated(_Rule):
    code = "UNAUTHENTICATED"
    message = "Log in to do this."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.viewer is not None


class IsStaff(_Rule):
    message = "Only staff can do this."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return access.is_staff(info.context.viewer)


class CanSeeAnswerKeys(_Rule):
    message = "Only course authors can see which choice is correct."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return access.may_see_answer_keys(info.context.viewer)


class CanDownloadCertificate(_Rule):
    """On ``Certificate.downloadUrl`` and ``Certificate.verificationCode``."""

    message = "Only your company's admins can download this certificate."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return access.may_download_certificate(info.context.viewer, source.enrollment)


class CanManageCompany(_Rule):
    """On the lists of a company: its employees and enrollments."""

    message = "Only this company's admins can see its lists."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return access.may_manage_company(info.context.viewer, source.pk)


class CanManageGroup(_Rule):
    """On what only a group's company admins read (its member count)."""

    message = "Only this company's admins can see this."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return access.may_manage_company(info.context.viewer, source.company_pk)


class CanSeeLessonContent(_Rule):
    """Video links, reading texts and quiz questions: for enrolled learners and staff."""

    message = "Enroll in this course to see its lessons."

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        context = info.context
        if context.loaders.enrolled_course_ids is None:
            context.loaders.enrolled_course_ids = await access.enrolled_course_ids(context.viewer)
        return access.may_see_lesson_content(
            context.viewer, source.course_id, context.loaders.enrolled_course_ids
        )


class CanManageApiKeys(_Rule):
    """On Company.apiKeys: the company's admins in person (never a key)."""

    message = "Only this company's admins can see its API keys."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return access_keys.may_manage_api_keys(info.context.viewer, source.pk)
