"""A designer goes from /start to introduction requests over the real Telegram HTTP stack."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import Brief, Delivery, IntroRequest, User
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.harness import RunningBot, load_registry, running_bot

REGISTRY = Path(__file__).resolve().parents[2] / "bot" / "data" / "demo_ateliers.csv"
OWNED_ATELIER_CSV = """ref,name,country,region,city,specialties,materials,techniques,moq,max_batch,monthly_capacity,lead_time_weeks,handwork_share,certifications,languages,contact,description
K001,Maglificio Rossi,IT,Emilia-Romagna,Carpi,knitwear;knitted accessories,merino;cashmere;wool,hand linking,20,500,800,5,75,GOTS,it;en,rossi@example.com,Knitwear since 1970.
K002,Maglieria Bianchi,IT,Veneto,Treviso,maglieria,lana;cashmere,rimagliatura a mano,30,400,600,6,60,,it,bianchi@example.com,Maglieria artigianale.
K003,Knit Lab Porto,PT,Norte,Porto,knitwear,cotton;merino,flat knitting,50,2000,3000,4,30,OEKO-TEX,pt;en,porto@example.com,Knitwear.
T001,Sartoria Verdi,IT,Puglia,Martina Franca,tailoring,wool,hand finishing,10,120,200,8,85,,it,verdi@example.com,Suits.
"""
DESIGNER = 4242


async def _seed(bottega: RunningBot) -> None:
    await load_registry(bottega.session_factory, OWNED_ATELIER_CSV)
    bottega.app.bot_data["runtime"].match_index.invalidate()


async def _answer(api: LocalBotAPI, text: str, expect: str, user: int = DESIGNER) -> SentMessage:
    await api.user_sends(user, text)
    return await api.wait_for(user, contains=expect)


async def _press(
    api: LocalBotAPI, message: SentMessage, label: str, expect: str, user: int = DESIGNER
) -> SentMessage:
    await api.press(user, message, label)
    return await api.wait_for(user, contains=expect)


async def _interview_until_summary(api: LocalBotAPI) -> SentMessage:
    await api.user_sends(DESIGNER, "/start", first_name="Ada", language_code="en")
    welcome = await api.wait_for(DESIGNER, contains="Who are you?")
    await _press(api, welcome, "I'm a designer", "What is the product?")
    understood = await _answer(api, "merino cardigans", "I understood: knitwear")
    # The material was in the first message: it is kept and not asked again.
    await _press(api, understood, "Yes", "How many pieces per style?")
    await _answer(api, "-5", "can't be negative")
    await _answer(api, "a lot", "I need a number")
    styles = await _answer(api, "80", "How many styles")
    colourways = await _press(api, styles, "3", "How many colourways")
    sizes = await _press(api, colourways, "2", "Which sizes")
    deadline = await _press(api, sizes, "XS–XL", "By when")
    assert deadline
    await _answer(api, "15/03/2020", "in the past")
    await _answer(api, "in 12 weeks", "budget per piece")
    place = await _answer(api, "45 €", "Where should it be made?")
    handwork = await _press(api, place, "Italy", "minimum share of handwork")
    certs = await _press(api, handwork, "≥ 50 %", "certifications")
    pack = await _press(api, certs, "Done", "Send a tech pack")
    return await _press(api, pack, "Skip", "Your brief:")


async def test_designer_goes_from_start_to_intro_requests_in_english(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    summary = await _interview_until_summary(api)
    text = summary.text or ""
    assert "Category: knitwear" in text
    assert "Materials: merino" in text
    assert "80 per style × 3" in text
    assert "Where: Italy" in text and "at least 50 %" in text

    await api.press(DESIGNER, summary, "Confirm")
    results = await api.wait_for(DESIGNER, contains="Best matches")
    results_text = results.text or ""
    assert "Maglificio Rossi" in results_text and "Maglieria Bianchi" in results_text
    # Porto is outside Italy; the tailor makes no knitwear: neither is ranked.
    assert "Knit Lab Porto" not in results_text.split("Close, but")[0]
    assert "Sartoria Verdi" not in results_text
    assert "rossi@example.com" not in results_text, "contacts are private until an atelier accepts"

    await api.press(DESIGNER, results, "Maglificio Rossi")
    picked = await api.wait_for(DESIGNER, contains="Best matches")
    assert any(label.startswith("☑") and "Rossi" in label for label in picked.button_texts)
    await api.press(DESIGNER, picked, "Request introductions (1)")
    await api.wait_for(DESIGNER, contains="Introduction requested: Maglificio Rossi")

    async with bottega.session_factory() as session:
        brief = await session.scalar(select(Brief))
        assert brief is not None
        assert (brief.state, brief.category, brief.quantity, brief.styles) == (
            "matched",
            "knitwear",
            80,
            3,
        )
        assert brief.country == "IT" and brief.min_handwork_share == 50
        intros = (await session.scalars(select(IntroRequest))).all()
        assert [i.state for i in intros] == ["requested"]

    await api.user_sends(DESIGNER, "/briefs")
    listing = await api.wait_for(DESIGNER, contains="Your briefs")
    assert "Maglificio Rossi: waiting for an answer" in (listing.text or "")


async def test_italian_designer_with_typos_gets_matches_in_italian(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    user = 5151
    await api.user_sends(user, "/brief", first_name="Bice", language_code="it")
    await api.wait_for(user, contains="Qual è il prodotto?")
    await api.user_sends(user, "maglioni in lana cashmire")
    understood = await api.wait_for(user, contains="Ho capito: maglieria")
    await api.press(user, understood, "Sì")
    await api.wait_for(user, contains="Quanti pezzi")
    await api.user_sends(user, "cento")
    styles = await api.wait_for(user, contains="Quanti modelli")
    await api.user_sends(user, "2")
    await api.wait_for(user, contains="Quante varianti colore")
    await api.user_sends(user, "1")
    await api.wait_for(user, contains="In quali taglie")
    await api.user_sends(user, "taglia unica")
    await api.wait_for(user, contains="Entro quando")
    await api.user_sends(user, "tra 10 settimane")
    budget = await api.wait_for(user, contains="budget")
    await api.press(user, budget, "Salta")
    place = await api.wait_for(user, contains="Dove deve")
    await api.press(user, place, "Ovunque")
    handwork = await api.wait_for(user, contains="lavorazione a mano")
    await api.press(user, handwork, "Nessun minimo")
    certs = await api.wait_for(user, contains="certificazioni")
    await api.press(user, certs, "Fatto")
    pack = await api.wait_for(user, contains="scheda tecnica")
    await api.press(user, pack, "Salta")
    summary = await api.wait_for(user, contains="La tua richiesta")
    assert "100 per modello × 2" in (summary.text or "")
    assert styles
    await api.press(user, summary, "Conferma")
    results = await api.wait_for(user, contains="Gli atelier più adatti")
    assert "Maglieria Bianchi" in (results.text or "")
    assert "Chiedi presentazioni (0)" in results.button_texts
    await api.press(user, results, "Maglieria Bianchi")
    picked = await api.wait_for(user, lambda m: "Chiedi presentazioni (1)" in m.button_texts)
    await api.press(user, picked, "Chiedi presentazioni (1)")
    await api.wait_for(user, contains="Presentazione chiesta: Maglieria Bianchi")


async def test_interview_resumes_at_the_same_question_after_a_restart(database_url: str) -> None:
    async with LocalBotAPI() as api:
        async with running_bot(database_url, api=api) as first:
            await _seed(first)
            await api.user_sends(DESIGNER, "/brief", language_code="en")
            await api.wait_for(DESIGNER, contains="What is the product?")
            understood = await _answer(api, "cashmere jumpers", "I understood: knitwear")
            await _press(api, understood, "Yes", "How many pieces per style?")
        async with running_bot(database_url, api=api) as second:
            assert second.app is not first.app
            await api.user_sends(DESIGNER, "120")
            await api.wait_for(DESIGNER, contains="How many styles")
            await api.user_sends(DESIGNER, "4")
            await api.wait_for(DESIGNER, contains="How many colourways")


@pytest.mark.parametrize(
    ("send", "expect"),
    [
        ("sticker", "only read text"),
        ("x" * 4000, "too long"),
        ("0", "at least 1"),
        ("😀😀😀", "need a number"),
    ],
)
async def test_bad_answers_get_a_helpful_reask_and_lose_nothing(
    bottega: RunningBot, send: str, expect: str
) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _answer(api, "merino cardigans", "I understood")
    await _press(api, understood, "Yes", "How many pieces per style?")
    if send == "sticker":
        await api.user_sends_sticker(DESIGNER)
    else:
        await api.user_sends(DESIGNER, send)
    reask = await api.wait_for(DESIGNER, contains=expect)
    assert "How many pieces per style?" in (reask.text or "")
    await _answer(api, "80", "How many styles")


async def test_someone_else_cannot_use_a_designers_brief_buttons(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    summary = await _interview_until_summary(api)
    await api.press(DESIGNER, summary, "Confirm")
    results = await api.wait_for(DESIGNER, contains="Best matches")
    brief_button = next(
        data
        for label, data in (b for row in results.buttons for b in row)
        if data.startswith("m:t:")
    )
    intruder = 6666
    await api.user_sends(intruder, "/start")
    await api.wait_for(intruder, contains="Welcome")
    brief_id = brief_button.split(":")[2]
    for forged in (
        brief_button,
        f"m:go:{brief_id}",
        f"intro:req:{brief_id}:K001",
        f"b:close:{brief_id}",
        f"m:more:{brief_id}:5",
    ):
        answer = await api.wait_for_answer(
            await api.user_presses(intruder, results.message_id, forged)
        )
        assert "no longer active" in (answer.text or ""), forged
    async with bottega.session_factory() as session:
        assert (await session.scalars(select(IntroRequest))).all() == []
        brief = await session.scalar(select(Brief))
        assert brief is not None and brief.state == "open"


async def test_double_tap_on_request_does_not_request_twice(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    summary = await _interview_until_summary(api)
    await api.press(DESIGNER, summary, "Confirm")
    results = await api.wait_for(DESIGNER, contains="Best matches")
    brief_id = next(
        d for _, d in (b for row in results.buttons for b in row) if d.startswith("m:go:")
    ).split(":")[2]
    first = await api.user_presses(DESIGNER, results.message_id, f"intro:req:{brief_id}:K001")
    await api.wait_for(DESIGNER, contains="Introduction requested")
    await api.wait_for_answer(first)
    await api.user_presses(DESIGNER, results.message_id, f"intro:req:{brief_id}:K001")
    await api.wait_for(DESIGNER, contains="already requested")
    async with bottega.session_factory() as session:
        assert len((await session.scalars(select(IntroRequest))).all()) == 1
        user = await session.scalar(select(User).where(User.telegram_id == DESIGNER))
        assert user is not None
        assert (await session.scalars(select(Delivery))).all() is not None


async def test_cancel_stops_the_interview_and_the_bot_stays_polite(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _answer(api, "silk scarves", "I understood")
    await _press(api, understood, "Yes", "Which materials?")
    await _answer(api, "/cancel", "Stopped")
    await _answer(api, "80", "didn't understand")
    await _answer(api, "/cancel", "nothing in progress")
    await api.user_sends_photo(DESIGNER)
    await api.wait_for(DESIGNER, contains="didn't understand")
    await _answer(api, "/brief", "What is the product?")


async def test_a_photo_instead_of_a_deadline_is_reasked(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _answer(api, "cashmere jumpers", "I understood")
    await _press(api, understood, "Yes", "How many pieces per style?")
    await _answer(api, "about 200", "How many styles")
    await _answer(api, "2", "How many colourways")
    await _answer(api, "1", "Which sizes")
    await _answer(api, "one size", "By when")
    await api.user_sends_photo(DESIGNER)
    reask = await api.wait_for(DESIGNER, contains="only read text")
    assert "By when" in (reask.text or "")
    await _answer(api, "marzo", "budget per piece")


async def test_a_button_of_an_earlier_question_is_no_longer_active(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _answer(api, "jumpers", "I understood: knitwear")
    materials = await _press(api, understood, "Yes", "Which materials?")
    await _press(api, materials, "Done", "How many pieces per style?")
    for old, label in ((understood, "Something else"), (materials, "Done")):
        answer = await api.wait_for_answer(await api.press(DESIGNER, old, label))
        assert "no longer active" in (answer.text or "")
    await _answer(api, "80", "How many styles")
