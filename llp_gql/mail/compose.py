"""Mails from Jinja2 templates: a plain-text and an HTML part for each kind of mail.

The templates are in ``templates/``: ``<name>.txt`` (no escaping: it is not HTML)
and ``<name>.html`` (autoescaped). A missing variable is an error, not a blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

# The queue job kind that sends one mail (handled in llp_gql.mail.jobs).
MAIL_JOB = "mail.send"
TEMPLATES = Path(__file__).parent / "templates"

SUBJECTS = {
    "password_reset": "Reset your password",
    "invitation": "You are invited to LLP certificates",
}


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str

    def payload(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> Mail:
        return cls(
            to=str(payload["to"]),
            subject=str(payload["subject"]),
            text=str(payload["text"]),
            html=str(payload["html"]),
        )


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(
    name: str, *, to: str, context: Mapping[str, object], subject: str | None = None
) -> Mail:
    """The mail ``name`` for ``to``, both parts rendered from ``context``; ``subject``
    for mails whose subject says what is in them (reminders: which course)."""
    environment = _environment()
    subject = subject or SUBJECTS[name]
    values = {**context, "subject": subject}
    return Mail(
        to=to,
        subject=subject,
        text=environment.get_template(f"{name}.txt").render(values),
        html=environment.get_template(f"{name}.html").render(values),
    )
