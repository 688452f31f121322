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
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.db.models import User
from bot.handlers.base import answer_stale, edit_or_say, lang_of
from bot.i18n import t
from bot.runtime import BotContext
from bot.scheduling.atelier_messages import (  # also registers the atelier side's renderers
    brief_lines,
    country_name,
    reason_buttons,
)
from bot.scheduling.jobs import kick
from bot.services import intro_views, intros, users

__all__ = ["brief_lines", "build_handlers", "country_name"]


# --- the atelier answers ------------------------------------------------------------------------


def _parse(data: str | None, parts: int) -> list[str] | None:
    pieces = (data or "").split(":")
    if len(pieces) != parts or not pieces[2].isdigit() or len(pieces[2]) > 12:
        return None
    return pieces


async def _refuse(update: Update, context: BotContext, code: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(t(f"intros.error_{code}", lang_of(context, update)), show_alert=True)


def _original_text(update: Update) -> str:
    query = update.callback_query
    message = query.message if query is not None else None
    text = getattr(message, "text", None)
    return text if isinstance(text, str) else ""


# Refusals (raised only to the atelier's owner) after which the request is closed for good.
CLOSED_CODES = frozenset({"withdrawn", "expired"})

OwnerAction = Callable[[Any, User, int, list[str]], Awaitable[object]]


async def _as_owner(
    update: Update, context: BotContext, parts_count: int, act: OwnerAction
) -> list[str] | None:
    """Run `act` as the person who pressed, in one transaction; None when it was refused."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parts = _parse(query.data, parts_count)
    if parts is None:
        await answer_stale(update, context)
        return None
    async with context.runtime.session() as session:
        owner = await users.ensure_user(session, update.effective_user.id)
        try:
            await act(session, owner, int(parts[2]), parts)
        except intros.IntroError as exc:
            await session.rollback()
            await _refuse(update, context, exc.code)
            if exc.code in CLOSED_CODES:
                # The request can no longer be answered: its buttons go, with the reason why.
                note = t(f"intros.{exc.code}_note", lang_of(context, update))
                await edit_or_say(update, context, _original_text(update) + "\n\n" + note)
            return None
        await session.commit()
    return parts


async def accept(update: Update, context: BotContext) -> None:
    async def act(session: Any, owner: User, intro_id: int, _parts: list[str]) -> object:
        return await intros.accept(session, intro_id=intro_id, owner=owner)

    if await _as_owner(update, context, 3, act) is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    kick(context.application)
    lang = lang_of(context, update)
    await edit_or_say(
        update, context, _original_text(update) + "\n\n" + t("intros.accepted_note", lang)
    )


async def decline(update: Update, context: BotContext) -> None:
    async def act(session: Any, owner: User, intro_id: int, _parts: list[str]) -> object:
        return await intros.decline(session, intro_id=intro_id, owner=owner)

    parts = await _as_owner(update, context, 3, act)
    if parts is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    kick(context.application)
    lang = lang_of(context, update)
    await edit_or_say(
        update,
        context,
        _original_text(update) + "\n\n" + t("intros.declined_note", lang),
        reason_buttons(int(parts[2]), lang),
    )


async def decline_reason(update: Update, context: BotContext) -> None:
    async def act(session: Any, owner: User, intro_id: int, parts: list[str]) -> object:
        return await intro_views.record_decline_reason(
            session, intro_id=intro_id, owner=owner, reason=parts[3]
        )

    parts = await _as_owner(update, context, 4, act)
    if parts is None:
        return
    assert update.callback_query is not None
    lang = lang_of(context, update)
    await update.callback_query.answer(t("intros.reason_thanks", lang))
    reason = t(f"intros.reason_{parts[3]}", lang)
    with contextlib.suppress(BadRequest):
        await edit_or_say(
            update,
            context,
            _original_text(update) + "\n" + t("intros.reason_noted", lang, reason=reason),
        )


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CallbackQueryHandler(accept, pattern=r"^intro:acc:"),
        CallbackQueryHandler(decline, pattern=r"^intro:dec:"),
        CallbackQueryHandler(decline_reason, pattern=r"^intro:why:"),
    ]
