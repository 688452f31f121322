"""Small helpers every handler module uses: the user's language, replies, keyboards."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

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


async def say(
    update: Update, context: BotContext, text: str, buttons: Buttons | None = None
) -> Message | None:
    """Send a new message to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(chat.id, text[:MAX_TEXT], reply_markup=keyboard(buttons))


async def say_key(
    update: Update, context: BotContext, key: str, buttons: Buttons | None = None, **values: object
) -> Message | None:
    return await say(update, context, t(key, lang_of(context, update), **values), buttons)


async def edit_or_say(
    update: Update, context: BotContext, text: str, buttons: Buttons | None = None
) -> None:
    """Replace the message a button belongs to (so old buttons disappear), or send a new one."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text[:MAX_TEXT], reply_markup=keyboard(buttons))
            return
        except BadRequest:
            pass
    await say(update, context, text, buttons)


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove the keyboard from a message whose choice has been made."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)


async def answer_stale(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(t("common.stale_button", lang_of(context, update)), show_alert=True)
