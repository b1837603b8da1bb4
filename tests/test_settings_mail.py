"""The mail, reset and queue settings: defaults that work, and clear refusals."""

from __future__ import annotations

import pytest

from llp_gql.settings import Settings, SettingsError

BASE = {
    "LLP_SECRET_KEY": "k3Jd9-x_Qw7Lm2Pz8Rt5Vb1Nc6Hy4Gf0Sa",
    "LLP_PUBLIC_BASE_URL": "https://learn.example",
}


def test_defaults_send_to_the_outbox_from_the_public_host() -> None:
    settings = Settings.from_env(BASE)
    assert settings.smtp_host == ""
    assert (settings.smtp_tls, settings.smtp_port) == ("starttls", 587)
    assert settings.mail_from == "LLP certificates <no-reply@learn.example>"
    assert settings.reset_ttl_seconds == 3600
    assert settings.queue_workers == 1
    assert "smtp-secret" not in repr(
        Settings.from_env({**BASE, "LLP_SMTP_USERNAME": "u", "LLP_SMTP_PASSWORD": "smtp-secret"})
    )


@pytest.mark.parametrize(("tls", "port"), [("tls", 465), ("none", 25), ("STARTTLS", 587)])
def test_the_default_port_follows_the_tls_mode(tls: str, port: int) -> None:
    settings = Settings.from_env({**BASE, "LLP_SMTP_HOST": "smtp.example", "LLP_SMTP_TLS": tls})
    assert settings.smtp_port == port


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LLP_SMTP_TLS": "ssl"}, "LLP_SMTP_TLS must be starttls, tls or none"),
        ({"LLP_SMTP_PORT": "70000"}, "LLP_SMTP_PORT must be at most 65535"),
        ({"LLP_SMTP_PORT": "0"}, "LLP_SMTP_PORT must be at least 1"),
        ({"LLP_SMTP_USERNAME": "mailer"}, "go together"),
        ({"LLP_SMTP_PASSWORD": "secret"}, "go together"),
        ({"LLP_MAIL_FROM": "not an address"}, "LLP_MAIL_FROM must be an email address"),
        ({"LLP_RESET_TTL_SECONDS": "5"}, "LLP_RESET_TTL_SECONDS must be at least 60"),
        ({"LLP_QUEUE_MAX_ATTEMPTS": "0"}, "LLP_QUEUE_MAX_ATTEMPTS must be at least 1"),
        (
            {"LLP_SMTP_TIMEOUT_SECONDS": "60", "LLP_QUEUE_LEASE_SECONDS": "100"},
            "less than half of LLP_QUEUE_LEASE_SECONDS",
        ),
    ],
)
def test_bad_mail_settings_stop_start_up(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({**BASE, **env})


def test_a_named_sender_is_kept() -> None:
    settings = Settings.from_env({**BASE, "LLP_MAIL_FROM": "Acme Training <training@acme.example>"})
    assert settings.mail_from == "Acme Training <training@acme.example>"
