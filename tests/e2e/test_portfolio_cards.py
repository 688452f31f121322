"""A portfolio from a designer's side, end to end: an atelier registers with a 3-photo album; the
designer's match list is headed by its cover, its card (and only its card) has "Photos", and
pressing it delivers exactly those Telegram files as an album; the next match offered after a
decline has "Photos" too. Nobody else's brief, and no atelier the brief's matches do not show,
gets anything from a forged button."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import Brief, BriefState, FileRef, User
from bot.i18n import t
from bot.registry.importing import CSV_COLUMNS
from localbotapi import Attachment, SentMessage
from tests.e2e.atelier_steps import (
    Registration,
    admin_verifies,
    atelier_of,
    designer_requests_intro,
    quick_bot,
    seed_atelier,
    until_photos,
)
from tests.e2e.harness import RunningBot, load_registry
from tests.e2e.test_brief_pack import png

OWNER = 7401
DESIGNER = 7402
OTHER_DESIGNER = 7403
REGISTRY = "\n".join(
    [
        ",".join(CSV_COLUMNS),
        "K002,Maglieria Bianchi,IT,Toscana,Prato,knitwear,wool,,20,500,800,4,70,,en,"
        "bianchi@example.com,",
        "S001,Sartoria Blu,IT,Puglia,Bari,tailoring,silk,,10,500,200,4,80,,it,blu@example.com,",
    ]
)


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def _atelier_with_album(
    bottega: RunningBot, name: str = "Maglificio Rossi"
) -> tuple[str, list[FileRef]]:
    """An atelier registers through the bot with an album of three photos and is verified."""
    api = bottega.api
    answers = Registration(
        name=name, place="Prato, Toscana", specialties="knitwear",
        understood="knitwear", certifications="none",
    )  # fmt: skip
    await until_photos(bottega, OWNER, answers)
    await api.user_sends_media_group(OWNER, [Attachment.photo(png(n)) for n in (61, 62, 63)])
    album = await api.wait_for(OWNER, contains="Album received")
    await api.press(OWNER, album, "Done")
    summary = await api.wait_for(OWNER, lambda m: "Confirm" in m.button_texts)
    await api.press(OWNER, summary, "Confirm")
    await api.wait_for(OWNER, contains="is registered")
    atelier = await atelier_of(bottega, OWNER)
    await admin_verifies(bottega, atelier.ref)
    async with bottega.session_factory() as session:
        rows = await session.scalars(
            select(FileRef).where(FileRef.atelier_id == atelier.id).order_by(FileRef.position)
        )
        refs = list(rows.all())
    await _fresh_index(bottega)
    return atelier.ref, refs


async def _fresh_index(bottega: RunningBot) -> None:
    """The match index with every change so far (a large one is rebuilt aside)."""
    index = bottega.app.bot_data["runtime"].match_index
    index.invalidate()
    await index.get()
    await index.rebuilt()


async def _brief(bottega: RunningBot, telegram_id: int = DESIGNER) -> int:
    async with bottega.session_factory() as session, session.begin():
        designer = User(telegram_id=telegram_id, display_name="Ada", language="en", role="designer")
        session.add(designer)
        await session.flush()
        brief = Brief(
            designer_id=designer.id, state=BriefState.OPEN, language="en",
            product_text="merino cardigans", category="knitwear", materials=["wool"],
            quantity=80, styles=1, deadline=date.today() + timedelta(weeks=20),
        )  # fmt: skip
        session.add(brief)
        await session.flush()
        return brief.id


async def _matches(bottega: RunningBot, brief_id: int, user: int = DESIGNER) -> SentMessage:
    api = bottega.api
    await api.user_sends(user, "/briefs")
    listing = await api.wait_for(user, contains="#" + str(brief_id))
    await api.press(user, listing, t("briefs.show_button", "en", id=brief_id))
    return await api.wait_for(user, contains="Best matches")


async def test_a_match_card_shows_photos_and_pressing_it_sends_that_album(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await load_registry(bottega.session_factory, REGISTRY)
    ref, refs = await _atelier_with_album(bottega)
    assert len(refs) == 3
    brief_id = await _brief(bottega)
    matches = await _matches(bottega, brief_id)
    rows = [[label for label, _data in row] for row in matches.buttons]
    with_photos = [row for row in rows if "📷 Photos" in row]
    assert len(with_photos) == 1 and "Maglificio Rossi" in with_photos[0][0]
    assert any("Maglieria Bianchi" in row[0] and len(row) == 1 for row in rows), matches.text

    # The cover heads the list: one photo, captioned with its card's number and name.
    (cover,) = api.files_sent(DESIGNER)
    assert cover.kind == "photo" and cover.file_id == refs[0].file_id
    assert cover.message_id < matches.message_id
    rank = with_photos[0][0].split(".")[0].split()[-1]
    assert cover.caption == f"{rank}. Maglificio Rossi"

    await api.press(DESIGNER, matches, "📷 Photos")
    await api.wait_for(DESIGNER, lambda m: m.media_group_id is not None)
    (album,) = api.albums_sent(DESIGNER)
    assert [m.file_id for m in album] == [r.file_id for r in refs]
    assert [api.files.get(m.file_id).data for m in album] == [png(61), png(62), png(63)]  # type: ignore[union-attr]
    assert album[0].caption == "Maglificio Rossi: photos of the work and the workshop"
    assert ref in str(matches.buttons)


async def test_forged_photos_buttons_send_nothing(bottega: RunningBot) -> None:
    api = bottega.api
    await load_registry(bottega.session_factory, REGISTRY)
    ref, _refs = await _atelier_with_album(bottega)
    brief_id = await _brief(bottega)
    other_brief = await _brief(bottega, OTHER_DESIGNER)
    matches = await _matches(bottega, brief_id)
    before = len(api.files_sent(DESIGNER))

    # Someone else's brief, a brief that does not exist, an atelier the matches do not show.
    forged = [
        (OTHER_DESIGNER, f"m:ph:{brief_id}:{ref}"),
        (DESIGNER, f"m:ph:{other_brief}:{ref}"),
        (DESIGNER, f"m:ph:999999:{ref}"),
        (DESIGNER, f"m:ph:{brief_id}:S001"),
        (DESIGNER, f"m:ph:{brief_id}:NOPE"),
        (DESIGNER, "m:ph:x:y"),
    ]
    for user, data in forged:
        pressed = await api.user_presses(user, matches.message_id, data)
        answer = await api.wait_for_answer(pressed)
        assert "no longer active" in (answer.text or ""), data
    assert len(api.files_sent(DESIGNER)) == before
    assert api.files_sent(OTHER_DESIGNER) == []


async def test_the_next_match_after_a_decline_has_photos_too(bottega: RunningBot) -> None:
    api = bottega.api
    declining = await seed_atelier(bottega, 7411)
    ref, refs = await _atelier_with_album(bottega, name="Maglieria Verdi")
    brief_id = await designer_requests_intro(
        bottega, designer_telegram_id=DESIGNER, refs=[declining.ref]
    )
    request = await api.wait_for(7411, contains="New introduction request")
    await api.press(7411, request, "Decline")
    reasons = await api.wait_for(7411, contains="Would you tell us why")
    await api.press(7411, reasons, "No capacity now")

    declined = await api.wait_for(DESIGNER, contains="can't take on")
    assert "Maglieria Verdi" in (declined.text or "")
    assert declined.buttons == [
        [("Request intro", f"intro:req:{brief_id}:{ref}"), ("📷 Photos", f"m:ph:{brief_id}:{ref}")]
    ]
    await api.press(DESIGNER, declined, "📷 Photos")
    await api.wait_for(DESIGNER, lambda m: m.media_group_id is not None)
    (album,) = api.albums_sent(DESIGNER)
    assert [m.file_id for m in album] == [r.file_id for r in refs]
    assert album[0].caption == "Maglieria Verdi: photos of the work and the workshop"
