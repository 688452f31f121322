"""Designer briefs: from interview answers to a stored brief, its matches and its life cycle.

Interview answers travel as a plain JSON-safe dict (`BriefAnswers`), so they can sit in the
conversation's persisted state until the designer confirms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import matching
import parsing
from bot import outbox
from bot.core.errors import RefusedError
from bot.core.pauses import MAX_PAUSE_WEEKS, end_key_prefix, end_pause_after
from bot.db.base import utcnow
from bot.db.models import Brief, BriefState, IntroRequest, IntroState, QuantityUnit, User
from matching import OrderShape, Unit, parse_unit


class BriefAnswers(TypedDict, total=False):
    product: str
    category: str | None
    materials: list[str]
    quantity: int  # the interview's single number (a range's midpoint); low/high are stored
    quantity_low: int
    quantity_high: int
    quantity_per: str  # what the quantity counts: "style" (the default), "colour" or "size"
    styles: int
    colourways: int  # per style
    sizes: int  # per colourway; 1 is one size
    size_range: str  # the sizes as written: "XS-XL", "one size"
    deadline: str  # ISO date
    deadline_word: str  # no date: "flexible", "dont_know" or "asap"
    budget_amount: str  # decimal as text
    budget_currency: str
    country: str | None
    region: str | None
    min_handwork_share: int | None
    certifications: list[str]


REQUIRED_ANSWERS = ("product", "quantity", "styles", "deadline")


class BriefError(RefusedError):
    """A request that cannot be honoured; `code` selects the message shown to the person."""


def missing_answers(answers: BriefAnswers) -> list[str]:
    given = {name for name in REQUIRED_ANSWERS if answers.get(name) not in (None, "")}
    if answers.get("deadline_word"):
        given.add("deadline")  # "flexible", "don't know", "as soon as possible": no date
    return [name for name in REQUIRED_ANSWERS if name not in given]


def _apply_answers(brief: Brief, answers: BriefAnswers) -> None:
    brief.product_text = answers.get("product", "")
    brief.category = answers.get("category")
    brief.materials = list(answers.get("materials", []))
    low = answers.get("quantity_low") or answers.get("quantity")
    brief.quantity = low
    high = answers.get("quantity_high")
    brief.quantity_high = high if high and low and high > low else None
    brief.quantity_per = answers.get("quantity_per") or QuantityUnit.STYLE.value
    brief.styles = answers.get("styles")
    brief.colourways = answers.get("colourways")
    brief.sizes = answers.get("sizes")
    brief.size_range = answers.get("size_range") or None
    deadline = answers.get("deadline")
    brief.deadline = date.fromisoformat(deadline) if deadline else None
    amount = answers.get("budget_amount")
    brief.budget_amount = Decimal(amount) if amount else None
    brief.budget_currency = answers.get("budget_currency") if amount else None
    brief.country = answers.get("country")
    brief.region = answers.get("region")
    brief.min_handwork_share = answers.get("min_handwork_share")
    brief.certifications = list(answers.get("certifications", []))


def answers_of(brief: Brief) -> BriefAnswers:
    """The interview answers a stored brief corresponds to (to edit it)."""
    answers: BriefAnswers = {
        "product": brief.product_text,
        "category": brief.category,
        "materials": list(brief.materials),
        "certifications": list(brief.certifications),
        "country": brief.country,
        "region": brief.region,
        "min_handwork_share": brief.min_handwork_share,
    }
    if brief.quantity is not None:
        high = brief.quantity_high or brief.quantity
        answers["quantity"] = parsing.Quantity(brief.quantity, high).value
        answers["quantity_low"] = brief.quantity
        answers["quantity_high"] = high
        answers["quantity_per"] = brief.quantity_per
    if brief.styles is not None:
        answers["styles"] = brief.styles
    if brief.colourways is not None:
        answers["colourways"] = brief.colourways
    if brief.sizes is not None:
        answers["sizes"] = brief.sizes
    if brief.size_range:
        answers["size_range"] = brief.size_range
    if brief.deadline is not None:
        answers["deadline"] = brief.deadline.isoformat()
    elif brief.confirmed_at is not None:
        answers["deadline_word"] = "flexible"  # confirmed without a date
    if brief.budget_amount is not None:
        answers["budget_amount"] = str(brief.budget_amount)
        answers["budget_currency"] = brief.budget_currency or "EUR"
    return answers


# Ids are 32-bit integers in the database; a larger number (forged callback data) names no
# brief, and handing it to the database would fail instead of answering "not yours".
MAX_ID = 2**31 - 1


async def owned_brief(session: AsyncSession, brief_id: int, designer: User) -> Brief:
    if not 0 < brief_id <= MAX_ID:
        raise BriefError("not_yours")
    brief = await session.get(Brief, brief_id)
    if brief is None or brief.designer_id != designer.id:
        raise BriefError("not_yours")
    return brief


async def confirm(
    session: AsyncSession, designer: User, answers: BriefAnswers, *, brief_id: int | None = None
) -> Brief:
    """Store a confirmed brief (new, or an edit of the designer's own), open for matching."""
    missing = missing_answers(answers)
    if missing:
        raise BriefError("incomplete:" + ",".join(missing))
    if brief_id is not None:
        brief = await owned_brief(session, brief_id, designer)
        if brief.state == BriefState.CLOSED:
            raise BriefError("closed")
    else:
        brief = Brief(designer_id=designer.id, language=designer.language, state=BriefState.DRAFT)
        session.add(brief)
    _apply_answers(brief, answers)
    if brief.state in (BriefState.DRAFT, BriefState.PAUSED):
        brief.state = BriefState.OPEN
    brief.confirmed_at = utcnow()
    designer.role = designer.role or "designer"
    await session.flush()
    return brief


async def _open_state(session: AsyncSession, brief: Brief) -> str:
    """Open, or matched when introductions were already requested for it."""
    requested = await session.scalar(
        select(IntroRequest.id).where(IntroRequest.brief_id == brief.id).limit(1)
    )
    return BriefState.MATCHED if requested else BriefState.OPEN


async def end_pause(session: AsyncSession, brief_id: int, designer_id: int) -> Brief | None:
    """A pause's end date came: the brief opens again, unless it was resumed, closed or given
    away meanwhile (then None, and nothing is said)."""
    brief = await session.get(Brief, brief_id)
    if brief is None or brief.designer_id != designer_id or brief.state != BriefState.PAUSED:
        return None
    brief.state = await _open_state(session, brief)
    await session.flush()
    return brief


def order_shape(brief: Brief) -> OrderShape:
    """Styles, colourways of each and sizes of each colourway; unstated counts are one."""
    return OrderShape(brief.styles or 1, brief.colourways or 1, brief.sizes or 1)


def order_total(brief: Brief) -> tuple[int, int]:
    """The order's total pieces, low and high (equal unless a range was asked)."""
    shape, unit = order_shape(brief), unit_of(brief.quantity_per)
    low = brief.quantity or 1
    return shape.total(low, unit), shape.total(max(brief.quantity_high or low, low), unit)


def unit_of(value: str | None) -> Unit:
    return parse_unit(value or "") or "style"


def query_for(brief: Brief, *, today: date | None = None) -> matching.BriefQuery:
    """The matcher's view of a brief: the whole order's pieces and how they split, so each
    atelier's minimum is compared per style, colour or size as the atelier states it."""
    today = today or utcnow().date()
    deadline_weeks = None
    if brief.deadline is not None:
        deadline_weeks = max(0, (brief.deadline - today).days // 7)
    description = " ".join(part for part in (brief.product_text, " ".join(brief.materials)) if part)
    shape = order_shape(brief)
    low, high = order_total(brief)
    return matching.BriefQuery(
        id=str(brief.id),
        description=description,
        quantity=low,
        quantity_high=high if high > low else None,
        styles=shape.styles,
        colourways=shape.colourways,
        sizes=shape.sizes,
        # The budget a piece, as a soft signal against ateliers' past quotes (in euros).
        budget_per_piece=float(brief.budget_amount)
        if brief.budget_amount is not None
        and brief.budget_amount > 0
        and (brief.budget_currency or "EUR") == "EUR"
        else None,
        deadline_weeks=deadline_weeks,
        country=brief.country,
        region=brief.region,
        certifications=tuple(brief.certifications),
        min_handwork_share=brief.min_handwork_share,
        materials=tuple(brief.materials),
        category=brief.category,
    )


async def asked_refs(session: AsyncSession, brief_id: int) -> set[str]:
    from bot.db.models import Atelier

    rows = await session.scalars(
        select(Atelier.ref)
        .join(IntroRequest, IntroRequest.atelier_id == Atelier.id)
        .where(IntroRequest.brief_id == brief_id)
    )
    return set(rows.all())


@dataclass(frozen=True, slots=True)
class BriefOverview:
    brief: Brief
    intros: Sequence[tuple[IntroRequest, str]]  # with the atelier's name


async def overview(session: AsyncSession, designer: User) -> list[BriefOverview]:
    from bot.db.models import Atelier

    briefs = (
        await session.scalars(
            select(Brief)
            .where(Brief.designer_id == designer.id, Brief.state != BriefState.DRAFT)
            .order_by(Brief.created_at.desc(), Brief.id.desc())
            .limit(20)
        )
    ).all()
    result = []
    for brief in briefs:
        rows = await session.execute(
            select(IntroRequest, Atelier.name)
            .join(Atelier, IntroRequest.atelier_id == Atelier.id)
            .where(IntroRequest.brief_id == brief.id)
            .order_by(IntroRequest.requested_at, IntroRequest.id)
        )
        result.append(BriefOverview(brief=brief, intros=[(i, name) for i, name in rows.all()]))
    return result


class BriefPauseEnds(outbox.Payload, kind="brief_pause_ends"):
    """A paused brief's chosen end date: it opens again by itself, and its designer is told."""

    brief_id: int


_TRANSITIONS: dict[str, dict[str, str]] = {
    "pause": {BriefState.OPEN: BriefState.PAUSED, BriefState.MATCHED: BriefState.PAUSED},
    "resume": {BriefState.PAUSED: BriefState.OPEN},
    "reopen": {BriefState.CLOSED: BriefState.OPEN},
    "close": {
        BriefState.OPEN: BriefState.CLOSED,
        BriefState.MATCHED: BriefState.CLOSED,
        BriefState.PAUSED: BriefState.CLOSED,
    },
}


async def change_state(
    session: AsyncSession,
    brief_id: int,
    designer: User,
    action: str,
    *,
    pause_weeks: int = 0,
    now: datetime | None = None,
) -> Brief:
    """Pause (for `pause_weeks`, or until resumed when 0), resume, close or reopen a brief;
    closing withdraws requests still waiting for an answer."""
    brief = await owned_brief(session, brief_id, designer)
    target = _TRANSITIONS.get(action, {}).get(brief.state)
    if target is None:
        raise BriefError("not_now")
    if not 0 <= pause_weeks <= MAX_PAUSE_WEEKS:
        raise BriefError("not_now")
    if action in ("resume", "reopen"):
        target = await _open_state(session, brief)
        brief.closed_at = None
    if action == "pause" and pause_weeks and brief.designer_id is not None:
        await end_pause_after(
            session,
            BriefPauseEnds(brief.id),
            recipient_id=brief.designer_id,
            key_prefix=end_key_prefix("brief", brief.id),
            weeks=pause_weeks,
            now=now or utcnow(),
        )
    elif action in ("pause", "resume", "reopen"):
        # A pause until resumed, or resuming by hand, leaves no earlier end date behind.
        await outbox.cancel_matching(
            session, key_prefix=end_key_prefix("brief", brief.id), reason="pause changed"
        )
    brief.state = target
    if target == BriefState.CLOSED:
        brief.closed_at = utcnow()
        waiting = await session.scalars(
            select(IntroRequest).where(
                IntroRequest.brief_id == brief.id, IntroRequest.state == IntroState.REQUESTED
            )
        )
        for intro in waiting.all():
            intro.state = IntroState.CANCELLED
            await outbox.cancel_matching(
                session, key_prefix=outbox.intro_key(intro.id), reason="brief closed"
            )
        await outbox.cancel_matching(
            session, key_prefix=f"brief:{brief.id}:", reason="brief closed"
        )
    return brief
