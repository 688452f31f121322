"""A designer's briefs after the interview: ranked matches (headed by the covers of the
ateliers that have photos, each card with a "Photos" button), picking ateliers, introductions,
and `/briefs` to pause, resume or close them.

Callback data names objects by id only; ownership and state are checked against the database
on every press, so a forged or stale button can never act on someone else's brief.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from babel.dates import format_date
from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CommandHandler

import matching
from bot.briefs import service as brief_service
from bot.briefs.buttons import (
    MAX_OFFSET,
    BriefAction,
    EditBrief,
    MoreMatches,
    PauseBrief,
    PickAtelier,
    RequestPicked,
    ShowPortfolio,
    photos_button,
)
from bot.briefs.rendering import product_label, quantity_text
from bot.core.pauses import PAUSE_WEEKS
from bot.core.renderers import Media
from bot.core.replies import (
    Buttons,
    answer_stale,
    drop_buttons,
    keyboard,
    lang_of,
    on_button,
    owned_or_stale,
    press_of,
    say,
    send_files,
)
from bot.db.base import utcnow
from bot.db.models import Brief, FileRef
from bot.files import rendering as files_rendering
from bot.files import service as files
from bot.i18n import t
from bot.intros import service as intro_service
from bot.intros.buttons import RequestIntro
from bot.orders import service as order_service
from bot.quotes import service as quote_service
from bot.quotes.buttons import ShowQuotes
from bot.runtime import BotContext

PAGE = 5
NEAR_MISSES = 3
TITLE_LIMIT = 80
UNCHECKED, CHECKED = "☐", "☑"


def _picks(context: BotContext, brief_id: int) -> list[str]:
    assert context.user_data is not None
    picks: dict[str, list[str]] = context.user_data.setdefault("picks", {})
    return picks.setdefault(str(brief_id), [])


def _place(atelier: matching.AtelierProfile) -> str:
    return ", ".join(part for part in (atelier.city, atelier.country) if part)


def _card(rank: int, match: matching.Match, lang: str) -> str:
    return t(
        "briefs.match_line",
        lang,
        rank=rank,
        name=match.name,
        place=_place(match.atelier),
        score=round(match.score),
        reasons=" · ".join(match.reasons),
    )


def _near_block(misses: tuple[matching.NearMiss, ...], lang: str) -> str:
    return "\n".join(
        [t("briefs.near_header", lang)]
        + [
            t("briefs.near_line", lang, name=n.name, failures=", ".join(n.failures))
            for n in misses[:NEAR_MISSES]
        ]
    )


def render_matches(
    result: matching.MatchResult,
    product: str,
    lang: str,
    *,
    offset: int,
    with_near_misses: bool,
    asked: int = 0,
) -> str:
    """One page of matches: the ones that fit, the near misses that make the product, then
    the weaker ones (another trade, a low score) under their own label; what the matcher did
    not understand and how it ranked, and how many ateliers were already asked."""
    title = product_label(product, None, lang, limit=TITLE_LIMIT)
    page = list(enumerate(result.matches[offset:], start=offset + 1))
    strong = [(rank, m) for rank, m in page if not m.weak]
    weak = [(rank, m) for rank, m in page if m.weak]
    if strong or offset:
        lines = [t("briefs.matches_header", lang, product=title)]
    else:
        lines = [t("briefs.no_strong_header", lang, product=title)]
    if offset == 0:
        lines += [t("briefs.note_line", lang, note=note) for note in result.notes]
    lines += [_card(rank, m, lang) for rank, m in strong]
    if with_near_misses and result.near_misses:
        lines.append(_near_block(result.near_misses, lang))
    if weak:
        lines.append(
            "\n\n".join([t("briefs.weak_header", lang)] + [_card(r, m, lang) for r, m in weak])
        )
    if asked and offset == 0:
        lines.append(t("briefs.already_requested", lang, count=asked))
    lines.append(t("briefs.pick_hint", lang))
    return "\n\n".join(lines)


def _match_buttons(
    brief_id: int,
    shown: list[tuple[int, str, str]],
    picks: list[str],
    lang: str,
    *,
    more_from: int | None,
    with_photos: Collection[str] = (),
) -> Buttons:
    rows: list[list[tuple[str, str]]] = []
    for rank, ref, name in shown:
        pick = PickAtelier(brief_id, ref)
        if not pick.fits():
            continue
        row = [(f"{CHECKED if ref in picks else UNCHECKED} {rank}. {name}", pick.encode())]
        if ref in with_photos:
            row += photos_button(brief_id, ref, t("files.photos_button", lang))
        rows.append(row)
    rows.append(
        [(t("briefs.request_button", lang, count=len(picks)), RequestPicked(brief_id).encode())]
    )
    extra = [(t("briefs.edit_button", lang), EditBrief(brief_id).encode())]
    if more_from is not None:
        extra.insert(0, (t("briefs.more_button", lang), MoreMatches(brief_id, more_from).encode()))
    rows.append(extra)
    return rows


async def show_matches(
    update: Update, context: BotContext, brief_id: int, *, offset: int = 0
) -> None:
    """Send the brief's best matches (one page), with buttons to pick ateliers."""
    lang = lang_of(context, update)
    assert update.effective_user is not None and update.effective_chat is not None
    session = context.uow.session
    user = await context.uow.user()
    brief = await brief_service.owned_brief(session, brief_id, user)
    asked = await brief_service.asked_refs(session, brief_id)
    query = brief_service.query_for(brief)
    product = brief.product_text
    index = await context.runtime.match_index.get()
    result = index.match(
        query, top=offset + PAGE, lang=lang, exclude=asked, near_misses=NEAR_MISSES
    )
    page = result.matches[offset:]
    if not page:
        if offset:
            text = t("briefs.no_more", lang)
        elif asked:
            # Every atelier that fits has been asked already: say so, not "nobody fits".
            text = t("briefs.already_requested", lang, count=len(asked))
        else:
            text = t("briefs.no_matches", lang)
        if offset == 0:
            notes = [t("briefs.note_line", lang, note=note) for note in result.notes]
            text = "\n\n".join([text, *notes])
            if result.near_misses:
                text += "\n\n" + _near_block(result.near_misses, lang)
        await say(
            update, context, text, [[(t("briefs.edit_button", lang), EditBrief(brief_id).encode())]]
        )
        return
    shown = [(rank, m.ref, m.name) for rank, m in enumerate(page, start=offset + 1)]
    more_from = offset + PAGE if len(result.matches) == offset + PAGE else None
    picks = [p for p in _picks(context, brief_id) if p not in asked]
    refs = [m.ref for m in page]
    with_photos = await files.portfolio_refs(session, refs)
    # The covers head the list, each captioned with its card's number and name.
    await send_files(
        update, context, _covers(shown, await files.covers_by_ref(session, refs), lang)
    )
    await say(
        update,
        context,
        render_matches(
            result,
            product,
            lang,
            offset=offset,
            with_near_misses=offset == 0,
            asked=len(asked),
        ),
        _match_buttons(brief_id, shown, picks, lang, more_from=more_from, with_photos=with_photos),
    )


def _covers(
    shown: Sequence[tuple[int, str, str]], covers: dict[str, FileRef], lang: str
) -> list[Media]:
    return [
        Media(cover.kind, cover.file_id, t("files.cover_caption", lang, rank=rank, name=name))
        for rank, ref, name in shown
        if (cover := covers.get(ref)) is not None
    ]


async def _is_match(context: BotContext, brief: Brief, ref: str, lang: str) -> bool:
    """Whether the atelier is one the brief's matches show (a near miss too: the next match
    after a decline may be one), or one already asked."""
    session = context.uow.session
    asked = await brief_service.asked_refs(session, brief.id)
    if ref in asked:
        return True
    index = await context.runtime.match_index.get()
    result = index.match(
        brief_service.query_for(brief),
        top=MAX_OFFSET + PAGE,
        lang=lang,
        exclude=asked,
        near_misses=NEAR_MISSES,
    )
    shown = [m.ref for m in result.matches] + [n.ref for n in result.near_misses]
    return ref in shown


async def show_portfolio(update: Update, context: BotContext, button: ShowPortfolio) -> None:
    """ "Photos" on a match card: the atelier's portfolio as an album (the same Telegram files
    its owner sent), only for the designer of the brief and an atelier its matches show."""
    query, lang, session, user = await press_of(update, context)
    try:
        brief = await brief_service.owned_brief(session, button.brief_id, user)
        if not await _is_match(context, brief, button.ref, lang):
            raise files.FilesError("gone")
        atelier, refs = await files.portfolio_for_designer(
            session, brief_id=brief.id, atelier_ref=button.ref, designer_id=user.id
        )
    except (brief_service.BriefError, files.FilesError):
        await answer_stale(update, context)
        return
    media = files_rendering.media_of(refs)
    if not media:
        await query.answer(t("files.portfolio_gone", lang), show_alert=True)
        return
    await query.answer()
    # The atelier's name under the album: on its first photo (photos go out first).
    first = next((n for n, m in enumerate(media) if m.kind == "photo"), 0)
    heading = t("files.portfolio_caption", lang, name=atelier.name)
    own = media[first].caption
    media[first] = replace(
        media[first], caption=(f"{heading}\n{own}" if own else heading)[: files.MAX_CAPTION]
    )
    await send_files(update, context, media)


async def _owned(update: Update, context: BotContext, brief_id: int) -> bool:
    """Whether the brief a button names is the presser's (if not, the button is stale)."""
    user = await context.uow.user()
    lookup = brief_service.owned_brief(context.uow.session, brief_id, user)
    return await owned_or_stale(update, context, lookup, brief_service.BriefError) is not None


async def toggle_pick(update: Update, context: BotContext, button: PickAtelier) -> None:
    query = update.callback_query
    assert query is not None
    if not await _owned(update, context, button.brief_id):
        return
    brief_id, ref = button.brief_id, button.ref
    lang = lang_of(context, update)
    picks = _picks(context, brief_id)
    if ref in picks:
        picks.remove(ref)
    elif len(picks) >= intro_service.MAX_PER_REQUEST:
        await query.answer(t("briefs.picked_too_many", lang), show_alert=True)
        return
    else:
        picks.append(ref)
    await query.answer()
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    if markup is None:
        return
    rows: list[list[tuple[str, str]]] = []
    for row in markup.inline_keyboard:
        new_row = []
        for shown in row:
            data = str(shown.callback_data or "")
            label = shown.text
            pick = PickAtelier.decode(data)
            if pick is not None and pick.brief_id == brief_id:
                label = (CHECKED if pick.ref in picks else UNCHECKED) + label[1:]
            elif data == RequestPicked(brief_id).encode():
                label = t("briefs.request_button", lang, count=len(picks))
            new_row.append((label, data))
        rows.append(new_row)
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(keyboard(rows))


async def _request(update: Update, context: BotContext, brief_id: int, refs: list[str]) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = lang_of(context, update)
    if not refs:
        await query.answer(t("briefs.pick_first", lang), show_alert=True)
        return
    session = context.uow.session
    user = await context.uow.user()
    try:
        outcome = await intro_service.request_for_brief(
            session, brief_id=brief_id, requester=user, atelier_refs=refs
        )
    except intro_service.IntroError as exc:
        await query.answer(t(f"briefs.{exc.code}", lang), show_alert=True)
        return
    await query.answer()
    picks = _picks(context, brief_id)
    picks.clear()
    lines = []
    if outcome.created:
        names = ", ".join(outcome.names[r] for r in refs if r not in dict(outcome.skipped))
        lines.append(t("briefs.requested", lang, names=names))
        context.uow.deliveries_added()
    lines += [
        t(f"briefs.skipped_{reason}", lang, name=outcome.names.get(ref, ref))
        for ref, reason in outcome.skipped
    ]
    await drop_buttons(query)
    await say(update, context, "\n".join(lines))


async def request_picked(update: Update, context: BotContext, button: RequestPicked) -> None:
    if not await _owned(update, context, button.id):
        return
    await _request(update, context, button.id, list(_picks(context, button.id)))


async def request_one(update: Update, context: BotContext, button: RequestIntro) -> None:
    """ "Request intro" on a single offered atelier (e.g. the next match after a decline)."""
    if not await _owned(update, context, button.brief_id):
        return
    await _request(update, context, button.brief_id, [button.ref])


async def show_more(update: Update, context: BotContext, button: MoreMatches) -> None:
    query = update.callback_query
    assert query is not None
    if not await _owned(update, context, button.brief_id):
        return
    await query.answer()
    await show_matches(update, context, button.brief_id, offset=min(button.offset, MAX_OFFSET))


# --- /briefs -----------------------------------------------------------------------------------


async def list_briefs(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    lang = lang_of(context, update)
    session = context.uow.session
    user = await context.uow.user()
    overview = await brief_service.overview(session, user)
    if not overview:
        await say(update, context, t("briefs.list_empty", lang))
        return
    lines = [t("briefs.list_header", lang)]
    buttons: list[list[tuple[str, str]]] = []
    for item in overview:
        brief = item.brief
        lines.append(
            t(
                "briefs.list_item",
                lang,
                id=brief.id,
                product=product_label(brief.product_text, brief.category, lang, limit=60),
                quantity=quantity_text(brief, lang),
                state=t(f"briefs.state.{brief.state}", lang),
            )
        )
        lines += [
            t("briefs.list_intro", lang, name=name, state=t(f"briefs.state.{intro.state}", lang))
            for intro, name in item.intros
        ]
        lines += [
            t(
                "orders.brief_line",
                lang,
                id=order.id,
                state=t(f"orders.state_{order.state}", lang),
            )
            for order in await order_service.for_brief(session, brief.id)
        ]
        quoted = await quote_service.count_for_brief(session, brief.id)
        if quoted:
            buttons.append(
                [
                    (
                        t("quotes.compare_count_button", lang, id=brief.id, count=quoted),
                        ShowQuotes(brief.id).encode(),
                    )
                ]
            )
        row = []
        if brief.state in ("open", "matched"):
            row += [
                (
                    t("briefs.show_button", lang, id=brief.id),
                    BriefAction("show", brief.id).encode(),
                ),
                (
                    t("briefs.pause_button", lang, id=brief.id),
                    BriefAction("pause", brief.id).encode(),
                ),
            ]
        if brief.state == "paused":
            row.append(
                (
                    t("briefs.resume_button", lang, id=brief.id),
                    BriefAction("resume", brief.id).encode(),
                )
            )
        if brief.state != "closed":
            row.append(
                (
                    t("briefs.close_button", lang, id=brief.id),
                    BriefAction("close", brief.id).encode(),
                )
            )
        elif brief.designer_id is not None:
            row.append(
                (
                    t("briefs.reopen_button", lang, id=brief.id),
                    BriefAction("reopen", brief.id).encode(),
                )
            )
        if row:
            buttons.append(row)
    await say(update, context, "\n".join(lines), buttons)


async def brief_action(update: Update, context: BotContext, button: BriefAction) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    action, brief_id = button.action, button.brief_id
    lang = lang_of(context, update)
    if action == "show":
        if not await _owned(update, context, brief_id):
            return
        await query.answer()
        await show_matches(update, context, brief_id)
        return
    if action in ("pause", "close", "keep"):
        # Asked first: how long a pause lasts; whether to close it really.
        if not await _owned(update, context, brief_id):
            return
        await query.answer()
        if action == "pause":
            await say(
                update,
                context,
                t("briefs.pause_how_long", lang, id=brief_id),
                _pause_buttons(brief_id, lang),
            )
        elif action == "close":
            await say(
                update,
                context,
                t("briefs.close_confirm", lang, id=brief_id),
                [
                    [
                        (t("briefs.close_yes", lang), BriefAction("closeok", brief_id).encode()),
                        (t("briefs.close_keep", lang), BriefAction("keep", brief_id).encode()),
                    ]
                ],
            )
        else:
            await say(update, context, t("briefs.close_kept", lang, id=brief_id))
        return
    changed = await _change(update, context, brief_id, "close" if action == "closeok" else action)
    if not changed:
        return
    if action == "closeok":
        await say(
            update,
            context,
            t("briefs.closed", lang, id=brief_id),
            [
                [
                    (
                        t("briefs.reopen_button", lang, id=brief_id),
                        BriefAction("reopen", brief_id).encode(),
                    )
                ]
            ],
        )
        return
    done = {"resume": "briefs.resumed", "reopen": "briefs.reopened"}[action]
    await say(update, context, t(done, lang, id=brief_id))


def _pause_buttons(brief_id: int, lang: str) -> list[list[tuple[str, str]]]:
    weeks = [
        (t("briefs.pause_weeks", lang, weeks=n), PauseBrief(brief_id, n).encode())
        for n in PAUSE_WEEKS
    ]
    return [weeks, [(t("briefs.pause_until_resumed", lang), PauseBrief(brief_id, 0).encode())]]


async def _change(
    update: Update, context: BotContext, brief_id: int, action: str, *, pause_weeks: int = 0
) -> bool:
    query, _, session, user = await press_of(update, context)
    try:
        await brief_service.change_state(session, brief_id, user, action, pause_weeks=pause_weeks)
    except brief_service.BriefError as exc:
        if exc.code == "not_yours":
            await answer_stale(update, context)
        else:
            await query.answer(t("briefs.state_not_now", lang_of(context, update)), show_alert=True)
        return False
    await query.answer()
    return True


async def pause_pressed(update: Update, context: BotContext, button: PauseBrief) -> None:
    if not await _change(update, context, button.brief_id, "pause", pause_weeks=button.weeks):
        return
    lang = lang_of(context, update)
    if button.weeks:
        until = format_date((utcnow() + timedelta(weeks=button.weeks)).date(), "long", locale=lang)
        await say(update, context, t("briefs.paused_for", lang, id=button.brief_id, until=until))
    else:
        await say(update, context, t("briefs.paused", lang, id=button.brief_id))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        on_button(PickAtelier, toggle_pick),
        on_button(ShowPortfolio, show_portfolio),
        on_button(RequestPicked, request_picked),
        on_button(MoreMatches, show_more),
        on_button(RequestIntro, request_one),
        on_button(BriefAction, brief_action),
        on_button(PauseBrief, pause_pressed),
        CommandHandler("briefs", list_briefs),
    ]
