"""A brief's quantities as stored and as the matcher reads them: per style, colour or size."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.briefs import service as brief_service
from bot.briefs.service import BriefAnswers
from bot.db.models import Brief, User

BASE: BriefAnswers = {
    "product": "cashmere jumpers",
    "category": "knitwear",
    "styles": 2,
    "deadline": "2027-06-01",
}


async def _confirm(
    session_factory: async_sessionmaker[AsyncSession], answers: BriefAnswers
) -> Brief:
    async with session_factory() as session, session.begin():
        designer = User(telegram_id=7001, display_name="Giulia", language="en")
        session.add(designer)
        await session.flush()
        brief = await brief_service.confirm(session, designer, {**BASE, **answers})
    async with session_factory() as session:
        stored = await session.get(Brief, brief.id)
        assert stored is not None
        return stored


async def test_a_range_per_colour_is_stored_with_both_ends_and_its_unit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    brief = await _confirm(
        session_factory,
        {
            "quantity": 200,
            "quantity_low": 150,
            "quantity_high": 250,
            "quantity_per": "colour",
            "colourways": 3,
            "sizes": 4,
            "size_range": "S-XL",
        },
    )
    assert (brief.quantity, brief.quantity_high, brief.quantity_per) == (150, 250, "colour")
    assert (brief.styles, brief.colourways, brief.sizes, brief.size_range) == (2, 3, 4, "S-XL")
    query = brief_service.query_for(brief)
    # 2 styles x 3 colourways = 6 colours of 150-250 pieces: 900-1500 pieces in all.
    assert (query.quantity, query.quantity_high) == (900, 1500)
    assert (query.styles, query.colourways, query.sizes) == (2, 3, 4)
    assert query.shape.per(query.quantity, "colour") == 150
    assert query.shape.per(query.quantity, "size") == 37
    again = brief_service.answers_of(brief)
    assert (again["quantity_low"], again["quantity_high"], again["quantity"]) == (150, 250, 200)
    assert (again["quantity_per"], again["colourways"], again["sizes"]) == ("colour", 3, 4)


async def test_a_brief_asked_per_style_keeps_today_s_meaning(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # The interview's answers before colourways and sizes were asked: 80 per style, 2 styles.
    brief = await _confirm(
        session_factory, {"quantity": 80, "quantity_low": 80, "quantity_high": 80}
    )
    assert (brief.quantity, brief.quantity_high, brief.quantity_per) == (80, None, "style")
    query = brief_service.query_for(brief)
    assert (query.quantity, query.quantity_high) == (160, None)
    assert query.shape.per(query.quantity, "style") == 80
    assert (query.colourways, query.sizes) == (1, 1)
