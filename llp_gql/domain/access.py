"""The one policy module: who may see or do what (DESIGN.md section 2).

Every entry point (GraphQL resolvers and permission classes, admin UI routes,
the download and export routes) asks these functions; nothing else decides.

Two kinds of functions live here:

- predicates (``may_*``) answer a yes/no about an already loaded object;
- ``access_*`` functions load an object for a viewer and raise the same
  ``NotFound`` for an id that does not exist and for one the viewer may not
  see, so that another company's objects cannot be told apart from missing ones;
- ``visible_*`` functions are the SQL twins of the predicates: a query of the
  rows the viewer may see, for the listings of the admin UI (other domain
  modules narrow and page them; the decision stays here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from tortoise.queryset import QuerySet

from llp_gql.domain.principals import is_person
from llp_gql.errors import AccountDeactivated, Forbidden, NotFound, Unauthenticated
from llp_gql.models import (
    AccountType,
    Certificate,
    Company,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Role,
    User,
)

Viewer = User | None
MayCertificate: TypeAlias = "Callable[[Viewer, Enrollment], bool]"
# The signed-in person acting: a row the web layers only read, never query or save.
Actor: TypeAlias = User


def require_user(viewer: Viewer) -> User:
    """The logged-in user, or UNAUTHENTICATED."""
    if viewer is None:
        raise Unauthenticated()
    return viewer


# -- roles ---------------------------------------------------------------------------


def is_staff(viewer: Viewer) -> bool:
    return viewer is not None and viewer.role == Role.STAFF


def is_active(user: User) -> bool:
    """Not deactivated: a person who left their company is not active (DESIGN.md 3)."""
    return user.deactivated_at is None


def is_company_admin(viewer: Viewer, company_id: int | None = None) -> bool:
    """An active admin of some company, or of ``company_id`` when given. A deactivated
    admin cannot sign in at all; refusing them here too is defence in depth."""
    if viewer is None or viewer.role != Role.COMPANY_ADMIN or viewer.company_id is None:
        return False
    if not is_active(viewer):
        return False
    return company_id is None or viewer.company_id == company_id


def may_receive_reports(viewer: Viewer) -> bool:
    """The weekly digest and compliance mails: a company's active admins (checked again
    at every send, so a demoted or deactivated admin's subscription goes quiet)."""
    return is_company_admin(viewer)


def may_author_courses(viewer: Viewer) -> bool:
    return is_staff(viewer)


def template_scope(viewer: Viewer) -> int | None:
    """Whose certificate template the viewer edits: staff the platform default (None),
    a company admin their company's (its id); FORBIDDEN for anyone else."""
    if is_staff(viewer):
        return None
    if viewer is None or viewer.company_id is None or not is_company_admin(viewer):
        raise Forbidden("Only company admins and staff can change certificate templates.")
    return viewer.company_id


def may_create_companies(viewer: Viewer) -> bool:
    return is_staff(viewer)


def may_read_outbox(viewer: Viewer) -> bool:
    """The embedded outbox holds working links of everyone's mail: staff in person only."""
    return is_staff(viewer) and is_person(viewer)


def may_see_answer_keys(viewer: Viewer) -> bool:
    """Which choice is correct is for course authors only."""
    return is_staff(viewer)


def may_enroll_self(viewer: Viewer) -> bool:
    """Individuals enroll themselves; employees only get assigned courses."""
    return (
        viewer is not None
        and viewer.account_type == AccountType.INDIVIDUAL
        and viewer.role == Role.LEARNER
    )


def may_manage_company(viewer: Viewer, company_id: int) -> bool:
    """Create/remove employees, assign courses, upload the logo, export, read the audit log."""
    return is_company_admin(viewer, company_id)


def may_delete_own_account(viewer: Viewer) -> bool:
    """Individual learners only: employees are removed by their admin, and staff
    accounts (individual-type too) by the operators."""
    return (
        viewer is not None
        and viewer.account_type == AccountType.INDIVIDUAL
        and viewer.role == Role.LEARNER
    )


# -- courses -------------------------------------------------------------------------


def may_view_course(viewer: Viewer, course: Course) -> bool:
    """Published courses are public; drafts and archived ones are for staff.

    Learners reach an archived course through their enrollment, not here.
    """
    return course.status == CourseStatus.PUBLISHED or is_staff(viewer)


async def enrolled_course_ids(viewer: Viewer) -> set[int]:
    if viewer is None:
        return set()
    ids = await Enrollment.filter(learner_id=viewer.id).values_list("course_id", flat=True)
    return {int(i) for i in ids}  # type: ignore[call-overload]  # flat=True gives ints


def may_see_lesson_content(viewer: Viewer, course_id: int, enrolled_in: set[int]) -> bool:
    """Lesson bodies, video links and quiz questions are for learners in the course
    and for staff; the catalogue shows titles, kinds and durations to everyone."""
    return is_staff(viewer) or course_id in enrolled_in


def visible_courses(viewer: Viewer) -> QuerySet[Course]:
    """The courses ``may_view_course`` admits: every one for staff, else the published."""
    if is_staff(viewer):
        return Course.all()
    return Course.filter(status=CourseStatus.PUBLISHED)


async def access_course(viewer: Viewer, course_id: int) -> Course:
    course = await Course.get_or_none(id=course_id)
    if course is None or not may_view_course(viewer, course):
        raise NotFound("Course")
    return course


# -- enrollments and certificates ------------------------------------------------------


def may_view_enrollment(viewer: Viewer, enrollment: Enrollment) -> bool:
    """The learner, the admins of the assigning company, and staff (read-only support)."""
    if viewer is None:
        return False
    if enrollment.learner_id == viewer.id or is_staff(viewer):
        return True
    return enrollment.company_id is not None and is_company_admin(viewer, enrollment.company_id)


def may_make_progress(viewer: Viewer, enrollment: Enrollment) -> bool:
    """Only the learner moves through their own lessons, while active."""
    return viewer is not None and enrollment.learner_id == viewer.id and is_active(viewer)


def may_manage_enrollment(viewer: Viewer, enrollment: Enrollment) -> bool:
    """Remove it or grant extra attempts: the assigning company's admins (ASSIGNED),
    or the learner for their own SELF enrollment (removal only; see may_grant_attempts)."""
    if viewer is None:
        return False
    if enrollment.source == EnrollmentSource.ASSIGNED:
        return enrollment.company_id is not None and is_company_admin(viewer, enrollment.company_id)
    return enrollment.learner_id == viewer.id


def may_set_due_date(viewer: Viewer, enrollment: Enrollment) -> bool:
    """Due dates belong to assignments: the assigning company's admins set them."""
    return (
        viewer is not None
        and enrollment.source == EnrollmentSource.ASSIGNED
        and enrollment.company_id is not None
        and is_company_admin(viewer, enrollment.company_id)
    )


async def access_enrollment_for_due_date(viewer: Viewer, enrollment_id: int) -> Enrollment:
    enrollment = await access_enrollment(viewer, enrollment_id)
    if not may_set_due_date(viewer, enrollment):
        raise Forbidden("Only the admins of the assigning company can set its due date.")
    return enrollment


def may_grant_attempts(viewer: Viewer, enrollment: Enrollment) -> bool:
    """Extra quiz attempts: the assigning company's admins for their employees, staff
    for anyone (a learner never for themselves, and re-enrolling gives none back)."""
    if is_staff(viewer):
        return True
    return enrollment.source == EnrollmentSource.ASSIGNED and may_manage_enrollment(
        viewer, enrollment
    )


def may_download_certificate(viewer: Viewer, enrollment: Enrollment) -> bool:
    """Download right follows the enrollment (DESIGN.md section 2).

    SELF: its learner, while an individual. ASSIGNED: the admins of the company
    that assigned it. Nobody else: not the employee, not staff, not an API key.
    """
    if viewer is None or not is_person(viewer):
        return False
    if enrollment.source == EnrollmentSource.SELF:
        return enrollment.learner_id == viewer.id and viewer.account_type == AccountType.INDIVIDUAL
    return enrollment.company_id is not None and is_company_admin(viewer, enrollment.company_id)


async def access_enrollment(viewer: Viewer, enrollment_id: int) -> Enrollment:
    """Load an enrollment the viewer may see; NOT_FOUND alike for missing and not-yours."""
    _ = require_user(viewer)
    enrollment = await Enrollment.get_or_none(id=enrollment_id)
    if enrollment is None or not may_view_enrollment(viewer, enrollment):
        raise NotFound("Enrollment")
    return enrollment


async def access_enrollment_for_progress(viewer: Viewer, enrollment_id: int) -> Enrollment:
    """The learner's own enrollment; others who may see it get FORBIDDEN."""
    enrollment = await access_enrollment(viewer, enrollment_id)
    if viewer is not None and not is_active(viewer):
        raise AccountDeactivated()
    if not may_make_progress(viewer, enrollment):
        raise Forbidden("Only the learner can make progress in this enrollment.")
    return enrollment


async def access_enrollment_to_manage(viewer: Viewer, enrollment_id: int) -> Enrollment:
    enrollment = await access_enrollment(viewer, enrollment_id)
    if not may_manage_enrollment(viewer, enrollment):
        raise Forbidden("You cannot change this enrollment.")
    return enrollment


def may_reissue_certificate(viewer: Viewer, enrollment: Enrollment) -> bool:
    """Re-issue (a correction): whoever may download it, while active; a learner's own
    re-issue is further limited (``domain.corrections``)."""
    return may_download_certificate(viewer, enrollment) and viewer is not None and is_active(viewer)


async def access_certificate_for_download(
    viewer: Viewer, certificate_id: int, may: MayCertificate | None = None
) -> Certificate:
    """A certificate the viewer may download (or ``may``: re-issue). Visible-but-not-
    yours is FORBIDDEN; invisible is NOT_FOUND."""
    _ = require_user(viewer)
    certificate = await Certificate.get_or_none(id=certificate_id).select_related("enrollment")
    if certificate is None or not may_view_enrollment(viewer, certificate.enrollment):
        raise NotFound("Certificate")
    if not (may or may_download_certificate)(viewer, certificate.enrollment):
        raise Forbidden("This certificate is for your company's admins to handle.")
    return certificate


# -- people ----------------------------------------------------------------------------


def may_view_user(viewer: Viewer, user: User) -> bool:
    if viewer is None:
        return False
    if viewer.id == user.id or is_staff(viewer):
        return True
    return user.company_id is not None and is_company_admin(viewer, user.company_id)


def visible_users(viewer: Viewer) -> QuerySet[User]:
    """The people ``may_view_user`` admits: everyone for staff, the members of their
    company (themselves included) for a company admin, oneself for anyone else."""
    if viewer is None:
        return User.filter(id__in=[])
    if is_staff(viewer):
        return User.all()
    if is_company_admin(viewer):
        return User.filter(company_id=viewer.company_id)
    return User.filter(id=viewer.id)


async def access_user(viewer: Viewer, user_id: int) -> User:
    """Anyone the viewer may see (staff: anyone); NOT_FOUND alike for missing and hidden."""
    user = await User.get_or_none(id=user_id)
    if user is None or not may_view_user(viewer, user):
        raise NotFound("User")
    return user


async def access_employee(viewer: Viewer, user_id: int) -> User:
    """An employee of the admin's own company."""
    admin = require_user(viewer)
    user = await User.get_or_none(id=user_id)
    if user is None or user.company_id is None or not may_manage_company(admin, user.company_id):
        raise NotFound("User")
    return user


async def access_employee_to_manage(viewer: Viewer, user_id: int) -> User:
    """A member of the company the viewer administers, to deactivate, reactivate, promote
    or demote: FORBIDDEN for a viewer who administers no company, NOT_FOUND alike for
    a missing id and another company's person."""
    _ = await access_own_company(viewer)
    return await access_employee(viewer, user_id)


def may_rename_user(viewer: Viewer, user: User) -> bool:
    """Anyone renames themselves; a company admin renames the people of their company.
    Staff do not rename others (support is read-only)."""
    if viewer is None:
        return False
    if viewer.id == user.id:
        return True
    return user.company_id is not None and is_company_admin(viewer, user.company_id)


async def access_user_to_rename(viewer: Viewer, user_id: int) -> User:
    """Oneself, or a person of the company the viewer administers; NOT_FOUND alike for
    a missing id and anyone else."""
    actor = require_user(viewer)
    user = await User.get_or_none(id=user_id)
    if user is None or not may_rename_user(actor, user):
        raise NotFound("User")
    return user


async def access_own_company(viewer: Viewer) -> Company:
    """The company the viewer administers."""
    admin = require_user(viewer)
    if admin.company_id is None or not is_company_admin(admin, admin.company_id):
        raise Forbidden("Only company admins can do this.")
    return await Company.get(id=admin.company_id)


def visible_companies(viewer: Viewer) -> QuerySet[Company]:
    """Companies whose details the viewer may list: every one for staff, their own for a
    company admin, none for anyone else."""
    if is_staff(viewer):
        return Company.all()
    if viewer is not None and viewer.company_id is not None and is_company_admin(viewer):
        return Company.filter(id=viewer.company_id)
    return Company.filter(id__in=[])


def visible_company_enrollments(viewer: Viewer) -> QuerySet[Enrollment]:
    """The assignments of the company the viewer administers (its reports), as for the
    ZIP export: its admins only; none for anyone else, staff included."""
    if viewer is not None and viewer.company_id is not None and is_company_admin(viewer):
        return Enrollment.filter(company_id=viewer.company_id)
    return Enrollment.filter(id__in=[])
