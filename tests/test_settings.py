"""Settings are read once; a weak secret stops a production start with a clear message."""

from __future__ import annotations

import pytest

from llp_gql.settings import Settings, SettingsError

STRONG = "k3Jd9-x_Qw7Lm2Pz8Rt5Vb1Nc6Hy4Gf0Sa"
URL = "https://learn.example"


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "not set"),
        ("", "not set"),
        ("short-secret", "too short"),
        ("a" * 40, "low-variety"),
    ],
)
def test_production_refuses_missing_or_weak_secret(secret: str | None, message: str) -> None:
    env = {} if secret is None else {"LLP_SECRET_KEY": secret}
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_production_accepts_a_strong_secret() -> None:
    settings = Settings.from_env({"LLP_SECRET_KEY": STRONG, "LLP_PUBLIC_BASE_URL": URL})
    assert settings.mode == "production"
    assert settings.secret_key == STRONG
    assert settings.introspection is False  # off by default outside dev/demo


def test_dev_mode_generates_a_secret_and_enables_introspection() -> None:
    settings = Settings.from_env({"LLP_ENV": "dev"})
    assert len(settings.secret_key) >= 32
    assert settings.introspection is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LLP_VIDEO_MAX_PLAYBACK_RATE", "fast"),
        ("LLP_VIDEO_SLACK_SECONDS", "-1"),
        ("LLP_MAX_PAGE_SIZE", "0"),
        ("LLP_INTROSPECTION", "maybe"),
        ("LLP_ENV", "staging"),
        ("LLP_VIDEO_END_TOLERANCE_SECONDS", "nan"),
        ("LLP_PUBLIC_BASE_URL", "learn.example"),
        ("LLP_PUBLIC_BASE_URL", "ftp://learn.example"),
        ("LLP_PUBLIC_BASE_URL", "https://learn.example/?x=1"),
        ("LLP_MAX_FIELDS", "many"),
        ("LLP_MAX_QUERY_COST", "-5"),
        ("LLP_ANONYMOUS_QUERIES_PER_ADDRESS", "0"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"LLP_SECRET_KEY": STRONG, "LLP_PUBLIC_BASE_URL": URL, name: value})


def test_knobs_are_read() -> None:
    settings = Settings.from_env(
        {
            "LLP_SECRET_KEY": STRONG,
            "LLP_VIDEO_END_TOLERANCE_SECONDS": "3.5",
            "LLP_DOWNLOAD_URL_TTL_SECONDS": "60",
            "LLP_PUBLIC_BASE_URL": "https://learn.example/",
        }
    )
    assert settings.video_end_tolerance_seconds == 3.5
    assert settings.download_url_ttl_seconds == 60
    assert settings.public_base_url == "https://learn.example"


def test_production_requires_a_public_base_url() -> None:
    # given a strong secret but no public base URL, in production
    with pytest.raises(SettingsError, match="LLP_PUBLIC_BASE_URL is not set"):
        Settings.from_env({"LLP_SECRET_KEY": STRONG})
    with pytest.raises(SettingsError, match="LLP_PUBLIC_BASE_URL is not set"):
        Settings.from_env({"LLP_SECRET_KEY": STRONG, "LLP_PUBLIC_BASE_URL": " "})


@pytest.mark.parametrize("mode", ["dev", "demo"])
def test_dev_and_demo_need_no_public_base_url(mode: str) -> None:
    settings = Settings.from_env({"LLP_ENV": mode})
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert not settings.is_https


def test_https_base_url_is_https() -> None:
    settings = Settings.from_env({"LLP_SECRET_KEY": STRONG, "LLP_PUBLIC_BASE_URL": URL + "/"})
    assert settings.public_base_url == URL
    assert settings.is_https
