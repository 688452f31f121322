"""An administrator's decision buttons on a registration or a claim, in /admin and in the alert
that a new one waits."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData, choice, number
from bot.i18n import t

Rows = list[list[tuple[str, str]]]
# ver / rej: a registration; cok / cno: a claim of an imported atelier.
ACTIONS = ("ver", "rej", "cok", "cno")


@dataclass(frozen=True)
class Decide(ButtonData):
    PREFIX = "admin"
    action: str = choice(*ACTIONS)
    atelier_id: int = number(1)


def registration_buttons(atelier_id: int, lang: str) -> Rows:
    return [
        [
            (t("admin.verify", lang), Decide("ver", atelier_id).encode()),
            (t("admin.reject", lang), Decide("rej", atelier_id).encode()),
        ]
    ]


def claim_buttons(atelier_id: int, lang: str) -> Rows:
    return [
        [
            (t("admin.approve_claim", lang), Decide("cok", atelier_id).encode()),
            (t("admin.reject", lang), Decide("cno", atelier_id).encode()),
        ]
    ]
