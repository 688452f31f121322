"""Quotes in the chat: the atelier writes one (one question at a time, quick buttons where they
fit, every answer editable before sending, re-quotable), and the designer compares them side by
side (a message and a picture) with Shortlist / Accept / Decline on each.

Callback data carries ids only; services decide who may act, so a forged, stale or repeated
tap is answered politely and changes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.briefs import service as brief_service
from bot.briefs.rendering import product_label
from bot.core.conversations import conversation, typed_step, typed_text
from bot.core.replies import (
    Buttons,
    answer_stale,
    close_press,
    edit_or_say,
    lang_of,
    on_button,
    owned_or_stale,
    press_of,
    refuse,
    say,
    send_photo,
    undo_and_refuse,
)
from bot.db.base import utcnow
from bot.db.models import QuoteState
from bot.i18n import has, t
from bot.intros.service import IntroError
from bot.orders import service as orders
from bot.orders.rendering import order_message
from bot.quotes import answers
from bot.quotes import rendering as quote_rendering
from bot.quotes import service as quotes
from bot.quotes.buttons import (
    STEPS,
    DeclineQuoteReason,
    EditStep,
    QuickAnswer,
    QuoteDecision,
    SendQuote,
    ShowQuotes,
    StartQuote,
    decision_row,
    decline_reason_buttons,
    quick_buttons,
    review_buttons,
    split_buttons,
    start_quote_row,
)
from bot.quotes.service import QuoteError
from bot.runtime import BotContext

ANSWER = "quote:answer"
REVIEW = "quote:review"
TIMEOUT_SECONDS = 24 * 60 * 60
_KEY = "quote"


def _draft_state(context: BotContext) -> dict[str, Any] | None:
    assert context.user_data is not None
    state = context.user_data.get(_KEY)
    return state if isinstance(state, dict) else None


def _ctx(state: dict[str, Any], lang: str) -> answers.Context:
    return answers.Context(
        lang=lang,
        currency=str(state["currency"]),
        quantity=int(state["quantity"]),
        today=utcnow().date(),
    )


def _question(step: str, state: dict[str, Any], lang: str) -> str:
    number = STEPS.index(step) + 1
    values = {
        "currency": state["currency"],
        "quantity": state["quantity"],
        "day": quote_rendering.day(answers.default_validity(_ctx(state, lang)), lang),
        "total": len(STEPS),
        "n": number,
    }
    return t(f"quotes.ask_{step}", lang, **values)


async def _ask(update: Update, context: BotContext, state: dict[str, Any]) -> str:
    lang = lang_of(context, update)
    step = str(state["step"])
    await say(update, context, _question(step, state, lang), quick_buttons(step, lang))
    return ANSWER


async def _review(update: Update, context: BotContext, state: dict[str, Any]) -> str:
    lang = lang_of(context, update)
    draft = quotes.draft_from_data(state["answers"])
    if draft is None:  # an answer went missing (should not happen): ask from the first one
        state["step"] = STEPS[0]
        return await _ask(update, context, state)
    lines = quote_rendering.draft_lines(draft, state["currency"], int(state["quantity"]), lang)
    text = "\n".join([t("quotes.review_title", lang, product=state["product"]), "", *lines])
    await say(update, context, text, review_buttons(int(state["intro_id"]), lang))
    return REVIEW


async def start(update: Update, context: BotContext, button: StartQuote) -> str | int:
    """ "Quote" on a request (accepting it first), after an accept, or to re-quote."""
    query, lang, session, owner = await press_of(update, context)
    try:
        brief, previous, accepted = await quotes.begin(session, intro_id=button.id, owner=owner)
        if accepted:
            context.uow.deliveries_added()
    except (QuoteError, IntroError) as exc:
        await undo_and_refuse(update, context, f"quotes.error_{exc.code}")
        return ConversationHandler.END
    await query.answer()
    state: dict[str, Any] = {
        "intro_id": button.id,
        "currency": quotes.currency_of(brief),
        "quantity": brief.quantity or 1,
        "product": product_label(brief.product_text, brief.category, lang),
        "step": STEPS[0],
        "answers": {},
        "editing": False,
    }
    assert context.user_data is not None
    context.user_data[_KEY] = state
    if previous is not None:
        # A re-quote starts from the last version: change what differs, then send.
        state["answers"] = quotes.draft_to_data(quote_rendering.draft_of(previous))
        today = utcnow().date()
        if previous.valid_until <= today:
            state["answers"]["valid_until"] = answers.default_validity(
                _ctx(state, lang)
            ).isoformat()
        await say(update, context, t("quotes.requote_intro", lang, version=previous.version + 1))
        return await _review(update, context, state)
    await say(update, context, t("quotes.intro", lang, product=state["product"]))
    return await _ask(update, context, state)


async def _take(update: Update, context: BotContext, value: Any) -> str:
    state = _draft_state(context)
    assert state is not None
    step = str(state["step"])
    state["answers"][answers.FIELDS[step]] = value
    if state.get("editing"):
        state["editing"] = False
        return await _review(update, context, state)
    following = STEPS.index(step) + 1
    if following >= len(STEPS):
        return await _review(update, context, state)
    state["step"] = STEPS[following]
    return await _ask(update, context, state)


async def typed(update: Update, context: BotContext) -> str | int:
    state = _draft_state(context)
    if state is None:
        return ConversationHandler.END
    lang = lang_of(context, update)
    step = str(state["step"])
    if step == "moq_per":
        await say(update, context, t("quotes.pick_a_button", lang), quick_buttons(step, lang))
        return ANSWER
    value = answers.READERS[step](typed_text(update), _ctx(state, lang))
    if isinstance(value, answers.Problem):
        key = f"quotes.err_{value.code}"
        message = t(
            key if has(key) else "quotes.err_generic",
            lang,
            detail=value.detail,
            currency=state["currency"],
        )
        await say(update, context, message, quick_buttons(step, lang))
        return ANSWER
    return await _take(update, context, value)


async def quick(update: Update, context: BotContext, button: QuickAnswer) -> str | int:
    state = _draft_state(context)
    if state is None or button.step != state["step"]:
        await answer_stale(update, context)
        return ANSWER if state is not None else ConversationHandler.END
    await close_press(update)
    lang = lang_of(context, update)
    ctx = _ctx(state, lang)
    if button.value in ("style", "colour", "size"):
        return await _take(update, context, button.value)
    if button.value == "skip":
        return await _take(update, context, [] if button.step in ("tiers", "extras") else None)
    if button.value == "default":
        return await _take(update, context, answers.default_validity(ctx).isoformat())
    value = answers.READERS[button.step](button.value, ctx)
    if isinstance(value, answers.Problem):
        return await _ask(update, context, state)
    return await _take(update, context, value)


async def edit(update: Update, context: BotContext, button: EditStep) -> str | int:
    state = _draft_state(context)
    if state is None:
        await answer_stale(update, context)
        return ConversationHandler.END
    await close_press(update)
    state["step"] = button.step
    state["editing"] = True
    return await _ask(update, context, state)


async def send(update: Update, context: BotContext, button: SendQuote) -> str | int:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    state = _draft_state(context)
    if state is None or int(state["intro_id"]) != button.id:
        await answer_stale(update, context)
        return ConversationHandler.END if state is None else REVIEW
    draft = quotes.draft_from_data(state["answers"])
    if draft is None:
        await query.answer()
        state["step"] = STEPS[0]
        return await _ask(update, context, state)
    session = context.uow.session
    owner = await context.uow.user()
    try:
        quote = await quotes.send(session, intro_id=button.id, owner=owner, draft=draft)
    except QuoteError as exc:
        await undo_and_refuse(update, context, f"quotes.error_{exc.code}")
        if exc.code in ("validity_past", "validity_far"):
            state["step"], state["editing"] = "valid_until", True
            return await _ask(update, context, state)
        if exc.code in ("withdrawn", "already_decided", "not_your_atelier", "not_found"):
            assert context.user_data is not None
            context.user_data.pop(_KEY, None)
            return ConversationHandler.END
        return REVIEW
    await close_press(update)
    context.uow.deliveries_added()
    assert context.user_data is not None
    context.user_data.pop(_KEY, None)
    await say(
        update,
        context,
        t("quotes.sent", lang, version=quote.version),
        [start_quote_row(button.id, lang, again=True)],
    )
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> str:
    await say(update, context, t("quotes.text_only", lang_of(context, update)))
    state = _draft_state(context)
    return REVIEW if state is not None and state.get("step") == "review" else ANSWER


async def cancel(update: Update, context: BotContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(_KEY, None)
    await say(update, context, t("quotes.cancelled", lang_of(context, update)))
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    assert context.user_data is not None
    context.user_data.pop(_KEY, None)


# --- the designer's comparison -------------------------------------------------------------------


async def show_quotes(update: Update, context: BotContext, button: ShowQuotes) -> None:
    query, lang, session, user = await press_of(update, context)
    lookup = brief_service.owned_brief(session, button.id, user)
    brief = await owned_or_stale(update, context, lookup, brief_service.BriefError)
    if brief is None:
        return
    await query.answer()
    today = utcnow().date()
    columns = await quote_rendering.comparison(session, brief, today)
    product = product_label(brief.product_text, brief.category, lang)
    if not columns:
        await say(update, context, t("quotes.none_yet", lang, product=product))
        return
    text = quote_rendering.comparison_text(columns, product, lang, today)
    picture = quote_rendering.comparison_picture(columns, lang, today)
    rows = [
        decision_row(c.quote.id, n, c.quote.shortlisted, lang)
        for n, c in enumerate(columns, start=1)
        if c.quote.state == QuoteState.OPEN
    ]
    await send_photo(update, context, picture, t("quotes.picture_caption", lang, product=product))
    await say(update, context, text, rows)


async def _refresh_comparison(update: Update, context: BotContext, brief_id: int) -> None:
    lang = lang_of(context, update)
    session = context.uow.session
    user = await context.uow.user()
    brief = await brief_service.owned_brief(session, brief_id, user)
    today = utcnow().date()
    columns = await quote_rendering.comparison(session, brief, today)
    product = product_label(brief.product_text, brief.category, lang)
    rows = [
        decision_row(c.quote.id, n, c.quote.shortlisted, lang)
        for n, c in enumerate(columns, start=1)
        if c.quote.state == QuoteState.OPEN
    ]
    await edit_or_say(
        update, context, quote_rendering.comparison_text(columns, product, lang, today), rows
    )


async def _follow_up(update: Update, context: BotContext, key: str, buttons: Buttons) -> None:
    """A decision that needs one more answer first: the question, with its buttons."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await say(update, context, t(key, lang_of(context, update)), buttons)


async def decide(update: Update, context: BotContext, button: QuoteDecision) -> None:
    query, lang, session, user = await press_of(update, context)
    try:
        if button.action == "shortlist":
            quote = await quotes.toggle_shortlist(session, quote_id=button.quote_id, designer=user)
            await query.answer(
                t("quotes.shortlisted" if quote.shortlisted else "quotes.unshortlisted", lang)
            )
            await _refresh_comparison(update, context, quote.brief_id)
            return
        if button.action == "decline":
            quote, _brief = await quotes.owned_quote(session, button.quote_id, user)
            if quote.state != QuoteState.OPEN:
                raise QuoteError("already_decided")
            reasons = decline_reason_buttons(quote.id, lang)
            await _follow_up(update, context, "quotes.why_decline", reasons)
            return
        order = await quotes.accept(
            session, quote_id=button.quote_id, designer=user, split=button.action == "split"
        )
    except QuoteError as exc:
        await context.uow.discard()
        if exc.code == "needs_split":
            splits = split_buttons(button.quote_id, lang)
            await _follow_up(update, context, "quotes.split_question", splits)
            return
        await refuse(update, context, f"quotes.error_{exc.code}")
        return
    await close_press(update)
    context.uow.deliveries_added()
    found = await orders.parties(session, order.id)
    assert found is not None
    outgoing = order_message(found, user, lang)
    await say(
        update,
        context,
        t("quotes.accepted", lang, atelier=found.atelier.name) + "\n\n" + outgoing.text,
        outgoing.buttons,
    )


async def decline_reason(update: Update, context: BotContext, button: DeclineQuoteReason) -> None:
    _, lang, session, user = await press_of(update, context)
    try:
        await quotes.decline(session, quote_id=button.quote_id, designer=user, reason=button.reason)
    except QuoteError as exc:
        await undo_and_refuse(update, context, f"quotes.error_{exc.code}")
        return
    await close_press(update)
    context.uow.deliveries_added()
    await say(update, context, t("quotes.declined", lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    flow = conversation(
        "quote",
        entry_points=[on_button(StartQuote, start)],
        states={
            ANSWER: [*typed_step(typed, not_text), on_button(QuickAnswer, quick)],
            REVIEW: [
                on_button(EditStep, edit),
                on_button(SendQuote, send),
                MessageHandler(~filters.COMMAND, not_text),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        timeout=TIMEOUT_SECONDS,
        on_timeout=timed_out,
    )
    return [
        flow,
        on_button(ShowQuotes, show_quotes),
        on_button(QuoteDecision, decide),
        on_button(DeclineQuoteReason, decline_reason),
    ]
