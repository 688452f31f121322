""" "How did it go?": 1–5 stars on an accepted introduction, then an optional note."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ConversationHandler,
)

from bot.core.conversations import conversation, typed_step, typed_text
from bot.core.replies import close_press, lang_of, on_button, press_of, say, undo_and_refuse
from bot.feedback.buttons import Stars
from bot.followups import service as followups
from bot.followups.service import FollowupError
from bot.i18n import t
from bot.runtime import BotContext

NOTE = "feedback:note"
NOTE_TIMEOUT_SECONDS = 15 * 60
_FEEDBACK_ID = "feedback_id"


def _data(context: BotContext) -> dict[Any, Any]:
    assert context.user_data is not None
    return context.user_data


async def stars_pressed(update: Update, context: BotContext, button: Stars) -> str | int:
    _, lang, session, user = await press_of(update, context)
    try:
        feedback = await followups.record_feedback(
            session, intro_id=button.intro_id, user=user, stars=button.stars
        )
    except FollowupError:
        await undo_and_refuse(update, context, "followups.feedback_not_yours")
        return ConversationHandler.END
    context.uow.registry_changed()  # the atelier's rating changed
    await close_press(update)
    _data(context)[_FEEDBACK_ID] = feedback.id
    await say(update, context, t("followups.stars_thanks", lang, stars=feedback.stars))
    return NOTE


async def note_typed(update: Update, context: BotContext) -> str | int:
    assert update.effective_user is not None
    lang = lang_of(context, update)
    text = typed_text(update)
    feedback_id = _data(context).get(_FEEDBACK_ID)
    if not isinstance(feedback_id, int):
        return ConversationHandler.END
    session = context.uow.session
    user = await context.uow.user()
    try:
        await followups.add_note(session, feedback_id=feedback_id, user=user, note=text)
    except FollowupError as exc:
        await context.uow.discard()
        if exc.code == "note_too_long":
            await say(
                update,
                context,
                t(
                    "followups.note_too_long",
                    lang,
                    length=len(text),
                    limit=followups.MAX_NOTE,
                ),
            )
            return NOTE
        await say(update, context, t("followups.note_text_only", lang))
        return NOTE
    _data(context).pop(_FEEDBACK_ID, None)
    await say(update, context, t("followups.note_saved", lang))
    return ConversationHandler.END


async def skip(update: Update, context: BotContext) -> int:
    _data(context).pop(_FEEDBACK_ID, None)
    await say(update, context, t("followups.note_skipped", lang_of(context, update)))
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> str:
    await say(update, context, t("followups.note_text_only", lang_of(context, update)))
    return NOTE


async def timed_out(update: Update, context: BotContext) -> None:
    _data(context).pop(_FEEDBACK_ID, None)


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    flow = conversation(
        "feedback",
        entry_points=[on_button(Stars, stars_pressed)],
        states={NOTE: [*typed_step(note_typed, not_text), CommandHandler("skip", skip)]},
        fallbacks=[CommandHandler(["cancel", "skip"], skip)],
        timeout=NOTE_TIMEOUT_SECONDS,
        on_timeout=timed_out,
    )
    return [flow]
