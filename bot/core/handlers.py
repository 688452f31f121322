"""Start, help, language, privacy and the safety nets: unknown input, stale buttons, errors."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import users
from bot.core.callbacks import ButtonData, choice
from bot.core.replies import MAX_TEXT, answer_stale, edit_or_say, lang_of, on_button, say, say_key
from bot.core.roles import StartInterview, StartRegistration
from bot.db.models import Role
from bot.i18n import LANGUAGES, t
from bot.runtime import BotContext

log = logging.getLogger(__name__)

# A flow's "put the open question in front of the person again"; False when it has none open.
Reask = Callable[[Update, BotContext], Awaitable[bool]]


@dataclass(frozen=True)
class OpenQuestion:
    """How a flow re-asks its open question: after a change of language, and (if it wants to)
    after an unknown command. bot/app.py registers one per flow, the first to answer wins."""

    after_language: Reask
    after_unknown_command: Reask | None = None


class ChooseLanguage(ButtonData, prefix="lang"):
    language: str = choice(*LANGUAGES)


async def remember_user(update: Update, context: BotContext) -> None:
    """Runs before every handler: make sure the person exists and we know their language.

    Bottega talks in private chats only: an interview or a match list in a group would show a
    designer's brief (and later contacts) to everyone there. A command or button in a group gets
    a pointer to the private chat; anything else there is left alone, and nothing further runs.
    """
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _private_only(update, context)
        raise ApplicationHandlerStop
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot or context.user_data is None:
        return
    if context.user_data.get("uid") and context.user_data.get("lang"):
        return
    user = await context.uow.user()
    context.user_data["uid"] = user.id
    context.user_data["lang"] = user.language


async def _private_only(update: Update, context: BotContext) -> None:
    text = t("common.private_only", lang_of(context, update))
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
        return
    message = update.message
    if message is not None and message.text and message.text.startswith("/"):
        await say(update, context, text)


def role_buttons(lang: str) -> list[list[tuple[str, str]]]:
    return [
        [(t("common.role_designer", lang), StartInterview().encode())],
        [(t("common.role_atelier", lang), StartRegistration().encode())],
    ]


async def start(update: Update, context: BotContext) -> None:
    lang = lang_of(context, update)
    name = html.unescape((update.effective_user.first_name if update.effective_user else "") or "")
    user = await context.uow.user()
    if user.role in (Role.DESIGNER, Role.ATELIER):
        # Someone who has been here before: where they were, not the first introduction.
        await say(update, context, t(f"common.welcome_back_{user.role}", lang, name=name))
        return
    await say(update, context, t("common.welcome", lang, name=name), role_buttons(lang))


async def help_command(update: Update, context: BotContext) -> None:
    lang = lang_of(context, update)
    text = t("common.help", lang) + "\n" + t("common.help_atelier", lang)
    if update.effective_user and context.runtime.settings.is_admin(update.effective_user.id):
        text += "\n" + t("common.help_admin", lang)
    await say(update, context, text)


async def language(update: Update, context: BotContext) -> None:
    await say_key(
        update,
        context,
        "common.choose_language",
        [[("English", ChooseLanguage("en").encode()), ("Italiano", ChooseLanguage("it").encode())]],
    )


def _language_chosen(
    questions: Sequence[OpenQuestion],
) -> Callable[[Update, BotContext, ChooseLanguage], Awaitable[None]]:
    async def language_chosen(update: Update, context: BotContext, button: ChooseLanguage) -> None:
        await set_language(update, context, button)
        # The question waiting for an answer, now in the chosen language.
        for question in questions:
            if await question.after_language(update, context):
                return

    return language_chosen


async def set_language(update: Update, context: BotContext, button: ChooseLanguage) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    chosen = button.language
    await query.answer()
    session = context.uow.session
    user = await context.uow.user()
    await users.set_language(session, user, chosen)
    if context.user_data is not None:
        context.user_data["lang"] = chosen
    await edit_or_say(update, context, t("common.language_set", chosen))


async def privacy(update: Update, context: BotContext) -> None:
    await say_key(update, context, "common.privacy")


async def cancel_idle(update: Update, context: BotContext) -> None:
    await say_key(update, context, "common.nothing_to_cancel")


def _not_understood(
    questions: Sequence[OpenQuestion],
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def not_understood(update: Update, context: BotContext) -> None:
        message = update.effective_message
        if message is not None and message.text and len(message.text) > MAX_TEXT:
            await say_key(
                update, context, "common.too_long", length=len(message.text), limit=MAX_TEXT
            )
            return
        for question in questions:
            if question.after_unknown_command is not None and await question.after_unknown_command(
                update, context
            ):
                return
        await say_key(update, context, "common.not_understood")

    return not_understood


async def stale_button(update: Update, context: BotContext) -> None:
    await answer_stale(update, context)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the person; one user's bad update never stops the bot."""
    error = context.error
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        session = context.uow.session
        await users.mark_unreachable(session, update.effective_user.id)
        return
    log.error("update failed", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await context.bot.send_message(
                update.effective_chat.id, t("common.error", lang_of(context, update))
            )
        except Exception:  # the chat may be gone; nothing more to do for this update
            log.warning("could not report the failure to the user", exc_info=True)


def bot_commands(lang: str) -> list[BotCommand]:
    names = [
        "start",
        "brief",
        "briefs",
        "orders",
        "register",
        "profile",
        "capacity",
        "language",
        "settings",
        "privacy",
        "delete_me",
        "help",
        "cancel",
    ]
    return [BotCommand(name, t(f"common.commands_{name}", lang)) for name in names]


def build_early_handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """Group -1: runs before every conversation."""
    return [TypeHandler(Update, remember_user)]


def build_handlers(
    questions: Sequence[OpenQuestion] = (),
) -> list[BaseHandler[Update, BotContext, object]]:
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("language", language),
        on_button(ChooseLanguage, _language_chosen(questions)),
        CommandHandler("privacy", privacy),
        CommandHandler("cancel", cancel_idle),
    ]


def build_fallback_handlers(
    questions: Sequence[OpenQuestion] = (),
) -> list[BaseHandler[Update, BotContext, object]]:
    """Last group: whatever nothing else took gets a polite answer, never silence."""
    return [
        CallbackQueryHandler(stale_button),
        MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, _not_understood(questions)),
    ]
