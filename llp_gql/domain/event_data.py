"""The ``data`` of each webhook event: small, with the API's opaque ids.

Only what the admins of the receiving company may read through the API about their
own assignments and people (``access_webhooks``): ids, the course's title, the
learner's email and name, the certificate's code and verification address.
"""

from __future__ import annotations

from datetime import datetime

from llp_gql.ids import encode_id


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with a Z, as in the envelope."""
    return value.isoformat().replace("+00:00", "Z")


def person(user_id: int, email: str, name: str) -> dict[str, object]:
    """A person of the receiving company, as its admins see them."""
    return {"id": encode_id("User", user_id), "email": email, "name": name}


def enrollment(
    *,
    enrollment_id: int,
    course_id: int,
    course_title: str,
    learner_id: int,
    learner_email: str,
    learner_name: str,
) -> dict[str, object]:
    """What every event about an enrollment carries."""
    return {
        "enrollmentId": encode_id("Enrollment", enrollment_id),
        "course": {"id": encode_id("Course", course_id), "title": course_title},
        "learner": person(learner_id, learner_email, learner_name),
    }


def certificate(
    *, certificate_id: int, code: str, issued_at: datetime, verify_url: str | None
) -> dict[str, object]:
    """A certificate as its company's admins see it (``Certificate.verificationCode``)."""
    data: dict[str, object] = {
        "id": encode_id("Certificate", certificate_id),
        "verificationCode": code,
        "issuedAt": timestamp(issued_at),
    }
    if verify_url is not None:
        data["verifyUrl"] = verify_url
    return data


def enrollment_key(enrollment_id: int) -> str:
    """Events about one enrollment arrive in the order they happened."""
    return f"enrollment:{enrollment_id}"


def person_key(user_id: int) -> str:
    """Events about one person arrive in the order they happened."""
    return f"user:{user_id}"
