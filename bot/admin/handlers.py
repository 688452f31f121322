"""Admin commands: /admin (pending verifications and claims, with Verify / Reject) and /stats
(numbers and a chart). Anyone else who tries them gets the ordinary help."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

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
from bot.core.callbacks import ButtonData
from bot.core.replies import Buttons, edit_or_say, lang_of, on_button, refuse, say, send_photo
from bot.db.models import Atelier
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


def _admin_command(
    callback: Callable[[Update, BotContext], Awaitable[None]],
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """An administrator's command: anyone else gets the ordinary help, as for any unknown one."""

    async def checked(update: Update, context: BotContext) -> None:
        if _is_admin(update, context):
            await callback(update, context)
        else:
            await common.help_command(update, context)

    checked.__name__ = callback.__name__
    return checked


async def admin(update: Update, context: BotContext) -> None:
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


Kind = TypeVar("Kind", bound=ButtonData)
AdminButton = Callable[[Update, BotContext, Kind], Awaitable[None]]


def _admins_only(callback: AdminButton[Kind]) -> AdminButton[Kind]:
    """An administrator's button: anyone else who presses one is told it is not theirs."""

    async def checked(update: Update, context: BotContext, button: Kind) -> None:
        if _is_admin(update, context):
            await callback(update, context, button)
        else:
            await refuse(update, context, "admin.only_admins")

    checked.__name__ = callback.__name__
    return checked


async def _refused(update: Update, context: BotContext, exc: verification.ReviewError) -> None:
    await refuse(update, context, f"admin.error_{exc.code}")
    if exc.code == "withdrawn":
        await edit_or_say(update, context, t("admin.withdrawn", lang_of(context, update)))


async def _decided(
    update: Update, context: BotContext, decision: Awaitable[Atelier]
) -> Atelier | None:
    """Make an administrator's decision; one that cannot be made (decided already, withdrawn)
    is answered with why, and gives None."""
    try:
        atelier = await decision
    except verification.ReviewError as exc:
        await _refused(update, context, exc)
        return None
    assert update.callback_query is not None
    await update.callback_query.answer()
    context.uow.registry_changed()
    context.uow.deliveries_added()
    return atelier


async def _show(
    update: Update, context: BotContext, key: str, atelier: Atelier, buttons: Buttons | None = None
) -> None:
    """The decision's message, now saying what became of the atelier (and what may follow)."""
    text = t(key, lang_of(context, update), name=atelier.name, ref=atelier.ref)
    await edit_or_say(update, context, text, buttons)


async def decide(update: Update, context: BotContext, button: Decide) -> None:
    session = context.uow.session
    if button.action in APPROVALS:
        approval = APPROVALS[button.action](session, button.atelier_id)
        approved = await _decided(update, context, approval)
        if approved is not None:
            await _show(update, context, f"admin.done_{button.action}", approved)
        return
    # Nothing changes yet: the reason comes first, and "Back" leaves it pending.
    try:
        atelier = await verification.still_open(
            session, button.atelier_id, claim=button.action == "cno"
        )
    except verification.ReviewError as exc:
        await _refused(update, context, exc)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    buttons = reason_buttons(button.action, atelier.id, lang_of(context, update))
    await _show(update, context, "admin.ask_reason", atelier, buttons)


async def refuse_pressed(update: Update, context: BotContext, button: Refuse) -> None:
    lang = lang_of(context, update)
    session = context.uow.session
    before = await verification.decision_for(session, button.atelier_id)
    claimant_id = (before.claimed_by_id or 0) if before is not None else 0
    rejection = REJECTIONS[button.action](session, button.atelier_id, button.reason)
    atelier = await _decided(update, context, rejection)
    if atelier is None:
        return
    text = t(f"admin.done_{button.action}", lang, name=atelier.name, ref=atelier.ref)
    text += "\n" + t("admin.reason_given", lang, reason=t(f"admin.reason_{button.reason}", lang))
    await edit_or_say(
        update, context, text, undo_buttons(button.action, atelier.id, claimant_id, lang)
    )


async def keep_pending(update: Update, context: BotContext, button: KeepPending) -> None:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    atelier = await verification.decision_for(context.uow.session, button.atelier_id)
    await query.answer()
    if atelier is None:
        await edit_or_say(update, context, t("admin.error_not_found", lang))
        return
    buttons = decision_buttons(button.action, atelier.id, lang)
    await _show(update, context, "admin.still_pending", atelier, buttons)


async def undo(update: Update, context: BotContext, button: UndoRefusal) -> None:
    session = context.uow.session
    undoing = (
        verification.undo_rejection(session, button.atelier_id)
        if button.action == "rej"
        else verification.undo_claim_rejection(session, button.atelier_id, button.claimant_id)
    )
    atelier = await _decided(update, context, undoing)
    if atelier is not None:
        buttons = decision_buttons(button.action, atelier.id, lang_of(context, update))
        await _show(update, context, "admin.undone", atelier, buttons)


def stats_text(numbers: stats_service.Stats, lang: str) -> str:
    def states(counts: dict[str, int], prefix: str) -> str:
        return ", ".join(f"{t(f'admin.{prefix}_{k}', lang)} {v}" for k, v in counts.items())

    rate = stats_service.percent(numbers.acceptance_rate)
    return (
        t(
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
        + "\n"
        + stats_service.files_text(numbers, lang)
    )


async def stats(update: Update, context: BotContext) -> None:
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
        CommandHandler("admin", _admin_command(admin)),
        CommandHandler("stats", _admin_command(stats)),
        on_button(Decide, _admins_only(decide)),
        on_button(Refuse, _admins_only(refuse_pressed)),
        on_button(KeepPending, _admins_only(keep_pending)),
        on_button(UndoRefusal, _admins_only(undo)),
    ]
