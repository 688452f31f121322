"""Admin commands: /admin (pending verifications and claims, with Verify / Reject) and /stats
(numbers and a chart). Anyone else who tries them gets the ordinary help."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.admin import stats as stats_service
from bot.admin import verification
from bot.admin.buttons import Decide, claim_buttons, registration_buttons
from bot.ateliers.handlers import describe, values_of
from bot.core import handlers as common
from bot.core.replies import edit_or_say, lang_of, on_button, say, send_photo
from bot.i18n import t
from bot.runtime import BotContext

ACTIONS = {
    "ver": verification.verify,
    "rej": verification.reject,
    "cok": verification.approve_claim,
    "cno": verification.reject_claim,
}


def _is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and context.runtime.settings.is_admin(user.id)


async def admin(update: Update, context: BotContext) -> None:
    if not _is_admin(update, context):
        await common.help_command(update, context)
        return
    lang = lang_of(context, update)
    session = context.uow.session
    pending = await verification.pending_verifications(session)
    claims = await verification.pending_claims(session)
    new_items = [(a.id, a.ref, describe(values_of(a), lang)) for a in pending]
    claim_items = [
        (
            c.atelier.id,
            c.atelier.ref,
            c.atelier.name,
            c.claimant.display_name or "–",
            c.claimant.telegram_id,
        )
        for c in claims
    ]
    if not new_items and not claim_items:
        await say(update, context, t("admin.nothing_pending", lang))
        return
    await say(
        update,
        context,
        t("admin.pending_header", lang, ateliers=len(new_items), claims=len(claim_items)),
    )
    for atelier_id, ref, summary in new_items:
        await say(
            update,
            context,
            t("admin.pending_atelier", lang, ref=ref) + "\n\n" + summary,
            registration_buttons(atelier_id, lang),
        )
    for atelier_id, ref, name, claimant, telegram_id in claim_items:
        await say(
            update,
            context,
            t(
                "admin.pending_claim",
                lang,
                ref=ref,
                name=name,
                claimant=claimant,
                telegram_id=telegram_id or "–",
            ),
            claim_buttons(atelier_id, lang),
        )


async def decide(update: Update, context: BotContext, button: Decide) -> None:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    if not _is_admin(update, context):
        await query.answer(t("admin.only_admins", lang), show_alert=True)
        return
    session = context.uow.session
    try:
        atelier = await ACTIONS[button.action](session, button.atelier_id)
    except verification.ReviewError as exc:
        await query.answer(t(f"admin.error_{exc.code}", lang), show_alert=True)
        if exc.code == "withdrawn":
            await edit_or_say(update, context, t("admin.withdrawn", lang))
        return
    name, ref = atelier.name, atelier.ref
    await query.answer()
    context.uow.registry_changed()

    context.uow.deliveries_added()
    await edit_or_say(update, context, t(f"admin.done_{button.action}", lang, name=name, ref=ref))


def _duration(value: Any, lang: str) -> str:
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return t("admin.minutes", lang, minutes=max(1, round(hours * 60)))
    if hours < 48:
        return t("admin.hours", lang, hours=round(hours, 1))
    return t("admin.days", lang, days=round(hours / 24, 1))


def stats_text(numbers: stats_service.Stats, lang: str) -> str:
    def states(counts: dict[str, int], prefix: str) -> str:
        return ", ".join(f"{t(f'admin.{prefix}_{k}', lang)} {v}" for k, v in counts.items())

    rate = "–" if numbers.acceptance_rate is None else f"{numbers.acceptance_rate * 100:.0f} %"
    return t(
        "admin.stats",
        lang,
        designers=numbers.designers,
        live=numbers.ateliers_live,
        pending=numbers.ateliers_pending,
        paused=numbers.ateliers_paused,
        briefs=numbers.briefs,
        briefs_by_state=states(numbers.briefs_by_state, "brief"),
        intros=numbers.intros,
        intros_by_state=states(numbers.intros_by_state, "intro"),
        rate=rate,
        median=_duration(numbers.median_answer_time, lang),
    )


async def stats(update: Update, context: BotContext) -> None:
    if not _is_admin(update, context):
        await common.help_command(update, context)
        return
    lang = lang_of(context, update)
    session = context.uow.session
    numbers = await stats_service.collect(session)
    await say(update, context, stats_text(numbers, lang))
    chat = update.effective_chat
    if chat is None:
        return
    titles = (t("admin.chart_briefs", lang), t("admin.chart_intros", lang))
    # Rendering takes a moment (the first time, loading fonts); keep other chats flowing.
    chart = await asyncio.to_thread(stats_service.render_chart, numbers, titles=titles)
    await send_photo(update, context, chart, t("admin.chart_caption", lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("admin", admin),
        CommandHandler("stats", stats),
        on_button(Decide, decide),
    ]
