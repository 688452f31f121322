"""Settings: read from the environment, explained when wrong, the token never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings


def test_defaults_are_an_embedded_database_and_rome(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ADMIN_USER_IDS", "DEFAULT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.token is None
    assert settings.default_timezone == "Europe/Rome"
    assert settings.admin_user_ids == frozenset()


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db:5432/bottega")
    monkeypatch.setenv("ADMIN_USER_IDS", "12, 34;56")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = load_settings(_env_file=None)
    assert settings.database_url == "postgresql+asyncpg://postgres@db:5432/bottega"
    assert settings.admin_user_ids == frozenset({12, 34, 56})
    assert settings.is_admin(34) and not settings.is_admin(99) and not settings.is_admin(None)
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    ("name", "value", "mentions"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("ADMIN_USER_IDS", "alice,bob", "ADMIN_USER_IDS"),
        ("DEFAULT_TIMEZONE", "Europe/Atlantis", "DEFAULT_TIMEZONE"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.com", "TELEGRAM_API_BASE_URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_invalid_values_are_explained(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, mentions: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert mentions in str(error.value)


def test_the_token_never_appears_in_reprs_or_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "123456:AAHsecret-token-value"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", secret)
    settings = load_settings(_env_file=None)
    assert settings.token == secret
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("bottega.test").info("settings: %s / %r", settings, settings)
    assert secret not in repr(settings) and secret not in str(settings)
    assert secret not in caplog.text
    assert secret not in settings.model_dump_json()


def test_a_blank_token_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "   ")
    assert load_settings(_env_file=None).token is None


def test_settings_are_read_from_a_dotenv_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEFAULT_TIMEZONE", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_TIMEZONE=Europe/Lisbon\n")
    assert load_settings(_env_file=env_file).default_timezone == "Europe/Lisbon"
