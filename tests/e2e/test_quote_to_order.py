"""From introduction to delivered order over the real HTTP stack: two ateliers accept, both
quote (one twice), the designer compares them (text and picture), accepts one and declines the
other; the sample is redone once and approved, the cutting ticket confirmed, the goods shipped
and received, and "How did it go?" asked a week later — with restarts in between and the
clock moved forward so each follow-up fires, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.db.models import (
    Atelier,
    Brief,
    BriefState,
    Delivery,
    DeliveryState,
    Order,
    OrderEvent,
    Quote,
    User,
)
from bot.intros import service as intros
from localbotapi import CallbackAnswer, LocalBotAPI, SentMessage
from tests.e2e.harness import ADMIN_ID, RunningBot, running_bot

START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
DESIGNER, ROSSI, ALPINA = 7101, 7201, 7202

WORDS = {
    "en": {
        "compare": "Compare quotes",
        "quotes_for": "quotes for",
        "fits": "fits your deadline",
        "accept1": "Accept 1",
        "decline2": "Decline 2",
        "reason": "Price",
        "accepted": "You accepted the quote",
        "changes": "Ask for changes",
        "approve": "Approve the sample",
        "confirm": "Confirm the cutting ticket",
        "received": "Received",
        "expiry": "two days left",
        "sample_late": "has not been sent yet",
        "how": "How did it go",
        "sum": "The sizes add up to",
        "what_changes": "What should change",
        "delivered": "State: delivered",
        "order1": "Order #1 ·",
        "order_line": "Order #1: making the sample",
        "quotes_button": "Quotes for brief",
    },
    "it": {
        "compare": "Confronta i preventivi",
        "quotes_for": "preventivi per",
        "fits": "entro la tua scadenza",
        "accept1": "Accetta 1",
        "decline2": "Rifiuta 2",
        "reason": "Prezzo",
        "accepted": "Hai accettato il preventivo",
        "changes": "Chiedi modifiche",
        "approve": "Approva il campione",
        "confirm": "Conferma la scheda di taglio",
        "received": "Ricevuto",
        "expiry": "restano due giorni",
        "sample_late": "non è ancora partito",
        "how": "Com'è andata",
        "sum": "Le taglie sommano",
        "what_changes": "Cosa deve cambiare",
        "delivered": "Stato: consegnato",
        "order1": "Ordine n. 1 ·",
        "order_line": "Ordine n. 1: campione in lavorazione",
        "quotes_button": "Preventivi della richiesta",
    },
}


@asynccontextmanager
async def _bot(database_url: str, api: LocalBotAPI) -> AsyncIterator[RunningBot]:
    async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0) as bot:
        yield bot


async def _seed(bot: RunningBot, designer_lang: str) -> int:
    async with bot.session_factory() as session:
        designer = User(
            telegram_id=DESIGNER, display_name="Ada", language=designer_lang, role="designer"
        )
        session.add(designer)
        owners = {}
        for telegram_id, lang in ((ROSSI, "it"), (ALPINA, "en")):
            owners[telegram_id] = User(telegram_id=telegram_id, language=lang, role="atelier")
            session.add(owners[telegram_id])
        await session.flush()
        for ref, name, owner in (
            ("R1", "Maglificio Rossi", owners[ROSSI]),
            ("A1", "Maglieria Alpina", owners[ALPINA]),
        ):
            session.add(
                Atelier(
                    ref=ref,
                    name=name,
                    country="IT",
                    moq=20,
                    max_batch=500,
                    lead_time_weeks=6,
                    owner_id=owner.id,
                    specialties=["knitwear"],
                    category_ids=["knitwear"],
                )
            )
        brief = Brief(
            designer_id=designer.id,
            state=BriefState.OPEN,
            language=designer_lang,
            product_text="80 merino cardigans",
            category="knitwear",
            quantity=80,
            styles=1,
            deadline=(START + timedelta(weeks=20)).date(),
            confirmed_at=START,
        )
        session.add(brief)
        await session.flush()
        outcome = await intros.request_intros(
            session, brief=brief, requester=designer, atelier_refs=["R1", "A1"], now=START
        )
        assert len(outcome.created) == 2, outcome.skipped
        await session.commit()
        return brief.id


# The machine the suite runs on may be busy: generous waits, which cost nothing when all is well.
WAIT = 30.0


async def _wait(
    api: LocalBotAPI,
    chat_id: int,
    predicate: Callable[[SentMessage], bool] | None = None,
    *,
    contains: str | None = None,
) -> SentMessage:
    return await api.wait_for(chat_id, predicate, contains=contains, timeout=WAIT)


async def _answered(api: LocalBotAPI, query: str) -> CallbackAnswer:
    return await api.wait_for_answer(query, timeout=WAIT)


async def _answer(api: LocalBotAPI, user: int, text: str, expect: str) -> SentMessage:
    """Type an answer and wait for the new message (not an edit) that contains `expect`."""
    await api.user_sends(user, text)
    return await _wait(api, user, lambda m: not m.edited and expect in (m.text or ""))


async def _write_quote_in_italian(api: LocalBotAPI) -> SentMessage:
    """Rossi (Italian) quotes straight from the request, tripping over every bad price."""
    request = await _wait(api, ROSSI, contains="Nuova richiesta di presentazione")
    assert "Invia un preventivo" in request.button_texts
    await api.press(ROSSI, request, "Invia un preventivo")
    await _wait(api, ROSSI, contains="(1/10)")
    for bad, reply in (
        ("-5", "non può essere negativo"),
        ("0", "maggiore di zero"),
        ("1e9", "È più di 100.000,00"),
        ("45$", "non in USD"),
        ("dipende", "Non riesco a leggere un prezzo"),
    ):
        await _answer(api, ROSSI, bad, reply)
    days = await _answer(api, ROSSI, "150 €", "(2/10)")
    await api.press(ROSSI, days, "10 giorni")
    await _wait(api, ROSSI, contains="(3/10)")
    await _answer(api, ROSSI, "45,50 €", "(4/10)")
    await _answer(api, ROSSI, "150: 42\n300: 39", "(5/10)")
    moq_per = await _answer(api, ROSSI, "30", "(6/10)")
    await api.press(ROSSI, moq_per, "Per colore")
    await _wait(api, ROSSI, contains="(7/10)")
    await _answer(api, ROSSI, "etichette e imballo 120", "(8/10)")
    await _answer(api, ROSSI, "6 settimane", "(9/10)")
    validity = await _answer(api, ROSSI, "01/01/2020", "già passato")
    await api.press(ROSSI, validity, "14 giorni da oggi")
    review = await _answer(api, ROSSI, "Filato dalla nostra filanda.", "Il tuo preventivo per")
    text = review.text or ""
    assert "Campione: 150,00\xa0€, pronto in 10 giorni" in text
    assert "45,50\xa0€ per 80 pezzi" in text and "42,00\xa0€ per 150 pezzi" in text
    assert "per colore" in text and "etichette e imballo 120,00\xa0€" in text
    # Editable before sending.
    await api.press(ROSSI, review, "Modifica prezzo unitario")
    await _wait(api, ROSSI, contains="(3/10)")
    review = await _answer(api, ROSSI, "44", "Il tuo preventivo per")
    assert "44,00\xa0€ per 80 pezzi" in (review.text or "")
    await api.press(ROSSI, review, "Invia il preventivo")
    return await _wait(api, ROSSI, contains="versione 1")


async def test_from_introduction_to_a_delivered_order(
    database_url: str, designer_lang: str
) -> None:
    words = WORDS[designer_lang]
    with time_machine.travel(START, tick=True) as clock:
        async with LocalBotAPI(keep_files=True) as api:
            async with _bot(database_url, api) as bot:
                brief_id = await _seed(bot, designer_lang)
                rossi_sent = await _write_quote_in_italian(api)
                received = await _wait(
                    api,
                    DESIGNER,
                    contains="sent you a quote"
                    if designer_lang == "en"
                    else "ti ha inviato un preventivo",
                )
                assert words["compare"] in received.button_texts

                # Alpina accepts, then is quiet: three days later it is reminded to quote.
                request = await _wait(api, ALPINA, contains="New introduction request")
                await api.press(ALPINA, request, "Accept")
                await _wait(api, ALPINA, contains="You accepted")

            clock.shift(timedelta(days=3, hours=1))
            async with _bot(database_url, api) as bot:
                nudge = await _wait(api, ALPINA, contains="waiting for your quote")
                await api.press(ALPINA, nudge, "Send a quote")
                await _wait(api, ALPINA, contains="(1/10)")
                await _answer(api, ALPINA, "trenta dollars", "not USD")
                await _answer(api, ALPINA, "€120", "(2/10)")
                await _answer(api, ALPINA, "14", "(3/10)")
                tiers = await _answer(api, ALPINA, "48", "(4/10)")
                await api.press(ALPINA, tiers, "Skip")
                await _wait(api, ALPINA, contains="(5/10)")
                moq_per = await _answer(api, ALPINA, "50", "(6/10)")
                await api.press(ALPINA, moq_per, "Per style")
                await _wait(api, ALPINA, contains="(7/10)")
                await _answer(api, ALPINA, "none", "(8/10)")
                validity = await _answer(api, ALPINA, "8", "(9/10)")
                await api.press(ALPINA, validity, "14 days from today")
                note = await _wait(api, ALPINA, contains="(10/10)")
                await api.press(ALPINA, note, "Skip")
                review = await _wait(
                    api, ALPINA, lambda m: "Send to the designer" in m.button_texts
                )
                await api.press(ALPINA, review, "Send to the designer")
                await _wait(api, ALPINA, contains="version 1")
                await _wait(api, DESIGNER, contains="Maglieria Alpina")

                # Rossi re-quotes from its "sent" message: version 2 supersedes version 1.
                await api.press(ROSSI, rossi_sent, "Invia una nuova versione del preventivo")
                again = await _wait(api, ROSSI, lambda m: "Invia il preventivo" in m.button_texts)
                await api.press(ROSSI, again, "Modifica prezzo unitario")
                again = await _answer(api, ROSSI, "43", "Il tuo preventivo per")
                await api.press(ROSSI, again, "Invia il preventivo")
                await _wait(api, ROSSI, contains="versione 2")
                await _wait(api, DESIGNER, contains="(2)")

            # The expiry reminder, two days before Rossi's second version runs out.
            clock.shift(timedelta(days=10))
            async with _bot(database_url, api) as bot:
                expiry = await _wait(api, DESIGNER, contains=words["expiry"])
                assert "Maglificio Rossi" in (expiry.text or "")

                await api.user_sends(DESIGNER, "/briefs")
                listing = await _wait(
                    api, DESIGNER, lambda m: any("(2)" in b for b in m.button_texts)
                )
                await api.press(DESIGNER, listing, f"({2})")
                picture = await _wait(api, DESIGNER, lambda m: m.kind == "photo")
                assert (picture.file_data or b"")[:8] == b"\x89PNG\r\n\x1a\n"
                table = await _wait(api, DESIGNER, contains=words["quotes_for"])
                text = table.text or ""
                assert "Maglificio Rossi" in text and "Maglieria Alpina" in text
                assert words["fits"] in text
                rossi_first = text.index("Maglificio Rossi") < text.index("Maglieria Alpina")
                assert rossi_first
                assert "3,560.00" in text or "3.560,00" in text  # 43 × 80 + 120

                # Shortlisting marks the quote in the comparison (the message is redrawn).
                await api.press(DESIGNER, table, "☆ 1")
                starred = await _wait(api, DESIGNER, lambda m: "★ 1" in m.button_texts)
                assert ") ★ — " in (starred.text or "")
                table = starred
                await api.press(DESIGNER, table, words["decline2"])
                why = await _wait(api, DESIGNER, lambda m: words["reason"] in m.button_texts)
                await api.press(DESIGNER, why, words["reason"])
                await _wait(api, ALPINA, contains="decided not to go ahead")

                accept = await api.press(DESIGNER, table, words["accept1"])
                await _answered(api, accept)
                order_message = await _wait(api, DESIGNER, contains=words["accepted"])
                # Two taps on Accept: the second is refused and nothing is written twice.
                twice = await api.user_presses(DESIGNER, table.message_id, table.buttons[0][1][1])
                assert (await _answered(api, twice)).show_alert
                assert order_message
                started = await _wait(api, ROSSI, contains="L'ordine n.")
                assert "Campione inviato" in started.button_texts
                await api.user_sends(DESIGNER, "/briefs")
                briefs = await _wait(api, DESIGNER, contains=words["order_line"])
                assert words["quotes_button"] in " ".join(briefs.button_texts)

            # The sample is late: Rossi is asked for a new date, the designer is told.
            clock.shift(timedelta(days=11))
            async with _bot(database_url, api) as bot:
                late = await _wait(api, ROSSI, contains="Quando sarà pronto")
                await _wait(api, DESIGNER, contains=words["sample_late"])
                await api.press(ROSSI, late, "Indica una nuova data")
                await _wait(api, ROSSI, contains="Entro che giorno")
                new_day = (START + timedelta(days=27)).date()
                sent = await _answer(api, ROSSI, new_day.strftime("%d/%m/%Y"), "nuovo giorno")
                await api.press(ROSSI, sent, "Campione inviato")
                at_designer = await _wait(
                    api, DESIGNER, lambda m: words["changes"] in m.button_texts
                )
                await api.press(DESIGNER, at_designer, words["changes"])
                await _wait(api, DESIGNER, contains=words["what_changes"])
                await api.user_sends(DESIGNER, "Longer ribbing at the cuffs")
                changes = await _wait(api, ROSSI, contains="Longer ribbing")
                await api.press(ROSSI, changes, "Campione inviato")
                second = await _wait(api, DESIGNER, lambda m: words["approve"] in m.button_texts)
                await api.press(DESIGNER, second, words["approve"])
                approved = await _wait(
                    api, ROSSI, lambda m: "Scrivi la scheda di taglio" in m.button_texts
                )

            async with _bot(database_url, api) as bot:
                await api.press(ROSSI, approved, "Scrivi la scheda di taglio")
                await _wait(api, ROSSI, contains="devono sommare 80")
                await _answer(api, ROSSI, "blu: S 10, M 20, L 10\nécru: S 10, M 20", "sommano 70")
                await _answer(
                    api, ROSSI, "blu: S 10, M 20, L 10\nécru: S 10, M 20, L 10", "Entro che giorno"
                )
                delivery = (START + timedelta(weeks=12)).date()
                await _answer(api, ROSSI, delivery.strftime("%d/%m/%Y"), "Scheda di taglio inviata")
                ticket = await _wait(api, DESIGNER, lambda m: words["confirm"] in m.button_texts)
                assert "S 10, M 20, L 10" in (ticket.text or "")
                await api.press(DESIGNER, ticket, words["confirm"])
                confirmed = await _wait(
                    api, ROSSI, lambda m: "Produzione avviata" in m.button_texts
                )
                await api.press(ROSSI, confirmed, "Produzione avviata")
                production = await _wait(api, ROSSI, lambda m: "Spedito" in m.button_texts)
                await api.press(ROSSI, production, "Spedito")
                shipped = await _wait(api, DESIGNER, lambda m: words["received"] in m.button_texts)
                await api.press(DESIGNER, shipped, words["received"])
                await _wait(api, ROSSI, contains="ricevuto")

            # A week after delivery: "How did it go?" to both sides, once.
            clock.shift(timedelta(days=7, hours=1))
            async with _bot(database_url, api) as bot:
                how = await _wait(
                    api,
                    DESIGNER,
                    lambda m: (
                        words["how"] in (m.text or "") and "Maglificio Rossi" in (m.text or "")
                    ),
                )
                await api.press(DESIGNER, how, "★★★★★")
                await _wait(api, DESIGNER, lambda m: not m.edited and "5" in (m.text or ""))
                await _wait(api, ROSSI, contains="Com'è andata")
                await api.expect_silence(DESIGNER, within=0.6)
                await api.user_sends(DESIGNER, "/orders")
                listed = await _wait(api, DESIGNER, contains=words["order1"])
                assert words["delivered"] in (listed.text or "") and not listed.buttons
                await api.user_sends(ADMIN_ID, "/stats")
                numbers = await _wait(api, ADMIN_ID, contains="Orders: 1")
                assert "Quotes: 3" in (numbers.text or "")
                await _wait(api, ADMIN_ID, lambda m: m.kind == "photo")
                async with bot.session_factory() as session:
                    order = await session.scalar(select(Order))
                    assert order is not None and order.state == "delivered"
                    versions = (
                        await session.execute(
                            select(Quote.atelier_id, Quote.version, Quote.state).order_by(Quote.id)
                        )
                    ).all()
                    assert [(v, s) for _a, v, s in versions] == [
                        (1, "superseded"),
                        (1, "declined"),
                        (2, "accepted"),
                    ]
                    log = (
                        await session.scalars(select(OrderEvent.action).order_by(OrderEvent.id))
                    ).all()
                    assert list(log) == [
                        "accept_quote",
                        "new_sample_date",
                        "send_sample",
                        "request_changes",
                        "send_sample",
                        "approve_sample",
                        "propose_ticket",
                        "confirm_ticket",
                        "start_production",
                        "ship",
                        "confirm_delivery",
                    ]
                    sent = (
                        await session.scalars(
                            select(Delivery.kind).where(Delivery.state == DeliveryState.SENT)
                        )
                    ).all()
                    counts = Counter(sent)
                    assert counts["quote_nudge"] == 1
                    assert counts["quote_expiry"] == 1
                    assert counts["order_sample_late"] == 2
                    assert counts["order_delivery_late"] == 0
                    # Delivery in a week replaced the 14-day question for Rossi's intro; Alpina's
                    # (no order) still had its own.
                    keys = (
                        await session.scalars(
                            select(Delivery.dedupe_key).where(
                                Delivery.kind == "feedback_request",
                                Delivery.state == DeliveryState.SENT,
                            )
                        )
                    ).all()
                    assert sum(1 for k in keys if k and k.startswith("order:")) == 2
                    assert brief_id


@pytest.fixture(params=["en", "it"])
def designer_lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)
