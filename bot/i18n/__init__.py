"""Message catalogs in English and Italian.

Catalogs are TOML files, one per flow (`locales/<lang>/<flow>.toml`), so each flow owns its
strings. `t("designer.ask_quantity", "it", name=...)` looks a message up and formats it; a
missing key in the requested language falls back to English, and a test keeps the two in step.
"""

from __future__ import annotations

import logging
import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "it")
DEFAULT_LANGUAGE = "en"
log = logging.getLogger(__name__)


def pick_language(code: str | None) -> str:
    """Our language for a Telegram `language_code` such as `it-IT`; English otherwise."""
    if code:
        base = code.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    folder = resources.files("bot.i18n").joinpath("locales", lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten(
                entry.name.removesuffix(".toml"), tomllib.loads(entry.read_text("utf-8")), messages
            )
    return messages


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    message = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if message is None:
        log.error("missing message %s", key)
        return key
    try:
        return message.format(**values)
    except (KeyError, IndexError, ValueError):
        log.exception("cannot format message %s", key)
        return message


def has(key: str) -> bool:
    return key in catalog(DEFAULT_LANGUAGE)
