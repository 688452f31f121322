"""The designer's interview over Telegram: a thin layer over its rules (`answers`), its table
of questions (`steps`) and how they read (`rendering`).

A button answer is followed by the next question rather than by editing the old keyboard
away: that edit was a third Bot API round trip per answer (about a quarter of the bot's CPU
under load), and a button of an earlier question only answers that it is no longer active.

One ConversationHandler with named states. Answers live in `context.user_data["brief"]`
(persisted by our database-backed persistence), so a restart resumes at the same question.
After a confirmation the brief is stored and its matches are shown (bot/briefs/handlers.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime
from typing import Any, TypeVar, cast

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.briefs import service as brief_service
from bot.briefs.buttons import EditBrief
from bot.core.callbacks import ButtonData
from bot.core.conversations import conversation, typed_text
from bot.core.replies import (
    answer_press,
    answer_stale,
    drop_buttons,
    edit_or_say,
    lang_of,
    on_button,
    on_plain_button,
    owned_or_stale,
    press_of,
    say,
)
from bot.db.models import FilePurpose
from bot.files import handlers as files_handlers
from bot.files import rendering as files_rendering
from bot.files import service as files
from bot.files.buttons import FinishFiles, RemoveFile
from bot.followups import service as followups
from bot.i18n import t
from bot.interview import answers as rules
from bot.interview import rendering, steps
from bot.interview.buttons import (
    ChooseCategory,
    ChooseColourways,
    ChooseHandwork,
    ChoosePlace,
    ChooseSizes,
    ChooseStyles,
    ConfirmBrief,
    EditAnswer,
    SkipBudget,
    StartInterview,
    ToggleCertification,
    ToggleMaterial,
)
from bot.interview.steps import (
    BUDGET,
    CATEGORY,
    CERTIFICATIONS,
    COLOURWAYS,
    COUNTRY,
    DEADLINE,
    HANDWORK,
    MATERIALS,
    PACK,
    PLACE,
    PRODUCT,
    QUANTITY,
    REGION,
    SIZES,
    STYLES,
    SUMMARY,
)
from bot.runtime import BotContext

NAME = steps.CONVERSATION

Kind = TypeVar("Kind", bound=ButtonData)


# --- state held between steps ------------------------------------------------------------------


def _data(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data


def _answers(context: BotContext) -> dict[str, Any]:
    answers = _data(context).setdefault(steps.ANSWERS, {})
    return cast(dict[str, Any], answers)


def _state(context: BotContext) -> str:
    state = str(_data(context).get(steps.STATE, PRODUCT))
    return state if state in steps.QUESTIONS else PRODUCT


def _today(context: BotContext) -> date:
    return datetime.now(context.runtime.settings.timezone).date()


def _asked(update: Update, context: BotContext) -> rules.Asked:
    guess = _data(context).get(steps.GUESS)
    return rules.Asked(
        lang_of(context, update), _today(context), guess if isinstance(guess, str) else None
    )


# --- asking ------------------------------------------------------------------------------------

# /back goes this many questions back at most.
MAX_HISTORY = 40


def _move(context: BotContext, state: str) -> None:
    """Make `state` the open question, remembering the one before it for /back."""
    data = _data(context)
    current = data.get(steps.STATE)
    if isinstance(current, str) and current in steps.QUESTIONS and current != state:
        history = [s for s in data.get(steps.HISTORY, []) if s in steps.QUESTIONS]
        data[steps.HISTORY] = [*history, current][-MAX_HISTORY:]
    data[steps.STATE] = state


async def _ask(
    update: Update, context: BotContext, state: str, *, prefix: str = "", replace: bool = False
) -> str:
    """Move to `state` and put its question in front of the designer."""
    lang = lang_of(context, update)
    _move(context, state)
    text, buttons = rendering.question(state, _answers(context), lang)
    text = f"{prefix}\n\n{text}" if prefix else text
    if replace:
        await edit_or_say(update, context, text, buttons)
    else:
        await say(update, context, text, buttons)
    return state


async def _next(update: Update, context: BotContext, after: str, *, prefix: str = "") -> str:
    """The following question, or back to the summary once an edited field is answered."""
    data = _data(context)
    following = steps.following(
        after,
        editing=bool(data.get(steps.EDITING)),
        stated=frozenset(data.get(steps.STATED, ())),
    )
    if following == SUMMARY:
        data.pop(steps.EDITING, None)
    return await _ask(update, context, following, prefix=prefix)


async def _reask(update: Update, context: BotContext, problem: rules.Problem) -> str:
    message = rendering.problem(problem, lang_of(context, update))
    return await _ask(update, context, _state(context), prefix=message)


async def _apply(
    update: Update, context: BotContext, state: str, result: rules.Answer, *, pressed: bool
) -> str:
    """Keep an accepted answer and go where it leads, or re-ask with its problem."""
    if isinstance(result, rules.Problem):
        return await _reask(update, context, result)
    lang = lang_of(context, update)
    answers = _answers(context)
    answers.update(result.values)
    for key in result.forget:
        answers.pop(key, None)
    data = _data(context)
    if result.forget_guess:
        data.pop(steps.GUESS, None)
    prefix = "\n".join(rendering.note(key, values, lang) for key, values in result.notes)
    if result.stated:
        data[steps.STATED] = sorted(set(data.get(steps.STATED, ())) | set(result.stated))
    if result.guess is not None:
        noted = rendering.noted(answers, result.stated, lang)
        return await _show_guess(update, context, result.guess, prefix=noted)
    if result.stay:
        # A pressed choice updates its own keyboard; a typed one gets the question again.
        return await _ask(update, context, state, prefix=prefix, replace=pressed)
    if result.go_to is not None:
        return await _ask(update, context, result.go_to, prefix=prefix)
    return await _next(update, context, state, prefix=prefix)


async def _show_guess(
    update: Update, context: BotContext, guess: rules.CategoryGuess, *, prefix: str = ""
) -> str:
    data = _data(context)
    _move(context, CATEGORY)
    data.pop(steps.GUESS, None)
    if guess.kind == "one":
        data[steps.GUESS] = guess.ids[0]
    text, buttons = rendering.guessed(guess, lang_of(context, update))
    await say(update, context, f"{prefix}\n\n{text}" if prefix else text, buttons)
    return CATEGORY


# --- entry -------------------------------------------------------------------------------------


async def begin(update: Update, context: BotContext) -> str:
    if update.callback_query is not None:
        await update.callback_query.answer()
        await drop_buttons(update.callback_query)
    data = _data(context)
    data[steps.ANSWERS] = {}
    data.pop(steps.BRIEF_ID, None)
    data.pop(steps.EDITING, None)
    data.pop(steps.STATED, None)
    data.pop(steps.HISTORY, None)
    # Nothing is written yet: the person becomes a designer when a brief is confirmed. (The
    # pack of an interview left unfinished goes: it is not this brief's.)
    await files.discard_draft(context.uow.session, (await context.uow.user()).id)
    data[steps.STATE] = PRODUCT
    await say(update, context, t("designer.start", lang_of(context, update)))
    return PRODUCT


async def edit_existing(update: Update, context: BotContext, button: EditBrief) -> str | None:
    """ "Edit brief" on a results message: load the stored brief and show its summary."""
    query, _, session, user = await press_of(update, context)
    lookup = brief_service.owned_brief(session, button.id, user)
    brief = await owned_or_stale(update, context, lookup, brief_service.BriefError)
    if brief is None:
        return None  # keeps whatever interview is in progress (END would silently drop it)
    if brief.state == "closed":
        await query.answer(t("designer.brief_closed", lang_of(context, update)), show_alert=True)
        return None
    await query.answer()
    data = _data(context)
    data[steps.ANSWERS] = dict(brief_service.answers_of(brief))
    data[steps.BRIEF_ID] = button.id
    data.pop(steps.HISTORY, None)
    data.pop(steps.STATE, None)
    await _refresh_pack(context, await _pack_home(context))
    return await _ask(update, context, SUMMARY)


# --- answers -----------------------------------------------------------------------------------


def _typed(state: str) -> Callable[[Update, BotContext], Coroutine[Any, Any, str]]:
    """The handler of a typed answer to `state`: its rule from `answers.PARSERS`, then `_apply`."""
    parse = rules.PARSERS[state]

    async def handle(update: Update, context: BotContext) -> str:
        result = parse(typed_text(update), _asked(update, context), _answers(context))
        # The answer may lead elsewhere (a new product at the category question).
        return await _apply(update, context, _state(context), result, pressed=False)

    handle.__name__ = f"typed_{state}"
    return handle


async def _pressed(update: Update, context: BotContext, state: str, result: rules.Answer) -> str:
    await answer_press(update)
    return await _apply(update, context, state, result, pressed=True)


async def category_pressed(update: Update, context: BotContext, button: ChooseCategory) -> str:
    return await _pressed(update, context, CATEGORY, rules.choose_category(button.category))


async def material_pressed(update: Update, context: BotContext, button: ToggleMaterial) -> str:
    result = rules.toggle_material(button.material, _answers(context))
    return await _pressed(update, context, MATERIALS, result)


async def styles_pressed(update: Update, context: BotContext, button: ChooseStyles) -> str:
    return await _pressed(update, context, STYLES, rules.choose_styles(button.styles))


async def colourways_pressed(update: Update, context: BotContext, button: ChooseColourways) -> str:
    return await _pressed(update, context, COLOURWAYS, rules.choose_colourways(button.colourways))


async def sizes_pressed(update: Update, context: BotContext, button: ChooseSizes) -> str:
    return await _pressed(update, context, SIZES, rules.choose_sizes(button.sizes))


async def budget_skipped(update: Update, context: BotContext) -> str:
    return await _pressed(update, context, BUDGET, rules.skip_budget())


async def place_pressed(update: Update, context: BotContext, button: ChoosePlace) -> str:
    return await _pressed(update, context, PLACE, rules.choose_place(button.place))


async def handwork_pressed(update: Update, context: BotContext, button: ChooseHandwork) -> str:
    return await _pressed(update, context, HANDWORK, rules.choose_handwork(button.share))


async def certification_pressed(
    update: Update, context: BotContext, button: ToggleCertification
) -> str:
    result = rules.toggle_certification(button.certification, _answers(context))
    return await _pressed(update, context, CERTIFICATIONS, result)


async def edit_field(update: Update, context: BotContext, button: EditAnswer) -> str:
    await answer_press(update)
    target = steps.EDIT_TARGETS.get(button.field)
    if target is None:
        return await _use_buttons(update, context)
    _data(context)[steps.EDITING] = True
    return await _ask(update, context, target)


async def confirm(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = lang_of(context, update)
    answers = cast(brief_service.BriefAnswers, dict(_answers(context)))
    missing = brief_service.missing_answers(answers)
    await query.answer()
    if missing:
        return await _ask(update, context, missing[0], prefix=t("designer.incomplete", lang))
    session = context.uow.session
    user = await context.uow.user()
    try:
        brief = await brief_service.confirm(
            session, user, answers, brief_id=_data(context).get(steps.BRIEF_ID)
        )
    except brief_service.BriefError:
        _forget_interview(context)
        await edit_or_say(update, context, t("designer.brief_closed", lang))
        return ConversationHandler.END
    await files.attach_draft(session, user.id, brief)
    # The 24-hour nudge a confirmed brief starts.
    await followups.on_brief_confirmed(session, brief)
    stored_id = brief.id
    _forget_interview(context)
    await edit_or_say(update, context, t("designer.saved", lang))
    from bot.briefs.handlers import show_matches

    await show_matches(update, context, stored_id)
    return ConversationHandler.END


# --- the pack: tech pack, sketches, reference photos (kept by bot/files) ---------------------


async def _pack_home(context: BotContext) -> files.Home:
    """The stored brief's pack when one is edited, else the pack of this interview."""
    user = await context.uow.user()
    brief_id = _data(context).get(steps.BRIEF_ID)
    if isinstance(brief_id, int):
        return files.Home(FilePurpose.BRIEF, user.id, brief_id=brief_id)
    return files.Home.draft(user.id)


async def _refresh_pack(context: BotContext, home: files.Home) -> None:
    limit = files_handlers.limits(context, FilePurpose.BRIEF).max_files
    refs = await files.files_of(context.uow.session, home)
    _answers(context)[PACK] = files_rendering.mirror(refs, limit)


async def pack_file(update: Update, context: BotContext) -> str:
    """A photo, document (or anything else) at the pack step: kept or refused, the step stays."""
    home = await _pack_home(context)
    received = await files_handlers.receive(update, context, home, where="interview")
    await _refresh_pack(context, home)
    if received is None or received.in_album:
        # An album's one answer comes from the outbox once its last part is in.
        return PACK
    lang = lang_of(context, update)
    bounds = files_handlers.limits(context, FilePurpose.BRIEF)
    prefix = files_rendering.outcome(
        received.added, received.incoming, lang, purpose=FilePurpose.BRIEF, limits=bounds
    )
    return await _ask(update, context, PACK, prefix=prefix)


async def pack_finished(update: Update, context: BotContext, button: FinishFiles) -> str:
    if button.where != "interview":
        return await _use_buttons(update, context)
    await answer_press(update)
    return await _next(update, context, PACK)


async def pack_remove(update: Update, context: BotContext, button: RemoveFile) -> str:
    query, lang, session, user = await press_of(update, context)
    await query.answer()
    try:
        await files.remove(session, button.file_ref_id, user.id)
    except files.FilesError:
        await _refresh_pack(context, await _pack_home(context))
        return await _ask(update, context, PACK, prefix=t("files.not_yours", lang))
    home = await _pack_home(context)
    await _refresh_pack(context, home)
    count = await files.count_of(session, home)
    return await _ask(update, context, PACK, prefix=t("files.removed", lang, count=count))


# --- safety nets inside the interview ----------------------------------------------------------


def _forget_interview(context: BotContext) -> None:
    data = _data(context)
    for key in steps.KEYS:
        data.pop(key, None)


def in_interview(context: BotContext) -> bool:
    """Whether the person is somewhere in the designer's interview."""
    return context.user_data is not None and steps.STATE in context.user_data


async def reask_current(update: Update, context: BotContext, prefix: str = "") -> bool:
    """Put the current question in front of the designer again (after an unknown command or a
    change of language), so the interview never loses its thread; False outside the interview."""
    if not in_interview(context):
        return False
    await _ask(update, context, _state(context), prefix=prefix)
    return True


async def reask_after_unknown_command(update: Update, context: BotContext) -> bool:
    """An unknown command mid-interview: "send /start" would lose the thread."""
    return await reask_current(
        update, context, t("designer.unknown_command", lang_of(context, update))
    )


async def back(update: Update, context: BotContext) -> str:
    """/back: the question before the current one, its answer kept until it is answered again."""
    data = _data(context)
    lang = lang_of(context, update)
    history = [s for s in data.get(steps.HISTORY, []) if s in steps.QUESTIONS]
    if not history:
        return await _ask(update, context, _state(context), prefix=t("designer.back_first", lang))
    previous = history.pop()
    data[steps.HISTORY] = history
    data[steps.STATE] = previous  # going back is not a step forward to remember
    return await _ask(update, context, previous, prefix=t("designer.went_back", lang))


async def cancel(update: Update, context: BotContext) -> int:
    _forget_interview(context)
    await files.discard_draft(context.uow.session, (await context.uow.user()).id)
    await say(update, context, t("common.cancelled", lang_of(context, update)))
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> str:
    """A sticker, photo or voice note where an answer was expected: re-ask, keep everything."""
    return await _reask(update, context, rules.Problem("text_only_reask"))


async def stray_button(update: Update, context: BotContext) -> None:
    """A button of an earlier question: it no longer acts, and the current question is asked again."""
    await answer_stale(update, context)
    await reask_current(update, context)


async def _use_buttons(update: Update, context: BotContext) -> str:
    """Button data this question does not offer (forged or from an old keyboard): ask again."""
    return await _reask(update, context, rules.USE_BUTTONS)


async def edited(update: Update, context: BotContext) -> str:
    """An earlier message was edited: it is not an answer to the current question."""
    lang = lang_of(context, update)
    return await _ask(update, context, _state(context), prefix=t("designer.edit_not_read", lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    # New messages only: an edit of an earlier message is not the answer to the current question.
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    return [_conversation(text)]


def _conversation(text: filters.BaseFilter) -> ConversationHandler[BotContext]:
    new_message = filters.UpdateType.MESSAGE

    def typed(state: str) -> BaseHandler[Update, BotContext, object]:
        return MessageHandler(text, _typed(state))

    def asked(
        state: str, kind: type[Kind], pressed: Callable[[Update, BotContext, Kind], Awaitable[str]]
    ) -> list[BaseHandler[Update, BotContext, Any]]:
        """A question answered by its button or in words; a forged button asks it again."""
        return [on_button(kind, pressed, malformed=_use_buttons), typed(state)]

    return conversation(
        NAME,
        entry_points=[
            on_plain_button(StartInterview, begin),
            CommandHandler(["brief", "new"], begin, filters=new_message),
            on_button(EditBrief, edit_existing),
        ],
        states={
            PRODUCT: [typed(PRODUCT)],
            CATEGORY: asked(CATEGORY, ChooseCategory, category_pressed),
            MATERIALS: asked(MATERIALS, ToggleMaterial, material_pressed),
            QUANTITY: [typed(QUANTITY)],
            STYLES: asked(STYLES, ChooseStyles, styles_pressed),
            COLOURWAYS: asked(COLOURWAYS, ChooseColourways, colourways_pressed),
            SIZES: asked(SIZES, ChooseSizes, sizes_pressed),
            DEADLINE: [typed(DEADLINE)],
            BUDGET: [on_plain_button(SkipBudget, budget_skipped), typed(BUDGET)],
            PLACE: asked(PLACE, ChoosePlace, place_pressed),
            REGION: [typed(REGION)],
            COUNTRY: [typed(COUNTRY)],
            HANDWORK: asked(HANDWORK, ChooseHandwork, handwork_pressed),
            CERTIFICATIONS: asked(CERTIFICATIONS, ToggleCertification, certification_pressed),
            PACK: [
                on_button(FinishFiles, pack_finished, malformed=_use_buttons),
                on_button(RemoveFile, pack_remove, malformed=_use_buttons),
                MessageHandler(new_message & ~filters.TEXT & ~filters.COMMAND, pack_file),
                typed(PACK),
            ],
            SUMMARY: [
                on_plain_button(ConfirmBrief, confirm),
                on_button(EditAnswer, edit_field, malformed=_use_buttons),
                typed(SUMMARY),
            ],
        },
        fallbacks=[
            MessageHandler(filters.UpdateType.EDITED, edited),
            CommandHandler("cancel", cancel, filters=new_message),
            CommandHandler("back", back, filters=new_message),
            CommandHandler(["brief", "new"], begin, filters=new_message),
            MessageHandler(~filters.COMMAND & ~filters.TEXT, not_text),
            CallbackQueryHandler(stray_button, pattern=r"^iv:"),
        ],
    )
