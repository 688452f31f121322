"""Deployment settings: bad values stop the program with a message naming the variable."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"webhook_secret": "has spaces!"}, "WEBHOOK_SECRET"),
        ({"webhook_url": "bot.example.com/hook"}, "WEBHOOK_URL"),
        ({"webhook_port": "0"}, "WEBHOOK_PORT"),
        ({"webhook_max_connections": "101"}, "WEBHOOK_MAX_CONNECTIONS"),
        ({"log_format": "xml"}, "LOG_FORMAT"),
        ({"paid_broadcast_rate_per_second": "1001"}, "PAID_BROADCAST_RATE_PER_SECOND"),
        ({"standby_poll_seconds": "10"}, "STANDBY_POLL_SECONDS"),
    ],
)
def test_a_bad_deployment_setting_is_named(values: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(_env_file=None, **values)


def test_defaults_poll_without_health_port_or_paid_broadcast() -> None:
    settings = load_settings(_env_file=None)
    assert settings.webhook_url is None and settings.webhook_secret_value is None
    assert settings.health_port is None and settings.log_format == "text"
    assert settings.paid_broadcast is False


def test_blank_values_mean_unset_and_json_is_case_insensitive() -> None:
    settings = load_settings(
        _env_file=None, webhook_url=" ", webhook_secret="", health_port="", log_format="JSON"
    )
    assert settings.webhook_url is None and settings.webhook_secret_value is None
    assert settings.health_port is None and settings.log_format == "json"
