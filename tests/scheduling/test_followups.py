"""Each follow-up fires once, at the right time, and not at all when the fact it was for changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import (
    Atelier,
    Brief,
    Delivery,
    DeliveryState,
    Feedback,
    IntroRequest,
    IntroState,
    User,
)
from bot.followups import service as followups
from bot.followups.service import FollowupError
from bot.intros import service as intros
from bot.outbox.sweeper import sweep
from bot.registry.profiles import ratings
from tests.scheduling.helpers import T0, FakeBot, add_user, atelier, knitwear_brief

Factory = async_sessionmaker[AsyncSession]


async def _world(factory: Factory) -> tuple[User, User, Brief, Atelier, Atelier]:
    designer = await add_user(factory, 601, display_name="Ada", role="designer")
    owner = await add_user(factory, 602, display_name="Bruno", role="atelier")
    async with factory() as session:
        first = atelier("A1", name="Maglificio Uno", owner_id=owner.id)
        second = atelier("A2", name="Maglieria Due", city="Biella", region="Piemonte")
        brief = knitwear_brief(designer.id, T0)
        session.add_all([first, second, brief])
        await session.commit()
    return designer, owner, brief, first, second


async def _sweep_at(factory: Factory, bot: FakeBot, delta: timedelta) -> None:
    await sweep(bot, factory, now=T0 + delta)  # type: ignore[arg-type]


def _to(bot: FakeBot, chat_id: int) -> list[str]:
    return [text for chat, text in bot.sent if chat == chat_id]


async def test_a_confirmed_brief_without_intros_is_nudged_once_after_a_day(
    session_factory: Factory,
) -> None:
    _designer, _owner, brief, *_ = await _world(session_factory)
    async with session_factory() as session:
        assert await followups.on_brief_confirmed(session, brief, now=T0)
        assert not await followups.on_brief_confirmed(session, brief, now=T0)  # idempotent
        await session.commit()
    bot = FakeBot()
    await _sweep_at(session_factory, bot, timedelta(hours=23))
    assert bot.sent == []
    await _sweep_at(session_factory, bot, timedelta(hours=24))
    await _sweep_at(session_factory, bot, timedelta(hours=50))
    [nudge] = _to(bot, 601)
    assert "you have not asked for an introduction yet" in nudge
    assert "Maglificio Uno" in nudge


async def test_requesting_an_intro_cancels_the_nudge(session_factory: Factory) -> None:
    designer, _owner, brief, *_ = await _world(session_factory)
    async with session_factory() as session:
        await followups.on_brief_confirmed(session, brief, now=T0)
        brief = await session.get(Brief, brief.id)  # type: ignore[assignment]
        requester = await session.get(User, designer.id)
        assert brief is not None and requester is not None
        await intros.request_intros(
            session, brief=brief, requester=requester, atelier_refs=["A1"], now=T0
        )
        await session.commit()
    bot = FakeBot()
    await _sweep_at(session_factory, bot, timedelta(hours=25))
    assert _to(bot, 601) == []


async def test_an_unanswered_intro_is_reminded_at_72h_then_expires_at_7_days_with_the_next_match(
    session_factory: Factory,
) -> None:
    designer, _owner, brief, *_ = await _world(session_factory)
    async with session_factory() as session:
        requester = await session.get(User, designer.id)
        loaded = await session.get(Brief, brief.id)
        assert requester is not None and loaded is not None
        outcome = await intros.request_intros(
            session, brief=loaded, requester=requester, atelier_refs=["A1"], now=T0
        )
        await session.commit()
    intro_id = outcome.created[0].id
    bot = FakeBot()
    await _sweep_at(session_factory, bot, timedelta(minutes=1))  # the request itself
    bot.sent.clear()

    await _sweep_at(session_factory, bot, timedelta(hours=71))
    assert bot.sent == []
    await _sweep_at(session_factory, bot, timedelta(hours=72))
    [reminder] = _to(bot, 602)
    assert f"#{intro_id} is still waiting" in reminder

    await _sweep_at(session_factory, bot, timedelta(days=7))
    [expired] = _to(bot, 601)
    assert "did not answer" in expired and "Maglieria Due" in expired
    await _sweep_at(session_factory, bot, timedelta(days=9))
    assert len(bot.sent) == 2
    async with session_factory() as session:
        intro = await session.get(IntroRequest, intro_id)
        assert intro is not None and intro.state == IntroState.EXPIRED


async def test_an_accepted_intro_is_neither_reminded_nor_expired_and_asks_both_sides_after_14_days(
    session_factory: Factory,
) -> None:
    designer, owner, brief, *_ = await _world(session_factory)
    async with session_factory() as session:
        requester = await session.get(User, designer.id)
        loaded = await session.get(Brief, brief.id)
        assert requester is not None and loaded is not None
        outcome = await intros.request_intros(
            session, brief=loaded, requester=requester, atelier_refs=["A1"], now=T0
        )
        await session.flush()
        answering = await session.get(User, owner.id)
        assert answering is not None
        await intros.accept(
            session, intro_id=outcome.created[0].id, owner=answering, now=T0 + timedelta(hours=1)
        )
        await session.commit()
    bot = FakeBot()
    await _sweep_at(session_factory, bot, timedelta(hours=2))
    bot.sent.clear()
    await _sweep_at(session_factory, bot, timedelta(days=8))
    # No reminder to answer and no expiry; only the nudge to send a quote (three days on).
    assert [(chat, "waiting for your quote" in text) for chat, text in bot.sent] == [(602, True)]
    bot.sent.clear()

    await _sweep_at(session_factory, bot, timedelta(days=14, hours=1))
    assert "How did it go with Maglificio Uno" in _to(bot, 601)[0]
    assert "How did it go with the designer" in _to(bot, 602)[0]


async def test_stars_are_stored_as_feedback_that_rates_the_atelier_and_only_participants_may_rate(
    session_factory: Factory,
) -> None:
    designer, owner, brief, first, _ = await _world(session_factory)
    stranger = await add_user(session_factory, 603)
    async with session_factory() as session:
        intro = IntroRequest(
            brief_id=brief.id, atelier_id=first.id, state=IntroState.ACCEPTED, requested_at=T0
        )
        session.add(intro)
        await session.commit()
    async with session_factory() as session:
        rater = await session.get(User, designer.id)
        assert rater is not None
        await followups.record_feedback(session, intro_id=intro.id, user=rater, stars=2)
        changed = await followups.record_feedback(session, intro_id=intro.id, user=rater, stars=4)
        await followups.add_note(session, feedback_id=changed.id, user=rater, note=" Lovely work ")
        await session.commit()
        outsider = await session.get(User, stranger.id)
        assert outsider is not None
        with pytest.raises(FollowupError):
            await followups.record_feedback(session, intro_id=intro.id, user=outsider, stars=1)
        with pytest.raises(FollowupError):
            await followups.record_feedback(session, intro_id=intro.id, user=rater, stars=6)
    async with session_factory() as session:
        rows = (await session.scalars(select(Feedback))).all()
        assert [(f.stars, f.note, f.atelier_id) for f in rows] == [(4, "Lovely work", first.id)]
        assert (await ratings(session)) == {first.id: 4.0}
        # The atelier's own answer is about the designer: it does not rate the atelier.
        owner_row = await session.get(User, owner.id)
        assert owner_row is not None
        await followups.record_feedback(session, intro_id=intro.id, user=owner_row, stars=1)
        await session.commit()
        assert (await ratings(session)) == {first.id: 4.0}


async def test_capacity_is_checked_once_a_month_unless_recently_confirmed(
    session_factory: Factory,
) -> None:
    owner = await add_user(session_factory, 604, timezone="Europe/London")
    async with session_factory() as session:
        stale = atelier("C1", owner_id=owner.id, created_at=T0 - timedelta(days=90))
        fresh = atelier(
            "C2",
            owner_id=owner.id,
            created_at=T0 - timedelta(days=90),
            capacity_confirmed_at=T0 - timedelta(days=3),
        )
        session.add_all([stale, fresh])
        await session.commit()

    first_run = await followups.plan_capacity_checks(
        session_factory, default_timezone="Europe/Rome", now=T0
    )
    second_run = await followups.plan_capacity_checks(
        session_factory, default_timezone="Europe/Rome", now=T0 + timedelta(days=1)
    )
    assert (first_run, second_run) == (1, 0)
    async with session_factory() as session:
        [row] = (
            await session.scalars(select(Delivery).where(Delivery.kind == "capacity_check"))
        ).all()
        assert row.payload == {"atelier_id": stale.id}
        assert row.due_at == T0 + timedelta(hours=2)  # 10:00 in London (GMT) on Monday
        before = (await session.get(Atelier, stale.id)).updated_at  # type: ignore[union-attr]
        owner_row = await session.get(User, owner.id)
        assert owner_row is not None
        await followups.confirm_capacity(session, atelier_id=stale.id, owner=owner_row, now=T0)
        await session.commit()
    async with session_factory() as session:
        confirmed = await session.get(Atelier, stale.id)
        assert confirmed is not None
        assert confirmed.capacity_confirmed_at == T0
        assert confirmed.updated_at == before  # not announced as "newly available"
    bot = FakeBot()
    await _sweep_at(session_factory, bot, timedelta(hours=2))
    [check] = _to(bot, 604)
    assert "Monthly check for Maglificio C1" in check
    async with session_factory() as session:
        row = await session.get(Delivery, row.id)
        assert row is not None and row.state == DeliveryState.SENT
