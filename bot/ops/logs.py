"""Log lines for the operator: plain text or one JSON object a line (`LOG_FORMAT=json`), and in
either form never the bot token, the webhook secret or a contact (an e-mail address or a phone
number), whatever a library put in the message or the traceback."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from bot.config import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONTACTS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\+\d[\d ().-]{6,}\d"  # international phone numbers
)
_TOKENS = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")  # anything shaped like a bot token


class Redacting(logging.Formatter):
    def __init__(self, secrets: list[str], *, json_lines: bool) -> None:
        super().__init__(TEXT_FORMAT)
        self.secrets = [s for s in secrets if s]
        self.json_lines = json_lines

    def redact(self, line: str) -> str:
        for secret in self.secrets:
            line = line.replace(secret, "[secret]")
        line = _TOKENS.sub("[token]", line)
        return _CONTACTS.sub("[contact]", line)

    def format(self, record: logging.LogRecord) -> str:
        if not self.json_lines:
            return self.redact(super().format(record))
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        Redacting(
            [settings.token or "", settings.webhook_secret_value or ""],
            json_lines=settings.log_format == "json",
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.captureWarnings(True)
    # httpx logs every request URL, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The sweeper runs every few seconds; its every run is not news.
    if settings.log_level != "DEBUG":
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
