"""Every admin UI route, mounted under ``/admin`` by ``llp_portal.app.create_app``.

Who may use each page is decided by the gate of its handler (``web.page``) and,
for single objects, by ``llp_gql.domain.access.access_*``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from admin_ui import (
    account,
    api_keys,
    assign,
    authoring,
    certificate_template,
    company,
    employees,
    export,
    groups,
    imports,
    lesson_editing,
    login,
    matrix,
    membership,
    notifications,
    outbox,
    reports,
    staff,
    webhooks,
)

GET = ["GET"]
POST = ["POST"]
FORM = ["GET", "POST"]


def routes() -> list[BaseRoute]:
    return [
        Mount("/static", app=StaticFiles(packages=[("admin_ui", "static")]), name="static"),
        # The Noto fonts the certificates embed, so names in any script render on pages.
        Mount("/fonts", app=StaticFiles(packages=[("llp_gql.certs", "fonts")]), name="fonts"),
        Route("/", login.home, methods=GET),
        Route("/login", login.login_page, methods=FORM),
        Route("/logout", login.logout, methods=POST),
        # Everyone's own account
        Route("/account", account.account_page, methods=GET),
        Route("/account/password", account.change_password, methods=POST),
        Route("/account/logout-everywhere", account.logout_everywhere, methods=POST),
        Route("/account/name", account.rename, methods=POST),
        # Company Admins
        Route("/dashboard", company.dashboard, methods=GET),
        Route("/employees", employees.employee_list, methods=GET),
        Route("/employees/new", employees.employee_new, methods=FORM),
        Route("/employees/{user_id:int}", employees.employee_detail, methods=GET),
        Route("/employees/{user_id:int}/remove", employees.employee_remove, methods=FORM),
        Route("/import", imports.import_upload, methods=FORM),
        Route("/import/template.csv", imports.import_template, methods=GET),
        Route("/import/{import_id:int}", imports.import_preview, methods=GET),
        Route("/import/{import_id:int}/apply", imports.import_apply, methods=POST),
        Route("/employees/{user_id:int}/group", groups.employee_group, methods=POST),
        Route("/groups", groups.group_list, methods=FORM),
        Route("/groups/{group_id:int}/rename", groups.group_rename, methods=POST),
        Route("/groups/{group_id:int}/delete", groups.group_delete, methods=FORM),
        Route("/assign", assign.assign_page, methods=FORM),
        Route("/employees/{user_id:int}/deactivate", membership.deactivate, methods=FORM),
        Route("/employees/{user_id:int}/reactivate", membership.reactivate, methods=POST),
        Route("/employees/{user_id:int}/admin", membership.admin_role, methods=FORM),
        Route("/employees/{user_id:int}/rename", membership.rename, methods=FORM),
        Route("/employees/{user_id:int}/invitation", employees.invitation_resend, methods=POST),
        Route("/progress", matrix.progress_matrix, methods=GET),
        Route("/enrollments/{enrollment_id:int}", matrix.enrollment_detail, methods=GET),
        Route("/enrollments/{enrollment_id:int}/attempts", matrix.grant_attempts, methods=POST),
        Route("/enrollments/{enrollment_id:int}/reissue", matrix.reissue, methods=POST),
        Route("/enrollments/{enrollment_id:int}/remove", matrix.enrollment_remove, methods=FORM),
        Route(
            "/certificates/{certificate_id:int}/download",
            matrix.certificate_download,
            methods=GET,
        ),
        Route("/export", export.export_page, methods=GET),
        Route("/reports/compliance", reports.report_page, methods=GET),
        Route("/reports/compliance.csv", reports.report_csv, methods=GET),
        Route("/reports/compliance.xlsx", reports.report_xlsx, methods=GET),
        Route("/company", company.logo_page, methods=FORM),
        Route("/company/logo", company.logo_image, methods=GET),
        Route("/certificate-template", certificate_template.template_page, methods=FORM),
        Route(
            "/certificate-template/preview.pdf",
            certificate_template.template_preview,
            methods=FORM,
        ),
        Route("/certificate-template/frame", certificate_template.preview_frame, methods=GET),
        Route("/audit", company.audit_log, methods=GET),
        # Company admins (their company's keys) and staff (the platform's)
        Route("/api-keys", api_keys.key_list, methods=FORM),
        Route("/api-keys/{key_id:int}/revoke", api_keys.key_revoke, methods=FORM),
        Route("/notifications", notifications.notifications_page, methods=FORM),
        Route("/webhooks", webhooks.webhook_list, methods=FORM),
        Route("/webhooks/{webhook_id:int}", webhooks.webhook_log, methods=GET),
        Route("/webhooks/{webhook_id:int}/disable", webhooks.webhook_disable, methods=FORM),
        Route(
            "/webhooks/{webhook_id:int}/deliveries/{delivery_id:int}/resend",
            webhooks.delivery_resend,
            methods=POST,
        ),
        # Staff
        Route("/staff/companies", staff.company_list, methods=GET),
        Route("/staff/companies/new", staff.company_new, methods=FORM),
        Route("/staff/courses", authoring.course_list, methods=GET),
        Route("/staff/courses/new", authoring.course_new, methods=FORM),
        Route("/staff/courses/{course_id:int}", authoring.course_editor, methods=GET),
        Route("/staff/courses/{course_id:int}/lessons", authoring.lesson_add, methods=POST),
        Route("/staff/courses/{course_id:int}/preview", authoring.course_preview, methods=GET),
        Route(
            "/staff/courses/{course_id:int}/lessons/{lesson_id:int}/edit",
            lesson_editing.lesson_edit,
            methods=FORM,
        ),
        Route(
            "/staff/courses/{course_id:int}/lessons/{lesson_id:int}/delete",
            lesson_editing.lesson_delete,
            methods=FORM,
        ),
        Route(
            "/staff/courses/{course_id:int}/lessons/{lesson_id:int}/move",
            lesson_editing.lesson_move,
            methods=POST,
        ),
        Route("/staff/courses/{course_id:int}/publish", authoring.course_publish, methods=FORM),
        Route("/staff/courses/{course_id:int}/duplicate", authoring.course_duplicate, methods=POST),
        Route("/staff/courses/{course_id:int}/archive", authoring.course_archive, methods=POST),
        Route("/staff/courses/{course_id:int}/hours", authoring.course_hours, methods=POST),
        Route("/staff/support", staff.support, methods=GET),
        Route("/staff/outbox", outbox.outbox_list, methods=GET),
        Route("/staff/outbox/{mail_id:int}", outbox.outbox_mail, methods=GET),
        Route("/staff/support/users/{user_id:int}", staff.support_user, methods=GET),
        # Anything else under /admin: our own 404 page, not a bare text answer.
        Route("/{path:path}", login.not_found, methods=["GET", "POST", "HEAD"]),
    ]
