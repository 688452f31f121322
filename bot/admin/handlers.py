"""Admin commands: /admin (pending verifications and claims, with Verify / Reject) and /stats
(numbers and a chart). Anyone else who tries them gets the ordinary help."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.admin import stats as stats_service
from bot.admin import verification
from bot.admin.buttons import (
    Decide,
    KeepPending,
    Refuse,
    UndoRefusal,
    claim_buttons,
    decision_buttons,
    reason_buttons,
    registration_buttons,
    undo_buttons,
)
from bot.ateliers.handlers import describe, values_of
from bot.core import handlers as common
from bot.core.replies import edit_or_say, lang_of, on_button, say, send_photo
from bot.i18n import t
from bot.orders import stats as order_stats
from bot.orders.rendering import order_stats_text
from bot.runtime import BotContext

# Approvals act at once; a rejection first asks why (reason buttons), then can be undone.
APPROVALS = {"ver": verification.verify, "cok": verification.approve_claim}
REJECTIONS = {"rej": verification.reject, "cno": verification.reject_claim}


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
        t(
            "admin.pending_header",
            lang,
            ateliers=t("admin.pending_ateliers", lang, count=len(new_items)),
            claims=t("admin.pending_claims", lang, count=len(claim_items)),
        ),
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


async def _admin_only(update: Update, context: BotContext) -> bool:
    query = update.callback_query
    assert query is not None
    if _is_admin(update, context):
        return True
    await query.answer(t("admin.only_admins", lang_of(context, update)), show_alert=True)
    return False


async def _refused(update: Update, context: BotContext, exc: verification.ReviewError) -> None:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    await query.answer(t(f"admin.error_{exc.code}", lang), show_alert=True)
    if exc.code == "withdrawn":
        await edit_or_say(update, context, t("admin.withdrawn", lang))


async def decide(update: Update, context: BotContext, button: Decide) -> None:
    query = update.callback_query
    assert query is not None
    if not await _admin_only(update, context):
        return
    lang = lang_of(context, update)
    session = context.uow.session
    if button.action in REJECTIONS:
        # Nothing changes yet: the reason comes first, and "Back" leaves it pending.
        try:
            atelier = await verification.still_open(
                session, button.atelier_id, claim=button.action == "cno"
            )
        except verification.ReviewError as exc:
            await _refused(update, context, exc)
            return
        await query.answer()
        await edit_or_say(
            update,
            context,
            t("admin.ask_reason", lang, name=atelier.name, ref=atelier.ref),
            reason_buttons(button.action, atelier.id, lang),
        )
        return
    try:
        atelier = await APPROVALS[button.action](session, button.atelier_id)
    except verification.ReviewError as exc:
        await _refused(update, context, exc)
        return
    await query.answer()
    context.uow.registry_changed()
    context.uow.deliveries_added()
    await edit_or_say(
        update, context, t(f"admin.done_{button.action}", lang, name=atelier.name, ref=atelier.ref)
    )


async def refuse(update: Update, context: BotContext, button: Refuse) -> None:
    query = update.callback_query
    assert query is not None
    if not await _admin_only(update, context):
        return
    lang = lang_of(context, update)
    session = context.uow.session
    before = await verification.decision_for(session, button.atelier_id)
    claimant_id = (before.claimed_by_id or 0) if before is not None else 0
    try:
        atelier = await REJECTIONS[button.action](session, button.atelier_id, button.reason)
    except verification.ReviewError as exc:
        await _refused(update, context, exc)
        return
    await query.answer()
    context.uow.registry_changed()
    context.uow.deliveries_added()
    text = t(f"admin.done_{button.action}", lang, name=atelier.name, ref=atelier.ref)
    text += "\n" + t("admin.reason_given", lang, reason=t(f"admin.reason_{button.reason}", lang))
    await edit_or_say(
        update, context, text, undo_buttons(button.action, atelier.id, claimant_id, lang)
    )


async def keep_pending(update: Update, context: BotContext, button: KeepPending) -> None:
    query = update.callback_query
    assert query is not None
    if not await _admin_only(update, context):
        return
    lang = lang_of(context, update)
    atelier = await verification.decision_for(context.uow.session, button.atelier_id)
    await query.answer()
    if atelier is None:
        await edit_or_say(update, context, t("admin.error_not_found", lang))
        return
    await edit_or_say(
        update,
        context,
        t("admin.still_pending", lang, name=atelier.name, ref=atelier.ref),
        decision_buttons(button.action, atelier.id, lang),
    )


async def undo(update: Update, context: BotContext, button: UndoRefusal) -> None:
    query = update.callback_query
    assert query is not None
    if not await _admin_only(update, context):
        return
    lang = lang_of(context, update)
    session = context.uow.session
    try:
        if button.action == "rej":
            atelier = await verification.undo_rejection(session, button.atelier_id)
        else:
            atelier = await verification.undo_claim_rejection(
                session, button.atelier_id, button.claimant_id
            )
    except verification.ReviewError as exc:
        await _refused(update, context, exc)
        return
    await query.answer()
    context.uow.registry_changed()
    context.uow.deliveries_added()
    await edit_or_say(
        update,
        context,
        t("admin.undone", lang, name=atelier.name, ref=atelier.ref),
        decision_buttons(button.action, atelier.id, lang),
    )


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
        median=stats_service.duration_text(numbers.median_answer_time, lang),
    )


async def stats(update: Update, context: BotContext) -> None:
    if not _is_admin(update, context):
        await common.help_command(update, context)
        return
    lang = lang_of(context, update)
    session = context.uow.session
    numbers = await stats_service.collect(session)
    order_numbers = await order_stats.collect(session)
    await say(
        update, context, stats_text(numbers, lang) + "\n\n" + order_stats_text(order_numbers, lang)
    )
    chat = update.effective_chat
    if chat is None:
        return
    titles = (t("admin.chart_briefs", lang), t("admin.chart_intros", lang))
    orders_panel = (
        t("orders.chart_title", lang),
        {t(f"orders.state_short_{k}", lang): v for k, v in order_numbers.orders_by_state.items()},
    )
    # Rendering takes a moment (the first time, loading fonts); keep other chats flowing.
    chart = await asyncio.to_thread(
        stats_service.render_chart, numbers, titles=titles, orders=orders_panel
    )
    await send_photo(update, context, chart, t("admin.chart_caption", lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("admin", admin),
        CommandHandler("stats", stats),
        on_button(Decide, decide),
        on_button(Refuse, refuse),
        on_button(KeepPending, keep_pending),
        on_button(UndoRefusal, undo),
    ]
