"""The matcher sees each atelier's usual price a piece from the quotes it sent, and a brief's
budget a piece, so a budget weighs in the ranking."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.briefs import service as brief_service
from bot.db.models import Atelier, Brief, BriefState, IntroRequest, Quote, QuoteState, User
from bot.registry.importing import CSV_COLUMNS, import_registry
from bot.registry.profiles import load_profiles

CSV = (
    ",".join(CSV_COLUMNS)
    + "\nQ001,Camiceria,IT,,,camicie,seta,,10,500,900,4,60,,it,q@example.com,\n"
    + "Q002,Sartoria,IT,,,sartoria,lana,,10,500,900,4,60,,it,s@example.com,\n"
)


async def test_profiles_carry_the_median_of_quoted_euro_prices(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        assert (await import_registry(session, io.StringIO(CSV))).ok
    async with session_factory() as session, session.begin():
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == "Q001"))
        assert atelier is not None
        designer = User(telegram_id=9090, display_name="Ada", language="en")
        session.add(designer)
        await session.flush()
        brief = Brief(
            designer_id=designer.id,
            state=BriefState.MATCHED,
            product_text="silk shirts",
            quantity=60,
            budget_amount=Decimal("35.00"),
            budget_currency="EUR",
            deadline=date.today() + timedelta(weeks=12),
        )
        session.add(brief)
        await session.flush()
        intro = IntroRequest(brief_id=brief.id, atelier_id=atelier.id)
        session.add(intro)
        await session.flush()
        for version, (price, currency, state) in enumerate(
            [
                ("99.00", "EUR", QuoteState.SUPERSEDED),  # replaced by the next version
                ("30.00", "EUR", QuoteState.DECLINED),
                ("34.00", "EUR", QuoteState.OPEN),
                ("40.00", "EUR", QuoteState.ACCEPTED),
                ("5.00", "USD", QuoteState.OPEN),  # another currency is not compared
            ],
            start=1,
        ):
            session.add(
                Quote(
                    intro_id=intro.id,
                    brief_id=brief.id,
                    atelier_id=atelier.id,
                    version=version,
                    state=state,
                    currency=currency,
                    sample_price=Decimal("50.00"),
                    sample_days=10,
                    quantity=60,
                    unit_price=Decimal(price),
                    moq=10,
                    lead_time_weeks=4,
                    valid_until=date.today() + timedelta(days=30),
                )
            )
        query = brief_service.query_for(brief)
    async with session_factory() as session:
        profiles = {p.ref: p for p in await load_profiles(session)}
    assert profiles["Q001"].quoted_unit_price == 34.0
    assert profiles["Q002"].quoted_unit_price is None
    assert query.budget_per_piece == 35.0
