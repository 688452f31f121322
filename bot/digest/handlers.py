"""The weekly digest from the user's side: /digest on|off, an atelier's "Interested" on a digest
brief, and the designer's Accept / Decline of that interest.

Callback data carries ids only; services.digest checks ownership and state on every press.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.core.replies import close_press, lang_of, on_button, press_of, say, undo_and_refuse
from bot.digest import service as digest
from bot.digest.buttons import AnswerOffer, Interested
from bot.i18n import t
from bot.intros.service import IntroError
from bot.runtime import BotContext


async def digest_command(update: Update, context: BotContext) -> None:
    if update.effective_user is None:
        return
    lang = lang_of(context, update)
    wanted = (context.args or [""])[0].lower() if context.args else ""
    settings = context.runtime.settings
    session = context.uow.session
    user = await context.uow.user()
    if wanted in ("on", "off"):
        await digest.set_opt_in(session, user, wanted == "on")
    if wanted == "on":
        zone = user.timezone or settings.default_timezone
        await say(update, context, t("followups.digest_on", lang, zone=zone))
    elif wanted == "off":
        await say(update, context, t("followups.digest_off", lang))
    else:
        status = t("followups.status_on" if user.digest_opt_in else "followups.status_off", lang)
        await say(update, context, t("followups.digest_usage", lang, status=status))


async def interested(update: Update, context: BotContext, button: Interested) -> None:
    """An atelier's "Interested" on a brief of its digest."""
    query, lang, session, owner = await press_of(update, context)
    brief_id, atelier_id = button.brief_id, button.atelier_id
    try:
        intro = await digest.express_interest(
            session, owner=owner, brief_id=brief_id, atelier_id=atelier_id
        )
    except IntroError as exc:
        await undo_and_refuse(update, context, f"followups.error_{exc.code}")
        return
    atelier_name = intro.atelier.name
    await query.answer()
    await say(
        update, context, t("followups.interest_sent", lang, atelier=atelier_name, brief=brief_id)
    )
    context.uow.deliveries_added()


async def offer_answered(update: Update, context: BotContext, button: AnswerOffer) -> None:
    """Accept / Decline on the designer's offer message."""
    _, lang, session, designer = await press_of(update, context)
    accept = button.answer == "acc"
    try:
        await digest.answer_offer(
            session, intro_id=button.intro_id, designer=designer, accept=accept
        )
    except IntroError as exc:
        await undo_and_refuse(update, context, f"followups.error_{exc.code}")
        return
    await close_press(update)
    key = "followups.offer_accepted_reply" if accept else "followups.offer_declined_reply"
    await say(update, context, t(key, lang))
    context.uow.deliveries_added()


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("digest", digest_command),
        on_button(Interested, interested),
        on_button(AnswerOffer, offer_answered),
    ]
