"""Every learner route, mounted under ``/learn`` by ``llp_portal.app.create_app``.

Who may use each page is decided by ``web.page`` (signed in, not staff) and, for
single objects, by ``llp_gql.domain.access`` through ``learning_pages``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from learner_ui import account, learning, lessons, reset, web

GET = ["GET"]
POST = ["POST"]
FORM = ["GET", "POST"]
LESSON = "/enrollments/{enrollment_id:int}/lessons/{lesson_id:int}"


async def not_found(request: Request) -> Response:
    return web.error_page(request, 404)


def routes() -> list[BaseRoute]:
    return [
        Mount("/static", app=StaticFiles(packages=[("learner_ui", "static")]), name="static"),
        # The Noto fonts the certificates embed, so names in any script render on pages.
        Mount("/fonts", app=StaticFiles(packages=[("llp_gql.certs", "fonts")]), name="fonts"),
        Route("/", learning.my_learning, methods=GET),
        Route("/signin", account.signin, methods=FORM),
        Route("/signup", account.signup, methods=FORM),
        Route("/forgot", reset.forgot, methods=FORM),
        Route("/reset", reset.reset, methods=FORM),
        Route("/signout", account.signout, methods=POST),
        Route("/account", account.account_page, methods=GET),
        Route("/account/password", account.change_password, methods=POST),
        Route("/account/name", account.rename, methods=POST),
        Route("/account/signout-everywhere", account.signout_everywhere, methods=POST),
        Route("/catalogue", learning.catalogue, methods=GET),
        Route("/enroll", learning.enroll, methods=POST),
        Route("/enrollments/{enrollment_id:int}", learning.course, methods=GET),
        Route(LESSON, lessons.lesson_page, methods=GET),
        Route(LESSON + "/confirm", lessons.confirm, methods=POST),
        Route(LESSON + "/quiz", lessons.quiz_page, methods=GET),
        Route(LESSON + "/quiz", lessons.quiz_submit, methods=POST),
        Route(LESSON + "/video", lessons.video_progress, methods=POST),
        Route(
            "/certificates/{certificate_id:int}/download",
            learning.certificate_download,
            methods=GET,
        ),
        Route(
            "/certificates/{certificate_id:int}/credential",
            learning.credential_download,
            methods=GET,
        ),
        Route("/{path:path}", not_found, methods=["GET", "POST", "HEAD"]),
    ]
