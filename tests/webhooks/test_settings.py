"""The LLP_WEBHOOK_* settings: defaults, reading, and the timeout that must fit a lease."""

from __future__ import annotations

import pytest

from llp_gql.settings import Settings, SettingsError

DEV = {"LLP_ENV": "dev"}


def test_defaults_are_https_only_public_only_and_about_a_day() -> None:
    settings = Settings.from_env(DEV)
    assert settings.webhook_allow_private is False
    assert settings.webhook_allow_http is False
    assert settings.webhook_timeout_seconds == 10.0
    assert settings.webhook_max_attempts == 13
    assert settings.webhook_max_per_company == 20


def test_every_setting_is_read() -> None:
    settings = Settings.from_env(
        {
            **DEV,
            "LLP_WEBHOOK_ALLOW_PRIVATE": "true",
            "LLP_WEBHOOK_ALLOW_HTTP": "yes",
            "LLP_WEBHOOK_TIMEOUT_SECONDS": "3",
            "LLP_WEBHOOK_MAX_ATTEMPTS": "5",
            "LLP_WEBHOOK_BACKOFF_SECONDS": "2",
            "LLP_WEBHOOK_BACKOFF_MAX_SECONDS": "30",
            "LLP_WEBHOOK_ORDER_WAIT_SECONDS": "1",
            "LLP_WEBHOOK_MAX_PER_COMPANY": "3",
        }
    )
    assert (settings.webhook_allow_private, settings.webhook_allow_http) == (True, True)
    assert settings.webhook_timeout_seconds == 3.0
    assert settings.webhook_max_attempts == 5
    assert (settings.webhook_backoff_seconds, settings.webhook_backoff_max_seconds) == (2.0, 30.0)
    assert settings.webhook_order_wait_seconds == 1.0
    assert settings.webhook_max_per_company == 3


def test_the_timeout_fits_a_short_lease_or_is_refused() -> None:
    short = {**DEV, "LLP_QUEUE_LEASE_SECONDS": "20", "LLP_SMTP_TIMEOUT_SECONDS": "5"}
    assert Settings.from_env(short).webhook_timeout_seconds == 2.5
    with pytest.raises(SettingsError, match="LLP_WEBHOOK_TIMEOUT_SECONDS"):
        Settings.from_env({**short, "LLP_WEBHOOK_TIMEOUT_SECONDS": "10"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LLP_WEBHOOK_ALLOW_PRIVATE", "maybe"),
        ("LLP_WEBHOOK_MAX_ATTEMPTS", "0"),
        ("LLP_WEBHOOK_TIMEOUT_SECONDS", "0.1"),
        ("LLP_WEBHOOK_MAX_PER_COMPANY", "many"),
    ],
)
def test_bad_values_stop_start_up_with_the_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**DEV, name: value})
