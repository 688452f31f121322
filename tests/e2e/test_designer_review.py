"""The designer's side under the inputs real designers send: typed answers where buttons are
offered, stray, forged and oversized button data, edited messages, groups, a change of language
mid-interview, and the life of a brief after it is confirmed."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.models import Brief, IntroRequest
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.harness import RunningBot, load_registry, running_bot

DESIGNER = 7070
HEADER = (
    "ref,name,country,region,city,specialties,materials,techniques,moq,max_batch,"
    "monthly_capacity,lead_time_weeks,handwork_share,certifications,languages,contact,description"
)
# Twelve knitwear workshops that all fit an 80-piece merino brief: more than two pages.
KNITTERS = "\n".join(
    [HEADER]
    + [
        f"K{n:03d},Maglificio {n},IT,Emilia-Romagna,Carpi,knitwear,merino;wool,hand linking,"
        f"20,500,800,{4 + n % 5},{50 + n},,it;en,k{n}@example.com,Knitwear workshop."
        for n in range(1, 13)
    ]
)


async def _seed(bottega: RunningBot) -> None:
    await load_registry(bottega.session_factory, KNITTERS)
    bottega.app.bot_data["runtime"].match_index.invalidate()


async def _say(api: LocalBotAPI, text: str, expect: str, user: int = DESIGNER) -> SentMessage:
    await api.user_sends(user, text)
    return await api.wait_for(user, contains=expect)


async def _tap(
    api: LocalBotAPI, message: SentMessage, label: str, expect: str, user: int = DESIGNER
) -> SentMessage:
    await api.press(user, message, label)
    return await api.wait_for(user, contains=expect)


async def _forge(api: LocalBotAPI, data: str, user: int = DESIGNER) -> str:
    """Press a button carrying `data` on the bot's last message; the text of the answer."""
    query = await api.user_presses(user, api.last(user).message_id, data)
    return (await api.wait_for_answer(query)).text or ""


def _data(message: SentMessage, prefix: str) -> list[str]:
    return [d for _, d in (b for row in message.buttons for b in row) if d.startswith(prefix)]


async def _until_quantity(api: LocalBotAPI) -> None:
    await api.user_sends(DESIGNER, "/brief", language_code="en")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _say(api, "cardigan in merino", "I understood: knitwear")
    # The materials were in the first message: the next question is the quantity.
    await _tap(api, understood, "Yes", "How many pieces per style?")


async def _until_summary(api: LocalBotAPI) -> SentMessage:
    await _until_quantity(api)
    styles = await _say(api, "80", "How many styles")
    colourways = await _tap(api, styles, "2", "How many colourways")
    sizes = await _tap(api, colourways, "1", "Which sizes")
    await _tap(api, sizes, "One size", "By when")
    budget = await _say(api, "in 20 weeks", "budget per piece")
    place = await _tap(api, budget, "Skip", "Where should it be made?")
    handwork = await _tap(api, place, "Anywhere", "minimum share of handwork")
    certs = await _tap(api, handwork, "No minimum", "certifications")
    pack = await _tap(api, certs, "Done", "Send a tech pack")
    return await _tap(api, pack, "Skip", "Your brief:")


async def _confirmed(api: LocalBotAPI) -> tuple[SentMessage, int]:
    summary = await _until_summary(api)
    await api.press(DESIGNER, summary, "Confirm")
    results = await api.wait_for(DESIGNER, contains="Best matches")
    return results, int(_data(results, "m:go:")[0].split(":")[2])


async def _stored(bottega: RunningBot) -> list[Brief]:
    async with bottega.session_factory() as session:
        return list((await session.scalars(select(Brief).order_by(Brief.id))).all())


def _edit_message(api: LocalBotAPI, user: int, message_id: int, text: str) -> None:
    """The user edits a message they sent earlier (Telegram sends an `edited_message`)."""
    api._push_update(
        "edited_message",
        {
            "message_id": message_id,
            "date": int(time.time()) - 30,
            "edit_date": int(time.time()),
            "chat": api._chat_dict(user),
            "from": dict(api.set_user(user)),
            "text": text,
        },
    )


def _send_in_group(api: LocalBotAPI, user: int, group: int, text: str) -> None:
    fields: dict[str, object] = {"text": text}
    if text.startswith("/"):
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    api._push_update(
        "message",
        {
            "message_id": 1,
            "date": int(time.time()),
            "chat": api._chat_dict(group),
            "from": dict(api.set_user(user)),
            **fields,
        },
    )


# --- answers typed where buttons are offered ---------------------------------------------------


async def test_italian_designer_types_what_the_buttons_say(bottega: RunningBot) -> None:
    """ "sì", "fatto", "ovunque", "nessuno", "nessuna": typed answers are understood, as are
    Italian numbers, dates and money; an impossible date is asked again."""
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="it")
    await api.wait_for(DESIGNER, contains="Qual è il prodotto?")
    await _say(api, "cardigan", "Ho capito: maglieria")
    await _say(api, "sì", "Quali materiali")
    await _say(api, "fatto", "Quanti pezzi per modello")
    await _say(api, "circa duecento", "Quanti modelli")
    await _say(api, "tre", "Quante varianti colore")
    await _say(api, "due", "In quali taglie")
    await _say(api, "S, M, L", "Entro quando")
    impossible = await _say(api, "31/02/2027", "Entro quando")
    assert "Quel giorno non esiste" in (impossible.text or "")
    await _say(api, "entro fine aprile", "budget per pezzo")
    await _say(api, "€ 35,50", "Dove deve")
    await _say(api, "ovunque", "lavorazione a mano")
    await _say(api, "nessuno", "certificazioni")
    await _say(api, "nessuna", "scheda tecnica")
    summary = await _say(api, "salta", "La tua richiesta")
    text = summary.text or ""
    assert "Categoria: maglieria" in text
    assert "200 per modello × 3" in text
    assert "30 aprile" in text
    assert "35,50\xa0€" in text
    assert "Dove: ovunque" in text
    await api.press(DESIGNER, summary, "Conferma")
    await api.wait_for(DESIGNER, contains="Gli atelier più adatti")
    [brief] = await _stored(bottega)
    assert (brief.category, brief.quantity, brief.styles, brief.country) == (
        "knitwear",
        200,
        3,
        None,
    )
    assert brief.deadline is not None and (brief.deadline.month, brief.deadline.day) == (4, 30)
    assert str(brief.budget_amount) == "35.50" and brief.min_handwork_share is None


async def test_typed_yes_confirms_the_category_and_keeps_the_product(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    await _say(api, "cardigan in merino", "I understood: knitwear")
    await _say(api, "Yes!", "How many pieces per style?")
    await _say(api, "80", "How many styles")
    await _say(api, "2", "How many colourways")
    await _say(api, "1", "Which sizes")
    await _say(api, "one size", "By when")
    await _say(api, "in 20 weeks", "budget per piece")
    await _say(api, "skip", "Where should it be made?")
    await _say(api, "anywhere", "minimum share of handwork")
    await _say(api, "no", "certifications")
    await _say(api, "none", "Send a tech pack")
    summary = await _say(api, "skip", "Your brief:")
    text = summary.text or ""
    assert "Product: cardigan in merino" in text and "Category: knitwear" in text
    assert "Budget per piece: —" in text and "Where: anywhere" in text


async def test_typed_no_offers_the_categories(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    await _say(api, "cardigan in merino", "I understood: knitwear")
    choices = await _say(api, "no", "Which of these is closest")
    # "no" answers the question; it is not a new product description.
    assert "not sure what kind of product" not in (choices.text or "")
    assert len(choices.button_texts) > 5


async def test_text_at_the_summary_shows_the_summary_again(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await _until_summary(api)
    reply = await _say(api, "looks good", "Your brief:")
    assert "use the buttons" in (reply.text or "")
    await api.press(DESIGNER, reply, "Confirm")
    await api.wait_for(DESIGNER, contains="Best matches")


# --- buttons: stray, forged, oversized ---------------------------------------------------------


async def test_a_stray_button_is_refused_and_the_question_asked_again(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await _until_quantity(api)
    assert "no longer active" in await _forge(api, "iv:sty:3")
    await api.wait_for(DESIGNER, contains="How many pieces per style?")
    await _say(api, "80", "How many styles")


async def test_forged_interview_buttons_are_asked_again_and_store_nothing(
    bottega: RunningBot,
) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    await _say(api, "cardigans", "I understood")
    await _forge(api, "iv:cat:nonsense")
    materials = await api.wait_for(DESIGNER, contains="use the buttons")
    assert "Which of these is closest" in (materials.text or "")
    await _forge(api, "iv:cat:knitwear")
    await api.wait_for(DESIGNER, contains="Which materials?")
    await _forge(api, "iv:mat:unobtainium")
    await api.wait_for(DESIGNER, contains="use the buttons")
    await _forge(api, "iv:mat:.")
    await _say(api, "80", "How many styles")
    for forged in ("iv:sty:abc", "iv:sty:0", "iv:sty:99999999999"):
        await _forge(api, forged)
        reask = await api.wait_for(DESIGNER, contains="use the buttons")
        assert "How many styles" in (reask.text or "")
    await _say(api, "2", "How many colourways")
    await _say(api, "1", "Which sizes")
    await _say(api, "one size", "By when")
    await _say(api, "in 20 weeks", "budget")
    await _say(api, "skip", "Where should it be made?")
    await _forge(api, "iv:place:atlantis")
    await api.wait_for(DESIGNER, contains="use the buttons")
    await _forge(api, "iv:place:IT")
    await api.wait_for(DESIGNER, contains="minimum share of handwork")
    await _forge(api, "iv:hand:101")
    await api.wait_for(DESIGNER, contains="use the buttons")
    await _forge(api, "iv:hand:0")
    await _forge(api, "iv:cert:nonsense")
    await api.wait_for(DESIGNER, contains="use the buttons")
    await _forge(api, "iv:cert:.")
    await api.wait_for(DESIGNER, contains="Send a tech pack")
    await _forge(api, "f:done:nonsense")
    await api.wait_for(DESIGNER, contains="use the buttons")
    await _forge(api, "f:rm:999")
    refused = await api.wait_for(DESIGNER, contains="isn't yours")
    assert "Send a tech pack" in (refused.text or "")
    await _forge(api, "f:done:interview")
    await api.wait_for(DESIGNER, contains="Your brief:")
    for forged in ("iv:edit:nonsense", "iv:edit:" + "x" * 3000):
        await _forge(api, forged)
        reask = await api.wait_for(DESIGNER, contains="use the buttons")
        assert "Your brief:" in (reask.text or "")
    summary = api.last(DESIGNER)
    assert "2 per style" not in (summary.text or "") and "80 per style × 2" in (summary.text or "")
    assert "Where: Italy" in (summary.text or "")


async def test_a_forged_edit_button_does_not_end_the_interview(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await _until_quantity(api)
    assert "no longer active" in await _forge(api, "m:edit:999999")
    await _say(api, "80", "How many styles")


@pytest.mark.parametrize(
    "forged",
    [
        "m:edit:{huge}",
        "b:pause:{huge}",
        "b:show:{huge}",
        "m:more:{huge}:5",
        "m:go:{huge}",
        "m:t:{huge}:K001",
        "intro:req:{huge}:K001",
    ],
)
async def test_ids_too_large_for_the_database_are_refused_politely(
    bottega: RunningBot, forged: str
) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/start")
    await api.wait_for(DESIGNER, contains="Welcome")
    assert "no longer active" in await _forge(api, forged.format(huge="9" * 30))
    assert "no longer active" in await _forge(api, forged.format(huge=2**31))
    await api.expect_silence(DESIGNER)


# --- edits, commands, language, groups ---------------------------------------------------------


async def test_an_edited_message_is_not_taken_as_the_next_answer(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await _until_quantity(api)
    _edit_message(api, DESIGNER, 2, "cardigan in merino, 120 pieces")
    reply = await api.wait_for(DESIGNER, contains="How many pieces per style?")
    assert "editing an earlier one doesn't change your answers" in (reply.text or "")
    await _say(api, "80", "How many styles")


async def test_an_unknown_command_mid_interview_keeps_the_thread(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await _until_quantity(api)
    reply = await _say(api, "/foo", "How many pieces per style?")
    assert "don't know that command" in (reply.text or "")
    await _say(api, "80", "How many styles")


async def test_switching_language_mid_interview_repeats_the_question(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await _until_quantity(api)
    choice = await _say(api, "/language", "Choose your language")
    await _tap(api, choice, "Italiano", "parlo italiano")
    await api.wait_for(DESIGNER, contains="Quanti pezzi per modello?")
    await _say(api, "cento", "Quanti modelli")


async def test_the_bot_works_in_private_chats_only(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    group = -100777
    _send_in_group(api, DESIGNER, group, "/brief")
    reply = await api.wait_for(group, contains="only work in a private chat")
    assert reply.buttons == []
    _send_in_group(api, DESIGNER, group, "80 merino cardigans")
    await api.wait_idle()
    await api.expect_silence(group)
    # Nothing of the group's messages reached the interview in the private chat.
    await _say(api, "80", "didn't understand")


# --- after confirming --------------------------------------------------------------------------


async def test_editing_a_field_from_the_summary_then_confirming(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    summary = await _until_summary(api)
    await _tap(api, summary, "Place", "Where should it be made?")
    place = api.last(DESIGNER)
    await _tap(api, place, "A region of Italy", "Which region")
    summary = await _say(api, "Emilia-Romagna", "Your brief:")
    assert "Where: Emilia-Romagna, Italy" in (summary.text or "")
    musts = await _tap(api, summary, "Must-haves", "minimum share of handwork")
    certs = await _tap(api, musts, "≥ 50 %", "certifications")
    certs = await _tap(api, certs, "GOTS", "certifications")
    summary = await _tap(api, certs, "Done", "Your brief:")
    assert "at least 50 %" in (summary.text or "")
    await api.press(DESIGNER, summary, "Confirm")
    await api.wait_for(
        DESIGNER, lambda m: "Best matches" in (m.text or "") or "No atelier" in (m.text or "")
    )
    [brief] = await _stored(bottega)
    assert (brief.country, brief.region, brief.min_handwork_share, brief.certifications) == (
        "IT",
        "Emilia-Romagna",
        50,
        ["gots"],
    )


async def test_edit_after_confirm_updates_the_same_brief(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    results, brief_id = await _confirmed(api)
    summary = await _tap(api, results, "Edit brief", "Your brief:")
    await _tap(api, summary, "Quantity", "How many pieces per style?")
    summary = await _say(api, "1.000", "Your brief:")
    assert "1,000 per style × 2" in (summary.text or "")
    await api.press(DESIGNER, summary, "Confirm")
    # Every workshop here makes at most 500 per style: none fits, all are near misses.
    nothing = await api.wait_for(DESIGNER, contains="No atelier in the registry")
    assert "Close, but not a fit" in (nothing.text or "")
    assert nothing.button_texts == ["Edit brief"]
    assert [(b.id, b.quantity) for b in await _stored(bottega)] == [(brief_id, 1000)]


async def test_cancelling_an_edit_leaves_the_stored_brief_alone(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    results, _ = await _confirmed(api)
    summary = await _tap(api, results, "Edit brief", "Your brief:")
    await _tap(api, summary, "Deadline", "By when")
    await _say(api, "/cancel", "Stopped")
    await _say(api, "in 3 weeks", "didn't understand")
    [brief] = await _stored(bottega)
    assert brief.deadline is not None and brief.deadline > date.today()
    assert (brief.deadline - date.today()).days > 100


async def test_a_paused_brief_takes_no_introductions(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    results, brief_id = await _confirmed(api)
    listing = await _say(api, "/briefs", "Your briefs")
    how_long = await _tap(api, listing, f"Pause #{brief_id}", "for how long?")
    await _tap(api, how_long, "Until I resume it", "is paused")
    await api.press(DESIGNER, results, "☐ 1. ")
    picked = await api.wait_for(DESIGNER, lambda m: "Request introductions (1)" in m.button_texts)
    answer = await api.wait_for_answer(
        await api.press(DESIGNER, picked, "Request introductions (1)")
    )
    assert "not open for introductions" in (answer.text or "")
    async with bottega.session_factory() as session:
        assert (await session.scalars(select(IntroRequest))).all() == []


async def test_a_sixth_open_introduction_is_refused(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    results, brief_id = await _confirmed(api)
    refs = [d.split(":")[3] for d in _data(results, "m:t:")]
    more = await _tap(api, results, "Show more", "Best matches")
    refs += [d.split(":")[3] for d in _data(more, "m:t:")]
    for ref in refs[:5]:
        await api.user_presses(DESIGNER, results.message_id, f"intro:req:{brief_id}:{ref}")
        await api.wait_for(DESIGNER, contains="Introduction requested")
    await api.user_presses(DESIGNER, more.message_id, f"intro:req:{brief_id}:{refs[5]}")
    await api.wait_for(DESIGNER, contains="already has 5 open requests")
    async with bottega.session_factory() as session:
        assert len((await session.scalars(select(IntroRequest))).all()) == 5


async def test_show_more_pages_until_every_match_was_shown(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    page, _ = await _confirmed(api)
    seen = [d.split(":")[3] for d in _data(page, "m:t:")]
    while "Show more" in page.button_texts:
        await api.press(DESIGNER, page, "Show more")
        page = await api.wait_for(
            DESIGNER,
            lambda m: "Best matches" in (m.text or "") or "every atelier" in (m.text or ""),
        )
        seen += [d.split(":")[3] for d in _data(page, "m:t:")]
    assert sorted(seen) == [f"K{n:03d}" for n in range(1, 13)]


async def test_an_edit_of_a_confirmed_brief_survives_a_restart(database_url: str) -> None:
    async with LocalBotAPI() as api:
        async with running_bot(database_url, api=api) as first:
            await _seed(first)
            results, brief_id = await _confirmed(api)
            summary = await _tap(api, results, "Edit brief", "Your brief:")
            await _tap(api, summary, "Styles", "How many styles")
        async with running_bot(database_url, api=api) as second:
            summary = await _say(api, "5", "Your brief:")
            assert "80 per style × 5" in (summary.text or "")
            await api.press(DESIGNER, summary, "Confirm")
            await api.wait_for(DESIGNER, contains="Best matches")
            assert [(b.id, b.styles) for b in await _stored(second)] == [(brief_id, 5)]
