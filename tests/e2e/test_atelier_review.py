"""Atelier side, introductions and admin review at the edges: requests withdrawn or expired
before the atelier answers, a registration whose owner left before an admin decided, /capacity
for pending and paused ateliers, and numbers people really type ("1e9", "a month", "0.8")."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.db.models import Delivery, DeliveryState, IntroRequest, IntroState
from bot.intros import service as intros
from localbotapi import SentMessage
from tests.e2e.atelier_steps import (
    atelier_of,
    designer_requests_intro,
    fetch_atelier,
    quick_bot,
    seed_atelier,
)
from tests.e2e.harness import ADMIN_ID, RunningBot


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


def _intro_id(message: SentMessage) -> int:
    data = [d for row in message.buttons for _, d in row if d.startswith("intro:acc:")]
    return int(data[0].rsplit(":", 1)[1])


async def _delete_me(bot: RunningBot, user_id: int) -> None:
    await bot.api.user_sends(user_id, "/delete_me")
    confirm = await bot.api.wait_for(user_id, contains="Delete your data?")
    await bot.api.press(user_id, confirm, "Yes, delete my data")
    await bot.api.wait_for(user_id, contains="your personal data has been erased")


async def _kinds_sent(bot: RunningBot, *kinds: str) -> list[str]:
    async with bot.session_factory() as session:
        rows = await session.scalars(
            select(Delivery.kind).where(
                Delivery.kind.in_(kinds),
                Delivery.state.in_([DeliveryState.PENDING, DeliveryState.SENT]),
            )
        )
        return list(rows.all())


# --- introductions the atelier can no longer answer -------------------------------------------


async def test_a_request_withdrawn_by_a_designer_who_left_says_so(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 401)
    await designer_requests_intro(bottega, designer_telegram_id=501, refs=[atelier.ref])
    request = await api.wait_for(401, contains="New introduction request")
    await _delete_me(bottega, 501)

    query = await api.user_presses(401, request.message_id, f"intro:acc:{_intro_id(request)}")
    answer = await api.wait_for_answer(query)
    assert answer.show_alert and "withdrew this request" in (answer.text or "")
    assert "already been answered" not in (answer.text or "")
    # The request message keeps the brief, loses its buttons and says why.
    edited = await api.wait_for(401, lambda m: m.message_id == request.message_id)
    assert edited.buttons == []
    assert "80 merino cardigans" in (edited.text or "")
    assert "Withdrawn" in (edited.text or "") and "No contact was shared" in (edited.text or "")

    await api.expect_silence(401, within=0.3)
    assert await _kinds_sent(bottega, intros.IntroAccepted.kind, intros.IntroContact.kind) == []
    async with bottega.session_factory() as session:
        assert (await session.scalars(select(IntroRequest.state))).all() == [IntroState.CANCELLED]


async def test_an_expired_request_says_it_expired_in_italian(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 402, language="it")
    await designer_requests_intro(bottega, designer_telegram_id=502, refs=[atelier.ref])
    request = await api.wait_for(402, contains="Nuova richiesta di presentazione")
    async with bottega.session_factory() as session:
        assert await intros.expire(session, intro_id=_intro_id(request)) is not None
        await session.commit()

    query = await api.user_presses(402, request.message_id, f"intro:dec:{_intro_id(request)}")
    answer = await api.wait_for_answer(query)
    assert answer.show_alert and "scaduta" in (answer.text or "")
    edited = await api.wait_for(402, lambda m: m.message_id == request.message_id)
    assert edited.buttons == [] and "Scaduta dopo 7 giorni" in (edited.text or "")
    assert await _kinds_sent(bottega, intros.IntroDeclined.kind) == []
    async with bottega.session_factory() as session:
        intro = await session.scalar(select(IntroRequest))
        assert intro is not None
        assert (intro.state, intro.decline_reason) == (IntroState.EXPIRED, None)


# --- admin review -----------------------------------------------------------------------------


async def test_admin_verifying_a_registration_whose_owner_left_is_told_so(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 403, verified=False)
    await api.user_sends(ADMIN_ID, "/admin")
    pending = await api.wait_for(ADMIN_ID, contains=atelier.ref)
    await _delete_me(bottega, 403)

    query = await api.user_presses(ADMIN_ID, pending.message_id, f"admin:ver:{atelier.id}")
    answer = await api.wait_for_answer(query)
    assert answer.show_alert and "deleted their data" in (answer.text or "")
    edited = await api.wait_for(ADMIN_ID, lambda m: m.message_id == pending.message_id)
    assert edited.buttons == [] and "Withdrawn" in (edited.text or "")
    stored = await fetch_atelier(bottega, atelier.id)
    assert (stored.verified, stored.listed, stored.owner_id) == (False, False, None)
    assert await _kinds_sent(bottega, "atelier_verified") == []

    # Reject is refused the same way; a rejected registration (owner kept) is "already decided".
    query = await api.user_presses(ADMIN_ID, pending.message_id, f"admin:rej:{atelier.id}")
    assert "deleted their data" in ((await api.wait_for_answer(query)).text or "")
    other = await seed_atelier(bottega, 404, verified=False)
    await api.user_presses(ADMIN_ID, pending.message_id, f"admin:why:rej:incomplete:{other.id}")
    await api.wait_for(404, contains="could not verify")
    query = await api.user_presses(ADMIN_ID, pending.message_id, f"admin:ver:{other.id}")
    assert "Already decided" in ((await api.wait_for_answer(query)).text or "")


# --- /capacity --------------------------------------------------------------------------------


async def test_capacity_of_a_pending_atelier_does_not_claim_it_is_open(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await seed_atelier(bottega, 405, verified=False)
    await api.user_sends(405, "/capacity")
    question = await api.wait_for(405, contains="How much can you still take on")
    assert "You are waiting for verification" in (question.text or "")
    assert "open to new requests" not in (question.text or "")
    await api.press(405, question, "200 pieces")
    saved = await api.wait_for(405, contains="Saved: 200 pieces free")
    assert "once an admin has verified" in (saved.text or "")


async def test_typed_free_capacity_accepts_zero_words_and_refuses_more_than_monthly(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 406)  # 400 pieces a month
    await api.user_sends(406, "/capacity")
    question = await api.wait_for(406, contains="How much can you still take on")
    await api.press(406, question, "Another amount")
    await api.wait_for(406, contains="Type the number")
    await api.user_sends(406, "0 pieces")
    await api.wait_for(406, contains="Saved: 0 pieces free")
    assert (await fetch_atelier(bottega, atelier.id)).available_capacity == 0

    await api.user_sends(406, "/capacity")
    question = await api.wait_for(406, contains="How much can you still take on")
    await api.press(406, question, "Another amount")
    await api.wait_for(406, contains="Type the number")
    await api.user_sends(406, "5000")
    await api.wait_for(406, contains="more than your monthly capacity (400 pieces)")
    assert (await fetch_atelier(bottega, atelier.id)).available_capacity == 0
    await api.user_sends(406, "1e9")
    await api.wait_for(406, contains="too large")
    await api.user_sends(406, "150")  # still the same question
    await api.wait_for(406, contains="Saved: 150 pieces free")
    assert (await fetch_atelier(bottega, atelier.id)).available_capacity == 150

    # A forged button beyond the monthly capacity changes nothing either.
    await api.user_presses(406, question.message_id, "cap:set:99999999")
    await api.wait_for(406, contains="more than your monthly capacity")
    assert (await fetch_atelier(bottega, atelier.id)).available_capacity == 150


async def test_free_capacity_while_paused_reopens_and_says_so(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 407)
    await api.user_sends(407, "/pause")
    await api.wait_for(407, contains="is paused")

    await api.user_sends(407, "/capacity")
    question = await api.wait_for(407, contains="How much can you still take on")
    await api.press(407, question, "Full (0)")
    full = await api.wait_for(407, contains="Saved: 0 pieces free")
    assert "again" not in (full.text or "")
    assert (await fetch_atelier(bottega, atelier.id)).paused

    await api.user_sends(407, "/capacity")
    question = await api.wait_for(407, contains="How much can you still take on")
    await api.press(407, question, "200 pieces")
    saved = await api.wait_for(407, contains="Saved: 200 pieces free")
    assert "open to new introduction requests again" in (saved.text or "")
    stored = await fetch_atelier(bottega, atelier.id)
    assert (stored.available_capacity, stored.paused) == (200, False)


# --- registration numbers -----------------------------------------------------------------------


async def test_registration_reads_scientific_notation_articles_and_fractions(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    user = 408
    await api.user_sends(user, "/start atelier", language_code="en")
    await api.wait_for(user, contains="(1/16)")
    await api.user_sends(user, "Sartoria Numeri")
    country = await api.wait_for(user, contains="(2/16)")
    await api.press(user, country, "Italy")
    await api.user_sends(user, "Prato, Toscana")
    await api.wait_for(user, contains="(4/16)")
    await api.user_sends(user, "magliera")
    understood = await api.wait_for(user, contains="We understood: knitwear")
    await api.press(user, understood, "Yes, correct")
    await api.wait_for(user, contains="(5/16)")
    await api.user_sends(user, "wool")
    await api.wait_for(user, contains="(6/16)")
    await api.user_sends(user, "none")

    async def answer(text: str, expect: str) -> SentMessage:
        await api.user_sends(user, text)
        return await api.wait_for(user, contains=expect)

    await api.wait_for(user, contains="(7/16)")
    reask = await answer("1e9", "too large (at most 10000000)")
    assert "(7/16)" in (reask.text or "") and "range" not in (reask.text or "")
    await answer("5e1", "(8/16)")
    await answer("3e2", "(9/16)")
    await answer("1.000", "(10/16)")
    reask = await answer("1e9", "more than 104 weeks")
    assert "(10/16)" in (reask.text or "")
    await answer("a month", "(11/16)")
    reask = await answer("0.8", "Did you mean 80 %?")
    assert "(11/16)" in (reask.text or "")
    await answer("80", "(12/16)")
    await api.user_sends(user, "/cancel")
    await api.wait_for(user, contains="answers so far are saved")

    # The answers were kept, as /cancel said; the summary later shows what was understood.
    await api.user_sends(user, "/register")
    await api.wait_for(user, contains="(12/16)")
    await api.user_sends(user, "GOTS")
    languages = await api.wait_for(user, contains="(13/16)")
    await api.press(user, languages, "Done")
    await answer("info@numeri.example", "(15/16)")
    await api.press(user, api.last(user), "Skip")
    photos = await api.wait_for(user, contains="(16/16)")
    await api.press(user, photos, "Skip")
    summary = await api.wait_for(user, lambda m: "Confirm" in m.button_texts)
    text = summary.text or ""
    assert "Minimum order: 50 pieces per style" in text
    assert "Maximum per style: 300 pieces" in text
    assert "Monthly capacity: 1000 pieces" in text
    assert "Lead time: 5 weeks" in text and "Handwork: 80 %" in text
    await api.press(user, summary, "Confirm")
    await api.wait_for(user, contains="is registered")
    stored = await atelier_of(bottega, user)
    assert (stored.moq, stored.max_batch, stored.monthly_capacity) == (50, 300, 1000)
    assert (stored.lead_time_weeks, stored.handwork_share) == (5, 80)
