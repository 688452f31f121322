"""Steps shared by the atelier end-to-end tests: registering through the bot, verifying as an
admin, and a designer's brief with an introduction request written straight to the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.db.base import utcnow
from bot.db.models import Atelier, Brief, BriefState, User
from bot.intros import service as intros
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.harness import ADMIN_ID, RunningBot, running_bot

REGISTRY_HEADER = (
    "ref,name,country,region,city,specialties,materials,techniques,moq,max_batch,"
    "monthly_capacity,lead_time_weeks,handwork_share,certifications,languages,contact,description\n"
)


@asynccontextmanager
async def quick_bot(database_url: str) -> AsyncIterator[RunningBot]:
    """The real app, with the outbox's per-chat pacing relaxed so a test runs in well under a
    second instead of waiting a second between two messages to the same chat."""
    async with (
        LocalBotAPI(keep_files=True) as api,
        running_bot(database_url, api, send_rate_per_chat_per_second=100.0) as running,
    ):
        yield running


@dataclass(frozen=True)
class Registration:
    name: str
    place: str
    specialties: str
    understood: str
    materials: str = "wool, cashmere"
    techniques: str = "hand finishing, intarsia"
    moq: str = "30"
    max_batch: str = "300"
    capacity: str = "500"
    lead_time: str = "6 weeks"
    handwork: str = "80%"
    certifications: str = "GOTS"
    contact: str = "info@maglificio.example +39 0574 123456"
    description: str = "Family knitwear workshop since 1960."


EN = {
    "italy": "Italy",
    "yes": "Yes, correct",
    "done": "Done",
    "confirm": "Confirm",
    "language": "Italiano",
    "understood": "We understood",
    "registered": "is registered",
    "skip": "Skip",
}
IT = {
    "italy": "Italia",
    "yes": "Sì, giusto",
    "done": "Fatto",
    "confirm": "Conferma",
    "language": "English",
    "understood": "Abbiamo capito",
    "registered": "è registrato",
    "skip": "Salta",
}


async def register(
    bot: RunningBot, user_id: int, answers: Registration, *, lang: str = "en"
) -> str:
    """Walk through the whole registration; returns the summary text the owner confirmed."""
    api = bot.api
    words = EN if lang == "en" else IT
    photos = await until_photos(bot, user_id, answers, lang=lang)
    await api.press(user_id, photos, words["skip"])
    summary = await api.wait_for(
        user_id, lambda m: any(words["confirm"] == b for b in m.button_texts)
    )
    await api.press(user_id, summary, words["confirm"])
    await api.wait_for(user_id, contains=words["registered"])
    return summary.text or ""


async def until_photos(
    bot: RunningBot, user_id: int, answers: Registration, *, lang: str = "en"
) -> SentMessage:
    """The registration answered up to its last question, the portfolio's; returns it."""
    api = bot.api
    words = EN if lang == "en" else IT
    await api.user_sends(user_id, "/start atelier", first_name="Rita", language_code=lang)
    await api.wait_for(user_id, contains="(1/16)")
    await api.user_sends(user_id, answers.name)
    country = await api.wait_for(user_id, contains="(2/16)")
    await api.press(user_id, country, words["italy"])
    await api.wait_for(user_id, contains="(3/16)")
    await api.user_sends(user_id, answers.place)
    await api.wait_for(user_id, contains="(4/16)")
    await api.user_sends(user_id, answers.specialties)
    understood = await api.wait_for(user_id, contains=words["understood"])
    assert answers.understood in (understood.text or ""), understood.text
    await api.press(user_id, understood, words["yes"])
    for step, text in (
        (5, answers.materials),
        (6, answers.techniques),
        (7, answers.moq),
        (8, answers.max_batch),
        (9, answers.capacity),
        (10, answers.lead_time),
        (11, answers.handwork),
        (12, answers.certifications),
    ):
        await api.wait_for(user_id, contains=f"({step}/16)")
        await api.user_sends(user_id, text)
    languages = await api.wait_for(user_id, contains="(13/16)")
    await api.press(user_id, languages, words["language"])
    toggled = await api.wait_for(user_id, lambda m: m.message_id == languages.message_id)
    await api.press(user_id, toggled, words["done"])
    await api.wait_for(user_id, contains="(14/16)")
    await api.user_sends(user_id, answers.contact)
    await api.wait_for(user_id, contains="(15/16)")
    await api.user_sends(user_id, answers.description)
    return await api.wait_for(user_id, contains="(16/16)")


async def atelier_of(bot: RunningBot, telegram_id: int) -> Atelier:
    async with bot.session_factory() as session:
        atelier = await session.scalar(
            select(Atelier)
            .join(User, User.id == Atelier.owner_id)
            .where(User.telegram_id == telegram_id)
        )
        assert atelier is not None
        return atelier


async def admin_verifies(bot: RunningBot, ref: str) -> None:
    api = bot.api
    await api.user_sends(ADMIN_ID, "/admin")
    pending = await api.wait_for(ADMIN_ID, contains=ref)
    await api.press(ADMIN_ID, pending, "Verify")
    await api.wait_for(ADMIN_ID, contains="Verified")
    # The reply goes out while the update's unit of work is still open: what follows (a match,
    # an index refresh) must see the verification committed, so wait for the row to say so.
    for _ in range(100):
        async with bot.session_factory() as session:
            if await session.scalar(select(Atelier.verified).where(Atelier.ref == ref)):
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{ref} was answered as verified but never committed as verified")


async def designer_requests_intro(
    bot: RunningBot,
    *,
    designer_telegram_id: int,
    refs: list[str],
    contact: str | None = "ada@studio.example",
    product: str = "80 merino cardigans, hand-finished",
) -> int:
    """A designer with a confirmed knitwear brief asks for introductions; returns the brief id."""
    async with bot.session_factory() as session:
        designer = User(
            telegram_id=designer_telegram_id,
            display_name="Ada",
            language="en",
            role="designer",
            contact=contact,
        )
        session.add(designer)
        await session.flush()
        brief = Brief(
            designer_id=designer.id,
            state=BriefState.OPEN,
            language="en",
            product_text=product,
            category="knitwear",
            materials=["merino"],
            quantity=80,
            styles=2,
            deadline=(utcnow() + timedelta(weeks=12)).date(),
            country="IT",
            min_handwork_share=50,
            confirmed_at=utcnow(),
        )
        session.add(brief)
        await session.flush()
        outcome = await intros.request_intros(
            session, brief=brief, requester=designer, atelier_refs=refs
        )
        assert [i.atelier_id for i in outcome.created], outcome.skipped
        await session.commit()
        return brief.id


async def seed_atelier(
    bot: RunningBot, telegram_id: int, *, verified: bool = True, language: str = "en"
) -> Atelier:
    """An atelier owned by `telegram_id`, registered through the service (no conversation)."""
    from bot.ateliers import service as atelier_profiles
    from bot.core import users

    async with bot.session_factory() as session:
        owner = await users.ensure_user(session, telegram_id, language_code=language)
        atelier = await atelier_profiles.register(
            session,
            owner=owner,
            draft=atelier_profiles.AtelierDraft(
                name="Maglificio Rossi",
                country="IT",
                region="Toscana",
                city="Prato",
                specialties=("knitwear",),
                category_ids=("knitwear",),
                materials=("wool",),
                techniques=(),
                moq=30,
                max_batch=300,
                monthly_capacity=400,
                lead_time_weeks=6,
                handwork_share=60,
                certifications=(),
                languages=("it", "en"),
                contact="info@maglificio.example",
                description="",
            ),
        )
        atelier.verified = verified
        await session.commit()
        return atelier


async def fetch_atelier(bot: RunningBot, atelier_id: int) -> Atelier:
    async with bot.session_factory() as session:
        atelier = await session.get(Atelier, atelier_id)
        assert atelier is not None
        return atelier
