"""Answers to the monthly capacity check: "Still correct" or "Update"."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.core.replies import close_press, on_button, press_of, say, undo_and_refuse
from bot.followups import service as followups
from bot.followups.buttons import CapacityCheck
from bot.followups.service import FollowupError
from bot.i18n import t
from bot.runtime import BotContext


async def capacity_pressed(update: Update, context: BotContext, button: CapacityCheck) -> None:
    """ "Still correct" confirms the atelier's capacity; "Update" points to /capacity."""
    _, lang, session, owner = await press_of(update, context)
    try:
        if button.answer == "ok":
            await followups.confirm_capacity(session, atelier_id=button.atelier_id, owner=owner)
        else:
            await followups.owned_atelier(session, button.atelier_id, owner)
    except FollowupError:
        await undo_and_refuse(update, context, "followups.not_yours")
        return
    await close_press(update)
    key = "followups.capacity_confirmed" if button.answer == "ok" else "followups.capacity_hint"
    await say(update, context, t(key, lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [on_button(CapacityCheck, capacity_pressed)]
