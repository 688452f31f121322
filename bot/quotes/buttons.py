"""The buttons of a quote: start one, quick answers and edits while writing it, and the
designer's Shortlist / Accept / Decline in the comparison."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, OnRecord, choice, number
from bot.i18n import t
from bot.quotes.service import DECLINE_REASONS

Rows = list[list[tuple[str, str]]]

# The questions of a quote, in the order they are asked.
STEPS = (
    "sample_price",
    "sample_days",
    "unit_price",
    "tiers",
    "moq",
    "moq_per",
    "extras",
    "lead_time",
    "valid_until",
    "note",
)
# Quick answers a button may give (each read like the same words typed).
QUICK = ("7", "10", "14", "21", "4", "6", "8", "12", "style", "colour", "size", "skip", "default")


class StartQuote(OnRecord, prefix="q:new"):
    """ "Quote" on an introduction (by its id): from the request (accepting it) or after an
    accept, or to re-quote."""


class QuickAnswer(ButtonData, prefix="q:ans"):
    step: str = choice(*STEPS)
    value: str = choice(*QUICK)


class EditStep(ButtonData, prefix="q:edit"):
    step: str = choice(*STEPS)


class SendQuote(OnRecord, prefix="q:send"):
    """Send the quote written for an introduction (by its id)."""


class ShowQuotes(OnRecord, prefix="q:cmp"):
    """The designer's comparison of a brief's quotes (by the brief's id)."""


class QuoteDecision(ButtonData, prefix="q:do"):
    action: str = choice("shortlist", "accept", "decline", "split")
    quote_id: int = number(1)


class DeclineQuoteReason(ButtonData, prefix="q:why"):
    quote_id: int = number(1)
    reason: str = choice(*DECLINE_REASONS)


def start_quote_row(intro_id: int, lang: str, *, again: bool = False) -> list[tuple[str, str]]:
    key = "quotes.requote_button" if again else "quotes.quote_button"
    return [(t(key, lang), StartQuote(intro_id).encode())]


def quick_buttons(step: str, lang: str) -> Rows:
    values: dict[str, tuple[str, ...]] = {
        "sample_days": ("7", "10", "14", "21"),
        "tiers": ("skip",),
        "moq_per": ("style", "colour", "size"),
        "extras": ("skip",),
        "lead_time": ("4", "6", "8", "12"),
        "valid_until": ("default",),
        "note": ("skip",),
    }
    row = [
        (t(f"quotes.quick_{value}", lang), QuickAnswer(step, value).encode())
        for value in values.get(step, ())
    ]
    return [row] if row else []


def review_buttons(intro_id: int, lang: str) -> Rows:
    edits = [(t(f"quotes.edit_{step}", lang), EditStep(step).encode()) for step in STEPS]
    rows: Rows = [[(t("quotes.send_button", lang), SendQuote(intro_id).encode())]]
    rows += [edits[i : i + 2] for i in range(0, len(edits), 2)]
    return rows


def compare_row(brief_id: int, lang: str) -> list[tuple[str, str]]:
    return [(t("quotes.compare_button", lang), ShowQuotes(brief_id).encode())]


def decision_row(
    quote_id: int, number_shown: int, shortlisted: bool, lang: str
) -> list[tuple[str, str]]:
    star = "★" if shortlisted else "☆"
    return [
        (f"{star} {number_shown}", QuoteDecision("shortlist", quote_id).encode()),
        (
            t("quotes.accept_button", lang, n=number_shown),
            QuoteDecision("accept", quote_id).encode(),
        ),
        (
            t("quotes.decline_button", lang, n=number_shown),
            QuoteDecision("decline", quote_id).encode(),
        ),
    ]


def decline_reason_buttons(quote_id: int, lang: str) -> Rows:
    return [
        [(t(f"quotes.reason_{reason}", lang), DeclineQuoteReason(quote_id, reason).encode())]
        for reason in DECLINE_REASONS
    ]


def split_buttons(quote_id: int, lang: str) -> Rows:
    return [[(t("quotes.split_yes", lang), QuoteDecision("split", quote_id).encode())]]
