"""Files over Telegram: what a message carried, keeping it in a pack or portfolio (an album's
parts each in their own update, answered once), and the buttons that change or show files.

The steps that ask for files (the interview's pack, the registration's portfolio, /briefs and
/profile) call `receive()`; the outcome is said by them, or, for an album, by its one answer
from the outbox once its last part is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot.db.models import FilePurpose
from bot.files import service as files
from bot.runtime import BotContext

# Kinds of message Telegram has, besides text, in the order a message is looked at.
_OTHER_KINDS = ("sticker", "voice", "video", "video_note", "audio", "animation")


@dataclass(frozen=True, slots=True)
class Received:
    incoming: files.Incoming
    added: files.Added
    in_album: bool


def incoming_of(message: Message) -> files.Incoming:
    """What a message carried, as the files use cases read it."""
    caption = message.caption
    group = message.media_group_id
    if message.photo:
        size = message.photo[-1]  # the largest
        return files.Incoming(
            "photo", size.file_id, size.file_unique_id, None, "image/jpeg", size.file_size,
            caption, group,
        )  # fmt: skip
    if message.document is not None:
        doc = message.document
        return files.Incoming(
            "document", doc.file_id, doc.file_unique_id, doc.file_name, doc.mime_type,
            doc.file_size, caption, group,
        )  # fmt: skip
    for kind in _OTHER_KINDS:
        found: Any = getattr(message, kind, None)
        if found is not None:
            # Never kept, but the size is what a "60 MB video" message is about.
            return files.Incoming(
                kind, found.file_id, found.file_unique_id, None, None,
                getattr(found, "file_size", None), caption, group,
            )  # fmt: skip
    return files.Incoming("other", caption=caption, media_group_id=group)


def limits(context: BotContext, purpose: str) -> files.Limits:
    settings = context.runtime.settings
    most = (
        settings.files_max_portfolio
        if purpose == FilePurpose.PORTFOLIO
        else settings.files_max_per_brief
    )
    return files.Limits(most, settings.files_max_bytes)


async def receive(
    update: Update, context: BotContext, home: files.Home, *, where: str
) -> Received | None:
    """Keep the file of this message in `home`, or learn why not. An album's part is counted
    into the album's one answer, due shortly after its last part (a delivery: durable)."""
    message = update.effective_message
    if message is None:
        return None
    incoming = incoming_of(message)
    session = context.uow.session
    user = await context.uow.user()
    bounds = limits(context, home.purpose)
    added = await files.add(session, home, incoming, bounds, uploader_id=user.id)
    if incoming.media_group_id is None:
        return Received(incoming, added, in_album=False)
    wait = context.runtime.settings.files_album_wait_seconds
    await files.note_album_part(
        session,
        recipient_id=user.id,
        home=home,
        where=where,
        group=incoming.media_group_id,
        added=added,
        wait=timedelta(seconds=wait),
        limits=bounds,
    )
    from bot.scheduling.jobs import kick

    application = context.application
    context.uow.after_commit("album_answer", lambda: kick(application, after=wait + 0.05))
    return Received(incoming, added, in_album=True)


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return []
