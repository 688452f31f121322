"""Message catalogs in English and Italian.

Catalogs are TOML files, one per flow (`locales/<lang>/<flow>.toml`), so each flow owns its
strings; the matcher's reasons (`matching/locales/<lang>/reasons.toml`) are part of the catalog.
`t("designer.ask_quantity", "it", name=...)` looks a message up and formats it; a
missing key in the requested language falls back to English, and a test keeps the two in step.

A message that depends on a number is a table of the language's plural forms (CLDR, through
babel: `one` and `other` in English and Italian), chosen by the `count` value:

    [pending_ateliers]
    one = "{count} nuovo atelier"
    other = "{count} nuovi atelier"
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


# Every catalog of the product, in one format: the bot's flows and the matcher's reasons (the
# matcher is a pure package and reads its own files; here they join the one catalog, so the
# same checks keep every language in step).
CATALOG_PACKAGES: tuple[str, ...] = ("bot.i18n", "matching")


@cache
def catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for package in CATALOG_PACKAGES:
        folder = resources.files(package).joinpath("locales", lang)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                name = entry.name.removesuffix(".toml")
                _flatten(name, tomllib.loads(entry.read_text("utf-8")), messages)
    return messages


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


@cache
def _plural_rule(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang).plural_form


def plural_form(lang: str, count: object) -> str:
    """The CLDR plural category ("one", "other", …) of `count` in `lang`."""
    if not isinstance(count, int | float) or isinstance(count, bool):
        return "other"
    form: str = _plural_rule(lang)(abs(count))
    return form


def _lookup(key: str, lang: str, values: dict[str, Any]) -> str | None:
    messages = catalog(lang)
    message = messages.get(key)
    if message is None and f"{key}.other" in messages:
        form = plural_form(lang, values.get("count"))
        message = messages.get(f"{key}.{form}") or messages[f"{key}.other"]
    return message


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    message = _lookup(key, lang, values) or _lookup(key, DEFAULT_LANGUAGE, values)
    if message is None:
        log.error("missing message %s", key)
        return key
    try:
        return message.format(**values)
    except (KeyError, IndexError, ValueError):
        log.exception("cannot format message %s", key)
        return message


def has(key: str) -> bool:
    messages = catalog(DEFAULT_LANGUAGE)
    return key in messages or f"{key}.other" in messages
