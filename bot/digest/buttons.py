"""The digest's buttons: an atelier's "Interested" in a brief, the designer's answer to it."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, choice, number
from bot.i18n import t

Rows = list[list[tuple[str, str]]]


class Interested(ButtonData, prefix="dg:int"):
    brief_id: int = number(1)
    atelier_id: int = number(1)


class AnswerOffer(ButtonData, prefix="dg"):
    answer: str = choice("acc", "dec")
    intro_id: int = number(1)


def offer_buttons(intro_id: int, lang: str) -> Rows:
    return [
        [
            (t("followups.offer_accept", lang), AnswerOffer("acc", intro_id).encode()),
            (t("followups.offer_decline", lang), AnswerOffer("dec", intro_id).encode()),
        ]
    ]
