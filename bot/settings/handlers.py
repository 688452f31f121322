"""/settings: the user's time zone (buttons for common European zones, or any IANA name typed)
and the weekly digest switch. The digest arrives on Mondays at 09:00 in this zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core.callbacks import ButtonData, choice
from bot.core.conversations import conversation, typed_step, typed_text
from bot.core.replies import answer_press, edit_or_say, lang_of, on_button, on_plain_button, say
from bot.db.models import User
from bot.digest import service as digest
from bot.i18n import t
from bot.runtime import BotContext

ASK_ZONE = "settings:ask_zone"
# What /settings invites people to type at any time: an IANA name such as Europe/London.
ZONE_NAME = re.compile(r"^\s*[A-Za-z]+(?:/[A-Za-z0-9_+\- ]+){1,2}\s*$")
COMMON_ZONES: tuple[str, ...] = (
    "Europe/Rome",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Athens",
    "Europe/Istanbul",
)


class ChooseZone(ButtonData, prefix="set:tz"):
    zone: str = choice(*COMMON_ZONES)


class OtherZone(ButtonData, prefix="set:other"): ...


class SwitchDigest(ButtonData, prefix="set:dg"):
    wanted: str = choice("on", "off")


def overview(
    user: User, lang: str, default_timezone: str
) -> tuple[str, list[list[tuple[str, str]]]]:
    name = user.timezone or default_timezone
    tz = digest.zone(name, default_timezone)
    now = datetime.now(UTC)
    next_line = ""
    if user.digest_opt_in:
        when = format_datetime(
            digest.next_digest_at(now, tz), "EEEE d MMMM, HH:mm", tzinfo=tz, locale=lang
        )
        next_line = t("settings.next_digest", lang, when=when)
    text = t(
        "settings.overview",
        lang,
        zone=name,
        local=format_datetime(now, "HH:mm", tzinfo=tz, locale=lang),
        digest=t("followups.status_on" if user.digest_opt_in else "followups.status_off", lang),
        next=next_line,
    )
    rows = [
        [
            (
                ("✓ " if z == name else "") + z.split("/")[-1].replace("_", " "),
                ChooseZone(z).encode(),
            )
            for z in pair
        ]
        for pair in (COMMON_ZONES[i : i + 2] for i in range(0, len(COMMON_ZONES), 2))
    ]
    rows.append([(t("settings.other_zone", lang), OtherZone().encode())])
    toggle = "off" if user.digest_opt_in else "on"
    rows.append([(t(f"settings.digest_button_{toggle}", lang), SwitchDigest(toggle).encode())])
    return text, rows


async def show(update: Update, context: BotContext) -> int:
    if update.effective_user is None:
        return ConversationHandler.END
    lang = lang_of(context, update)
    user = await context.uow.user()
    text, rows = overview(user, lang, context.runtime.settings.default_timezone)
    await say(update, context, text, rows)
    return ConversationHandler.END


async def _apply_zone(update: Update, context: BotContext, name: str) -> None:
    assert update.effective_user is not None
    lang = lang_of(context, update)
    settings = context.runtime.settings
    session = context.uow.session
    user = await context.uow.user()
    await digest.set_timezone(session, user, name, default_timezone=settings.default_timezone)
    await edit_or_say(update, context, t("settings.zone_set", lang, zone=name))


async def zone_pressed(update: Update, context: BotContext, button: ChooseZone) -> None:
    await answer_press(update)
    await _apply_zone(update, context, button.zone)


async def other_pressed(update: Update, context: BotContext) -> str:
    await answer_press(update)
    await edit_or_say(update, context, t("settings.ask_zone", lang_of(context, update)))
    return ASK_ZONE


async def zone_typed(update: Update, context: BotContext) -> str | int:
    typed = typed_text(update)
    name = digest.valid_timezone(typed)
    if name is None:
        await say(
            update,
            context,
            t("settings.zone_unknown", lang_of(context, update), text=typed.strip()[:64]),
        )
        return ASK_ZONE
    await _apply_zone(update, context, name)
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> str:
    await say(update, context, t("settings.ask_zone", lang_of(context, update)))
    return ASK_ZONE


async def cancel(update: Update, context: BotContext) -> int:
    await say(update, context, t("settings.cancelled", lang_of(context, update)))
    return ConversationHandler.END


async def digest_pressed(update: Update, context: BotContext, button: SwitchDigest) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    wanted = button.wanted
    await query.answer()
    lang = lang_of(context, update)
    settings = context.runtime.settings
    session = context.uow.session
    user = await context.uow.user()
    await digest.set_opt_in(session, user, wanted == "on")
    text, rows = overview(user, lang, settings.default_timezone)
    await edit_or_say(update, context, text, rows)


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    flow = conversation(
        "settings",
        entry_points=[on_plain_button(OtherZone, other_pressed)],
        states={ASK_ZONE: typed_step(zone_typed, not_text)},
        fallbacks=[CommandHandler("cancel", cancel), CommandHandler("settings", show)],
    )
    return [
        flow,
        CommandHandler("settings", show),
        on_button(ChooseZone, zone_pressed),
        # After the interview in the wiring: a zone typed mid-interview stays an answer.
        MessageHandler(filters.Regex(ZONE_NAME) & ~filters.COMMAND, zone_typed),
        on_button(SwitchDigest, digest_pressed),
    ]
