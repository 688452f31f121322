"""The weekly digest: composed once per week per person, only when there is something new that
fits, anonymised for ateliers; an atelier's "Interested" becomes an offer the designer answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot.db.models import Atelier, Brief, Delivery, DeliveryState, IntroRequest, IntroState, User
from bot.digest import rendering as messages
from bot.digest import service as digest
from bot.intros import service as intros
from bot.intros.service import IntroError
from bot.outbox.sweeper import sweep
from bot.registry.profiles import load_profiles
from tests.scheduling.helpers import T0, FakeBot, add_user, atelier, knitwear_brief

Factory = async_sessionmaker[AsyncSession]
# T0 is Monday 2 March 2026, 08:00 UTC = 09:00 in Rome: the digest window is open.
WEEK = "2026-W10"


async def _index(factory: Factory) -> matching.AtelierIndex:
    async with factory() as session:
        return matching.AtelierIndex.build(await load_profiles(session))


async def _plan(factory: Factory, **kw: object) -> digest.PlanReport:
    return await digest.plan_digests(
        factory,
        await _index(factory),
        default_timezone="Europe/Rome",
        now=T0,
        **kw,  # type: ignore[arg-type]
    )


async def _digests(factory: Factory) -> dict[int, Delivery]:
    async with factory() as session:
        rows = (await session.scalars(select(Delivery).where(Delivery.kind == "digest"))).all()
        return {row.recipient_id: row for row in rows}  # type: ignore[misc]


async def _market(factory: Factory) -> tuple[User, User, User]:
    """A designer with a brief from last week, an atelier owner whose workshop is new this week,
    and a bystander with nothing relevant."""
    designer = await add_user(factory, 701, role="designer", display_name="Ada Secret")
    owner = await add_user(factory, 702, role="atelier")
    bystander = await add_user(factory, 703)
    async with factory() as session:
        old = atelier("OLD", created_at=T0 - timedelta(days=60), updated_at=T0 - timedelta(days=60))
        new = atelier(
            "NEW",
            name="Maglificio Nuovo",
            owner_id=owner.id,
            created_at=T0 - timedelta(days=2),
            updated_at=T0 - timedelta(days=2),
        )
        session.add_all([old, new, knitwear_brief(designer.id, T0 - timedelta(days=5))])
        await session.commit()
    return designer, owner, bystander


async def test_designers_get_new_ateliers_that_fit_and_ateliers_get_new_briefs_anonymised(
    session_factory: Factory,
) -> None:
    designer, owner, bystander = await _market(session_factory)

    report = await _plan(session_factory)

    assert (report.considered, report.planned, report.empty) == (3, 2, 1)
    rows = await _digests(session_factory)
    assert set(rows) == {designer.id, owner.id}
    to_designer, to_atelier = rows[designer.id], rows[owner.id]
    assert to_designer.dedupe_key == f"digest:{designer.id}:{WEEK}"
    assert to_designer.due_at == T0
    designer_digest = digest.WeeklyDigest.decode(to_designer.payload)
    assert [m.ref for m in designer_digest.picks[0].matches] == ["NEW"]
    atelier_digest = digest.WeeklyDigest.decode(to_atelier.payload)
    [offered] = atelier_digest.briefs
    assert offered.quantity == 80 and offered.category == "knitwear"
    text = messages.digest_message(atelier_digest, "en")
    assert text is not None
    assert "Ada" not in text.text and "Interested in brief 1" in text.buttons[0][0][0]
    async with session_factory() as session:
        quiet = await session.get(User, bystander.id)
        assert quiet is not None and quiet.digest_week == WEEK  # considered, nothing to say


async def test_a_week_is_planned_once_however_often_the_planner_runs(
    session_factory: Factory,
) -> None:
    await _market(session_factory)
    await _plan(session_factory)
    again = await _plan(session_factory)
    assert again.considered == 0
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 2


async def test_nothing_new_since_the_last_digest_means_no_digest(session_factory: Factory) -> None:
    designer, owner, _ = await _market(session_factory)
    async with session_factory() as session:
        for user_id in (designer.id, owner.id):
            user = await session.get(User, user_id)
            assert user is not None
            user.last_digest_at = T0 - timedelta(days=1)
        await session.commit()
    report = await _plan(session_factory)
    assert report.planned == 0


async def test_opted_out_and_unreachable_people_are_not_planned(session_factory: Factory) -> None:
    designer, owner, _ = await _market(session_factory)
    async with session_factory() as session:
        (await session.get(User, designer.id)).digest_opt_in = False  # type: ignore[union-attr]
        (await session.get(User, owner.id)).reachable = False  # type: ignore[union-attr]
        await session.commit()
    assert (await _plan(session_factory)).planned == 0


async def test_turning_the_digest_off_cancels_a_composed_digest(session_factory: Factory) -> None:
    designer, *_ = await _market(session_factory)
    await _plan(session_factory)
    async with session_factory() as session:
        user = await session.get(User, designer.id)
        assert user is not None
        assert await digest.set_opt_in(session, user, False) == 1
        await session.commit()
    assert (await _digests(session_factory))[designer.id].state == DeliveryState.CANCELLED


async def test_a_new_time_zone_moves_a_composed_digest_to_nine_there(
    session_factory: Factory,
) -> None:
    designer, *_ = await _market(session_factory)
    await digest.plan_digests(
        session_factory,
        await _index(session_factory),
        default_timezone="Europe/Rome",
        now=T0 - timedelta(minutes=30),
    )
    async with session_factory() as session:
        user = await session.get(User, designer.id)
        assert user is not None
        await digest.set_timezone(
            session, user, "America/New_York", default_timezone="Europe/Rome", now=T0
        )
        await session.commit()
    moved = (await _digests(session_factory))[designer.id]
    assert moved.due_at == T0 + timedelta(hours=6)  # 09:00 EST is 14:00 UTC


def test_time_zones_are_validated_and_canonicalised() -> None:
    assert digest.valid_timezone("europe/lisbon") == "Europe/Lisbon"
    assert digest.valid_timezone("America/New York") == "America/New_York"
    assert digest.valid_timezone("Mars/Olympus") is None
    assert digest.valid_timezone("") is None


async def test_interest_becomes_an_offer_the_designer_accepts_and_contacts_are_exchanged(
    session_factory: Factory,
) -> None:
    designer, owner, bystander = await _market(session_factory)
    async with session_factory() as session:
        brief = await session.scalar(select(Brief))
        atelier_owner = await session.get(User, owner.id)
        assert brief is not None and atelier_owner is not None
        workshop = await session.scalar(select(Atelier).where(Atelier.ref == "NEW"))
        assert workshop is not None
        brief_id, workshop_id = brief.id, workshop.id
        intro = await digest.express_interest(
            session, owner=atelier_owner, brief_id=brief_id, atelier_id=workshop_id, now=T0
        )
        await session.commit()
        assert intro.initiated_by == "atelier" and intro.state == IntroState.REQUESTED
        intro_id = intro.id
        with pytest.raises(IntroError) as twice:
            await digest.express_interest(
                session, owner=atelier_owner, brief_id=brief_id, atelier_id=workshop_id, now=T0
            )
        assert twice.value.code == "already_requested"
        await session.rollback()
        other = await session.get(User, bystander.id)
        assert other is not None
        with pytest.raises(IntroError):
            await digest.express_interest(
                session, owner=other, brief_id=brief_id, atelier_id=workshop_id, now=T0
            )

    bot = FakeBot()
    await sweep(bot, session_factory, now=T0 + timedelta(seconds=1))  # type: ignore[arg-type]
    offers = [text for chat, text in bot.sent if chat == 701]
    assert len(offers) == 1 and "Maglificio Nuovo" in offers[0]

    async with session_factory() as session:
        answering = await session.get(User, designer.id)
        offering = await session.get(User, owner.id)
        assert answering is not None and offering is not None
        with pytest.raises(IntroError):  # the atelier cannot answer its own offer…
            await digest.answer_offer(session, intro_id=intro_id, designer=offering, accept=True)
        with pytest.raises(IntroError):  # …not even with a forged Accept of the atelier side
            await intros.accept(session, intro_id=intro_id, owner=offering)
        await digest.answer_offer(
            session, intro_id=intro_id, designer=answering, accept=True, now=T0
        )
        await session.commit()
    await sweep(bot, session_factory, now=T0 + timedelta(minutes=1))  # type: ignore[arg-type]
    async with session_factory() as session:
        accepted = await session.get(IntroRequest, intro_id)
        assert accepted is not None and accepted.state == IntroState.ACCEPTED
        kinds = {
            (d.kind, d.state)
            for d in (
                await session.scalars(select(Delivery).where(Delivery.kind != "digest"))
            ).all()
        }
    assert (intros.IntroAccepted.kind, DeliveryState.SENT) in kinds
    assert (intros.IntroContact.kind, DeliveryState.SENT) in kinds
    assert (digest.IntroOfferLapse.kind, DeliveryState.CANCELLED) in kinds
    # Eight days later nothing lapses: it was answered.
    bot.sent.clear()
    await sweep(bot, session_factory, now=T0 + timedelta(days=8))  # type: ignore[arg-type]
    assert all("lapsed" not in text for _, text in bot.sent)
