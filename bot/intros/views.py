"""What the messages about an introduction show, read fresh at send time: the brief (never the
designer's contact before an accept) and both sides' contacts after one; and the optional
reason an atelier gives for declining."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Atelier, Brief, BriefState, IntroRequest, IntroState, User
from bot.db.parties import brief_and_atelier
from bot.intros.service import DECLINE_REASONS, IntroError


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefWork:
    """The work a brief asks for: what, how many, by when, where, must-haves. Nothing here is the
    designer's, so a digest may carry it before any introduction (`DigestBrief`)."""

    brief_id: int
    category: str | None = None
    materials: tuple[str, ...] = ()
    quantity: int | None = None
    quantity_high: int | None = None
    styles: int | None = None
    deadline: date | None = None
    country: str | None = None
    region: str | None = None
    min_handwork_share: int | None = None
    certifications: tuple[str, ...] = ()
    quantity_per: str = "style"  # what `quantity` counts: style, colour or size
    colourways: int | None = None  # per style
    sizes: int | None = None  # per colourway
    size_range: str | None = None  # as written: "XS-XL"

    @classmethod
    def of(cls, brief: Brief, *, at_most: int | None = None, **more: Any) -> Self:
        """The work of `brief` (its lists cut to `at_most` items), with the fields a subclass adds
        in `more`."""
        return cls(
            brief_id=brief.id,
            category=brief.category,
            materials=tuple(brief.materials)[:at_most],
            quantity=brief.quantity,
            quantity_high=brief.quantity_high,
            styles=brief.styles,
            deadline=brief.deadline,
            country=brief.country,
            region=brief.region,
            min_handwork_share=brief.min_handwork_share,
            certifications=tuple(brief.certifications)[:at_most],
            quantity_per=brief.quantity_per,
            colourways=brief.colourways,
            sizes=brief.sizes,
            size_range=brief.size_range,
            **more,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefFacts(BriefWork):
    """What an atelier sees of a brief in an introduction: the work, the product as the designer
    wrote it and the budget."""

    product: str = ""
    budget_amount: Decimal | None = None
    budget_currency: str | None = None


@dataclass(frozen=True, slots=True)
class IntroView:
    intro_id: int
    state: str
    brief: BriefFacts
    brief_open: bool
    atelier_ref: str
    atelier_name: str
    atelier_contact: str
    atelier_city: str
    atelier_country: str
    atelier_owner_id: int | None
    designer_id: int | None
    designer_name: str | None
    designer_telegram_id: int | None
    designer_contact: str | None


def facts_of(brief: Brief) -> BriefFacts:
    return BriefFacts.of(
        brief,
        product=brief.product_text,
        budget_amount=brief.budget_amount,
        budget_currency=brief.budget_currency,
    )


async def load(session: AsyncSession, intro_id: int) -> IntroView | None:
    intro = await session.get(IntroRequest, intro_id)
    if intro is None:
        return None
    found = await brief_and_atelier(session, intro)
    if found is None:
        return None
    brief, atelier = found
    designer = await session.get(User, brief.designer_id) if brief.designer_id else None
    if designer is not None and designer.deleted:
        designer = None
    return IntroView(
        intro_id=intro.id,
        state=intro.state,
        brief=facts_of(brief),
        brief_open=brief.state in (BriefState.OPEN, BriefState.MATCHED),
        atelier_ref=atelier.ref,
        atelier_name=atelier.name,
        atelier_contact=atelier.contact if atelier.listed else "",
        atelier_city=atelier.city,
        atelier_country=atelier.country,
        atelier_owner_id=atelier.owner_id,
        designer_id=designer.id if designer else None,
        designer_name=designer.display_name if designer else None,
        designer_telegram_id=designer.telegram_id if designer else None,
        designer_contact=designer.contact if designer else None,
    )


async def intro_parties(
    session: AsyncSession, intro_id: int, state: str
) -> tuple[IntroRequest, Brief, Atelier] | None:
    """An introduction while it is still in `state`, with its brief and its atelier; None once
    it has moved on or either is gone. Messages about it re-read it so at send time."""
    intro = await session.get(IntroRequest, intro_id)
    if intro is None or intro.state != state:
        return None
    found = await brief_and_atelier(session, intro)
    return None if found is None else (intro, *found)


async def intro_parties_for(
    session: AsyncSession, intro_id: int, state: str, user: User, *, to_designer: bool
) -> tuple[IntroRequest, Brief, Atelier] | None:
    """intro_parties() for a message meant for one side, the brief's designer or the atelier's
    owner: None as well when `user` is not that side."""
    found = await intro_parties(session, intro_id, state)
    if found is None:
        return None
    _intro, brief, atelier = found
    recipient = brief.designer_id if to_designer else atelier.owner_id
    return found if recipient == user.id else None


async def record_decline_reason(
    session: AsyncSession, *, intro_id: int, owner: User, reason: str
) -> IntroRequest:
    """The optional "why" after a decline; only the declining owner may give it, once.."""
    if reason not in DECLINE_REASONS:
        raise IntroError("not_found")
    intro = await session.get(IntroRequest, intro_id)
    if intro is None:
        raise IntroError("not_found")
    atelier = await session.get(Atelier, intro.atelier_id)
    if atelier is None or atelier.owner_id != owner.id:
        raise IntroError("not_your_atelier")
    if intro.state != IntroState.DECLINED or intro.decline_reason is not None:
        raise IntroError("already_answered")
    intro.decline_reason = reason
    await session.flush()
    return intro
