"""The answers to the monthly capacity check: still right, or update it."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, choice, number
from bot.i18n import t

Rows = list[list[tuple[str, str]]]


class CapacityCheck(ButtonData, prefix="cap"):
    answer: str = choice("ok", "upd")
    atelier_id: int = number(1)


def capacity_check_buttons(atelier_id: int, lang: str) -> Rows:
    return [
        [
            (t("followups.capacity_ok", lang), CapacityCheck("ok", atelier_id).encode()),
            (t("followups.capacity_update", lang), CapacityCheck("upd", atelier_id).encode()),
        ]
    ]
