"""Introduction requests on the atelier's side: the request message with Accept / Decline, the
optional decline reason, and the messages both sides get afterwards.

Callback data carries only ids; who may act is decided by services.intros from the database
(only the atelier's owner, only while the request is open), so forged or repeated taps are
answered with a polite alert and change nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler

from bot.core.replies import Buttons, edit_or_say, lang_of, on_button, press_of, undo_and_refuse
from bot.db.models import User
from bot.i18n import t
from bot.intros import service as intros
from bot.intros import views as intro_views
from bot.intros.buttons import AcceptIntro, DeclineIntro, DeclineReason, reason_buttons
from bot.quotes.buttons import start_quote_row
from bot.runtime import BotContext

# --- the atelier answers ------------------------------------------------------------------------


def _original_text(update: Update) -> str:
    query = update.callback_query
    message = query.message if query is not None else None
    text = getattr(message, "text", None)
    return text if isinstance(text, str) else ""


# Refusals (raised only to the atelier's owner) after which the request is closed for good.
CLOSED_CODES = frozenset({"withdrawn", "expired"})

OwnerAction = Callable[[Any, User], Awaitable[object]]


async def _as_owner(update: Update, context: BotContext, act: OwnerAction) -> bool:
    """Run `act` as the person who pressed, in one transaction; False when it was refused."""
    _, lang, session, owner = await press_of(update, context)
    try:
        await act(session, owner)
    except intros.IntroError as exc:
        await undo_and_refuse(update, context, f"intros.error_{exc.code}")
        if exc.code in CLOSED_CODES:
            # The request can no longer be answered: its buttons go, with the reason why.
            note = t(f"intros.{exc.code}_note", lang)
            await edit_or_say(update, context, _original_text(update) + "\n\n" + note)
        return False
    return True


async def _answered(
    update: Update, context: BotContext, act: OwnerAction, note: str, buttons: Buttons
) -> None:
    """Accept or Decline taken: the request stays on screen with `note` and what may follow."""
    if not await _as_owner(update, context, act):
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    context.uow.deliveries_added()
    text = _original_text(update) + "\n\n" + t(note, lang_of(context, update))
    await edit_or_say(update, context, text, buttons)


async def accept(update: Update, context: BotContext, button: AcceptIntro) -> None:
    async def act(session: Any, owner: User) -> object:
        return await intros.accept(session, intro_id=button.id, owner=owner)

    quote = [start_quote_row(button.id, lang_of(context, update))]
    await _answered(update, context, act, "intros.accepted_note", quote)


async def decline(update: Update, context: BotContext, button: DeclineIntro) -> None:
    async def act(session: Any, owner: User) -> object:
        return await intros.decline(session, intro_id=button.id, owner=owner)

    reasons = reason_buttons(button.id, lang_of(context, update))
    await _answered(update, context, act, "intros.declined_note", reasons)


async def decline_reason(update: Update, context: BotContext, button: DeclineReason) -> None:
    async def act(session: Any, owner: User) -> object:
        return await intro_views.record_decline_reason(
            session, intro_id=button.intro_id, owner=owner, reason=button.reason
        )

    if not await _as_owner(update, context, act):
        return
    assert update.callback_query is not None
    lang = lang_of(context, update)
    await update.callback_query.answer(t("intros.reason_thanks", lang))
    reason = t(f"intros.reason_{button.reason}", lang)
    with contextlib.suppress(BadRequest):
        await edit_or_say(
            update,
            context,
            _original_text(update) + "\n" + t("intros.reason_noted", lang, reason=reason),
        )


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        on_button(AcceptIntro, accept),
        on_button(DeclineIntro, decline),
        on_button(DeclineReason, decline_reason),
    ]
