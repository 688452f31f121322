"""An atelier answers introduction requests: accept exchanges contacts, decline offers the
designer the next match; only the owner can answer, and only once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.db.models import Atelier, IntroRequest, IntroState
from localbotapi import SentMessage
from tests.e2e.atelier_steps import (
    REGISTRY_HEADER,
    Registration,
    admin_verifies,
    atelier_of,
    designer_requests_intro,
    quick_bot,
    register,
)
from tests.e2e.harness import RunningBot, load_registry

DESIGNER = 301


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def _live_atelier(bottega: RunningBot, user_id: int, *, lang: str = "en") -> Atelier:
    await register(
        bottega,
        user_id,
        Registration(
            name="Maglificio Rossi",
            place="Prato, Toscana",
            specialties="knitwear" if lang == "en" else "maglieria",
            understood="knitwear" if lang == "en" else "maglieria",
            contact="info@maglificio.example",
        ),
        lang=lang,
    )
    atelier = await atelier_of(bottega, user_id)
    await admin_verifies(bottega, atelier.ref)
    return atelier


async def test_accepting_an_intro_exchanges_both_contacts(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await _live_atelier(bottega, 211)
    await designer_requests_intro(bottega, designer_telegram_id=DESIGNER, refs=[atelier.ref])

    request = await api.wait_for(211, contains="New introduction request")
    text = request.text or ""
    assert "80 merino cardigans" in text and "80 pieces per style" in text
    assert "at least 50 % handwork" in text
    assert "ada@studio.example" not in text and str(DESIGNER) not in text
    assert request.button_texts == ["Accept", "Decline", "Send a quote"]

    await api.press(211, request, "Accept")
    to_designer = await api.wait_for(DESIGNER, contains="accepted your introduction request")
    assert "info@maglificio.example" in (to_designer.text or "")
    to_atelier = await api.wait_for(211, contains="Here is the designer")
    assert f"tg://user?id={DESIGNER}" in (to_atelier.text or "")
    assert "ada@studio.example" in (to_atelier.text or "")

    # A second tap on the same (now edited) message is harmless.
    again = await api.user_presses(211, request.message_id, f"intro:acc:{_intro_id(request)}")
    assert "already been answered" in ((await api.wait_for_answer(again)).text or "")
    async with bottega.session_factory() as session:
        states = (await session.scalars(select(IntroRequest.state))).all()
    assert states == [IntroState.ACCEPTED]


def _intro_id(message: SentMessage) -> int:
    data = [d for row in message.buttons for _, d in row if d.startswith("intro:acc:")]
    return int(data[0].rsplit(":", 1)[1])


async def test_declining_tells_the_designer_and_offers_the_next_match(bottega: RunningBot) -> None:
    await load_registry(
        bottega.session_factory,
        REGISTRY_HEADER
        + "K2,Maglieria Alpina,IT,Piemonte,Biella,knitwear,merino;wool,hand finishing,20,500,800,"
        "4,70,,it;en,alpina@example.org,Merino knitwear\n",
    )
    api = bottega.api
    atelier = await _live_atelier(bottega, 212, lang="it")
    brief_id = await designer_requests_intro(
        bottega, designer_telegram_id=DESIGNER, refs=[atelier.ref]
    )

    request = await api.wait_for(212, contains="Nuova richiesta di presentazione")
    await api.press(212, request, "Rifiuta")
    reasons = await api.wait_for(212, contains="Vuoi dirci perché")
    assert "Niente capacità ora" in reasons.button_texts
    await api.press(212, reasons, "Niente capacità ora")
    await api.wait_for(212, contains="Motivo: Niente capacità ora")

    declined = await api.wait_for(DESIGNER, contains="can't take on")
    assert "Maglificio Rossi" in (declined.text or "")
    assert "Maglieria Alpina" in (declined.text or "")
    assert declined.buttons == [[("Request intro", f"intro:req:{brief_id}:K2")]]
    async with bottega.session_factory() as session:
        intro = await session.scalar(select(IntroRequest))
        assert intro is not None
        assert (intro.state, intro.decline_reason) == (IntroState.DECLINED, "no_capacity")


async def test_another_user_cannot_answer_someone_elses_intro(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await _live_atelier(bottega, 213)
    await designer_requests_intro(bottega, designer_telegram_id=DESIGNER, refs=[atelier.ref])
    request = await api.wait_for(213, contains="New introduction request")
    intro_id = _intro_id(request)

    await api.user_sends(214, "/start")
    await api.wait_for(214, contains="Welcome")
    for data in (f"intro:acc:{intro_id}", f"intro:dec:{intro_id}", f"intro:why:{intro_id}:other"):
        query = await api.user_presses(214, request.message_id, data)
        answer = await api.wait_for_answer(query)
        assert answer.show_alert and "Only the atelier's owner" in (answer.text or "")
    await api.expect_silence(DESIGNER, within=0.3)
    async with bottega.session_factory() as session:
        intro = await session.scalar(select(IntroRequest))
        assert intro is not None and intro.state == IntroState.REQUESTED
