"""An administrator's decision buttons on a registration or a claim, in /admin and in the alert
that a new one waits; Reject asks why, and a rejection can be undone."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, choice, number
from bot.i18n import t

Rows = list[list[tuple[str, str]]]
# ver / rej: a registration; cok / cno: a claim of an imported atelier.
ACTIONS = ("ver", "rej", "cok", "cno")
# Why a registration or a claim is turned down; the owner is told the same reason.
REASONS = ("incomplete", "unreachable", "scope", "duplicate")


class Decide(ButtonData, prefix="admin"):
    action: str = choice(*ACTIONS)
    atelier_id: int = number(1)


class Refuse(ButtonData, prefix="admin:why"):
    """Reject a registration (rej) or a claim (cno) for one of the REASONS."""

    action: str = choice("rej", "cno")
    reason: str = choice(*REASONS)
    atelier_id: int = number(1)


class KeepPending(ButtonData, prefix="admin:back"):
    """Back from the reasons to the decision buttons, nothing decided."""

    action: str = choice("rej", "cno")
    atelier_id: int = number(1)


class UndoRefusal(ButtonData, prefix="admin:undo"):
    """Take a rejection back: the registration or claim waits for a decision again. A claim's
    claimant is named, since rejecting it forgot who claimed."""

    action: str = choice("rej", "cno")
    atelier_id: int = number(1)
    claimant_id: int = number(0)


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


def decision_buttons(action: str, atelier_id: int, lang: str) -> Rows:
    """The buttons a registration (rej) or a claim (cno) was shown before Reject."""
    return (
        registration_buttons(atelier_id, lang)
        if action == "rej"
        else claim_buttons(atelier_id, lang)
    )


def reason_buttons(action: str, atelier_id: int, lang: str) -> Rows:
    rows: Rows = [
        [(t(f"admin.reason_{reason}", lang), Refuse(action, reason, atelier_id).encode())]
        for reason in REASONS
    ]
    rows.append([(t("admin.keep_pending", lang), KeepPending(action, atelier_id).encode())])
    return rows


def undo_buttons(action: str, atelier_id: int, claimant_id: int, lang: str) -> Rows:
    return [[(t("admin.undo", lang), UndoRefusal(action, atelier_id, claimant_id).encode())]]
