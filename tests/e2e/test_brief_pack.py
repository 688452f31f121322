"""A brief's pack end to end: photos, an album and a PDF sent during the interview reach exactly
the ateliers the designer asked, as the same Telegram files and without any contact; bad files
are refused politely and nothing kept is lost; a restart between an album's parts loses nothing."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.ateliers import service as atelier_profiles
from bot.core import users
from bot.db.models import Atelier, Brief, FileRef
from localbotapi import Attachment, LocalBotAPI, SentMessage
from tests.e2e.atelier_steps import quick_bot
from tests.e2e.harness import ADMIN_ID, RunningBot, running_bot

DESIGNER = 4711
OWNERS = {"Maglificio Rossi": 611, "Maglieria Bianchi": 612, "Knit Lab Verdi": 613}


def png(shade: int) -> bytes:
    """A small real PNG; each shade is a different file."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + bytes([shade, 40, 60]) * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def _seed_ateliers(bottega: RunningBot) -> dict[str, Atelier]:
    found = {}
    async with bottega.session_factory() as session:
        for name, telegram_id in OWNERS.items():
            owner = await users.ensure_user(session, telegram_id, language_code="en")
            atelier = await atelier_profiles.register(
                session,
                owner=owner,
                draft=atelier_profiles.AtelierDraft(
                    name=name, country="IT", region="Toscana", city="Prato",
                    specialties=("knitwear",), category_ids=("knitwear",), materials=("merino",),
                    techniques=(), moq=20, max_batch=500, monthly_capacity=800,
                    lead_time_weeks=4, handwork_share=70, certifications=(), languages=("en",),
                    contact=f"{name.split()[-1].lower()}@atelier.example", description="",
                ),
            )  # fmt: skip
            atelier.verified = True
            found[name] = atelier
        await session.commit()
    bottega.app.bot_data["runtime"].match_index.invalidate()
    return found


async def _say(api: LocalBotAPI, text: str, expect: str, user: int = DESIGNER) -> SentMessage:
    await api.user_sends(user, text)
    # Generous: the first product a process reads loads the taxonomy and its language data.
    return await api.wait_for(user, contains=expect, timeout=20)


async def _tap(
    api: LocalBotAPI, message: SentMessage, label: str, expect: str, user: int = DESIGNER
) -> SentMessage:
    await api.press(user, message, label)
    return await api.wait_for(user, contains=expect)


async def _until_pack(api: LocalBotAPI, user: int = DESIGNER, lang: str = "en") -> SentMessage:
    """The interview up to the pack step, answered by typing."""
    await api.user_sends(user, "/brief", first_name="Ada", language_code=lang)
    await api.wait_for(user, contains="What is the product?" if lang == "en" else "Qual è")
    understood = await _say(api, "cardigans", "knitwear" if lang == "en" else "maglieria", user)
    await api.press(user, understood, "Yes" if lang == "en" else "Sì")
    await api.wait_for(user, contains="Which materials?" if lang == "en" else "Quali materiali")
    steps = [
        ("done", "per style" if lang == "en" else "per modello"),
        ("80", "styles" if lang == "en" else "modelli"),
        ("3", "colourways" if lang == "en" else "varianti"),
        ("2", "sizes" if lang == "en" else "taglie"),
        ("XS-XL", "By when" if lang == "en" else "Entro quando"),
        ("in 12 weeks" if lang == "en" else "tra 12 settimane", "budget"),
        ("45 €", "Where" if lang == "en" else "Dove"),
        ("Italy" if lang == "en" else "Italia", "handwork" if lang == "en" else "a mano"),
        ("none" if lang == "en" else "nessuno", "certifications" if lang == "en" else "certificazioni"),
        ("none" if lang == "en" else "nessuna", "Send a tech pack" if lang == "en" else "scheda tecnica"),
    ]  # fmt: skip
    message = api.last(user)
    for text, expect in steps:
        message = await _say(api, text, expect, user)
    return message


async def _pack(bottega: RunningBot) -> list[FileRef]:
    async with bottega.session_factory() as session:
        return list((await session.scalars(select(FileRef).order_by(FileRef.position))).all())


async def test_the_pack_reaches_exactly_the_ateliers_asked_as_the_same_files_without_contacts(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    ateliers = await _seed_ateliers(bottega)
    await _until_pack(api)
    pictures = [png(10), png(20), png(30)]
    await api.user_sends_media_group(
        DESIGNER,
        [
            Attachment.photo(pictures[0], caption="front view"),
            Attachment.photo(pictures[1], caption="call me on 333 123 4567"),
            Attachment.photo(pictures[2]),
        ],
    )
    album = await api.wait_for(DESIGNER, contains="Album received")
    assert "3 kept (3 of 10)" in (album.text or "")
    assert "left it out" in (album.text or ""), "the caption with a phone number is dropped"
    assert len([m for m in api.sent(DESIGNER) if "Album received" in (m.text or "")]) == 1
    await api.user_sends_document(DESIGNER, b"%PDF-1.4 tech pack", file_name="techpack.pdf")
    kept = await api.wait_for(DESIGNER, contains="techpack.pdf kept (4 of 10)")
    summary = await _tap(api, kept, "Done", "Your brief:")
    assert "Pack: 3 photos, 1 documents" in (summary.text or "")
    assert "✓ tech pack or sketches" in (summary.text or "")

    results = await _tap(api, summary, "Confirm", "Best matches")
    for name in ("Maglificio Rossi", "Maglieria Bianchi"):
        results = await _tap(api, results, name, "Best matches")
    await api.press(DESIGNER, results, "Request introductions (2)")
    await api.wait_for(DESIGNER, contains="Introduction requested")

    pack = await _pack(bottega)
    assert [f.kind for f in pack] == ["photo", "photo", "photo", "document"]
    assert [f.caption for f in pack] == ["front view", None, None, None]
    for name in ("Maglificio Rossi", "Maglieria Bianchi"):
        chat = OWNERS[name]
        request = await api.wait_for(chat, contains="New introduction request")
        assert "Readiness: 5/5" in (request.text or "")
        assert "3 photos, 1 documents" in (request.text or "")
        await api.wait_for(chat, lambda m: m.kind == "document")
        received = [m for m in api.sent(chat) if m.kind in ("photo", "document")]
        assert [m.file_id for m in received] == [f.file_id for f in pack]
        assert len({m.media_group_id for m in received if m.kind == "photo"}) == 1
        assert [api.files.get(m.file_id).data for m in received[:3]] == pictures  # type: ignore[union-attr]
        for message in api.sent(chat):
            assert "333" not in (message.text or "") and "@" not in (message.text or "")
    await asyncio.sleep(0.5)
    assert api.sent(OWNERS["Knit Lab Verdi"]) == [], "an atelier not asked receives nothing"
    assert len(ateliers) == 3

    # The operator's numbers count the pack, and the answered request as one with a pack.
    rossi = OWNERS["Maglificio Rossi"]
    request = next(m for m in api.sent(rossi) if "New introduction request" in (m.text or ""))
    await api.press(rossi, request, "Accept")
    await api.wait_for(DESIGNER, contains="accepted")
    await api.user_sends(ADMIN_ID, "/stats")
    numbers = (await api.wait_for(ADMIN_ID, contains="Bottega in numbers")).text or ""
    assert "Briefs with a pack: 1 of 1\nAteliers with a portfolio: 0 of 3" in numbers
    assert "not enough answers yet to compare (1 with a pack, 0 without;" in numbers


async def test_bad_files_get_a_clear_message_and_nothing_kept_is_lost(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_pack(api)
    await api.user_sends_photo(DESIGNER, png(1))
    await api.wait_for(DESIGNER, contains="Photo kept (1 of 10)")
    bad = [
        (api.user_sends_sticker(DESIGNER), "not stickers, voice notes, videos"),
        (api.user_sends_voice(DESIGNER), "not stickers, voice notes, videos"),
        (api.user_sends_video(DESIGNER, file_size=60 * 1024 * 1024), "not stickers, voice notes"),
        (api.user_sends_document(DESIGNER, b"PK", file_name="a.zip", mime_type="application/zip"), "archives"),
        (api.user_sends_document(DESIGNER, file_name="call me +39 333 1234567.pdf"), "rename it"),
        (api.user_sends_document(DESIGNER, file_name="big.pdf", file_size=25 * 1024 * 1024), "larger than 20 MB"),
    ]  # fmt: skip
    for send, expect in bad:
        await send
        reply = await api.wait_for(DESIGNER, contains=expect)
        assert "Send a tech pack" in (reply.text or ""), "the interview stays at the same step"
    assert len(await _pack(bottega)) == 1

    # An album of 30: Telegram sends it as three albums of ten; the pack keeps ten in all.
    await api.user_sends_media_group(DESIGNER, [Attachment.photo(png(100 + n)) for n in range(30)])
    for _ in range(3):
        await api.wait_for(DESIGNER, contains="Album received")
    answers = [m.text or "" for m in api.sent(DESIGNER) if "Album received" in (m.text or "")]
    assert "9 kept (10 of 10)" in answers[0]
    assert all("were not kept: the limit is 10" in a for a in answers[1:])
    await api.user_sends_photo(DESIGNER, png(250))
    await api.wait_for(DESIGNER, contains="The pack is full (10 files)")
    assert len(await _pack(bottega)) == 10

    # Remove one (its own button), and a forged one for a file that is not the designer's.
    last = api.last(DESIGNER)
    removed = await _tap(api, last, "✕ 2. photo", "Removed. 9 left.")
    assert "In your pack: 9 of 10" in (removed.text or "")


async def test_the_pack_step_speaks_italian(bottega: RunningBot) -> None:
    api = bottega.api
    user = 4712
    await _until_pack(api, user, lang="it")
    await api.user_sends_sticker(user)
    reply = await api.wait_for(user, contains="non sticker, messaggi vocali")
    assert "scheda tecnica" in (reply.text or "")
    await api.user_sends_document(user, file_name="chiamami 333 1234567.pdf")
    await api.wait_for(user, contains="Rinominalo")


async def test_nobody_can_remove_a_file_from_someone_elses_pack(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_pack(api)
    await api.user_sends_photo(DESIGNER, png(5))
    await api.wait_for(DESIGNER, contains="Photo kept")
    (theirs,) = await _pack(bottega)
    intruder = 4713
    pack_question = await _until_pack(api, intruder)
    callback = await api.user_presses(intruder, pack_question.message_id, f"f:rm:{theirs.id}")
    await api.wait_for_answer(callback)
    await api.wait_for(intruder, contains="isn't yours")
    assert [f.id for f in await _pack(bottega)] == [theirs.id]


async def test_a_restart_between_album_parts_loses_nothing(database_url: str) -> None:
    async with LocalBotAPI(keep_files=True) as api:

        async def part(shade: int) -> None:
            stored = api.files.add("photo", png(shade))
            sizes = [s.as_object() for s in api.files.photo_sizes(stored.file_id)]
            await api.user_sends_raw(DESIGNER, {"photo": sizes, "media_group_id": "777"})

        async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0) as first:
            await _until_pack(api)
            await part(1)
            for _ in range(100):
                if await _count(first) == 1:
                    break
                await asyncio.sleep(0.05)
            assert await _count(first) == 1
        async with running_bot(database_url, api, send_rate_per_chat_per_second=100.0) as second:
            await part(2)
            await part(3)
            answer = await api.wait_for(DESIGNER, contains="Album received")
            assert "3 kept (3 of 10)" in (answer.text or "")
            summary = await _tap(api, answer, "Done", "Your brief:")
            assert "Pack: 3 photos" in (summary.text or "")
            await _tap(api, summary, "Confirm", "saved")
            async with second.session_factory() as session:
                brief = await session.scalar(select(Brief))
                assert brief is not None
                refs = (await session.scalars(select(FileRef))).all()
                assert [r.brief_id for r in refs] == [brief.id] * 3


async def _count(bottega: RunningBot) -> int:
    async with bottega.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(FileRef)) or 0)
