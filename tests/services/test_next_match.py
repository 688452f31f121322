"""The atelier offered after a decline or an expiry: a good fit, else the nearest miss that makes
the product (saying what fails), and only then a weak match, labelled."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot.briefs.rendering import labelled_offer
from bot.db.models import Atelier, Brief, BriefState, IntroRequest, IntroState, User
from bot.followups import service as followups
from bot.registry.importing import CSV_COLUMNS, import_registry
from bot.registry.profiles import load_profiles

HEADER = ",".join(CSV_COLUMNS) + ",moq_per"
ROWS = {
    "C001": "C001,Camiceria Seta,IT,,,camicie,seta,,50,2000,900,4,60,,it,a@example.com,,colour",
    "C003": "C003,Camiceria Taglie,IT,,,camicie,seta,,100,5000,900,4,60,,it,b@example.com,,size",
    "S001": "S001,Sartoria Blu,IT,,,sartoria,seta,,10,500,200,4,80,,it,c@example.com,,style",
}


async def _offer(
    session_factory: async_sessionmaker[AsyncSession], refs: list[str]
) -> matching.Match | matching.NearMiss | None:
    csv_text = "\n".join([HEADER, *(ROWS[r] for r in refs)]) + "\n"
    async with session_factory() as session:
        assert (await import_registry(session, io.StringIO(csv_text))).ok
    async with session_factory() as session, session.begin():
        designer = User(telegram_id=8080, display_name="Ada", language="en")
        session.add(designer)
        await session.flush()
        brief = Brief(
            designer_id=designer.id,
            state=BriefState.MATCHED,
            product_text="silk shirts",
            category="shirts",
            materials=["silk"],
            quantity=60,
            quantity_per="colour",
            styles=2,
            colourways=2,
            sizes=5,
            deadline=date.today() + timedelta(weeks=20),
        )
        session.add(brief)
        await session.flush()
        declined = await session.scalar(select(Atelier).where(Atelier.ref == "C001"))
        assert declined is not None
        session.add(
            IntroRequest(brief_id=brief.id, atelier_id=declined.id, state=IntroState.DECLINED)
        )
        await session.flush()
        index = matching.AtelierIndex.build(await load_profiles(session))
        return await followups.next_match(session, index, brief, "en")


async def test_a_near_miss_of_the_trade_comes_before_a_weak_match_of_another(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    offer = await _offer(session_factory, ["C001", "C003", "S001"])
    assert isinstance(offer, matching.NearMiss) and offer.ref == "C003"
    assert labelled_offer(offer, "en").startswith(
        "The closest atelier that makes it, though not every requirement is met: Camiceria Taglie"
    )
    assert labelled_offer(offer, "en").endswith("– needs 100 per size — you have 12.")


async def test_a_weak_match_is_offered_labelled_when_nothing_else_is_left(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    offer = await _offer(session_factory, ["C001", "S001"])
    assert isinstance(offer, matching.Match) and offer.ref == "S001" and offer.weak
    assert labelled_offer(offer, "it").startswith(
        "Un abbinamento meno adatto (un altro mestiere o un punteggio basso): Sartoria Blu"
    )
