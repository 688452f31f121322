"""Quotes: an atelier's structured offer for an accepted introduction, re-quotable (a new version
supersedes the old one, both kept), and the designer's decisions on it: shortlist, decline with a
reason, or accept, which starts an order (a second accepted quote for one brief only as a split
order the designer confirmed).

Every change schedules or cancels the outbox rows that follow from it in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.core.errors import RefusedError
from bot.db.base import utcnow
from bot.db.models import (
    Atelier,
    Brief,
    BriefState,
    IntroRequest,
    IntroState,
    Order,
    OrderEvent,
    QuantityUnit,
    Quote,
    QuoteState,
    User,
)
from bot.orders import service as orders
from bot.orders.lifecycle import OrderState
from bot.outbox.payloads import Payload
from bot.quotes.timing import TIMING, Timing
from bot.reliability import service as reliability

DECLINE_REASONS = ("price", "lead_time", "chose_other", "other")
MAX_TIERS = 2
MAX_EXTRAS = 5
MAX_LABEL = 80
MAX_NOTE = 1000
MAX_SAMPLE_DAYS = 120
MAX_VALIDITY = timedelta(days=180)


# --- what the outbox carries about quotes ---------------------------------------------------------


class AboutQuote(Payload, kind="about_quote"):
    quote_id: int


class QuoteReceived(AboutQuote, kind="quote_received"):
    """To the designer: a quote (or a new version of one) arrived."""


class QuoteExpiry(AboutQuote, kind="quote_expiry"):
    """To the designer: a quote runs out in 48 hours."""


class QuoteDeclined(AboutQuote, kind="quote_declined"):
    """To the atelier: politely, with the reason."""


class QuoteAccepted(AboutQuote, kind="quote_accepted"):
    """To the atelier: the order starts with the sample."""


class QuoteNudge(Payload, kind="quote_nudge"):
    """To the atelier: it accepted an introduction three days ago and has not quoted."""

    intro_id: int


class QuoteError(RefusedError):
    """A quote action that cannot be honoured; `code` picks the message shown."""


@dataclass(frozen=True, slots=True)
class Tier:
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Extra:
    label: str
    amount: Decimal


@dataclass(slots=True)
class QuoteDraft:
    """The answers of a quote being written, in the brief's currency."""

    sample_price: Decimal
    sample_days: int
    unit_price: Decimal
    moq: int
    moq_per: str
    lead_time_weeks: int
    valid_until: date
    tiers: list[Tier] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    note: str | None = None

    def problem(self, today: date) -> str | None:
        """What makes the draft unsendable (each code has a message), or None."""
        if self.sample_price <= 0 or self.unit_price <= 0:
            return "bad_price"
        if not 1 <= self.sample_days <= MAX_SAMPLE_DAYS or self.lead_time_weeks < 1:
            return "bad_days"
        if self.moq < 1 or self.moq_per not in tuple(QuantityUnit):
            return "bad_moq"
        if self.valid_until < today:
            return "validity_past"
        if self.valid_until > today + MAX_VALIDITY:
            return "validity_far"
        if len(self.tiers) > MAX_TIERS or len(self.extras) > MAX_EXTRAS:
            return "too_many"
        return None


def draft_to_data(draft: QuoteDraft) -> dict[str, Any]:
    """A JSON-able form of a draft (kept in the conversation's persisted data)."""
    return {
        "sample_price": str(draft.sample_price),
        "sample_days": draft.sample_days,
        "unit_price": str(draft.unit_price),
        "moq": draft.moq,
        "moq_per": draft.moq_per,
        "lead_time_weeks": draft.lead_time_weeks,
        "valid_until": draft.valid_until.isoformat(),
        "tiers": [{"quantity": t.quantity, "unit_price": str(t.unit_price)} for t in draft.tiers],
        "extras": [{"label": e.label, "amount": str(e.amount)} for e in draft.extras],
        "note": draft.note,
    }


def draft_from_data(data: dict[str, Any]) -> QuoteDraft | None:
    try:
        return QuoteDraft(
            sample_price=Decimal(data["sample_price"]),
            sample_days=int(data["sample_days"]),
            unit_price=Decimal(data["unit_price"]),
            moq=int(data["moq"]),
            moq_per=str(data["moq_per"]),
            lead_time_weeks=int(data["lead_time_weeks"]),
            valid_until=date.fromisoformat(data["valid_until"]),
            tiers=[Tier(int(t["quantity"]), Decimal(t["unit_price"])) for t in data["tiers"]],
            extras=[Extra(str(e["label"]), Decimal(e["amount"])) for e in data["extras"]],
            note=data.get("note"),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


def currency_of(brief: Brief) -> str:
    return brief.budget_currency or "EUR"


def nudge_key(intro_id: int) -> str:
    return outbox.intro_key(intro_id, "quote_nudge")


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


# --- the atelier's side --------------------------------------------------------------------------


async def on_intro_accepted(
    session: AsyncSession, intro: IntroRequest, owner_id: int, *, now: datetime, timing: Timing
) -> None:
    """An atelier accepted an introduction: remind it to quote if it has not after 3 days."""
    await outbox.schedule(
        session,
        QuoteNudge(intro.id),
        recipient_id=owner_id,
        dedupe_key=nudge_key(intro.id),
        due_at=now + timing.quote_nudge_after,
    )


async def quotable(
    session: AsyncSession, intro_id: int, owner: User
) -> tuple[IntroRequest, Brief, Atelier]:
    """The accepted introduction `owner`'s atelier may quote for, or why not."""
    intro = await session.get(IntroRequest, intro_id)
    if intro is None:
        raise QuoteError("not_found")
    atelier = await session.get(Atelier, intro.atelier_id)
    brief = await session.get(Brief, intro.brief_id)
    if atelier is None or brief is None or atelier.owner_id != owner.id:
        raise QuoteError("not_your_atelier")
    if intro.state in (IntroState.CANCELLED, IntroState.EXPIRED, IntroState.DECLINED):
        raise QuoteError("withdrawn")
    if brief.state not in (BriefState.OPEN, BriefState.MATCHED) or brief.designer_id is None:
        raise QuoteError("withdrawn")
    if intro.state != IntroState.ACCEPTED:
        raise QuoteError("not_accepted")
    decided = await session.scalar(
        select(Quote.id).where(
            Quote.intro_id == intro.id,
            Quote.state.in_([QuoteState.ACCEPTED, QuoteState.DECLINED]),
        )
    )
    if decided is not None:
        raise QuoteError("already_decided")
    return intro, brief, atelier


async def begin(
    session: AsyncSession, *, intro_id: int, owner: User, now: datetime | None = None
) -> tuple[Brief, Quote | None, bool]:
    """The atelier starts a quote: on a request still waiting, "Quote" accepts it first (the
    contacts are exchanged as with Accept). Returns the brief, the last version if this is a
    re-quote, and whether the introduction was accepted just now."""
    from bot.intros import service as intros  # intros imports this module

    intro = await session.get(IntroRequest, intro_id)
    accepted = False
    if intro is not None and intro.state == IntroState.REQUESTED:
        await intros.accept(session, intro_id=intro.id, owner=owner, now=now)
        accepted = True
    _intro, brief, _atelier = await quotable(session, intro_id, owner)
    return brief, await latest_version(session, intro_id), accepted


async def latest_version(session: AsyncSession, intro_id: int) -> Quote | None:
    return await session.scalar(
        select(Quote).where(Quote.intro_id == intro_id).order_by(Quote.version.desc()).limit(1)
    )


async def send(
    session: AsyncSession,
    *,
    intro_id: int,
    owner: User,
    draft: QuoteDraft,
    now: datetime | None = None,
    timing: Timing = TIMING,
) -> Quote:
    """Send a quote (or the next version of one) to the designer."""
    now = now or utcnow()
    intro, brief, atelier = await quotable(session, intro_id, owner)
    problem = draft.problem(now.date())
    if problem is not None:
        raise QuoteError(problem)
    previous = await latest_version(session, intro.id)
    if previous is not None and previous.state == QuoteState.OPEN:
        previous.state = QuoteState.SUPERSEDED
        await outbox.cancel(
            session, dedupe_key=outbox.quote_key(previous.id, "expiry"), reason="re-quoted"
        )
    quote = Quote(
        intro_id=intro.id,
        brief_id=brief.id,
        atelier_id=atelier.id,
        version=(previous.version + 1) if previous is not None else 1,
        state=QuoteState.OPEN,
        currency=currency_of(brief),
        sample_price=draft.sample_price,
        sample_days=draft.sample_days,
        quantity=brief.quantity or draft.moq,
        unit_price=draft.unit_price,
        tiers=[{"quantity": t.quantity, "unit_price": str(t.unit_price)} for t in draft.tiers],
        moq=draft.moq,
        moq_per=draft.moq_per,
        extra_costs=[{"label": e.label[:MAX_LABEL], "amount": str(e.amount)} for e in draft.extras],
        lead_time_weeks=draft.lead_time_weeks,
        valid_until=draft.valid_until,
        note=(draft.note or "").strip()[:MAX_NOTE] or None,
        created_at=now,
    )
    session.add(quote)
    await session.flush()
    await reliability.touch(session, atelier.id)
    await outbox.cancel(session, dedupe_key=nudge_key(intro.id), reason="quoted")
    assert brief.designer_id is not None
    await outbox.schedule(
        session,
        QuoteReceived(quote.id),
        recipient_id=brief.designer_id,
        dedupe_key=outbox.quote_key(quote.id, "received"),
        due_at=now,
    )
    remind_at = _end_of(quote.valid_until) - timing.quote_expiry_notice
    if remind_at > now:
        await outbox.schedule(
            session,
            QuoteExpiry(quote.id),
            recipient_id=brief.designer_id,
            dedupe_key=outbox.quote_key(quote.id, "expiry"),
            due_at=remind_at,
        )
    return quote


# --- the designer's side -------------------------------------------------------------------------


async def owned_quote(session: AsyncSession, quote_id: int, designer: User) -> tuple[Quote, Brief]:
    quote = await session.get(Quote, quote_id)
    brief = await session.get(Brief, quote.brief_id) if quote is not None else None
    if quote is None or brief is None or brief.designer_id != designer.id:
        raise QuoteError("not_yours")
    return quote, brief


async def for_brief(session: AsyncSession, brief_id: int) -> list[Quote]:
    """The current version of every quote for a brief (superseded versions left out), in the
    order the introductions were made, so a quote keeps its number when it is re-quoted."""
    rows = await session.scalars(
        select(Quote)
        .where(Quote.brief_id == brief_id, Quote.state != QuoteState.SUPERSEDED)
        .order_by(Quote.intro_id, Quote.version)
    )
    return list(rows.all())


async def count_for_brief(session: AsyncSession, brief_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Quote)
            .where(Quote.brief_id == brief_id, Quote.state != QuoteState.SUPERSEDED)
        )
        or 0
    )


def _still_open(quote: Quote) -> None:
    if quote.state == QuoteState.SUPERSEDED:
        raise QuoteError("superseded")
    if quote.state == QuoteState.WITHDRAWN:
        raise QuoteError("withdrawn")
    if quote.state != QuoteState.OPEN:
        raise QuoteError("already_decided")


async def toggle_shortlist(session: AsyncSession, *, quote_id: int, designer: User) -> Quote:
    quote, _brief = await owned_quote(session, quote_id, designer)
    _still_open(quote)
    quote.shortlisted = not quote.shortlisted
    return quote


async def _tell_atelier(
    session: AsyncSession, quote: Quote, payload: AboutQuote, what: str, now: datetime
) -> None:
    atelier = await session.get(Atelier, quote.atelier_id)
    if atelier is not None and atelier.owner_id is not None:
        await outbox.schedule(
            session,
            payload,
            recipient_id=atelier.owner_id,
            dedupe_key=outbox.quote_key(quote.id, what),
            due_at=now,
        )


async def decline(
    session: AsyncSession,
    *,
    quote_id: int,
    designer: User,
    reason: str,
    now: datetime | None = None,
) -> Quote:
    """The designer says no, with a reason; the atelier is told politely."""
    now = now or utcnow()
    if reason not in DECLINE_REASONS:
        raise QuoteError("not_yours")
    quote, _brief = await owned_quote(session, quote_id, designer)
    _still_open(quote)
    quote.state = QuoteState.DECLINED
    quote.decline_reason = reason
    quote.decided_at = now
    await outbox.cancel(session, dedupe_key=outbox.quote_key(quote.id, "expiry"), reason="declined")
    await _tell_atelier(session, quote, QuoteDeclined(quote.id), "declined", now)
    return quote


async def accepted_elsewhere(session: AsyncSession, brief_id: int, quote_id: int) -> bool:
    other = await session.scalar(
        select(Quote.id).where(
            Quote.brief_id == brief_id, Quote.state == QuoteState.ACCEPTED, Quote.id != quote_id
        )
    )
    return other is not None


async def accept(
    session: AsyncSession,
    *,
    quote_id: int,
    designer: User,
    split: bool = False,
    now: datetime | None = None,
) -> Order:
    """The designer accepts a quote: an order starts with the sample. A second accepted quote
    for the same brief needs `split` (the designer confirmed it is a split order)."""
    now = now or utcnow()
    quote, brief = await owned_quote(session, quote_id, designer)
    _still_open(quote)
    if quote.valid_until < now.date():
        raise QuoteError("quote_expired")
    if brief.state not in (BriefState.OPEN, BriefState.MATCHED):
        raise QuoteError("brief_closed")
    if await accepted_elsewhere(session, brief.id, quote.id) and not split:
        raise QuoteError("needs_split")
    quote.state = QuoteState.ACCEPTED
    quote.decided_at = now
    order = Order(
        quote_id=quote.id,
        brief_id=brief.id,
        atelier_id=quote.atelier_id,
        intro_id=quote.intro_id,
        state=OrderState.SAMPLING,
        sample_round=1,
        sample_due=now.date() + timedelta(days=quote.sample_days),
        split=split,
        confirmed_by=[],
        created_at=now,
        updated_at=now,
    )
    session.add(order)
    await session.flush()
    session.add(
        OrderEvent(
            order_id=order.id,
            action="accept_quote",
            actor="designer",
            from_state="",
            to_state=OrderState.SAMPLING,
            created_at=now,
        )
    )
    await outbox.cancel(session, dedupe_key=outbox.quote_key(quote.id, "expiry"), reason="accepted")
    await _tell_atelier(session, quote, QuoteAccepted(quote.id), "accepted", now)
    await orders.on_order_started(session, order, quote, now=now)
    return order
