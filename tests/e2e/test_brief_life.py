"""Closing a brief asks first and can be undone; a pause may have an end date, after which the
brief opens again by itself and its designer is told."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.db.base import utcnow
from bot.db.models import Brief, BriefState, Delivery, DeliveryState
from tests.e2e.harness import RunningBot
from tests.e2e.test_designer_review import DESIGNER, _confirmed, _say, _seed, _tap


async def _state(bottega: RunningBot) -> str:
    async with bottega.session_factory() as session:
        brief = await session.scalar(select(Brief))
        assert brief is not None
        return brief.state


async def test_closing_asks_first_and_a_closed_brief_reopens(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    _results, brief_id = await _confirmed(api)
    listing = await _say(api, "/briefs", "Your briefs")
    asked = await _tap(api, listing, f"Close #{brief_id}", f"Close brief #{brief_id}?")
    await _tap(api, asked, "Keep it open", "stays open")
    assert await _state(bottega) == BriefState.OPEN
    closed = await _tap(api, asked, "Yes, close it", f"Brief #{brief_id} is closed")
    assert await _state(bottega) == BriefState.CLOSED
    await _tap(api, closed, f"Reopen #{brief_id}", f"Brief #{brief_id} is open again")
    assert await _state(bottega) == BriefState.OPEN
    # Closed again, it can be reopened from /briefs too.
    listing = await _say(api, "/briefs", "Your briefs")
    asked = await _tap(api, listing, f"Close #{brief_id}", "?")
    await _tap(api, asked, "Yes, close it", "is closed")
    listing = await _say(api, "/briefs", "Your briefs")
    await _tap(api, listing, f"Reopen #{brief_id}", "is open again")
    assert await _state(bottega) == BriefState.OPEN


async def test_a_pause_with_an_end_date_ends_by_itself(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    _results, brief_id = await _confirmed(api)
    listing = await _say(api, "/briefs", "Your briefs")
    how_long = await _tap(api, listing, f"Pause #{brief_id}", "for how long?")
    await _tap(api, how_long, "2 wk", "is paused until")
    assert await _state(bottega) == BriefState.PAUSED
    async with bottega.session_factory() as session:
        ending = await session.scalar(
            select(Delivery).where(
                Delivery.kind == "brief_pause_ends", Delivery.state == DeliveryState.PENDING
            )
        )
        assert ending is not None
        assert 13 <= (ending.due_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).days <= 14
        # Two weeks pass.
        await session.execute(
            update(Delivery).where(Delivery.id == ending.id).values(due_at=utcnow())
        )
        await session.commit()
    await api.wait_for(DESIGNER, contains="Your pause is over", timeout=20)
    assert await _state(bottega) == BriefState.OPEN


async def test_resuming_by_hand_cancels_the_end_date(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    _results, brief_id = await _confirmed(api)
    listing = await _say(api, "/briefs", "Your briefs")
    how_long = await _tap(api, listing, f"Pause #{brief_id}", "for how long?")
    await _tap(api, how_long, "1 wk", "is paused until")
    listing = await _say(api, "/briefs", "Your briefs")
    await _tap(api, listing, f"Resume #{brief_id}", "is open again")
    async with bottega.session_factory() as session:
        pending = await session.scalar(
            select(Delivery).where(
                Delivery.kind == "brief_pause_ends", Delivery.state == DeliveryState.PENDING
            )
        )
    assert pending is None
