"""A small world for quote and order tests: a designer's brief and ateliers that accepted it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Atelier, Brief, BriefState, IntroRequest, User
from bot.intros import service as intros
from bot.quotes.service import QuoteDraft

NOW = datetime.fromisoformat("2027-01-10T09:00:00+00:00")


@dataclass
class World:
    designer: User
    brief: Brief
    owners: list[User]
    ateliers: list[Atelier]
    intros: list[IntroRequest]


def draft(
    unit: str = "42", *, valid_until: date | None = None, sample_days: int = 10
) -> QuoteDraft:
    return QuoteDraft(
        sample_price=Decimal("150"),
        sample_days=sample_days,
        unit_price=Decimal(unit),
        moq=30,
        moq_per="style",
        lead_time_weeks=6,
        valid_until=valid_until or (NOW.date() + timedelta(days=14)),
    )


async def build_world(
    session: AsyncSession, *, ateliers: int = 2, now: datetime = NOW, accept: bool = True
) -> World:
    designer = User(telegram_id=5001, display_name="Ada", language="en", role="designer")
    session.add(designer)
    await session.flush()
    brief = Brief(
        designer_id=designer.id,
        state=BriefState.OPEN,
        language="en",
        product_text="80 merino cardigans",
        category="knitwear",
        quantity=80,
        styles=1,
        deadline=now.date() + timedelta(weeks=16),
        confirmed_at=now,
    )
    session.add(brief)
    owners, shops = [], []
    for n in range(ateliers):
        owner = User(telegram_id=6001 + n, language="en", role="atelier")
        session.add(owner)
        await session.flush()
        atelier = Atelier(
            ref=f"A{n + 1}",
            name=f"Atelier {n + 1}",
            country="IT",
            moq=20,
            max_batch=500,
            lead_time_weeks=6,
            owner_id=owner.id,
            specialties=["knitwear"],
            category_ids=["knitwear"],
            materials=["merino"],
            handwork_share=50,
        )
        session.add(atelier)
        owners.append(owner)
        shops.append(atelier)
    await session.flush()
    outcome = await intros.request_intros(
        session, brief=brief, requester=designer, atelier_refs=[a.ref for a in shops], now=now
    )
    if accept:
        for intro, owner in zip(outcome.created, owners, strict=True):
            await intros.accept(session, intro_id=intro.id, owner=owner, now=now)
    await session.flush()
    return World(designer, brief, owners, shops, list(outcome.created))
