"""Reading ``LLP_*`` values: typed, checked, with a clear message naming the variable.

The parsers behind ``llp_gql.settings.Settings.from_env``, apart from it so that the
settings module stays one readable list of every setting and its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parseaddr
from typing import Literal
from urllib.parse import urlsplit

Mode = Literal["production", "dev", "demo"]
SmtpTls = Literal["starttls", "tls", "none"]
_SMTP_TLS: tuple[SmtpTls, ...] = ("starttls", "tls", "none")
_SMTP_DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}

# Secrets that show up in tutorials and .env examples; refusing them catches
# the copy-paste deployment.
_KNOWN_WEAK = {"secret", "changeme", "change-me", "password", "dev", "development", "test"}
MIN_SECRET_LENGTH = 32
_SCHEMES = {"sqlite", "postgres", "postgresql", "asyncpg"}


class SettingsError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}.") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}.")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}.") from None
    if value < minimum or value != value:  # NaN is not a setting
        raise SettingsError(f"{name} must be at least {minimum}, got {raw}.")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}.")


def secret_problem(secret: str | None) -> str | None:
    """Why a secret key is unusable outside dev/demo, or None when it is fine."""
    if not secret:
        return "LLP_SECRET_KEY is not set."
    if len(secret) < MIN_SECRET_LENGTH:
        return f"LLP_SECRET_KEY is too short ({len(secret)} characters; use at least 32)."
    if secret.lower() in _KNOWN_WEAK or len(set(secret)) < 8:
        return "LLP_SECRET_KEY is a well-known or low-variety value."
    return None


def _public_base_url(raw: str, mode: Mode) -> str | None:
    """The checked ``LLP_PUBLIC_BASE_URL`` without a trailing slash; None when unset in
    dev/demo. Production needs it: every certificate's QR code and download link is
    built from it, and a default (127.0.0.1) would print unreachable links for good."""
    value = raw.strip().rstrip("/")
    if not value:
        if mode == "production":
            raise SettingsError(
                "LLP_PUBLIC_BASE_URL is not set. Outside dev/demo mode the server needs "
                "the address people reach it at (it is printed in every certificate): "
                "set it, e.g. LLP_PUBLIC_BASE_URL=https://learn.example.com."
            )
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(
            "LLP_PUBLIC_BASE_URL must be an http:// or https:// address without a query, "
            f"got {raw!r}."
        )
    return value


def _mail_from(raw: str, public_base_url: str) -> str:
    """``LLP_MAIL_FROM`` checked (an address, with or without a display name); by default
    ``no-reply@`` the public host."""
    value = raw.strip()
    if not value:
        host = urlsplit(public_base_url).hostname or "localhost"
        return f"LLP certificates <no-reply@{host}>"
    _, address = parseaddr(value)
    if "@" not in address or any(ord(ch) < 32 for ch in value):
        raise SettingsError(
            f"LLP_MAIL_FROM must be an email address like 'LLP <no-reply@example.com>', "
            f"got {raw!r}."
        )
    return value


def _smtp(env: Mapping[str, str]) -> dict[str, object]:
    """The ``LLP_SMTP_*`` settings, checked together (a username needs its password)."""
    tls = env.get("LLP_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in _SMTP_TLS:
        raise SettingsError(f"LLP_SMTP_TLS must be starttls, tls or none, got {tls!r}.")
    port = _int(env, "LLP_SMTP_PORT", _SMTP_DEFAULT_PORTS[tls], 1)
    if port > 65535:
        raise SettingsError(f"LLP_SMTP_PORT must be at most 65535, got {port}.")
    username = env.get("LLP_SMTP_USERNAME", "")
    password = env.get("LLP_SMTP_PASSWORD", "")
    if bool(username) != bool(password):
        raise SettingsError(
            "LLP_SMTP_USERNAME and LLP_SMTP_PASSWORD go together: set both or neither."
        )
    return {
        "smtp_host": env.get("LLP_SMTP_HOST", "").strip(),
        "smtp_port": port,
        "smtp_tls": tls,
        "smtp_username": username,
        "smtp_password": password,
        "smtp_timeout_seconds": _float(env, "LLP_SMTP_TIMEOUT_SECONDS", 30.0, 1.0),
    }


def _webhooks(env: Mapping[str, str], queue_lease: int) -> dict[str, object]:
    """The ``LLP_WEBHOOK_*`` settings (defaults as in ``Settings``). An attempt has four
    steps (name lookup, connect, send, answer), each within the timeout; they must fit
    in half a queue lease, or a slow attempt could be taken over and sent twice. Unset,
    the timeout shrinks to fit a short lease; set too long, it is refused."""
    fitting = queue_lease / 8
    timeout = _float(env, "LLP_WEBHOOK_TIMEOUT_SECONDS", min(10.0, fitting), 0.5)
    if timeout >= fitting and env.get("LLP_WEBHOOK_TIMEOUT_SECONDS"):
        raise SettingsError(
            "LLP_WEBHOOK_TIMEOUT_SECONDS must be less than an eighth of "
            "LLP_QUEUE_LEASE_SECONDS (its four steps in half a lease), or a slow delivery "
            "could be taken over by another worker and sent twice."
        )
    return {
        "webhook_allow_private": _bool(env, "LLP_WEBHOOK_ALLOW_PRIVATE", False),
        "webhook_allow_http": _bool(env, "LLP_WEBHOOK_ALLOW_HTTP", False),
        "webhook_timeout_seconds": timeout,
        "webhook_max_attempts": _int(env, "LLP_WEBHOOK_MAX_ATTEMPTS", 13, 1),
        "webhook_backoff_seconds": _float(env, "LLP_WEBHOOK_BACKOFF_SECONDS", 60.0, 0.01),
        "webhook_backoff_max_seconds": _float(
            env, "LLP_WEBHOOK_BACKOFF_MAX_SECONDS", 21600.0, 0.01
        ),
        "webhook_order_wait_seconds": _float(env, "LLP_WEBHOOK_ORDER_WAIT_SECONDS", 5.0, 0.01),
        "webhook_max_per_company": _int(env, "LLP_WEBHOOK_MAX_PER_COMPANY", 20, 1),
    }
