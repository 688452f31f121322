"""The answers of a quote, read from what the atelier types: each reader returns the value to
keep (JSON-able, as the draft stores it) or a `Problem` whose code picks the polite re-ask."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import parsing
from bot.quotes.service import MAX_EXTRAS, MAX_LABEL, MAX_NOTE, MAX_SAMPLE_DAYS, MAX_TIERS

MAX_MOQ = 100_000
VALIDITY_WEEKS = 26


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    lang: str
    currency: str
    quantity: int
    today: date


Reader = Callable[[str, Context], Any]


def _skipped(text: str, ctx: Context) -> bool:
    return parsing.answer_word(text, ctx.lang, expected=parsing.SKIP_WORDS) is not None


def _money(text: str, ctx: Context) -> str | Problem:
    money = parsing.parse_money(text, ctx.lang, currency=ctx.currency)
    if isinstance(money, parsing.ParseError):
        detail = money.detail or ""
        if money.code == parsing.MoneyProblem.TOO_LARGE and detail.isdigit():
            detail = parsing.format_money(parsing.Money(Decimal(detail), ctx.currency), ctx.lang)
        return Problem(f"money_{money.code}", detail)
    return str(money.amount)


def _count(text: str, ctx: Context, maximum: int) -> int | Problem:
    count = parsing.parse_count(text, ctx.lang, maximum=maximum)
    if isinstance(count, parsing.ParseError):
        return Problem(f"count_{count.code}", str(maximum))
    return count


def read_sample_days(text: str, ctx: Context) -> int | Problem:
    return _count(text, ctx, MAX_SAMPLE_DAYS)


def read_moq(text: str, ctx: Context) -> int | Problem:
    return _count(text, ctx, MAX_MOQ)


_LINES = re.compile(r"[\n;]+")
_TIER = re.compile(r"^\s*(.+?)\s*(?::|=|\bat\b|\ba\b|@)\s*(.+?)\s*$", re.IGNORECASE)


def read_tiers(text: str, ctx: Context) -> list[dict[str, Any]] | Problem:
    """ "150: 38" one per line (or "300 at 34,50 €"), up to two."""
    if _skipped(text, ctx):
        return []
    tiers: list[dict[str, Any]] = []
    for line in (part for part in _LINES.split(text) if part.strip()):
        match = _TIER.match(line)
        if match is None:
            return Problem("tier_format")
        quantity = _count(match.group(1), ctx, MAX_MOQ)
        if isinstance(quantity, Problem):
            return Problem("tier_format")
        price = _money(match.group(2), ctx)
        if isinstance(price, Problem):
            return price
        if quantity == ctx.quantity or any(t["quantity"] == quantity for t in tiers):
            return Problem("tier_same", str(quantity))
        tiers.append({"quantity": quantity, "unit_price": price})
    if not tiers:
        return Problem("tier_format")
    if len(tiers) > MAX_TIERS:
        return Problem("tier_many", str(MAX_TIERS))
    return sorted(tiers, key=lambda tier: int(tier["quantity"]))


_EXTRA = re.compile(r"^\s*(.*?[^\d\s:=,.€$£-][^:=]*?)\s*[:=]?\s*([-€$£]?\s*[-\d][\d.,\s]*.*)$")


def read_extras(text: str, ctx: Context) -> list[dict[str, Any]] | Problem:
    """ "labels and packing 120" one per line, up to five; "none" for none."""
    if _skipped(text, ctx):
        return []
    extras: list[dict[str, Any]] = []
    for line in (part for part in _LINES.split(text) if part.strip()):
        match = _EXTRA.match(line)
        if match is None:
            return Problem("extra_format")
        label = parsing.clean_text(match.group(1).strip(" :-"), max_len=MAX_LABEL)
        if isinstance(label, parsing.ParseError) or not label:
            return Problem("extra_format")
        amount = _money(match.group(2), ctx)
        if isinstance(amount, Problem):
            return amount
        extras.append({"label": label, "amount": amount})
    if not extras:
        return Problem("extra_format")
    if len(extras) > MAX_EXTRAS:
        return Problem("extra_many", str(MAX_EXTRAS))
    return extras


def read_lead_time(text: str, ctx: Context) -> int | Problem:
    weeks = parsing.parse_lead_time(text, ctx.lang)
    if isinstance(weeks, parsing.ParseError):
        return Problem(f"lead_{weeks.code}", str(parsing.MAX_LEAD_TIME_WEEKS))
    if weeks < 1:
        return Problem("lead_zero")
    return weeks


def default_validity(ctx: Context) -> date:
    from bot.quotes.timing import TIMING

    return ctx.today + TIMING.default_validity


def read_valid_until(text: str, ctx: Context) -> str | Problem:
    found = parsing.parse_deadline(text, ctx.lang, today=ctx.today, max_weeks=VALIDITY_WEEKS)
    if isinstance(found, parsing.ParseError):
        if found.code == "in_the_past":
            return Problem("validity_past")
        if found.code == "too_far":
            return Problem("validity_far", str(VALIDITY_WEEKS))
        return Problem("validity_unreadable")
    if found < ctx.today + timedelta(days=1):
        return Problem("validity_past")
    return found.isoformat()


def read_note(text: str, ctx: Context) -> str | Problem | None:
    if _skipped(text, ctx):
        return None
    note = parsing.clean_text(text, max_len=MAX_NOTE)
    if isinstance(note, parsing.ParseError):
        return Problem("note_too_long" if note.code == "too_long" else "note_empty", str(MAX_NOTE))
    return note or None


READERS: dict[str, Reader] = {
    "sample_price": _money,
    "sample_days": read_sample_days,
    "unit_price": _money,
    "tiers": read_tiers,
    "moq": read_moq,
    "extras": read_extras,
    "lead_time": read_lead_time,
    "valid_until": read_valid_until,
    "note": read_note,
}
# Where each step's answer lives in the draft's data.
FIELDS = {
    "sample_price": "sample_price",
    "sample_days": "sample_days",
    "unit_price": "unit_price",
    "tiers": "tiers",
    "moq": "moq",
    "moq_per": "moq_per",
    "extras": "extras",
    "lead_time": "lead_time_weeks",
    "valid_until": "valid_until",
    "note": "note",
}
