"""The buttons of an introduction: request one (from a nudge, a digest or the next match after a
decline), and the atelier's Accept / Decline / reason."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, OnRecord, choice, number, text
from bot.i18n import t
from bot.intros.service import DECLINE_REASONS

Rows = list[list[tuple[str, str]]]


class RequestIntro(ButtonData, prefix="intro:req"):
    """A designer asks for an introduction to one atelier for one of their briefs."""

    brief_id: int = number(1)
    ref: str = text()


# The atelier's answer to an introduction request (by the introduction's id).
class AcceptIntro(OnRecord, prefix="intro:acc"): ...


class DeclineIntro(OnRecord, prefix="intro:dec"): ...


class DeclineReason(ButtonData, prefix="intro:why"):
    intro_id: int = number(1)
    reason: str = choice(*DECLINE_REASONS)


def request_intro_row(label: str, brief_id: int, ref: str) -> list[tuple[str, str]]:
    """One "Request intro" button, or none when the atelier's ref is too long for a button."""
    button = RequestIntro(brief_id, ref)
    return [(label, button.encode())] if button.fits() else []


def request_buttons(intro_id: int, lang: str) -> Rows:
    from bot.quotes.buttons import start_quote_row

    return [
        [
            (t("intros.accept", lang), AcceptIntro(intro_id).encode()),
            (t("intros.decline", lang), DeclineIntro(intro_id).encode()),
        ],
        start_quote_row(intro_id, lang),
    ]


def reason_buttons(intro_id: int, lang: str) -> Rows:
    return [
        [(t(f"intros.reason_{reason}", lang), DeclineReason(intro_id, reason).encode())]
        for reason in DECLINE_REASONS
    ]
