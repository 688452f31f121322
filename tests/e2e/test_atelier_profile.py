"""/profile edits any field, /capacity sets free capacity or pauses in two taps; every change
reaches the matcher, and nobody can change someone else's atelier."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime import runtime_of
from tests.e2e.atelier_steps import fetch_atelier, quick_bot, seed_atelier
from tests.e2e.harness import RunningBot


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def test_owner_edits_a_field_from_profile(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 221)
    index = runtime_of(bottega.app).match_index
    await index.get()
    await api.user_sends(221, "/profile")
    profile = await api.wait_for(221, contains=f"Your atelier ({atelier.ref}) – live")
    assert "Minimum order: 30 pieces per style" in (profile.text or "")
    await api.press(221, profile, "Min / max per style")
    await api.wait_for(221, contains="minimum order, in pieces")
    await api.user_sends(221, "500")
    await api.wait_for(221, contains="at least 500")
    await api.user_sends(221, "100")
    await api.wait_for(221, contains="can't be below your minimum order (500)")
    await api.user_sends(221, "900")
    saved = await api.wait_for(221, contains="Saved.")
    assert "Maximum per style: 900 pieces" in (saved.text or "")
    changed = await fetch_atelier(bottega, atelier.id)
    assert (changed.moq, changed.max_batch) == (500, 900)
    indexed = (await index.get()).profile(atelier.ref)
    assert indexed is not None
    assert (indexed.moq, indexed.max_batch) == (500, 900)


async def test_capacity_and_pause_take_two_taps(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 222)
    await api.user_sends(222, "/capacity")
    question = await api.wait_for(222, contains="How much can you still take on")
    assert question.button_texts[:4] == ["Full (0)", "100 pieces", "200 pieces", "400 pieces"]
    await api.press(222, question, "200 pieces")
    await api.wait_for(222, contains="Saved: 200 pieces free")
    assert (await fetch_atelier(bottega, atelier.id)).available_capacity == 200

    await api.user_sends(222, "/capacity")
    question = await api.wait_for(222, contains="How much can you still take on")
    await api.press(222, question, "Pause new requests")
    await api.wait_for(222, contains="is paused")
    assert (await fetch_atelier(bottega, atelier.id)).paused

    await api.user_sends(222, "/resume")
    await api.wait_for(222, contains="open to new introduction requests again")
    assert not (await fetch_atelier(bottega, atelier.id)).paused

    await api.user_sends(222, "/capacity")
    question = await api.wait_for(222, contains="How much can you still take on")
    await api.press(222, question, "Another amount")
    await api.wait_for(222, contains="Type the number")
    await api.user_sends(222, "-3")
    await api.wait_for(222, contains="can't be negative")
    await api.user_sends(222, "75")
    await api.wait_for(222, contains="Saved: 75 pieces free")
    assert (await fetch_atelier(bottega, atelier.id)).available_capacity == 75


async def test_forged_buttons_cannot_edit_or_set_someone_elses_atelier(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 223)
    await api.user_sends(224, "/start")
    welcome = await api.wait_for(224, contains="Welcome")

    edit = await api.user_presses(224, welcome.message_id, "atelier:pedit:contact")
    assert "not for you" in ((await api.wait_for_answer(edit)).text or "")
    await api.user_presses(224, welcome.message_id, "cap:set:0")
    await api.wait_for(224, contains="haven't registered an atelier")
    await api.user_presses(224, welcome.message_id, "cap:pause")
    await api.wait_for(224, contains="haven't registered an atelier")
    await api.user_sends(224, "/pause")
    await api.wait_for(224, contains="haven't registered an atelier")

    unchanged = await fetch_atelier(bottega, atelier.id)
    assert (unchanged.paused, unchanged.available_capacity, unchanged.contact) == (
        False,
        None,
        "info@maglificio.example",
    )


async def test_a_pause_may_end_by_itself(bottega: RunningBot) -> None:
    from sqlalchemy import select, update

    from bot.db.base import utcnow
    from bot.db.models import Delivery, DeliveryState

    api = bottega.api
    atelier = await seed_atelier(bottega, 223)
    await api.user_sends(223, "/pause")
    paused = await api.wait_for(223, contains="is paused")
    await api.press(223, paused, "End in 2 wk")
    await api.wait_for(223, contains="is paused until")
    async with bottega.session_factory() as session:
        ending = await session.scalar(
            select(Delivery).where(
                Delivery.kind == "atelier_pause_ends", Delivery.state == DeliveryState.PENDING
            )
        )
        assert ending is not None
        # Two weeks pass.
        await session.execute(
            update(Delivery).where(Delivery.id == ending.id).values(due_at=utcnow())
        )
        await session.commit()
    await api.wait_for(223, contains="The pause is over", timeout=20)
    assert not (await fetch_atelier(bottega, atelier.id)).paused


async def test_resuming_by_hand_drops_the_pause_end(bottega: RunningBot) -> None:
    from sqlalchemy import select

    from bot.db.models import Delivery, DeliveryState

    api = bottega.api
    await seed_atelier(bottega, 224)
    await api.user_sends(224, "/pause")
    paused = await api.wait_for(224, contains="is paused")
    await api.press(224, paused, "End in 1 wk")
    await api.wait_for(224, contains="is paused until")
    await api.user_sends(224, "/resume")
    await api.wait_for(224, contains="open to new introduction requests again")
    async with bottega.session_factory() as session:
        assert (
            await session.scalar(
                select(Delivery).where(
                    Delivery.kind == "atelier_pause_ends", Delivery.state == DeliveryState.PENDING
                )
            )
        ) is None
