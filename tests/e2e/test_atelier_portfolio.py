"""An atelier's portfolio end to end: photos sent at the registration's last step (an album
answered once, captions without contacts, what is not a picture refused politely) become the
atelier's when it is confirmed, and a restart between an album's parts loses nothing; /profile
adds, removes and picks the cover, and nobody else's button changes anything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from bot.db.models import FileRef
from localbotapi import Attachment, LocalBotAPI, SentMessage
from tests.e2e.atelier_steps import (
    Registration,
    atelier_of,
    quick_bot,
    seed_atelier,
    until_photos,
)
from tests.e2e.harness import RunningBot, running_bot
from tests.e2e.test_brief_pack import png

OWNER = 7301
ANSWERS = Registration(
    name="Maglificio Rossi", place="Prato, Toscana", specialties="knitwear", understood="knitwear"
)


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def _refs(bottega: RunningBot) -> list[FileRef]:
    async with bottega.session_factory() as session:
        rows = await session.scalars(select(FileRef).order_by(FileRef.position, FileRef.id))
        return list(rows.all())


async def _confirm(api: LocalBotAPI, question: SentMessage, user: int = OWNER) -> str:
    await api.press(user, question, "Done")
    summary = await api.wait_for(user, lambda m: "Confirm" in m.button_texts)
    await api.press(user, summary, "Confirm")
    await api.wait_for(user, contains="is registered")
    return summary.text or ""


async def test_a_registration_with_an_album_gives_the_atelier_those_photos(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    question = await until_photos(bottega, OWNER, ANSWERS)
    assert "Photos of your work and your workshop" in (question.text or "")
    assert "Skip" in question.button_texts and "Done" not in question.button_texts
    sent = await api.user_sends_media_group(
        OWNER,
        [
            Attachment.photo(png(11), caption="our linking room"),
            Attachment.photo(png(12), caption="write to rossi@maglificio.example"),
            Attachment.photo(png(13)),
        ],
    )
    album = await api.wait_for(OWNER, contains="Album received")
    text = album.text or ""
    assert "3 kept (3 of 10)" in text
    assert "left it out" in text, "the caption with an e-mail address is dropped"
    assert "✕ 1. photo, the cover" in album.button_texts
    assert "★ 3 as cover" in album.button_texts
    assert len([m for m in api.sent(OWNER) if "Album received" in (m.text or "")]) == 1

    summary = await _confirm(api, album)
    assert "Photos: 3 (the first is the cover)" in summary
    atelier = await atelier_of(bottega, OWNER)
    refs = await _refs(bottega)
    assert [r.atelier_id for r in refs] == [atelier.id] * 3
    assert [r.position for r in refs] == [0, 1, 2]
    assert [r.caption for r in refs] == ["our linking room", None, None]
    received = [api.files.get(r.file_id) for r in refs]
    assert [f.data if f else None for f in received] == [png(11), png(12), png(13)]
    assert len(sent) == 3


async def test_what_is_not_a_picture_is_refused_and_the_step_goes_on(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await until_photos(bottega, OWNER, ANSWERS)
    refused = [
        api.user_sends_sticker(OWNER),
        api.user_sends_voice(OWNER),
        api.user_sends_video(OWNER, file_size=60 * 1024 * 1024),
        api.user_sends_document(OWNER, b"%PDF-1.4", file_name="catalogue.pdf"),
    ]
    for send in refused:
        await send
        reply = await api.wait_for(OWNER, contains="A portfolio takes pictures only")
        assert "(16/16)" in (reply.text or ""), "the registration stays at the photos"
    await api.user_sends(OWNER, "what now?")
    await api.wait_for(OWNER, contains="Send photos here, or tap Done")
    await api.user_sends_document(OWNER, png(40), file_name="atelier.png", mime_type="image/png")
    kept = await api.wait_for(OWNER, contains="atelier.png kept (1 of 10)")
    assert [r.kind for r in await _refs(bottega)] == ["document"]

    # An album of 30: Telegram sends it as three albums of ten; the portfolio keeps ten.
    await api.user_sends_media_group(OWNER, [Attachment.photo(png(100 + n)) for n in range(30)])
    for _ in range(3):
        await api.wait_for(OWNER, contains="Album received")
    answers = [m.text or "" for m in api.sent(OWNER) if "Album received" in (m.text or "")]
    assert "9 kept (10 of 10)" in answers[0]
    assert all("were not kept: the limit is 10" in a for a in answers[1:])
    await api.user_sends_photo(OWNER, png(250))
    full = await api.wait_for(OWNER, contains="The portfolio is full (10 photos)")
    assert "(16/16)" in (full.text or "")
    assert len(await _refs(bottega)) == 10
    assert kept.message_id < full.message_id

    summary = await _confirm(api, api.last(OWNER))
    assert "Photos: 10" in summary
    atelier = await atelier_of(bottega, OWNER)
    assert {r.atelier_id for r in await _refs(bottega)} == {atelier.id}


async def test_the_photos_step_speaks_italian(bottega: RunningBot) -> None:
    api = bottega.api
    user = 7302
    answers = replace(ANSWERS, specialties="maglieria", understood="maglieria")
    question = await until_photos(bottega, user, answers, lang="it")
    assert "Foto del tuo lavoro" in (question.text or "")
    await api.user_sends_sticker(user)
    await api.wait_for(user, contains="Il portfolio accetta solo immagini")
    await api.user_sends_photo(user, png(7))
    kept = await api.wait_for(user, contains="Foto tenuta")
    await api.press(user, kept, "Fatto")
    summary = await api.wait_for(user, lambda m: "Conferma" in m.button_texts)
    assert "Foto: 1 (la prima è la copertina)" in (summary.text or "")


async def test_skipping_the_photos_registers_without_a_portfolio(bottega: RunningBot) -> None:
    api = bottega.api
    question = await until_photos(bottega, OWNER, ANSWERS)
    await api.user_sends(OWNER, "skip")
    summary = await api.wait_for(OWNER, lambda m: "Confirm" in m.button_texts)
    assert "Photos: none yet" in (summary.text or "")
    await api.press(OWNER, summary, "Confirm")
    await api.wait_for(OWNER, contains="is registered")
    assert await _refs(bottega) == []
    assert question.message_id < summary.message_id


async def test_a_restart_between_album_parts_loses_nothing(database_url: str) -> None:
    async with LocalBotAPI(keep_files=True) as api:

        async def part(shade: int) -> None:
            stored = api.files.add("photo", png(shade))
            sizes = [s.as_object() for s in api.files.photo_sizes(stored.file_id)]
            await api.user_sends_raw(OWNER, {"photo": sizes, "media_group_id": "888"})

        async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0) as first:
            await until_photos(first, OWNER, ANSWERS)
            await part(1)
            for _ in range(100):
                if await _count(first) == 1:
                    break
                await asyncio.sleep(0.05)
            assert await _count(first) == 1
        async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0) as second:
            await part(2)
            await part(3)
            answer = await api.wait_for(OWNER, contains="Album received")
            assert "3 kept (3 of 10)" in (answer.text or "")
            summary = await _confirm(api, answer)
            assert "Photos: 3" in summary
            atelier = await atelier_of(second, OWNER)
            assert [r.atelier_id for r in await _refs(second)] == [atelier.id] * 3


async def _portfolio(bottega: RunningBot, atelier_id: int) -> list[bytes]:
    """The pictures of an atelier's portfolio, in order, as the Bot API server holds them."""
    async with bottega.session_factory() as session:
        rows = await session.scalars(
            select(FileRef).where(FileRef.atelier_id == atelier_id).order_by(FileRef.position)
        )
        found = [bottega.api.files.get(r.file_id) for r in rows.all()]
    return [f.data if f is not None else b"" for f in found]


async def _profile_photos(bottega: RunningBot, user: int, shades: list[int]) -> SentMessage:
    """/profile → Photos → an album of these shades; returns the album's answer."""
    api = bottega.api
    await api.user_sends(user, "/profile")
    profile = await api.wait_for(user, contains="Your atelier")
    await api.press(user, profile, "Photos")
    await api.wait_for(user, contains="Send up to 10 photos")
    await api.user_sends_media_group(user, [Attachment.photo(png(n)) for n in shades])
    return await api.wait_for(user, contains="Album received")


async def test_profile_adds_photos_removes_one_and_picks_the_cover(bottega: RunningBot) -> None:
    api = bottega.api
    owner = 7311
    atelier = await seed_atelier(bottega, owner)
    await api.user_sends(owner, "/profile")
    profile = await api.wait_for(owner, contains="Your atelier")
    assert "Photos: none yet" in (profile.text or "")
    album = await _profile_photos(bottega, owner, [21, 22, 23])
    assert "3 kept (3 of 10)" in (album.text or "")
    assert await _portfolio(bottega, atelier.id) == [png(21), png(22), png(23)]

    await api.press(owner, album, "★ 3 as cover")
    covered = await api.wait_for(owner, contains="That photo is now the cover")
    assert covered.message_id == album.message_id, "the same message, changed in place"
    assert await _portfolio(bottega, atelier.id) == [png(23), png(21), png(22)]

    await api.press(owner, covered, "✕ 2. photo")
    removed = await api.wait_for(owner, contains="Removed. 2 left.")
    assert "In your portfolio: 2 of 10." in (removed.text or "")
    assert await _portfolio(bottega, atelier.id) == [png(23), png(22)]

    await api.press(owner, removed, "Done")
    saved = await api.wait_for(owner, contains="Saved.")
    assert "Photos: 2 (the first is the cover)" in (saved.text or "")

    await api.user_sends(owner, "/profile")
    await api.wait_for(owner, lambda m: "Photos: 2" in (m.text or "") and m != saved)


async def test_nobody_but_the_owner_can_remove_or_reorder_a_portfolio(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    owner, other, stranger = 7321, 7322, 7323
    atelier = await seed_atelier(bottega, owner)
    await _profile_photos(bottega, owner, [31, 32])
    theirs = [r for r in await _refs(bottega) if r.atelier_id == atelier.id]
    other_atelier = await seed_atelier(bottega, other)
    question = await _profile_photos(bottega, other, [41, 42])

    # Another atelier's owner, at their own portfolio, with data naming the first's photos.
    for data in (f"f:rm:{theirs[0].id}", f"f:cover:{theirs[1].id}", "f:rm:0", "f:cover:x"):
        pressed = await api.user_presses(other, question.message_id, data)
        answer = await api.wait_for_answer(pressed)
        assert "no longer active" in (answer.text or ""), data
    # Someone with no atelier at all, outside any conversation.
    await api.user_sends(stranger, "/start")
    welcome = await api.wait_for(stranger, contains="Welcome")
    for data in (f"f:rm:{theirs[0].id}", f"f:cover:{theirs[1].id}"):
        pressed = await api.user_presses(stranger, welcome.message_id, data)
        answer = await api.wait_for_answer(pressed)
        assert "no longer active" in (answer.text or ""), data

    assert await _portfolio(bottega, atelier.id) == [png(31), png(32)]
    assert await _portfolio(bottega, other_atelier.id) == [png(41), png(42)]


async def _count(bottega: RunningBot) -> int:
    async with bottega.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(FileRef)) or 0)
