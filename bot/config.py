"""Settings: the one place configuration is read, from the environment and `.env`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATA_DIR = Path("var")
# Telegram's limit on files a bot downloads (getFile).
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024


def default_database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    return f"sqlite+aiosqlite:///{(data_dir / 'bottega.sqlite3').as_posix()}"


def _unset_if_blank(
    value: Any, *, valid: Callable[[str], bool] = lambda _: True, problem: str = ""
) -> Any:
    """A setting that may be left empty in `.env` (`NAME=` means not set); when it is given as
    text it must be `valid`, or `problem` tells the operator the form."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    if not valid(value):
        raise ValueError(problem)
    return value


class SettingsError(ValueError):
    """Configuration that cannot work, with a message meant for an operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = Field(default_factory=default_database_url)
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_timezone: str = "Europe/Rome"
    log_level: str = "INFO"
    # Telegram's documented limits: about 30 messages/s overall and 1 message/s per chat.
    send_rate_per_second: float = 30.0
    send_rate_per_chat_per_second: float = 1.0
    sweep_interval_seconds: float = 5.0
    # Files: a brief's pack and an atelier's portfolio, and the size of any one file (a bot can
    # download at most 20 MB from Telegram, so a larger file could never be checked or passed on).
    files_max_per_brief: int = Field(default=10, ge=1, le=30)
    files_max_portfolio: int = Field(default=10, ge=1, le=10)
    files_max_bytes: int = Field(default=TELEGRAM_DOWNLOAD_LIMIT, ge=1, le=TELEGRAM_DOWNLOAD_LIMIT)
    # An album arrives as one message per file; it is answered once this long after its last one.
    files_album_wait_seconds: float = Field(default=1.5, gt=0, le=30)
    # Production: webhook instead of long polling, health and metrics, logs, stopping.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    health_listen: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=0, le=65535)
    log_format: str = "text"
    standby_poll_seconds: float = Field(default=1.0, gt=0, le=5)
    stop_timeout_seconds: float = Field(default=8.0, gt=0, le=60)
    # Sends under way at once per process; a kill -9 may repeat at most this many messages.
    outbox_sends_in_flight: int = Field(default=1, ge=1, le=64)
    # The weekly digest as a paid broadcast (0.1 Telegram Stars a message, up to 1000/s).
    paid_broadcast: bool = False
    paid_broadcast_rate_per_second: float = Field(default=100.0, gt=0, le=1000)

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # Accept the common libpq form and use the async driver.
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not (
            value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")
        ):
            raise ValueError(
                "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                "(or postgresql://)"
            )
        try:
            port = make_url(value).port
        except (ArgumentError, ValueError):
            port = -1
        if port is not None and not 0 < port < 65536:
            raise ValueError(
                "DATABASE_URL is not a valid database URL; the form is "
                "postgresql+asyncpg://user:password@host:5432/database or "
                "sqlite+aiosqlite:///path/to/file.sqlite3"
            )
        return value

    @field_validator("telegram_bot_token", "health_port", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return _unset_if_blank(value)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                "TELEGRAM_API_BASE_URL must be an http(s) URL such as https://api.telegram.org/bot"
            )
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError(
                    "ADMIN_USER_IDS must be Telegram user ids separated by commas, e.g. 12345,67890"
                ) from None
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"DEFAULT_TIMEZONE {value!r} is not an IANA time zone such as Europe/Rome"
            ) from None
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_https(cls, value: Any) -> Any:
        return _unset_if_blank(
            value.strip() if isinstance(value, str) else value,
            valid=lambda url: url.startswith(("https://", "http://")),
            problem="WEBHOOK_URL must be the public https:// URL Telegram posts updates to, "
            "e.g. https://bot.example.com/telegram",
        )

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret_characters(cls, value: Any) -> Any:
        return _unset_if_blank(
            value,
            valid=lambda secret: re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret) is not None,
            problem="WEBHOOK_SECRET must be 1 to 256 characters: letters, digits, _ and - "
            "(Telegram's rule for secret_token)",
        )

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"text", "json"}:
            raise ValueError("LOG_FORMAT must be text or json")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR")
        return level

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def webhook_secret_value(self) -> str | None:
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def is_admin(self, telegram_id: int | None) -> bool:
        return telegram_id is not None and telegram_id in self.admin_user_ids


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning validation errors into one readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"]).upper() or "settings"
            lines.append(f"{name}: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError("Invalid configuration:\n  " + "\n  ".join(lines)) from None
