"""What every parser shares: the error it returns, the input limit and the languages it reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: Anything longer is rejected before any real work: Telegram caps a message at
#: 4096 characters, and dateparser in particular gets slow on long strings.
MAX_INPUT_CHARS: Final = 4096

#: The languages whose words the parsers read; both are always tried, the user's first.
LANGS: Final = ("en", "it")
#: The Babel locale each language formats numbers, money and dates with.
LOCALES: Final = {"en": "en_GB", "it": "it_IT"}


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a value was not understood; ``code`` picks the localized re-ask message.

    ``detail`` is optional extra context for logs or for the message (e.g. the
    offending text); it is user-controlled, so escape it before showing it.
    """

    code: str
    detail: str = ""


def lang_code(lang: str) -> str:
    """Reduce "it", "it-IT", "it_IT" to "it"; anything unsupported falls back to English."""
    primary = lang.replace("_", "-").split("-", 1)[0].casefold()
    return primary if primary in LANGS else "en"


def other_lang(lang: str) -> str:
    """The other language people switch to mid-sentence."""
    return "en" if lang == "it" else "it"
