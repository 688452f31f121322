"""Log lines never carry the bot token, the webhook secret or a contact, in either format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import load_settings
from bot.ops.logs import configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "hook-Secret_77"
OTHER_TOKEN = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsbb"  # not this bot's, still a token


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def _log_everything(stream: io.StringIO, log_format: str) -> str:
    settings = load_settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        webhook_secret=SECRET,
        log_format=log_format,
    )
    configure_logging(settings)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    log = logging.getLogger("bot.example")
    log.warning("POST https://api.telegram.org/bot%s/getMe failed", TOKEN)
    log.warning("secret %s from a library, and %s", SECRET, OTHER_TOKEN)
    log.info("designer wrote rossi@example.com and +39 055 123 4567")
    try:
        raise RuntimeError(f"boom with {TOKEN} and info@maglificio.example")
    except RuntimeError:
        log.exception("failed")
    return stream.getvalue()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_token_secret_or_contact_reaches_a_log_line(
    captured: io.StringIO, log_format: str
) -> None:
    output = _log_everything(captured, log_format)
    for forbidden in (
        TOKEN,
        TOKEN.split(":")[1],
        SECRET,
        "rossi@example.com",
        "123 4567",
        OTHER_TOKEN,
        "info@maglificio.example",
    ):
        assert forbidden not in output
    assert "[token]" in output and "[secret]" in output and "[contact]" in output
    assert "boom with" in output, "the traceback is kept, redacted"


def test_json_lines_are_one_object_each(captured: io.StringIO) -> None:
    lines = _log_everything(captured, "json").splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 4
    assert [e["level"] for e in entries] == ["WARNING", "WARNING", "INFO", "ERROR"]
    assert entries[0]["logger"] == "bot.example"
    assert "RuntimeError" in entries[3]["exception"]
