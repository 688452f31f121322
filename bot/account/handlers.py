"""/delete_me: after a confirmation, erase the person's data and forget their conversations."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.account import privacy
from bot.core.callbacks import ButtonData, choice
from bot.core.replies import edit_or_say, lang_of, on_button, say
from bot.i18n import t
from bot.persistence import DatabasePersistence
from bot.runtime import BotContext


class ConfirmDeletion(ButtonData, prefix="account:delete"):
    answer: str = choice("yes", "no")


async def delete_me(update: Update, context: BotContext) -> None:
    lang = lang_of(context, update)
    await say(
        update,
        context,
        t("account.delete_confirm", lang),
        [
            [
                (t("account.delete_yes", lang), ConfirmDeletion("yes").encode()),
                (t("account.delete_no", lang), ConfirmDeletion("no").encode()),
            ]
        ],
    )


def _end_conversations(context: BotContext, telegram_id: int) -> None:
    """Drop this person's place in every running conversation (the stored copies are deleted
    by the persistence). PTB offers no public call for ending someone else's conversation."""
    for handlers in context.application.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler):
                conversations = handler._conversations
                for key in [k for k in conversations if telegram_id in k]:
                    del conversations[key]


async def delete_answered(update: Update, context: BotContext, button: ConfirmDeletion) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = lang_of(context, update)
    if button.answer == "no":
        await query.answer()
        await edit_or_say(update, context, t("account.delete_kept", lang))
        return
    telegram_id = update.effective_user.id
    session = context.uow.session
    await privacy.erase_user(session, telegram_id)
    context.uow.registry_changed()
    _end_conversations(context, telegram_id)
    if context.user_data is not None:
        context.user_data.clear()
    persistence = context.application.persistence
    if isinstance(persistence, DatabasePersistence):
        # Its own transaction, after the erasure is committed (SQLite has one writer at a time).
        context.uow.after_commit("forget_user", lambda: persistence.forget_user(telegram_id))
    await query.answer()
    await edit_or_say(update, context, t("account.deleted", lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler(["delete_me", "deleteme"], delete_me),
        on_button(ConfirmDeletion, delete_answered),
    ]
