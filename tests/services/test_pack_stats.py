"""The operator's numbers for files: briefs with a pack, ateliers with a portfolio, and how
often a request with a pack is accepted beside one without — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin import stats
from bot.admin.handlers import stats_text
from bot.core import users
from bot.db.base import utcnow
from bot.db.models import (
    Atelier,
    Brief,
    BriefState,
    FileKind,
    FilePurpose,
    FileRef,
    IntroRequest,
    IntroState,
)


def _atelier(ref: str, *, listed: bool = True) -> Atelier:
    return Atelier(
        ref=ref, name=f"Atelier {ref}", country="IT", moq=10, max_batch=100, lead_time_weeks=4,
        verified=True, listed=listed,
    )  # fmt: skip


def _photo(n: int, **home: object) -> FileRef:
    at = home.pop("at")
    return FileRef(kind=FileKind.PHOTO, file_id=f"photo-{n}", created_at=at, **home)


async def _seed(session: AsyncSession, *, with_pack: list[str], without_pack: list[str]) -> None:
    """One brief per request, each asked of atelier A1; `with_pack` and `without_pack` are the
    requests' states. A2 and A3 have portfolios, and so has an atelier that is not listed."""
    designer = await users.ensure_user(session, 601, display_name="Ada")
    a1, a2, a3, gone = _atelier("A1"), _atelier("A2"), _atelier("A3"), _atelier("A4", listed=False)
    session.add_all([a1, a2, a3, gone])
    await session.flush()
    long_ago = utcnow() - timedelta(days=30)
    number = 0
    for atelier, count in ((a2, 2), (a3, 1), (gone, 3)):
        for position in range(count):
            number += 1
            session.add(
                _photo(number, purpose=FilePurpose.PORTFOLIO, atelier_id=atelier.id,
                       position=position, at=long_ago)
            )  # fmt: skip
    requested = utcnow() - timedelta(days=10)
    for states, packed in ((with_pack, True), (without_pack, False)):
        for state in states:
            brief = Brief(designer_id=designer.id, state=BriefState.OPEN, product_text="coats")
            session.add(brief)
            await session.flush()
            if packed:
                for position in range(2):
                    number += 1
                    session.add(
                        _photo(number, purpose=FilePurpose.BRIEF, owner_id=designer.id,
                               brief_id=brief.id, position=position, at=long_ago)
                    )  # fmt: skip
            session.add(
                IntroRequest(
                    brief_id=brief.id, atelier_id=a1.id, state=state, requested_at=requested,
                    answered_at=None if state == IntroState.REQUESTED else utcnow(),
                )
            )  # fmt: skip
    # A pack sent after the request went out was not part of it: that request counts without.
    late = Brief(designer_id=designer.id, state=BriefState.OPEN, product_text="shirts")
    session.add(late)
    await session.flush()
    session.add_all(
        [
            IntroRequest(brief_id=late.id, atelier_id=a1.id, state=IntroState.DECLINED,
                         requested_at=requested, answered_at=utcnow()),
            _photo(999, purpose=FilePurpose.BRIEF, owner_id=designer.id, brief_id=late.id,
                   at=requested + timedelta(days=1)),
        ]
    )  # fmt: skip
    # A brief with a pack and no request yet counts among the briefs with a pack, nowhere else.
    waiting = Brief(designer_id=designer.id, state=BriefState.OPEN, product_text="bags")
    session.add(waiting)
    await session.flush()
    session.add(
        _photo(1000, purpose=FilePurpose.BRIEF, owner_id=designer.id, brief_id=waiting.id,
               at=long_ago)
    )  # fmt: skip
    # The pack of an interview in progress belongs to no brief yet.
    session.add(_photo(1001, purpose=FilePurpose.BRIEF, owner_id=designer.id, at=long_ago))
    await session.commit()


A, D, E, R = IntroState.ACCEPTED, IntroState.DECLINED, IntroState.EXPIRED, IntroState.REQUESTED


async def test_requests_with_a_pack_are_compared_with_those_without(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await _seed(
            session,
            with_pack=[A] * 9 + [D] * 2 + [E] + [R] * 3,
            without_pack=[A] * 6 + [D] * 8 + [R],
        )
    async with session_factory() as session:
        numbers = await stats.collect(session)
    assert numbers.briefs == 32
    assert numbers.briefs_with_pack == 17  # 15 with requests, the late one, the waiting one
    assert (numbers.ateliers_listed, numbers.ateliers_with_portfolio) == (3, 2)
    assert numbers.with_pack == stats.Decided(accepted=9, decided=12)
    assert numbers.without_pack == stats.Decided(accepted=6, decided=15)  # 14 and the late one
    assert numbers.pack_comparable
    english = stats_text(numbers, "en")
    assert "Briefs with a pack: 17 of 32\nAteliers with a portfolio: 2 of 3" in english
    assert "Acceptance with a pack: 75 % of 12 answered; without: 40 % of 15 answered" in english
    italian = stats_text(numbers, "it")
    assert "Richieste con un pacchetto di file: 17 su 32" in italian
    assert "Atelier con portfolio: 2 su 3" in italian
    assert "Accettazione con pacchetto: 75 % su 12 risposte; senza: 40 % su 15 risposte" in italian


async def test_too_few_answers_say_so_instead_of_a_percentage(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await _seed(session, with_pack=[A] * 3 + [R], without_pack=[D] * 20)
    async with session_factory() as session:
        numbers = await stats.collect(session)
    assert numbers.with_pack == stats.Decided(accepted=3, decided=3)
    assert numbers.without_pack == stats.Decided(accepted=0, decided=21)
    assert not numbers.pack_comparable
    english = stats_text(numbers, "en")
    assert "100 %" not in english
    assert (
        "Acceptance with a pack or without: not enough answers yet to compare "
        "(3 with a pack, 21 without; 10 of each are needed)" in english
    )
    assert "ne servono 10 per parte" in stats_text(numbers, "it")


async def test_an_empty_registry_has_no_packs_and_nothing_to_compare(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        numbers = await stats.collect(session)
    assert (numbers.briefs_with_pack, numbers.ateliers_with_portfolio) == (0, 0)
    assert numbers.with_pack == numbers.without_pack == stats.Decided()
    assert "Briefs with a pack: 0 of 0" in stats_text(numbers, "en")
