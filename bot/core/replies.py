"""What every handler uses: the user's language, replies, the one keyboard builder, and the
registration of a button kind with the handler that answers it."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.core import unit_of_work
from bot.core.callbacks import ButtonData
from bot.core.renderers import Media
from bot.db.models import User
from bot.i18n import DEFAULT_LANGUAGE, pick_language, t
from bot.runtime import BotContext

# (label, callback_data) rows
Buttons = Sequence[Sequence[tuple[str, str]]]
MAX_TEXT = 4000


def lang_of(context: BotContext, update: Update | None = None) -> str:
    data = context.user_data if context.user_data is not None else {}
    lang = data.get("lang")
    if isinstance(lang, str):
        return lang
    if update is not None and update.effective_user is not None:
        return pick_language(update.effective_user.language_code)
    return DEFAULT_LANGUAGE


def keyboard(rows: Buttons | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label[:64], callback_data=data) for label, data in row]
            for row in rows
            if row
        ]
    )


ALBUM_SIZE = 10  # Telegram's most items in one media group


def albums(media: Sequence[Media]) -> list[list[Media]]:
    """How files go out: photos in albums of up to ten, then documents likewise (Telegram
    keeps documents out of photo albums); a lone file is a message of its own."""
    groups: list[list[Media]] = []
    for kind in ("photo", "document"):
        items = [m for m in media if m.kind == kind]
        groups += [items[i : i + ALBUM_SIZE] for i in range(0, len(items), ALBUM_SIZE)]
    return groups


async def send_media(
    bot: Bot,
    chat_id: int,
    media: Sequence[Media],
    *,
    pace: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Send files by file_id: each album (or lone file) after `pace(messages)`, which is given
    the number of messages it counts as (an album counts as one per item)."""
    for group in albums(media):
        if pace is not None:
            await pace(len(group))
        if len(group) == 1:
            item = group[0]
            if item.kind == "photo":
                await bot.send_photo(chat_id, item.file_id, caption=item.caption)
            else:
                await bot.send_document(chat_id, item.file_id, caption=item.caption)
            continue
        await bot.send_media_group(
            chat_id,
            [
                InputMediaPhoto(m.file_id, caption=m.caption)
                if m.kind == "photo"
                else InputMediaDocument(m.file_id, caption=m.caption)
                for m in group
            ],
        )


def _after_commit(step: Callable[[], Awaitable[object]]) -> bool:
    """Replies wait for the update's commit: nobody reads "saved" about something that is not."""
    uow = unit_of_work.current()
    if uow is None or not uow.deferring:
        return False
    uow.then(step)
    return True


async def say(
    update: Update, context: BotContext, text: str, buttons: Buttons | None = None
) -> None:
    """Send a new message to the chat the update came from (once the update is committed)."""
    chat = update.effective_chat
    if chat is None:
        return
    markup = keyboard(buttons)

    async def send() -> None:
        await context.bot.send_message(chat.id, text[:MAX_TEXT], reply_markup=markup)

    if not _after_commit(send):
        await send()


async def send_photo(update: Update, context: BotContext, photo: bytes, caption: str) -> None:
    """Send a picture to the chat the update came from, in turn with the replies around it."""
    chat = update.effective_chat
    if chat is None:
        return

    async def send() -> None:
        await context.bot.send_photo(chat.id, photo, caption=caption)

    if not _after_commit(send):
        await send()


async def send_files(update: Update, context: BotContext, media: Sequence[Media]) -> None:
    """Send files (an album for photos) to the chat the update came from, after the commit."""
    chat = update.effective_chat
    if chat is None or not media:
        return

    async def send() -> None:
        await send_media(context.bot, chat.id, media)

    if not _after_commit(send):
        await send()


async def say_key(
    update: Update, context: BotContext, key: str, buttons: Buttons | None = None, **values: object
) -> None:
    await say(update, context, t(key, lang_of(context, update), **values), buttons)


async def edit_or_say(
    update: Update, context: BotContext, text: str, buttons: Buttons | None = None
) -> None:
    """Replace the message a button belongs to (so old buttons disappear), or send a new one;
    once the update is committed."""

    async def edit() -> None:
        query = update.callback_query
        if query is not None and query.message is not None:
            try:
                await query.edit_message_text(text[:MAX_TEXT], reply_markup=keyboard(buttons))
                return
            except BadRequest:
                pass
        await say(update, context, text, buttons)

    if not _after_commit(edit):
        await edit()


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove the keyboard from a message whose choice has been made."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)


class Press(NamedTuple):
    """What a button's handler starts from: the pressed button's query (to answer), the
    presser's language, the update's session and the presser."""

    query: CallbackQuery
    lang: str
    session: AsyncSession
    user: User


async def press_of(update: Update, context: BotContext) -> Press:
    query = update.callback_query
    assert query is not None  # on_button() registers a handler for button presses only
    return Press(query, lang_of(context, update), context.uow.session, await context.uow.user())


async def answer_press(update: Update) -> CallbackQuery:
    """Answer the pressed button (Telegram stops its spinner) and give its query."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    return query


async def close_press(update: Update) -> CallbackQuery:
    """Answer the pressed button and take the keyboard off its message: the choice is made."""
    query = await answer_press(update)
    await drop_buttons(query)
    return query


async def refuse(update: Update, context: BotContext, key: str, **values: object) -> None:
    """Say why a press or an answer changed nothing: in an alert on the pressed button (the
    message it belongs to stays as it was), or in a message when something was typed."""
    text = t(key, lang_of(context, update), **values)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await say(update, context, text)


async def undo_and_refuse(update: Update, context: BotContext, key: str, **values: object) -> None:
    """A refusal after this update may have written something (a service refuses part-way):
    undo all it wrote, then say why, as refuse() does."""
    await context.uow.discard()
    await refuse(update, context, key, **values)


async def answer_stale(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(t("common.stale_button", lang_of(context, update)), show_alert=True)


Kind = TypeVar("Kind", bound=ButtonData)
Answer = TypeVar("Answer")
Found = TypeVar("Found")


async def owned_or_stale(
    update: Update,
    context: BotContext,
    lookup: Awaitable[Found],
    not_theirs: type[Exception] | tuple[type[Exception], ...],
) -> Found | None:
    """What a pressed button names, looked up as the presser's: when `lookup` refuses with
    `not_theirs` (gone, or someone else's), the button is answered as no longer active and
    None is given; the message it belongs to stays as it was."""
    try:
        return await lookup
    except not_theirs:
        await answer_stale(update, context)
        return None


def on_button(
    kind: type[Kind],
    callback: Callable[[Update, BotContext, Kind], Awaitable[Answer]],
    *,
    malformed: Callable[[Update, BotContext], Awaitable[Answer]] | None = None,
) -> CallbackQueryHandler[BotContext, Answer]:
    """A handler for one kind of button: it takes only data that decodes to that kind, and hands
    the decoded button to the callback. Anything else falls through to the stale-button answer,
    unless `malformed` is given: then data under this kind's prefix that does not decode (a
    forged value) goes there, for a question that would rather ask again."""

    async def answer(update: Update, context: BotContext) -> Answer:
        query = update.callback_query
        assert query is not None
        button = kind.decode(query.data)
        if button is None:
            assert malformed is not None  # the pattern lets only this kind through otherwise
            await query.answer()
            return await malformed(update, context)
        return await callback(update, context, button)

    answer.__name__ = answer.__qualname__ = getattr(callback, "__name__", kind.__name__)
    pattern = kind.matches if malformed is None else kind.claims
    return CallbackQueryHandler(answer, pattern=pattern)


def on_plain_button(
    kind: type[Kind], callback: Callable[[Update, BotContext], Awaitable[Answer]]
) -> CallbackQueryHandler[BotContext, Answer]:
    """For a button that carries nothing but its kind (the callback needs no decoded data)."""

    async def answer(update: Update, context: BotContext, _button: Kind) -> Answer:
        return await callback(update, context)

    answer.__name__ = getattr(callback, "__name__", kind.__name__)
    return on_button(kind, answer)


def button_kind(handler: Any) -> type[ButtonData] | None:
    """The kind of button a handler was registered for (tests list every kind the bot answers)."""
    pattern = getattr(handler, "pattern", None)
    owner = getattr(pattern, "__self__", None)
    return owner if isinstance(owner, type) and issubclass(owner, ButtonData) else None
