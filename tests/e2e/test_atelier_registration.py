"""An atelier joins in a few minutes, in English or Italian, and goes live once an admin verifies it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import select

from bot.db.models import Atelier, AtelierSource, Delivery, User
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.atelier_steps import (
    REGISTRY_HEADER,
    Registration,
    admin_verifies,
    atelier_of,
    quick_bot,
    register,
)
from tests.e2e.harness import ADMIN_ID, RunningBot, load_registry, running_bot


def showing(*parts: str) -> Callable[[SentMessage], bool]:
    def matches(message: SentMessage) -> bool:
        return all(part in (message.text or "") for part in parts)

    return matches


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def test_atelier_registers_in_english_with_typos_and_is_verified(bottega: RunningBot) -> None:
    summary = await register(
        bottega,
        201,
        Registration(
            name="Maglificio Rossi",
            place="Prato, Toscana",
            specialties="knitwear, knited accesories",
            understood="knitwear, knitted accessories",
        ),
    )
    assert "Minimum order: 30 pieces per style" in summary
    assert "Handwork: 80 %" in summary

    atelier = await atelier_of(bottega, 201)
    assert atelier.ref == f"B{atelier.id:05d}"
    assert (atelier.verified, atelier.source, atelier.listed) == (False, AtelierSource.BOT, True)
    assert atelier.category_ids == ["knitwear", "knitted_accessories"]
    assert (atelier.city, atelier.region, atelier.country) == ("Prato", "Toscana", "IT")
    assert (atelier.moq, atelier.max_batch, atelier.monthly_capacity) == (30, 300, 500)
    assert (atelier.lead_time_weeks, atelier.handwork_share) == (6, 80)
    assert atelier.certifications == ["GOTS"]
    assert sorted(atelier.languages) == ["en", "it"]
    assert atelier.contact == "info@maglificio.example · +390574123456"
    async with bottega.session_factory() as session:
        owner = await session.scalar(select(User).where(User.telegram_id == 201))
        assert owner is not None and owner.role == "atelier"

    await admin_verifies(bottega, atelier.ref)
    notice = await bottega.api.wait_for(201, contains="has been verified")
    assert atelier.ref in (notice.text or "")
    assert (await atelier_of(bottega, 201)).verified


async def test_atelier_registers_in_italian(bottega: RunningBot) -> None:
    summary = await register(
        bottega,
        202,
        Registration(
            name="Laboratorio Bianchi",
            place="Carpi, Emilia-Romagna",
            specialties="maglieria e acessori in maglia",
            understood="maglieria, accessori in maglia",
            materials="lana, cachemire",
            techniques="rifinitura a mano",
            lead_time="2 mesi",
            handwork="ottanta per cento",
            certifications="nessuna",
            contact="laboratorio@bianchi.example",
            description="Laboratorio di famiglia.",
        ),
        lang="it",
    )
    assert "Ordine minimo: 30 pezzi per modello" in summary
    assert "Materiali: lana, cashmere" in summary
    atelier = await atelier_of(bottega, 202)
    assert atelier.lead_time_weeks == 9
    assert atelier.handwork_share == 80
    assert atelier.certifications == []
    assert atelier.materials == ["lana", "cashmere"]


async def test_bad_answers_get_a_helpful_reask_and_nothing_is_lost(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(203, "/register", language_code="en")
    await api.wait_for(203, contains="(1/16)")
    await api.user_sends_sticker(203)
    await api.wait_for(203, showing("only read text", "(1/16)"))
    await api.user_sends(203, "x" * 4000)
    await api.wait_for(203, contains="too long (4000 characters)")
    await api.user_sends(203, "Sartoria Verdi")
    country = await api.wait_for(203, contains="(2/16)")
    await api.press(203, country, "Italy")
    await api.user_sends(203, "Napoli")
    await api.wait_for(203, contains="(4/16)")
    await api.user_sends(203, "a lot of things")
    await api.wait_for(203, showing("(4/16)", "product type"))
    await api.user_sends(203, "tailored jackets")
    understood = await api.wait_for(203, contains="We understood: tailoring")
    await api.press(203, understood, "Yes")
    await api.user_sends(203, "wool")
    await api.wait_for(203, contains="(6/16)")
    await api.press(203, api.last(203), "Skip")
    await api.wait_for(203, contains="(7/16)")
    for bad, problem in (
        ("-5", "can't be negative"),
        ("0", "at least 1"),
        ("a lot", "I need a number"),
    ):
        await api.user_sends(203, bad)
        await api.wait_for(203, showing(problem, "(7/16)"))
    await api.user_sends(203, "50")
    await api.wait_for(203, contains="(8/16)")
    await api.user_sends(203, "20")
    await api.wait_for(203, showing("can't be below your minimum order (50)"))
    await api.user_sends(203, "200")
    await api.wait_for(203, contains="(9/16)")
    await api.user_sends(203, "400")
    await api.wait_for(203, contains="(10/16)")
    await api.user_sends(203, "4")
    await api.wait_for(203, contains="(11/16)")
    await api.user_sends(203, "120")
    await api.wait_for(203, showing("between 0 and 100", "(11/16)"))

    # /cancel keeps the answers; /register resumes at the open question.
    await api.user_sends(203, "/cancel")
    await api.wait_for(203, contains="answers so far are saved")
    await api.user_sends(203, "/register")
    await api.wait_for(203, contains="Welcome back")
    resumed = await api.wait_for(203, contains="(11/16)")
    assert "by hand" in (resumed.text or "")


async def test_a_similar_imported_atelier_is_offered_to_claim(bottega: RunningBot) -> None:
    await load_registry(
        bottega.session_factory,
        REGISTRY_HEADER
        + "R1,Maglificio Rossi,IT,Toscana,Prato,knitwear,wool,linking,30,300,500,6,60,,it,"
        "old@rossi.example,Knitwear\n",
    )
    api = bottega.api
    await api.user_sends(204, "/register", first_name="Rita")
    await api.wait_for(204, contains="(1/16)")
    await api.user_sends(204, "Maglificio Rossi srl")
    country = await api.wait_for(204, contains="(2/16)")
    await api.press(204, country, "Italy")
    await api.user_sends(204, "Prato")
    offer = await api.wait_for(204, contains="Is this you?")
    await api.user_sends(204, "hello?")
    await api.wait_for(204, contains="tap one of the buttons above")
    await api.press(204, offer, "Yes, that's us")
    await api.wait_for(204, contains="We will check")

    await api.user_sends(ADMIN_ID, "/admin")
    claim = await api.wait_for(ADMIN_ID, contains="Claim on Maglificio Rossi (R1)")
    await api.press(ADMIN_ID, claim, "Approve")
    await api.wait_for(ADMIN_ID, contains="Claim approved")
    await api.wait_for(204, contains="is now yours")
    async with bottega.session_factory() as session:
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == "R1"))
        owner = await session.scalar(select(User).where(User.telegram_id == 204))
        assert atelier is not None and owner is not None
        assert (atelier.owner_id, atelier.claimed_by_id) == (owner.id, None)
        assert owner.role == "atelier"
        assert await session.scalar(select(Atelier).where(Atelier.source == "bot")) is None
        kinds = (await session.scalars(select(Delivery.kind))).all()
        assert "atelier_verified" in kinds


async def test_the_role_button_starts_registration_and_a_restart_resumes_it(
    database_url: str,
) -> None:
    async with LocalBotAPI() as api:
        async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0):
            await api.user_sends(205, "/start", language_code="it")
            welcome = await api.wait_for(205, contains="ti diamo il benvenuto")
            await api.press(205, welcome, "Ho un atelier")
            await api.wait_for(205, contains="(1/16)")
            await api.user_sends(205, "Sartoria Neri")
            await api.wait_for(205, contains="(2/16)")
            await api.user_sends(205, "Italia")
            await api.wait_for(205, contains="(3/16)")
        # The process stops and starts again: the next answer continues the same registration.
        async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0):
            await api.user_sends(205, "Biella, Piemonte")
            question = await api.wait_for(205, contains="(4/16)")
            assert "Che cosa produci?" in (question.text or "")


async def test_an_atelier_says_what_its_minimum_counts(bottega: RunningBot) -> None:
    summary = await register(
        bottega,
        207,
        Registration(
            name="Maglificio Colori",
            place="Prato, Toscana",
            specialties="knitwear",
            understood="knitwear",
            moq="50 per colour",
        ),
    )
    assert "Minimum order: 50 pieces per colour" in summary
    atelier = await atelier_of(bottega, 207)
    assert (atelier.moq, atelier.moq_per) == (50, "colour")
