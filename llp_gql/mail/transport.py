"""Delivery: the MIME message, and SMTP with aiosmtplib (``LLP_SMTP_*``)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib

from llp_gql.mail.compose import Mail
from llp_gql.settings import Settings


def message_id_for(key: str, settings: Settings) -> str:
    """A Message-ID derived from the job's key: the same mail always carries the same
    one, so a copy sent again after a crash (see ``jobs``) can be recognised as such."""
    _, sender = parseaddr(settings.mail_from)
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build_message(mail: Mail, *, message_id: str, settings: Settings, at: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(at)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


async def send_smtp(message: EmailMessage, settings: Settings) -> None:
    """Hand the message to the SMTP server; raises when it was not accepted."""
    _ = await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        use_tls=settings.smtp_tls == "tls",
        start_tls=settings.smtp_tls == "starttls",
        timeout=settings.smtp_timeout_seconds,
    )
