"""What is kept of the files people send, and who may change or see them.

A file is kept as Telegram's reference (`file_id`, `file_unique_id`), never its bytes, with its
kind, size, name and a caption that carries no contact. A brief's pack takes photos, image
documents and PDFs; a portfolio takes photos and pictures sent as files (images only). Limits
(how many, how large) come from the settings. Every change checks that the person owns the
brief, the interview or registration in progress or the atelier the file belongs to: button
data is never trusted.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

import parsing
from bot import outbox
from bot.core.errors import RefusedError
from bot.db.base import utcnow
from bot.db.models import (
    Atelier,
    Brief,
    Delivery,
    DeliveryState,
    FileKind,
    FilePurpose,
    FileRef,
)

# A pack's documents: PDFs and pictures sent "as a file" (uncompressed, as designers often do).
DOCUMENT_TYPES = frozenset({"application/pdf"})
DOCUMENT_EXTENSIONS = frozenset(
    {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".tif", ".tiff"}
)
MAX_CAPTION = 1024  # Telegram's limit for a caption

_Key = TypeVar("_Key")

# Why a file was not kept (each has a message in the catalogs, files.problem_<code>).
NOT_ACCEPTED = "not_accepted"  # a sticker, voice note, video, zip, executable …
PHOTOS_ONLY = "photos_only"  # a portfolio takes pictures (photos or image files) only
TOO_BIG = "too_big"
TOO_MANY = "too_many"
NAME_HAS_CONTACT = "name_has_contact"  # a document's name gives a contact away
ALREADY_THERE = "already_there"


class FilesError(RefusedError):
    """A change that cannot be made; `code` selects the message (not_yours, gone)."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """What one message carried, as the handler read it (`kind` is Telegram's: photo, document,
    sticker, voice, video, audio, animation, video_note, or other)."""

    kind: str
    file_id: str = ""
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    caption: str | None = None
    media_group_id: str | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    max_files: int
    max_bytes: int


@dataclass(frozen=True, slots=True)
class Home:
    """Where a file belongs: a brief's pack, the pack of an interview in progress (no brief yet:
    only its owner), an atelier's portfolio, or the portfolio of a registration in progress (no
    atelier yet: only its owner)."""

    purpose: str
    owner_id: int | None
    brief_id: int | None = None
    atelier_id: int | None = None

    @classmethod
    def draft(cls, owner_id: int) -> Home:
        return cls(FilePurpose.BRIEF, owner_id)

    @classmethod
    def brief(cls, brief: Brief) -> Home:
        return cls(FilePurpose.BRIEF, brief.designer_id, brief_id=brief.id)

    @classmethod
    def portfolio(cls, atelier: Atelier) -> Home:
        return cls(FilePurpose.PORTFOLIO, atelier.owner_id, atelier_id=atelier.id)

    @classmethod
    def portfolio_draft(cls, owner_id: int) -> Home:
        return cls(FilePurpose.PORTFOLIO, owner_id)

    def holds(self, ref: FileRef) -> bool:
        """Whether this file is one of this home's (the Python twin of `where`)."""
        if ref.purpose != self.purpose:
            return False
        if self.purpose == FilePurpose.PORTFOLIO and self.atelier_id is not None:
            return ref.atelier_id == self.atelier_id
        if self.brief_id is not None:
            return ref.brief_id == self.brief_id
        return ref.atelier_id is None and ref.brief_id is None and ref.owner_id == self.owner_id

    def where(self) -> ColumnElement[bool]:
        if self.purpose == FilePurpose.PORTFOLIO:
            if self.atelier_id is not None:
                return FileRef.atelier_id == self.atelier_id
            return (
                (FileRef.purpose == FilePurpose.PORTFOLIO)
                & FileRef.atelier_id.is_(None)
                & (FileRef.owner_id == self.owner_id)
            )
        if self.brief_id is not None:
            return FileRef.brief_id == self.brief_id
        return (
            (FileRef.purpose == FilePurpose.BRIEF)
            & FileRef.brief_id.is_(None)
            & (FileRef.owner_id == self.owner_id)
        )


@dataclass(frozen=True, slots=True)
class Added:
    """The outcome of one file: kept (maybe without its caption) or refused, and why."""

    file: FileRef | None
    problem: str | None = None
    caption_dropped: bool = False
    count: int = 0  # files in the pack or portfolio afterwards


def _extension(name: str | None) -> str:
    if not name or "." not in name:
        return ""
    return "." + name.rsplit(".", 1)[1].lower()


def _document_type(incoming: Incoming) -> str:
    mime = (incoming.mime_type or "").lower()
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(incoming.file_name or "")[0] or ""
    return mime


def _pack_document(incoming: Incoming) -> bool:
    mime = _document_type(incoming)
    return mime in DOCUMENT_TYPES or mime.startswith("image/")


def _picture_document(incoming: Incoming) -> bool:
    """A picture sent "as a file" (uncompressed, as photographers often do)."""
    return _document_type(incoming).startswith("image/")


def problem_with(incoming: Incoming, purpose: str, limits: Limits) -> str | None:
    """Why this file cannot be kept here (None: it can), before counting what is there."""
    if incoming.kind == FileKind.PHOTO:
        accepted = True
    elif incoming.kind == FileKind.DOCUMENT and purpose == FilePurpose.BRIEF:
        accepted = _pack_document(incoming)
    elif incoming.kind == FileKind.DOCUMENT and purpose == FilePurpose.PORTFOLIO:
        accepted = _picture_document(incoming)
    else:
        accepted = False
    if not accepted or not incoming.file_id:
        return PHOTOS_ONLY if purpose == FilePurpose.PORTFOLIO else NOT_ACCEPTED
    if incoming.size is not None and incoming.size > limits.max_bytes:
        return TOO_BIG
    if incoming.kind == FileKind.DOCUMENT and incoming.file_name:
        # A document goes on with its name as it is: a name with a contact cannot be passed on.
        stem = incoming.file_name.rsplit(".", 1)[0] if "." in incoming.file_name else ""
        if parsing.find_contact(stem or incoming.file_name):
            return NAME_HAS_CONTACT
    return None


def clean_caption(caption: str | None) -> tuple[str | None, bool]:
    """The caption to keep and whether one was dropped for carrying a contact."""
    if caption is None or not caption.strip():
        return None, False
    if parsing.find_contact(caption):
        return None, True
    return caption.strip()[:MAX_CAPTION], False


async def _in_order(session: AsyncSession, *where: ColumnElement[bool]) -> list[FileRef]:
    """Files in the order their owner added (or arranged) them."""
    rows = await session.scalars(
        select(FileRef).where(*where).order_by(FileRef.position, FileRef.id)
    )
    return list(rows.all())


async def files_of(session: AsyncSession, home: Home) -> list[FileRef]:
    return await _in_order(session, home.where())


async def count_of(session: AsyncSession, home: Home) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(FileRef).where(home.where())) or 0
    )


async def add(
    session: AsyncSession,
    home: Home,
    incoming: Incoming,
    limits: Limits,
    *,
    uploader_id: int | None,
) -> Added:
    """Keep one file in a pack or portfolio, or say why not; nothing already kept changes."""
    count = await count_of(session, home)
    problem = problem_with(incoming, home.purpose, limits)
    if problem is not None:
        return Added(None, problem, count=count)
    if incoming.file_unique_id and await session.scalar(
        select(FileRef.id).where(home.where(), FileRef.file_unique_id == incoming.file_unique_id)
    ):
        return Added(None, ALREADY_THERE, count=count)
    if count >= limits.max_files:
        return Added(None, TOO_MANY, count=count)
    caption, dropped = clean_caption(incoming.caption)
    last = await session.scalar(select(func.max(FileRef.position)).where(home.where()))
    stored = FileRef(
        purpose=home.purpose,
        owner_id=uploader_id if uploader_id is not None else home.owner_id,
        brief_id=home.brief_id,
        atelier_id=home.atelier_id,
        kind=incoming.kind,
        file_id=incoming.file_id,
        file_unique_id=incoming.file_unique_id,
        file_name=(incoming.file_name or None) and incoming.file_name[:256],
        mime_type=(incoming.mime_type or None) and incoming.mime_type[:128],
        size=incoming.size,
        caption=caption,
        position=0 if last is None else last + 1,
        media_group_id=incoming.media_group_id,
        created_at=utcnow(),
    )
    session.add(stored)
    await session.flush()
    return Added(stored, None, caption_dropped=dropped, count=count + 1)


# --- who may change what ------------------------------------------------------------------------


async def _owned(
    session: AsyncSession, file_ref_id: int, user_id: int, within: Home | None = None
) -> FileRef:
    """The file, if this person may change it: their brief's, their interview's, their atelier's
    (and, given `within`, only if it is one of that home's: a button of another list is stale)."""
    if not 0 < file_ref_id <= 2**31 - 1:
        raise FilesError("not_yours")
    ref = await session.get(FileRef, file_ref_id)
    if ref is None:
        raise FilesError("not_yours")
    if ref.purpose == FilePurpose.PORTFOLIO and ref.atelier_id is None:
        allowed = ref.owner_id == user_id  # a registration's, not yet an atelier's
    elif ref.purpose == FilePurpose.PORTFOLIO:
        atelier = await session.get(Atelier, ref.atelier_id)
        allowed = atelier is not None and atelier.owner_id == user_id
    elif ref.brief_id is not None:
        brief = await session.get(Brief, ref.brief_id)
        allowed = brief is not None and brief.designer_id == user_id
    else:
        allowed = ref.owner_id == user_id
    if not allowed or (within is not None and not within.holds(ref)):
        raise FilesError("not_yours")
    return ref


async def remove(
    session: AsyncSession, file_ref_id: int, user_id: int, *, within: Home | None = None
) -> Home:
    """Take one file out of its pack or portfolio; returns where it was."""
    ref = await _owned(session, file_ref_id, user_id, within)
    home = home_of(ref)
    await session.delete(ref)
    await session.flush()
    await _renumber(session, home)
    return home


async def set_cover(
    session: AsyncSession, file_ref_id: int, user_id: int, *, within: Home | None = None
) -> Home:
    """Put one portfolio photo first: the cover that heads the album and the match list."""
    ref = await _owned(session, file_ref_id, user_id, within)
    if ref.purpose != FilePurpose.PORTFOLIO:
        raise FilesError("not_yours")
    home = home_of(ref)
    files = await files_of(session, home)
    ordered = [ref] + [f for f in files if f.id != ref.id]
    for position, item in enumerate(ordered):
        item.position = position
    await session.flush()
    return home


async def _renumber(session: AsyncSession, home: Home) -> None:
    for position, item in enumerate(await files_of(session, home)):
        item.position = position
    await session.flush()


def home_of(ref: FileRef) -> Home:
    return Home(ref.purpose, ref.owner_id, brief_id=ref.brief_id, atelier_id=ref.atelier_id)


async def _claim_drafts(
    session: AsyncSession, draft: Home, target: Home, claim: Callable[[FileRef], None]
) -> int:
    """Move the files kept in `draft` to the end of `target`'s list, `claim` naming their home."""
    drafts = await files_of(session, draft)
    if not drafts:
        return 0
    start = await count_of(session, target)
    for position, item in enumerate(drafts, start=start):
        claim(item)
        item.position = position
    await session.flush()
    return len(drafts)


async def _discard(session: AsyncSession, draft: Home) -> int:
    result = await session.execute(delete(FileRef).where(draft.where()))
    return int(getattr(result, "rowcount", 0))


async def attach_draft(session: AsyncSession, owner_id: int, brief: Brief) -> int:
    """The pack of a confirmed interview becomes the brief's (after what it already had)."""

    def claim(item: FileRef) -> None:
        item.brief_id = brief.id

    return await _claim_drafts(session, Home.draft(owner_id), Home.brief(brief), claim)


async def discard_draft(session: AsyncSession, owner_id: int) -> int:
    """Forget the pack of an interview that was started again or cancelled."""
    return await _discard(session, Home.draft(owner_id))


async def attach_portfolio_draft(session: AsyncSession, owner_id: int, atelier: Atelier) -> int:
    """The photos of a confirmed registration become the new atelier's portfolio."""

    def claim(item: FileRef) -> None:
        item.atelier_id = atelier.id

    return await _claim_drafts(
        session, Home.portfolio_draft(owner_id), Home.portfolio(atelier), claim
    )


async def discard_portfolio_draft(session: AsyncSession, owner_id: int) -> int:
    """Forget the photos of a registration that will not become an atelier of its own."""
    return await _discard(session, Home.portfolio_draft(owner_id))


async def erase_for(
    session: AsyncSession, *, user_id: int, brief_ids: Sequence[int], atelier_ids: Sequence[int]
) -> int:
    """/delete_me: every reference to the person's files goes (briefs, interview, ateliers)."""
    conditions: list[ColumnElement[bool]] = [FileRef.owner_id == user_id]
    if brief_ids:
        conditions.append(FileRef.brief_id.in_(list(brief_ids)))
    if atelier_ids:
        conditions.append(FileRef.atelier_id.in_(list(atelier_ids)))
    result = await session.execute(delete(FileRef).where(or_(*conditions)))
    return int(getattr(result, "rowcount", 0))


# --- what others may see --------------------------------------------------------------------------


async def pack_of(session: AsyncSession, brief_id: int) -> list[FileRef]:
    """A brief's pack, for the messages to the ateliers its designer asked (callers check)."""
    return await _in_order(
        session, FileRef.brief_id == brief_id, FileRef.purpose == FilePurpose.BRIEF
    )


async def portfolio_of(session: AsyncSession, atelier_id: int) -> list[FileRef]:
    return await _in_order(
        session, FileRef.atelier_id == atelier_id, FileRef.purpose == FilePurpose.PORTFOLIO
    )


async def portfolio_for_designer(
    session: AsyncSession, *, brief_id: int, atelier_ref: str, designer_id: int
) -> tuple[Atelier, list[FileRef]]:
    """The portfolio a designer may see from the matches of their own brief: a listed atelier's."""
    brief = await session.get(Brief, brief_id) if 0 < brief_id <= 2**31 - 1 else None
    if brief is None or brief.designer_id != designer_id:
        raise FilesError("not_yours")
    atelier = await session.scalar(select(Atelier).where(Atelier.ref == atelier_ref))
    if atelier is None or not atelier.listed or not atelier.verified:
        raise FilesError("gone")
    return atelier, await portfolio_of(session, atelier.id)


async def briefs_with_pack(session: AsyncSession, brief_ids: Sequence[int]) -> set[int]:
    """Which of these briefs have a pack (a digest says "available on request", nothing more)."""
    found: set[int] = set()
    ids = list(brief_ids)
    for start in range(0, len(ids), 500):
        rows = await session.scalars(
            select(FileRef.brief_id)
            .where(FileRef.brief_id.in_(ids[start : start + 500]))
            .distinct()
        )
        found |= {i for i in rows.all() if i is not None}
    return found


async def _covers(
    session: AsyncSession, key: InstrumentedAttribute[_Key], chosen: ColumnElement[bool]
) -> dict[_Key, FileRef]:
    """Each chosen atelier's cover photo (the first of its portfolio's photos), by `key`."""
    rows = await session.execute(
        select(key, FileRef)
        .join_from(FileRef, Atelier, FileRef.atelier_id == Atelier.id)
        .where(
            chosen,
            FileRef.purpose == FilePurpose.PORTFOLIO,
            FileRef.kind == FileKind.PHOTO,
        )
        .order_by(key, FileRef.position, FileRef.id)
    )
    found: dict[_Key, FileRef] = {}
    for value, file_ref in rows.all():
        found.setdefault(value, file_ref)
    return found


async def portfolio_refs(session: AsyncSession, refs: Sequence[str]) -> set[str]:
    """Which of these ateliers (by ref) have a portfolio: their match cards get "Photos"."""
    if not refs:
        return set()
    rows = await session.scalars(
        select(Atelier.ref)
        .join(FileRef, FileRef.atelier_id == Atelier.id)
        .where(Atelier.ref.in_(list(refs)), FileRef.purpose == FilePurpose.PORTFOLIO)
        .distinct()
    )
    return set(rows.all())


async def covers_by_ref(session: AsyncSession, refs: Sequence[str]) -> dict[str, FileRef]:
    """Each of these ateliers' cover photo (position 0) by ref: the "Photos" buttons of a match
    list go to those that have one, and the covers can head the list."""
    if not refs:
        return {}
    return await _covers(session, Atelier.ref, Atelier.ref.in_(list(refs)))


async def covers(session: AsyncSession, atelier_ids: Sequence[int]) -> dict[int, FileRef]:
    """Each atelier's cover photo (position 0), for the head of a match list."""
    if not atelier_ids:
        return {}
    return await _covers(session, Atelier.id, Atelier.id.in_(list(atelier_ids)))


# --- albums: many updates, one answer ---------------------------------------------------------


class AlbumReceived(outbox.Payload, kind="files_album"):
    """The one answer to an album, due once its last part has arrived: where its files went,
    how many were kept, and why the others were not (problem code -> count)."""

    purpose: str
    owner_id: int | None
    brief_id: int | None
    atelier_id: int | None
    where: str  # the step that asked: interview, registration, brief, portfolio
    limit: int = 10
    max_bytes: int = 20 * 1024 * 1024
    kept: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    dropped: int = 0  # captions dropped for carrying a contact

    @property
    def home(self) -> Home:
        return Home(self.purpose, self.owner_id, self.brief_id, self.atelier_id)


def _album_key(recipient_id: int, group: str) -> str:
    return f"files:album:{recipient_id}:{group}"[:120]


def _counted(answer: AlbumReceived, added: Added) -> AlbumReceived:
    problems = dict(answer.problems)
    if added.problem is not None:
        problems[added.problem] = problems.get(added.problem, 0) + 1
    return replace(
        answer,
        kept=answer.kept + (added.file is not None),
        problems=problems,
        dropped=answer.dropped + added.caption_dropped,
    )


async def note_album_part(
    session: AsyncSession,
    *,
    recipient_id: int,
    home: Home,
    where: str,
    group: str,
    added: Added,
    wait: timedelta,
    limits: Limits,
    now: datetime | None = None,
) -> None:
    """One file of an album was handled: the album's answer (a delivery, so a restart between
    its parts loses nothing) is due `wait` after its latest part, and counts this one."""
    now = now or utcnow()
    key = _album_key(recipient_id, group)
    pending = await session.scalar(
        select(Delivery).where(
            Delivery.dedupe_key.startswith(key, autoescape=True),
            Delivery.state == DeliveryState.PENDING,
            Delivery.recipient_id == recipient_id,
        )
    )
    if pending is not None:
        answer = _counted(AlbumReceived.decode(pending.payload), added)
        await session.execute(
            update(Delivery)
            .where(Delivery.id == pending.id)
            .values(payload=answer.encode(), due_at=now + wait)
            .execution_options(synchronize_session=False)
        )
        return
    answer = _counted(
        AlbumReceived(
            home.purpose,
            home.owner_id,
            home.brief_id,
            home.atelier_id,
            where,
            limit=limits.max_files,
            max_bytes=limits.max_bytes,
        ),
        added,
    )
    # A part arriving after the answer went out starts an answer of its own.
    answered = await session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.dedupe_key.startswith(key, autoescape=True))
    )
    await outbox.schedule(
        session,
        answer,
        recipient_id=recipient_id,
        dedupe_key=key if not answered else f"{key}:{answered}",
        due_at=now + wait,
    )
