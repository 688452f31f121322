"""What a pack or portfolio keeps, what it refuses and why, and who may change it — on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import users
from bot.db.base import utcnow
from bot.db.models import Atelier, Brief, BriefState, Delivery, FileRef, User
from bot.files import service as files
from bot.files.service import Home, Incoming, Limits

LIMITS = Limits(max_files=10, max_bytes=20 * 1024 * 1024)


def photo(n: int, *, caption: str | None = None, group: str | None = None) -> Incoming:
    return Incoming(
        "photo", f"photo-{n}", f"uphoto{n}", size=50_000, caption=caption, media_group_id=group
    )


def document(name: str, mime: str = "application/pdf", size: int = 200_000) -> Incoming:
    return Incoming(
        "document", f"doc-{name}", f"u-{name}", file_name=name, mime_type=mime, size=size
    )


async def _people(session: AsyncSession) -> tuple[User, User, Brief, Atelier]:
    designer = await users.ensure_user(session, 501, display_name="Ada")
    other = await users.ensure_user(session, 502, display_name="Eve")
    brief = Brief(designer_id=designer.id, state=BriefState.OPEN, product_text="coats")
    atelier = Atelier(
        ref="A1", name="Sartoria", country="IT", moq=10, max_batch=100, lead_time_weeks=4,
        owner_id=other.id,
    )  # fmt: skip
    session.add_all([brief, atelier])
    await session.flush()
    return designer, other, brief, atelier


async def test_a_pack_keeps_photos_image_documents_and_pdfs_in_order(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, _other, brief, _atelier = await _people(session)
        home = Home.brief(brief)
        for item in (photo(1), document("techpack.pdf"), document("flat.png", "image/png")):
            added = await files.add(session, home, item, LIMITS, uploader_id=designer.id)
            assert added.problem is None and added.file is not None
        kept = await files.files_of(session, home)
        assert [(f.kind, f.file_id, f.position) for f in kept] == [
            ("photo", "photo-1", 0),
            ("document", "doc-techpack.pdf", 1),
            ("document", "doc-flat.png", 2),
        ]
        assert kept[1].size == 200_000 and kept[1].file_unique_id == "u-techpack.pdf"


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        (Incoming("sticker", "st-1", "ust1"), files.NOT_ACCEPTED),
        (Incoming("voice", "vo-1", "uvo1", mime_type="audio/ogg"), files.NOT_ACCEPTED),
        (Incoming("video", "vi-1", "uvi1", size=60 * 1024 * 1024), files.NOT_ACCEPTED),
        (document("samples.zip", "application/zip"), files.NOT_ACCEPTED),
        (document("setup.exe", "application/x-msdownload"), files.NOT_ACCEPTED),
        (document("huge.pdf", size=25 * 1024 * 1024), files.TOO_BIG),
        (document("call me +39 333 1234567.pdf"), files.NAME_HAS_CONTACT),
        (document("write_to_ada@studio.example.pdf"), files.NAME_HAS_CONTACT),
    ],
)
async def test_a_pack_refuses_what_it_cannot_pass_on_and_keeps_the_rest(
    session_factory: async_sessionmaker[AsyncSession], item: Incoming, problem: str
) -> None:
    async with session_factory() as session:
        designer, _other, brief, _atelier = await _people(session)
        home = Home.brief(brief)
        await files.add(session, home, photo(1), LIMITS, uploader_id=designer.id)
        added = await files.add(session, home, item, LIMITS, uploader_id=designer.id)
        assert (added.file, added.problem, added.count) == (None, problem, 1)
        assert [f.file_id for f in await files.files_of(session, home)] == ["photo-1"]


async def test_the_eleventh_file_is_refused_and_the_same_photo_is_kept_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, _other, brief, _atelier = await _people(session)
        home = Home.brief(brief)
        for n in range(10):
            assert (await files.add(session, home, photo(n), LIMITS, uploader_id=designer.id)).file
        again = await files.add(session, home, photo(3), LIMITS, uploader_id=designer.id)
        eleventh = await files.add(session, home, photo(10), LIMITS, uploader_id=designer.id)
        assert again.problem == files.ALREADY_THERE
        assert (eleventh.problem, eleventh.count) == (files.TOO_MANY, 10)
        assert await files.count_of(session, home) == 10


async def test_a_caption_with_a_contact_is_dropped_and_the_photo_kept(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, _other, brief, _atelier = await _people(session)
        home = Home.brief(brief)
        for n, caption in enumerate(["front view", "call me 333 123 4567", "see www.ada.it"]):
            await files.add(
                session, home, photo(n, caption=caption), LIMITS, uploader_id=designer.id
            )
        kept = await files.files_of(session, home)
        assert [f.caption for f in kept] == ["front view", None, None]


async def test_a_portfolio_takes_pictures_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        _designer, owner, _brief, atelier = await _people(session)
        home = Home.portfolio(atelier)
        for refused_item in (
            document("look.pdf"),
            Incoming("sticker", "st-1", "ust1"),
            Incoming("video", "vi-1", "uvi1", size=60 * 1024 * 1024),
        ):
            refused = await files.add(session, home, refused_item, LIMITS, uploader_id=owner.id)
            assert refused.problem == files.PHOTOS_ONLY
        assert (await files.add(session, home, photo(1), LIMITS, uploader_id=owner.id)).file
        picture = document("workshop.jpg", "image/jpeg")
        assert (await files.add(session, home, picture, LIMITS, uploader_id=owner.id)).file
        assert [f.kind for f in await files.portfolio_of(session, atelier.id)] == [
            "photo",
            "document",
        ]


async def test_a_registrations_photos_become_the_ateliers_on_confirmation(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, owner, _brief, atelier = await _people(session)
        draft = Home.portfolio_draft(owner.id)
        kept = [
            (await files.add(session, draft, photo(n), LIMITS, uploader_id=owner.id)).file
            for n in (1, 2, 3)
        ]
        await files.add(session, Home.portfolio_draft(designer.id), photo(9), LIMITS, uploader_id=designer.id)  # fmt: skip
        await files.add(session, Home.draft(owner.id), photo(8), LIMITS, uploader_id=owner.id)
        assert await files.count_of(session, draft) == 3
        assert await files.portfolio_of(session, atelier.id) == []
        assert kept[1] is not None and kept[2] is not None
        with pytest.raises(files.FilesError):
            await files.remove(session, kept[1].id, designer.id)
        await files.set_cover(session, kept[2].id, owner.id, within=draft)
        await files.remove(session, kept[1].id, owner.id, within=draft)

        assert await files.attach_portfolio_draft(session, owner.id, atelier) == 2
        assert [(f.file_id, f.position) for f in await files.portfolio_of(session, atelier.id)] == [
            ("photo-3", 0), ("photo-1", 1),
        ]  # fmt: skip
        assert await files.count_of(session, draft) == 0
        assert await files.count_of(session, Home.portfolio_draft(designer.id)) == 1
        assert await files.count_of(session, Home.draft(owner.id)) == 1, "the interview's stays"
        assert await files.discard_portfolio_draft(session, designer.id) == 1


async def test_a_button_of_another_list_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        _designer, owner, _brief, atelier = await _people(session)
        pack_photo = (
            await files.add(session, Home.draft(owner.id), photo(1), LIMITS, uploader_id=owner.id)
        ).file
        shot = (
            await files.add(
                session, Home.portfolio(atelier), photo(2), LIMITS, uploader_id=owner.id
            )
        ).file
        assert pack_photo is not None and shot is not None
        with pytest.raises(files.FilesError):
            await files.remove(session, pack_photo.id, owner.id, within=Home.portfolio(atelier))
        with pytest.raises(files.FilesError):
            await files.set_cover(session, pack_photo.id, owner.id)
        with pytest.raises(files.FilesError):
            await files.remove(session, shot.id, owner.id, within=Home.portfolio_draft(owner.id))
        assert await files.count_of(session, Home.draft(owner.id)) == 1
        assert await files.count_of(session, Home.portfolio(atelier)) == 1


async def test_nobody_else_may_remove_or_reorder_a_file(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, owner, brief, atelier = await _people(session)
        pack = (
            await files.add(session, Home.brief(brief), photo(1), LIMITS, uploader_id=designer.id)
        ).file
        shots = [
            (await files.add(session, Home.portfolio(atelier), photo(n), LIMITS, uploader_id=owner.id)).file
            for n in (2, 3, 4)
        ]  # fmt: skip
        assert pack is not None and all(shots)
        for file_id, intruder in ((pack.id, owner.id), (shots[0].id, designer.id)):  # type: ignore[union-attr]
            with pytest.raises(files.FilesError):
                await files.remove(session, file_id, intruder)
            with pytest.raises(files.FilesError):
                await files.set_cover(session, file_id, intruder)
        with pytest.raises(files.FilesError):
            await files.remove(session, 2**40, designer.id)
        assert await files.count_of(session, Home.brief(brief)) == 1

        await files.set_cover(session, shots[2].id, owner.id)  # type: ignore[union-attr]
        assert [f.file_id for f in await files.portfolio_of(session, atelier.id)] == [
            "photo-4", "photo-2", "photo-3",
        ]  # fmt: skip
        await files.remove(session, shots[0].id, owner.id)  # type: ignore[union-attr]
        assert [(f.file_id, f.position) for f in await files.portfolio_of(session, atelier.id)] == [
            ("photo-4", 0), ("photo-3", 1),
        ]  # fmt: skip


async def test_an_interviews_pack_becomes_the_briefs_on_confirmation(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, other, brief, _atelier = await _people(session)
        draft = Home.draft(designer.id)
        await files.add(session, draft, photo(1), LIMITS, uploader_id=designer.id)
        await files.add(session, draft, document("techpack.pdf"), LIMITS, uploader_id=designer.id)
        await files.add(session, Home.draft(other.id), photo(9), LIMITS, uploader_id=other.id)
        assert await files.attach_draft(session, designer.id, brief) == 2
        assert [f.file_id for f in await files.pack_of(session, brief.id)] == [
            "photo-1",
            "doc-techpack.pdf",
        ]
        assert await files.count_of(session, draft) == 0
        assert await files.count_of(session, Home.draft(other.id)) == 1


async def test_erasing_a_person_removes_every_reference_to_their_files(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        designer, owner, brief, atelier = await _people(session)
        await files.add(session, Home.brief(brief), photo(1), LIMITS, uploader_id=designer.id)
        await files.add(session, Home.draft(designer.id), photo(2), LIMITS, uploader_id=designer.id)
        await files.add(session, Home.portfolio(atelier), photo(3), LIMITS, uploader_id=owner.id)
        removed = await files.erase_for(
            session, user_id=designer.id, brief_ids=[brief.id], atelier_ids=[]
        )
        assert removed == 2
        assert [f.file_id for f in (await session.scalars(select(FileRef))).all()] == ["photo-3"]


async def test_an_album_gets_one_answer_due_after_its_last_part(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    wait = timedelta(seconds=2)
    async with session_factory() as session:
        designer, _other, brief, _atelier = await _people(session)
        home = Home.brief(brief)
        start = utcnow()
        items = [photo(n, group="g1") for n in range(3)] + [document("a.zip", "application/zip")]
        for offset, item in enumerate(items):
            added = await files.add(session, home, item, LIMITS, uploader_id=designer.id)
            await files.note_album_part(
                session,
                recipient_id=designer.id,
                home=home,
                where="interview",
                group="g1",
                added=added,
                wait=wait,
                limits=LIMITS,
                now=start + timedelta(seconds=offset),
            )
        await session.commit()
    async with session_factory() as session:
        (answer,) = (await session.scalars(select(Delivery))).all()
        assert answer.kind == files.AlbumReceived.kind
        decoded = files.AlbumReceived.decode(answer.payload)
        assert (decoded.kept, decoded.problems) == (3, {"not_accepted": 1})
        assert (decoded.home, decoded.where) == (home, "interview")
        assert answer.due_at == start + timedelta(seconds=3) + wait


async def test_a_cover_is_the_first_photo_of_a_portfolio_by_id_and_by_ref(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        _designer, owner, _brief, atelier = await _people(session)
        bare = Atelier(
            ref="A2", name="Maglificio", country="IT", moq=10, max_batch=100, lead_time_weeks=4,
        )  # fmt: skip
        session.add(bare)
        await session.flush()
        home = Home.portfolio(atelier)
        for n in (1, 2):
            added = await files.add(session, home, photo(n), LIMITS, uploader_id=owner.id)
            assert added.file is not None
        by_id = await files.covers(session, [atelier.id, bare.id])
        by_ref = await files.covers_by_ref(session, ["A1", "A2", "nobody"])
        assert {key: ref.file_id for key, ref in by_id.items()} == {atelier.id: "photo-1"}
        assert {key: ref.file_id for key, ref in by_ref.items()} == {"A1": "photo-1"}
        assert (
            await files.covers(session, []) == {} and await files.covers_by_ref(session, []) == {}
        )
