"""How quotes read: the atelier's draft before sending, the designer's side-by-side comparison
(as a message and as a picture), and the messages the outbox sends about quotes."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import parsing
from bot.briefs.rendering import product_label
from bot.core.renderers import Outgoing, Render, Rendering, rendering_when
from bot.db.base import utcnow
from bot.db.models import (
    Atelier,
    Brief,
    IntroState,
    Quote,
    QuoteState,
    User,
)
from bot.db.parties import brief_and_atelier
from bot.i18n import t
from bot.intros.views import intro_parties_for
from bot.quotes import service as quotes
from bot.quotes.buttons import compare_row, start_quote_row
from bot.quotes.service import QuoteDraft
from bot.registry.profiles import ratings
from bot.reliability.service import Reliability, figures


def money(amount: Decimal, currency: str, lang: str) -> str:
    return parsing.format_money(parsing.Money(amount, currency), lang)


def day(value: date, lang: str) -> str:
    return str(format_date(value, format="medium", locale=lang))


def draft_lines(draft: QuoteDraft, currency: str, quantity: int, lang: str) -> list[str]:
    """The quote as both sides read it (the atelier before sending, the designer after)."""
    lines = [
        t(
            "quotes.line_sample",
            lang,
            price=money(draft.sample_price, currency, lang),
            days=draft.sample_days,
        ),
        t(
            "quotes.line_unit",
            lang,
            price=money(draft.unit_price, currency, lang),
            quantity=parsing.format_quantity(quantity, lang),
        ),
    ]
    lines += [
        t(
            "quotes.line_tier",
            lang,
            price=money(tier.unit_price, currency, lang),
            quantity=parsing.format_quantity(tier.quantity, lang),
        )
        for tier in draft.tiers
    ]
    lines.append(
        t(
            "quotes.line_moq",
            lang,
            moq=parsing.format_quantity(draft.moq, lang),
            per=t(f"quotes.per_{draft.moq_per}", lang),
        )
    )
    lines += [
        t("quotes.line_extra", lang, label=extra.label, price=money(extra.amount, currency, lang))
        for extra in draft.extras
    ]
    lines.append(t("quotes.line_lead", lang, weeks=draft.lead_time_weeks))
    lines.append(t("quotes.line_valid", lang, day=day(draft.valid_until, lang)))
    if draft.note:
        lines.append(t("quotes.line_note", lang, note=draft.note))
    return lines


def draft_of(quote: Quote) -> QuoteDraft:
    data = {
        "sample_price": str(quote.sample_price),
        "sample_days": quote.sample_days,
        "unit_price": str(quote.unit_price),
        "moq": quote.moq,
        "moq_per": quote.moq_per,
        "lead_time_weeks": quote.lead_time_weeks,
        "valid_until": quote.valid_until.isoformat(),
        "tiers": quote.tiers,
        "extras": [{"label": e["label"], "amount": e["amount"]} for e in quote.extra_costs],
        "note": quote.note,
    }
    draft = quotes.draft_from_data(data)
    assert draft is not None
    return draft


# --- the comparison ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One quote as the comparison shows it."""

    quote: Quote
    atelier: str
    unit_price: Decimal
    quantity: int
    total: Decimal
    ready_by: date
    deadline: date | None
    rating: float | None
    reliability: Reliability

    @property
    def fits_deadline(self) -> bool | None:
        return None if self.deadline is None else self.ready_by <= self.deadline


def unit_price_at(quote: Quote, quantity: int) -> Decimal:
    """The price per piece at `quantity`: the best tier whose quantity it reaches."""
    price = Decimal(quote.unit_price)
    best = quote.quantity
    for tier in quote.tiers:
        tier_quantity = int(tier["quantity"])
        if best < tier_quantity <= quantity:
            price, best = Decimal(tier["unit_price"]), tier_quantity
    return price


async def comparison(session: AsyncSession, brief: Brief, today: date) -> list[Column]:
    found = await quotes.for_brief(session, brief.id)
    ids = [q.atelier_id for q in found]
    rated = await ratings(session, ids)
    measured = await figures(session, ids)
    columns = []
    for quote in found:
        atelier = await session.get(Atelier, quote.atelier_id)
        quantity = brief.quantity or quote.quantity
        unit = unit_price_at(quote, quantity)
        extras = sum((Decimal(e["amount"]) for e in quote.extra_costs), Decimal(0))
        columns.append(
            Column(
                quote=quote,
                atelier=atelier.name if atelier is not None else "–",
                unit_price=unit,
                quantity=quantity,
                total=unit * quantity + extras,
                ready_by=today
                + timedelta(days=quote.sample_days)
                + timedelta(weeks=quote.lead_time_weeks),
                deadline=brief.deadline,
                rating=rated.get(quote.atelier_id),
                reliability=measured.get(quote.atelier_id, Reliability()),
            )
        )
    return columns


def _state_label(quote: Quote, lang: str, today: date) -> str:
    if quote.state == QuoteState.OPEN and quote.valid_until < today:
        return t("quotes.state_expired", lang)
    return t(f"quotes.state_{quote.state}", lang)


def comparison_text(columns: list[Column], product: str, lang: str, today: date) -> str:
    lines = [t("quotes.compare_title", lang, product=product, count=len(columns))]
    for number, column in enumerate(columns, start=1):
        quote = column.quote
        cur = quote.currency
        fit = column.fits_deadline
        deadline = (
            t("quotes.no_deadline", lang)
            if column.deadline is None
            else t(
                "quotes.fits" if fit else "quotes.late",
                lang,
                deadline=day(column.deadline, lang),
            )
        )
        known = column.reliability.reasons(lang)
        if column.rating is not None:
            known.insert(0, t("quotes.rated", lang, rating=f"{column.rating:.1f}"))
        block = [
            t(
                "quotes.compare_head",
                lang,
                n=number,
                atelier=column.atelier,
                version=quote.version,
                star=" ★" if quote.shortlisted else "",
                state=_state_label(quote, lang, today),
            ),
            t(
                "quotes.compare_price",
                lang,
                unit=money(column.unit_price, cur, lang),
                quantity=parsing.format_quantity(column.quantity, lang),
                total=money(column.total, cur, lang),
            ),
            t(
                "quotes.compare_sample",
                lang,
                price=money(quote.sample_price, cur, lang),
                days=quote.sample_days,
                weeks=quote.lead_time_weeks,
                ready=day(column.ready_by, lang),
                deadline=deadline,
            ),
            t(
                "quotes.compare_valid",
                lang,
                day=day(quote.valid_until, lang),
                record=" · ".join(known) if known else t("quotes.no_record", lang),
            ),
        ]
        lines.append("\n".join(block))
    return "\n\n".join(lines)


def comparison_picture(columns: list[Column], lang: str, today: date) -> bytes:
    """The comparison as a table picture (matplotlib, off-screen), one column per quote."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = [
        t("quotes.pic_unit", lang),
        t("quotes.pic_total", lang),
        t("quotes.pic_sample", lang),
        t("quotes.pic_lead", lang),
        t("quotes.pic_ready", lang),
        t("quotes.pic_valid", lang),
        t("quotes.pic_record", lang),
    ]
    cells: list[list[str]] = [[] for _ in rows]
    for column in columns:
        quote, cur = column.quote, column.quote.currency
        kept, made = column.reliability.on_time
        record = []
        if column.rating is not None:
            record.append(f"★ {column.rating:.1f}")
        if made:
            record.append(f"{kept}/{made}")
        values = [
            money(column.unit_price, cur, lang),
            money(column.total, cur, lang),
            f"{money(quote.sample_price, cur, lang)} · {quote.sample_days} d",
            f"{quote.lead_time_weeks} w",
            day(column.ready_by, lang) + ("" if column.fits_deadline is not False else " !"),
            day(quote.valid_until, lang),
            " · ".join(record) or "–",
        ]
        for index, value in enumerate(values):
            cells[index].append(value)
    headers = [f"{n}. {c.atelier[:22]}" for n, c in enumerate(columns, start=1)]
    figure = Figure(figsize=(2.2 + 2.4 * max(1, len(columns)), 3.4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.axis("off")
    table = axes.table(cellText=cells, rowLabels=rows, colLabels=headers, loc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.5)
    cheapest = min(range(len(columns)), key=lambda i: columns[i].total) if columns else None
    if cheapest is not None:
        table[(2, cheapest)].set_facecolor("#d8f0d8")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- renderers (the outbox calls these at send time) ---------------------------------------------


@dataclass(frozen=True)
class _Quoted:
    """What a message about a quote speaks of, for the one it is sent to."""

    quote: Quote
    brief: Brief
    atelier: Atelier
    lang: str
    product: str


def _about_quote(
    state: QuoteState, *, to_designer: bool
) -> Callable[[Render[_Quoted]], Render[quotes.AboutQuote]]:
    """A message about a quote is sent only while the quote is still in `state`, and to the side
    it is for: the brief's designer or the atelier's owner."""

    async def load(session: AsyncSession, message: quotes.AboutQuote, user: User) -> _Quoted | None:
        quote = await session.get(Quote, message.quote_id)
        if quote is None or quote.state != state:
            return None
        found = await brief_and_atelier(session, quote)
        if found is None:
            return None
        brief, atelier = found
        if (brief.designer_id if to_designer else atelier.owner_id) != user.id:
            return None
        lang = user.language
        product = product_label(brief.product_text, brief.category, lang)
        return _Quoted(quote, brief, atelier, lang, product)

    return rendering_when(load)


@_about_quote(QuoteState.OPEN, to_designer=True)
async def render_received(session: AsyncSession, found: _Quoted, user: User) -> Outgoing | None:
    """To the designer: a quote (or a new version of one) arrived."""
    quote, lang = found.quote, found.lang
    key = "quotes.received_again" if quote.version > 1 else "quotes.received"
    head = t(key, lang, atelier=found.atelier.name, product=found.product, version=quote.version)
    body = draft_lines(draft_of(quote), quote.currency, quote.quantity, lang)
    return Outgoing("\n".join([head, "", *body]), [compare_row(found.brief.id, lang)])


@_about_quote(QuoteState.OPEN, to_designer=True)
async def render_expiry(session: AsyncSession, found: _Quoted, user: User) -> Outgoing | None:
    """To the designer, 48 hours before a quote runs out."""
    until = day(found.quote.valid_until, found.lang)
    text = t(
        "quotes.expiry", found.lang, atelier=found.atelier.name, product=found.product, day=until
    )
    return Outgoing(text, [compare_row(found.brief.id, found.lang)])


async def render_nudge(
    session: AsyncSession, message: quotes.QuoteNudge, user: User
) -> Outgoing | None:
    """To the atelier: it accepted three days ago and has not quoted yet."""
    found = await intro_parties_for(
        session, message.intro_id, IntroState.ACCEPTED, user, to_designer=False
    )
    if found is None:
        return None
    intro, brief, _atelier = found
    if brief.state not in ("open", "matched"):
        return None
    if await session.scalar(select(Quote.id).where(Quote.intro_id == intro.id)) is not None:
        return None
    lang = user.language
    text = t(
        "quotes.nudge",
        lang,
        product=product_label(brief.product_text, brief.category, lang),
    )
    return Outgoing(text, [start_quote_row(intro.id, lang)])


@_about_quote(QuoteState.DECLINED, to_designer=False)
async def render_declined(session: AsyncSession, found: _Quoted, user: User) -> Outgoing | None:
    """To the atelier: the designer declined its quote, and why."""
    reason = t(f"quotes.reason_{found.quote.decline_reason or 'other'}", found.lang)
    return Outgoing(
        t("quotes.declined_to_atelier", found.lang, product=found.product, reason=reason)
    )


@_about_quote(QuoteState.ACCEPTED, to_designer=False)
async def render_accepted(session: AsyncSession, found: _Quoted, user: User) -> Outgoing | None:
    """To the atelier: the designer accepted its quote, which is now an order."""
    from bot.orders import service as orders
    from bot.orders.rendering import order_buttons

    orders_of_brief = await orders.for_brief(session, found.brief.id)
    order = next((o for o in orders_of_brief if o.quote_id == found.quote.id), None)
    if order is None:
        return None
    text = t(
        "quotes.accepted_to_atelier",
        found.lang,
        product=found.product,
        order=order.id,
        day=day(order.sample_due or utcnow().date(), found.lang),
    )
    parties = await orders.parties(session, order.id)
    assert parties is not None
    return Outgoing(text, order_buttons(parties, user, found.lang))


RENDERERS: tuple[Rendering[Any], ...] = (
    Rendering(quotes.QuoteReceived, render_received),
    Rendering(quotes.QuoteExpiry, render_expiry),
    Rendering(quotes.QuoteNudge, render_nudge),
    Rendering(quotes.QuoteDeclined, render_declined),
    Rendering(quotes.QuoteAccepted, render_accepted),
)
