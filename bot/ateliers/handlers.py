"""The atelier side: registration (one question at a time, resumable), /profile, /capacity,
/pause and /resume.

Answers of a registration in progress live in `context.user_data["atelier"]` (persisted, so a
restart resumes at the same question); the database is written only on Confirm, or, when an
owner edits a field from /profile, as soon as the new value is valid. Portfolio photos are the
exception: they are kept as they arrive (bot/files), for the person registering until Confirm
gives them to the new atelier.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from babel import Locale
from babel.dates import format_date
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

import parsing
from bot.admin import verification
from bot.ateliers import answers
from bot.ateliers import service as profiles
from bot.ateliers.buttons import (
    ChooseCountry,
    ClaimAtelier,
    ConfirmRegistration,
    ConfirmSpecialties,
    EditGroup,
    EditList,
    EditProfile,
    EndPauseIn,
    NotADuplicate,
    OpenEditMenu,
    OtherCapacity,
    PauseRequests,
    ResumeRequests,
    SetCapacity,
    SkipQuestion,
    StartRegistration,
    ToggleLanguage,
)
from bot.ateliers.steps import (
    CAPACITY_CONVERSATION,
    CAPACITY_NUMBER,
    CONVERSATION,
    DRAFT,
    DUPLICATE,
    EDIT_GROUPS,
    EDIT_PICK,
    FILLS,
    LANGUAGE_CHOICES,
    ORDER,
    PORTFOLIO,
    SKIPPABLE,
    SPECIALTIES_CONFIRM,
    SUMMARY,
)
from bot.core.conversations import conversation
from bot.core.pauses import PAUSE_WEEKS
from bot.core.replies import (
    Buttons,
    answer_press,
    answer_stale,
    close_press,
    drop_buttons,
    edit_or_say,
    lang_of,
    on_button,
    on_plain_button,
    press_of,
    say,
)
from bot.db.models import Atelier, FilePurpose, User
from bot.files import handlers as files_handlers
from bot.files import rendering as files_rendering
from bot.files import service as files
from bot.files.buttons import FinishFiles, RemoveFile, SetCover
from bot.i18n import has, t
from bot.runtime import BotContext

Handler = BaseHandler[Update, BotContext, object]


# --- draft helpers ----------------------------------------------------------------------------


def _draft(context: BotContext) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {"mode": "register"}
        data[DRAFT] = draft
    return draft


def _drop_draft(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def _first_missing(draft: dict[str, Any]) -> str | None:
    for step in ORDER:
        if any(key not in draft for key in FILLS[step]):
            return step
    return None


def _editing(draft: dict[str, Any]) -> list[str]:
    queue = draft.get("queue")
    return [str(s) for s in queue] if isinstance(queue, list) else []


# --- asking -----------------------------------------------------------------------------------


LIST_STEPS = {"materials": "material", "techniques": "technique"}


def _list_question(step: str, lang: str, draft: dict[str, Any]) -> tuple[str, Buttons] | None:
    """Editing a list that has values: show them and offer add / remove / replace."""
    current = draft.get(step)
    if (
        step not in LIST_STEPS
        or not _editing(draft)
        or not isinstance(current, list)
        or not current
    ):
        return None
    shown = answers.with_understanding([str(i) for i in current], LIST_STEPS[step], lang)
    mode = draft.get("list_mode")
    if mode in ("add", "remove", "replace"):
        return t(f"atelier.edit_{mode}_{step}", lang, current=shown), []
    buttons = [
        [
            (t("atelier.edit_list_add", lang), EditList("add").encode()),
            (t("atelier.edit_list_remove", lang), EditList("remove").encode()),
            (t("atelier.edit_list_replace", lang), EditList("replace").encode()),
        ]
    ]
    return t(f"atelier.edit_list_{step}", lang, current=shown), buttons


def _question(
    step: str, lang: str, draft: dict[str, Any], photos: object = None
) -> tuple[str, Buttons | None]:
    """The question of a step; `photos` is the portfolio so far (files_rendering.mirror), for
    the portfolio step."""
    listed = _list_question(step, lang, draft)
    if listed is not None:
        return listed[0], listed[1] or None
    buttons: list[list[tuple[str, str]]] = []
    if step == PORTFOLIO:
        text, rows = files_rendering.portfolio_question(photos, lang, _files_where(draft))
        buttons += rows
    else:
        text = t(f"atelier.ask_{step}", lang, moq=draft.get("moq", ""))
    if step == "country":
        buttons.append([(t("atelier.country_italy", lang), ChooseCountry("IT").encode())])
    elif step == "languages":
        chosen = draft.get("languages_pick")
        picked = set(chosen) if isinstance(chosen, list) else set()
        row: list[tuple[str, str]] = []
        for code in LANGUAGE_CHOICES:
            mark = "✓ " if code in picked else ""
            row.append((mark + t(f"atelier.language_{code}", lang), ToggleLanguage(code).encode()))
            if len(row) == 3:
                buttons.append(row)
                row = []
        if row:
            buttons.append(row)
        buttons.append([(t("atelier.languages_done", lang), ToggleLanguage("done").encode())])
    if step in SKIPPABLE:
        buttons.append([(t(f"atelier.skip_{step}", lang), SkipQuestion().encode())])
    if draft.get("mode") == "register" and not _editing(draft):
        text = t("atelier.progress", lang, step=ORDER.index(step) + 1, total=len(ORDER)) + text
    return text, buttons or None


async def _ask(update: Update, context: BotContext, step: str, prefix: str = "") -> str:
    draft = _draft(context)
    if step == "languages" and "languages_pick" not in draft:
        current = draft.get("languages")
        draft["languages_pick"] = (
            list(current) if isinstance(current, list) else [lang_of(context, update)]
        )
    photos = await _portfolio_mirror(context, draft) if step == PORTFOLIO else None
    text, buttons = _question(step, lang_of(context, update), draft, photos)
    await say(update, context, prefix + text, buttons)
    return step


async def _reask(update: Update, context: BotContext, step: str, problem: str) -> str:
    return await _ask(update, context, step, prefix=problem + "\n\n")


def registration_step(update: Update, context: BotContext) -> str | None:
    """The registration (or profile edit) question this person is on, if any."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    for group in context.application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler) and handler.name == CONVERSATION:
                # PTB keeps no public view of a conversation's state; the key is (chat, user).
                state = handler._conversations.get((chat.id, user.id))
                return state if isinstance(state, str) else None
    return None


async def reask_current(update: Update, context: BotContext) -> bool:
    """Put the open registration question in front of the atelier again (after a change of
    language); False when no registration question is open."""
    step = registration_step(update, context)
    if step in ORDER:
        await _ask(update, context, step)
    elif step == SPECIALTIES_CONFIRM:
        await _confirm_specialties(update, context)
    elif step == SUMMARY:
        await _show_summary(update, context)
    else:
        return False
    return True


# --- starting ---------------------------------------------------------------------------------


async def _user(context: BotContext, update: Update) -> tuple[User, Atelier | None, Atelier | None]:
    """The person, the atelier they run and the record they have claimed, if any."""
    assert update.effective_user is not None
    session = context.uow.session
    user = await context.uow.user()
    atelier = await profiles.owned_atelier(session, user.id)
    claim = await profiles.pending_claim(session, user.id) if atelier is None else None
    return user, atelier, claim


async def start_registration(update: Update, context: BotContext) -> str | int:
    """/register, /start atelier or the "I run an atelier" button."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        await drop_buttons(update.callback_query)
    lang = lang_of(context, update)
    _user_row, atelier, claim = await _user(context, update)
    if atelier is not None:
        await say(update, context, t("atelier.already_registered", lang, name=atelier.name))
        return ConversationHandler.END
    if claim is not None:
        await say(update, context, t("atelier.claim_waiting", lang, name=claim.name))
        return ConversationHandler.END
    draft = _draft(context)
    if draft.get("mode") != "register":
        _drop_draft(context)
        draft = _draft(context)
    draft.pop("queue", None)
    step = _first_missing(draft)
    if step is None:
        return await _show_summary(update, context)
    if step == "name":
        await say(update, context, t("atelier.intro", lang))
    else:
        await say(update, context, t("atelier.welcome_back", lang))
    return await _ask(update, context, step)


# --- answers ----------------------------------------------------------------------------------


async def _after_answer(
    update: Update, context: BotContext, step: str, noted: str = ""
) -> str | int:
    """Go on from an accepted answer: the next question, the summary, or save an edit.
    `noted` (what was understood of the answer) stands before whatever comes next."""
    draft = _draft(context)
    draft.pop("list_mode", None)
    queue = _editing(draft)
    prefix = noted + "\n\n" if noted else ""
    if queue:
        if step in queue:
            queue = queue[queue.index(step) + 1 :]
        draft["queue"] = queue
        if queue:
            return await _ask(update, context, queue[0], prefix=prefix)
        draft.pop("queue", None)
        if noted:
            await say(update, context, noted)
        if draft.get("mode") == "profile":
            return await _save_profile_edit(update, context)
        return await _show_summary(update, context)
    if step == "place" and not draft.get("duplicates_checked"):
        draft["duplicates_checked"] = True
        shown = await _offer_duplicates(update, context)
        if shown:
            return DUPLICATE
    following = _first_missing(draft)
    if following is None:
        if noted:
            await say(update, context, noted)
        return await _show_summary(update, context)
    return await _ask(update, context, following, prefix=prefix)


def _parse_step(step: str, text: str, lang: str, draft: dict[str, Any]) -> dict[str, Any] | str:
    """Parse one typed answer into draft values, or return the localized problem."""
    parser = answers.PARSERS[step]
    result = parser(text, lang, draft)
    if isinstance(result, answers.Problem):
        return problem_text(result, lang)
    return result


def problem_text(problem: answers.Problem, lang: str) -> str:
    key = f"atelier.problem_{problem.code}"
    return t(key if has(key) else "atelier.problem_generic", lang, **problem.values)


def _text_answer(step: str) -> Callable[[Update, BotContext], Coroutine[Any, Any, str | int]]:
    async def handle(update: Update, context: BotContext) -> str | int:
        message = update.effective_message
        lang = lang_of(context, update)
        if message is None or message.text is None:
            return await _reask(update, context, step, t("atelier.problem_text_expected", lang))
        draft = _draft(context)
        if step in SKIPPABLE and parsing.answer_word(
            message.text, lang, expected=parsing.SKIP_WORDS
        ):
            # "skip", "salta", "none", "nessuna": as the Skip / None button.
            draft[step] = "" if step == "description" else []
            return await _after_answer(update, context, step)
        result = _parse_step(step, message.text, lang, draft)
        if isinstance(result, str):
            return await _reask(update, context, step, result)
        if step == "specialties":
            draft["specialties_pick"] = result["category_ids"]
            return await _confirm_specialties(update, context)
        if step in LIST_STEPS:
            return await _list_answered(update, context, step, [str(i) for i in result[step]])
        if step == "languages":
            draft.pop("languages_pick", None)
        draft.update(result)
        return await _after_answer(update, context, step)

    handle.__name__ = f"answer_{step}"
    return handle


async def _list_answered(
    update: Update, context: BotContext, step: str, typed: list[str]
) -> str | int:
    """Materials or techniques typed: merged with the list being edited (add / remove), then
    what was understood of each item is said before the next question."""
    lang = lang_of(context, update)
    draft = _draft(context)
    mode = str(draft.get("list_mode") or "replace")
    current = [str(i) for i in draft.get(step) or []] if mode != "replace" else []
    if mode == "remove":
        missing = answers.unknown_items(current, typed)
        if missing:
            problem = t("atelier.problem_not_in_list", lang, items=", ".join(missing))
            return await _reask(update, context, step, problem)
    merged = answers.merge_list(current, typed, mode)
    if step == "materials" and not merged:
        return await _reask(update, context, step, t("atelier.problem_materials_needed", lang))
    draft[step] = merged
    noted = ""
    if merged:
        shown = answers.with_understanding(merged, LIST_STEPS[step], lang)
        noted = t(f"atelier.noted_{step}", lang, items=shown)
    return await _after_answer(update, context, step, noted)


async def list_mode_pressed(update: Update, context: BotContext, button: EditList) -> str:
    await close_press(update)
    draft = _draft(context)
    step = next((s for s in _editing(draft) if s in LIST_STEPS), "materials")
    draft["list_mode"] = button.mode
    return await _ask(update, context, step)


def _skip_for(step: str) -> Callable[[Update, BotContext], Coroutine[Any, Any, str | int]]:
    async def handle(update: Update, context: BotContext) -> str | int:
        await close_press(update)
        _draft(context)[step] = "" if step == "description" else []
        return await _after_answer(update, context, step)

    handle.__name__ = f"skip_{step}"
    return handle


async def country_button(update: Update, context: BotContext, button: ChooseCountry) -> str | int:
    await close_press(update)
    code = button.code
    if code != "IT":
        return await _ask(update, context, "country")
    _draft(context)["country"] = code
    return await _after_answer(update, context, "country")


# --- specialties ------------------------------------------------------------------------------


async def _confirm_specialties(update: Update, context: BotContext) -> str:
    lang = lang_of(context, update)
    draft = _draft(context)
    ids = [str(i) for i in draft.get("specialties_pick", [])]
    understood = ", ".join(answers.concept_label(i, lang) for i in ids)
    await say(
        update,
        context,
        t("atelier.specialties_understood", lang, understood=understood),
        [
            [
                (t("atelier.specialties_yes", lang), ConfirmSpecialties("yes").encode()),
                (t("atelier.specialties_no", lang), ConfirmSpecialties("no").encode()),
            ]
        ],
    )
    return SPECIALTIES_CONFIRM


async def specialties_confirmed(
    update: Update, context: BotContext, button: ConfirmSpecialties
) -> str | int:
    await close_press(update)
    draft = _draft(context)
    ids = [str(i) for i in draft.pop("specialties_pick", [])]
    if button.answer == "yes" and ids:
        lang = lang_of(context, update)
        draft["category_ids"] = ids
        draft["specialties"] = [answers.concept_label(i, lang) for i in ids]
        return await _after_answer(update, context, "specialties")
    return await _reask(
        update, context, "specialties", t("atelier.specialties_rephrase", lang_of(context, update))
    )


async def specialties_typed_instead(update: Update, context: BotContext) -> str | int:
    """A new description while the confirmation is open replaces the one being confirmed."""
    return await _text_answer("specialties")(update, context)


# --- languages --------------------------------------------------------------------------------


async def language_toggled(
    update: Update, context: BotContext, button: ToggleLanguage
) -> str | int:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    draft = _draft(context)
    choice = button.code
    picked = [str(c) for c in draft.get("languages_pick", [])]
    if choice == "done":
        if not picked:
            await query.answer(t("atelier.problem_no_language", lang), show_alert=True)
            return "languages"
        await close_press(update)
        draft["languages"] = [c for c in LANGUAGE_CHOICES if c in picked]
        draft.pop("languages_pick", None)
        return await _after_answer(update, context, "languages")
    await query.answer()
    if choice in picked:
        picked.remove(choice)
    else:
        picked.append(choice)
    draft["languages_pick"] = picked
    text, buttons = _question("languages", lang, draft)
    await edit_or_say(update, context, text, buttons)
    return "languages"


# --- portfolio: photos of the work and the workshop (kept by bot/files) ----------------------


def _files_where(draft: dict[str, Any]) -> str:
    """Which step of bot/files asks: the registration's, or /profile's portfolio."""
    return "portfolio" if draft.get("mode") == "profile" else "registration"


async def _portfolio_home(context: BotContext, draft: dict[str, Any]) -> files.Home:
    """The atelier's portfolio from /profile; the registration's own until it is confirmed."""
    user = await context.uow.user()
    if draft.get("mode") == "profile":
        atelier = await profiles.owned_atelier(context.uow.session, user.id)
        if atelier is None:
            raise files.FilesError("gone")
        return files.Home.portfolio(atelier)
    return files.Home.portfolio_draft(user.id)


async def _portfolio_mirror(context: BotContext, draft: dict[str, Any]) -> dict[str, Any]:
    limit = files_handlers.limits(context, FilePurpose.PORTFOLIO).max_files
    try:
        home = await _portfolio_home(context, draft)
    except files.FilesError:
        return files_rendering.mirror([], limit)
    return files_rendering.mirror(await files.files_of(context.uow.session, home), limit)


async def _portfolio_gone(update: Update, context: BotContext) -> int:
    """/profile's portfolio of an atelier that is no longer this person's."""
    _drop_draft(context)
    await say(update, context, t("atelier.no_atelier", lang_of(context, update)))
    return ConversationHandler.END


async def portfolio_file(update: Update, context: BotContext) -> str | int:
    """A photo (or anything else) at the portfolio step: kept or refused, the step stays; an
    album is answered once, from the outbox, after its last part."""
    draft = _draft(context)
    try:
        home = await _portfolio_home(context, draft)
    except files.FilesError:
        return await _portfolio_gone(update, context)
    received = await files_handlers.receive(update, context, home, where=_files_where(draft))
    if received is None or received.in_album:
        return PORTFOLIO
    bounds = files_handlers.limits(context, FilePurpose.PORTFOLIO)
    said = files_rendering.outcome(
        received.added,
        received.incoming,
        lang_of(context, update),
        purpose=FilePurpose.PORTFOLIO,
        limits=bounds,
    )
    return await _ask(update, context, PORTFOLIO, prefix=said + "\n\n")


async def portfolio_typed(update: Update, context: BotContext) -> str | int:
    """Text at the portfolio step: "skip" or "done" goes on, anything else points at the step."""
    message = update.effective_message
    lang = lang_of(context, update)
    if (
        message is not None
        and message.text
        and parsing.answer_word(
            message.text, lang, expected=parsing.SKIP_WORDS | {parsing.AnswerWord.DONE}
        )
    ):
        return await _portfolio_done(update, context)
    return await _reask(update, context, PORTFOLIO, t("files.use_buttons_portfolio", lang))


async def _portfolio_done(update: Update, context: BotContext) -> str | int:
    draft = _draft(context)
    mirror = await _portfolio_mirror(context, draft)
    draft[PORTFOLIO] = len(mirror["files"])
    return await _after_answer(update, context, PORTFOLIO)


async def portfolio_finished(update: Update, context: BotContext, button: FinishFiles) -> str | int:
    if button.where != _files_where(_draft(context)):
        await answer_stale(update, context)
        return PORTFOLIO
    await close_press(update)
    return await _portfolio_done(update, context)


async def _portfolio_changed(update: Update, context: BotContext, said: str) -> str:
    """The portfolio question again, in place of the message whose button was pressed."""
    draft = _draft(context)
    photos = await _portfolio_mirror(context, draft)
    text, buttons = _question(PORTFOLIO, lang_of(context, update), draft, photos)
    await edit_or_say(update, context, said + "\n\n" + text, buttons)
    return PORTFOLIO


async def _change_portfolio(
    update: Update,
    context: BotContext,
    change: Callable[..., Coroutine[Any, Any, files.Home]],
    file_ref_id: int,
) -> files.Home | None:
    """Apply ✕ or ★ to one photo of this portfolio, by its owner; None once answered as stale."""
    user = await context.uow.user()
    try:
        home = await _portfolio_home(context, _draft(context))
        await change(context.uow.session, file_ref_id, user.id, within=home)
    except files.FilesError:
        await answer_stale(update, context)
        return None
    assert update.callback_query is not None
    await update.callback_query.answer()
    return home


async def portfolio_remove(update: Update, context: BotContext, button: RemoveFile) -> str | int:
    """✕ on a photo: only one of this portfolio, by its owner; any other data is stale."""
    home = await _change_portfolio(update, context, files.remove, button.file_ref_id)
    if home is None:
        return PORTFOLIO
    count = await files.count_of(context.uow.session, home)
    return await _portfolio_changed(
        update, context, t("files.removed", lang_of(context, update), count=count)
    )


async def portfolio_cover(update: Update, context: BotContext, button: SetCover) -> str | int:
    """★ on a photo: it becomes the cover (first); the others keep their order."""
    if await _change_portfolio(update, context, files.set_cover, button.file_ref_id) is None:
        return PORTFOLIO
    return await _portfolio_changed(update, context, t("files.cover_set", lang_of(context, update)))


# --- duplicates -------------------------------------------------------------------------------


async def _offer_duplicates(update: Update, context: BotContext) -> bool:
    draft = _draft(context)
    lang = lang_of(context, update)
    session = context.uow.session
    similar = await profiles.find_similar(
        session,
        name=str(draft.get("name", "")),
        country=str(draft.get("country", "")),
        region=str(draft.get("region", "")),
        city=str(draft.get("city", "")),
    )
    if not similar:
        return False
    draft["offered"] = [a.id for a in similar]
    lines = [t("atelier.duplicate_intro", lang)]
    buttons: list[list[tuple[str, str]]] = []
    for atelier in similar:
        place = ", ".join(p for p in (atelier.city, atelier.region) if p)
        lines.append(f"• {atelier.name} – {place}")
        buttons.append(
            [
                (
                    t("atelier.duplicate_yes", lang, name=atelier.name),
                    ClaimAtelier(atelier.id).encode(),
                )
            ]
        )
    buttons.append([(t("atelier.duplicate_no", lang), NotADuplicate().encode())])
    await say(update, context, "\n".join(lines), buttons)
    return True


async def not_a_duplicate(update: Update, context: BotContext) -> str | int:
    await close_press(update)
    following = _first_missing(_draft(context)) or "specialties"
    return await _ask(update, context, following)


async def duplicate_claimed(update: Update, context: BotContext, button: ClaimAtelier) -> str | int:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = lang_of(context, update)
    draft = _draft(context)
    offered = [int(i) for i in draft.get("offered", [])]
    atelier_id = button.id
    session = context.uow.session
    user = await context.uow.user()
    try:
        atelier = await profiles.claim(session, user=user, atelier_id=atelier_id, offered=offered)
    except profiles.ProfileError as exc:
        await query.answer(t(f"atelier.claim_error_{exc.code}", lang), show_alert=True)
        return DUPLICATE
    await _alert_admins(context, session, atelier, "claim")
    # The claimed record keeps its own portfolio; photos sent for this registration go.
    await files.discard_portfolio_draft(session, user.id)
    await query.answer()
    await edit_or_say(update, context, t("atelier.claim_sent", lang, name=atelier.name))
    _drop_draft(context)
    return ConversationHandler.END


# --- summary, edit, confirm ---------------------------------------------------------------------


def _names(codes: Any, names: Any) -> str:
    return ", ".join(str(names.get(c, c)) for c in codes) if isinstance(codes, list) else ""


def describe(values: dict[str, Any], lang: str) -> str:
    """An atelier's answers as the owner (and an admin) reads them back."""
    locale = Locale.parse(lang)
    country = str(values.get("country", ""))
    place = ", ".join(
        p
        for p in (
            values.get("city"),
            values.get("region"),
            locale.territories.get(country, country),
        )
        if p
    )
    none = t("atelier.none", lang)
    ids = values.get("category_ids")
    specialties = (
        ", ".join(answers.concept_label(str(i), lang) for i in ids)
        if isinstance(ids, list) and ids
        else ", ".join(values.get("specialties") or [])
    )

    def listed(key: str) -> str:
        items = values.get(key)
        if not isinstance(items, list) or not items:
            return none
        if key in LIST_STEPS:
            return answers.with_understanding([str(i) for i in items], LIST_STEPS[key], lang)
        return ", ".join(str(i) for i in items)

    return t(
        "atelier.summary",
        lang,
        name=values.get("name", ""),
        place=place,
        specialties=specialties or none,
        materials=listed("materials"),
        techniques=listed("techniques"),
        moq=values.get("moq", ""),
        moq_per=t(f"atelier.unit_{values.get('moq_per') or 'style'}", lang),
        max_batch=values.get("max_batch", ""),
        monthly_capacity=values.get("monthly_capacity", ""),
        lead_time_weeks=values.get("lead_time_weeks", ""),
        handwork_share=values.get("handwork_share", ""),
        certifications=listed("certifications"),
        languages=_names(values.get("languages"), locale.languages) or none,
        contact=values.get("contact", ""),
        description=values.get("description") or none,
    )


def _summary_text(values: dict[str, Any], lang: str) -> str:
    return describe(values, lang)


def _photos_line(count: int, lang: str) -> str:
    if not count:
        return t("atelier.summary_no_photos", lang)
    return t("atelier.summary_photos", lang, count=count)


async def _show_summary(update: Update, context: BotContext) -> str:
    lang = lang_of(context, update)
    draft = _draft(context)
    draft.pop("queue", None)
    photos = len((await _portfolio_mirror(context, draft))["files"])
    await say(
        update,
        context,
        t("atelier.summary_title", lang)
        + "\n\n"
        + _summary_text(draft, lang)
        + "\n"
        + _photos_line(photos, lang),
        [
            [
                (t("atelier.summary_edit", lang), OpenEditMenu().encode()),
                (t("atelier.summary_confirm", lang), ConfirmRegistration().encode()),
            ]
        ],
    )
    return SUMMARY


def _edit_buttons(
    lang: str, kind: type[EditGroup] | type[EditProfile]
) -> list[list[tuple[str, str]]]:
    rows: list[list[tuple[str, str]]] = []
    row: list[tuple[str, str]] = []
    for group in EDIT_GROUPS:
        row.append((t(f"atelier.field_{group}", lang), kind(group).encode()))
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return rows


async def edit_menu(update: Update, context: BotContext) -> str:
    await answer_press(update)
    lang = lang_of(context, update)
    await edit_or_say(
        update, context, t("atelier.edit_which", lang), _edit_buttons(lang, EditGroup)
    )
    return EDIT_PICK


async def edit_field(update: Update, context: BotContext, button: EditGroup) -> str | int:
    group = button.group
    await close_press(update)
    draft = _draft(context)
    draft["queue"] = list(EDIT_GROUPS[group])
    draft.pop("languages_pick", None)
    draft.pop("list_mode", None)
    return await _ask(update, context, EDIT_GROUPS[group][0])


async def _alert_admins(
    context: BotContext, session: Any, atelier: Atelier, what: verification.Matter
) -> None:
    """Administrators hear about a new registration or claim straight away."""
    if await verification.alert_admins(
        session, atelier, context.runtime.settings.admin_user_ids, what=what
    ):
        context.uow.deliveries_added()


async def confirm(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = lang_of(context, update)
    draft = _draft(context)
    complete = profiles.AtelierDraft.from_answers(draft)
    if complete is None:
        await query.answer()
        return await _ask(update, context, _first_missing(draft) or "name")
    session = context.uow.session
    user = await context.uow.user()
    try:
        atelier = await profiles.register(session, owner=user, draft=complete)
    except profiles.ProfileError:
        await query.answer(t("atelier.already_registered_short", lang), show_alert=True)
        await files.discard_portfolio_draft(session, user.id)
        _drop_draft(context)
        return ConversationHandler.END
    await files.attach_portfolio_draft(session, user.id, atelier)
    await _alert_admins(context, session, atelier, "registration")
    await query.answer()
    context.uow.registry_changed()
    _drop_draft(context)
    await drop_buttons(query)
    await say(update, context, t("atelier.registered", lang, name=atelier.name, ref=atelier.ref))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    lang = lang_of(context, update)
    draft = _draft(context)
    if draft.get("mode") == "profile":
        _drop_draft(context)
        await say(update, context, t("atelier.edit_cancelled", lang))
    else:
        draft.pop("queue", None)
        await say(update, context, t("atelier.cancelled", lang))
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> None:
    """Typed text where a choice is open: point at the buttons; the state stays as it is."""
    await say(update, context, t("atelier.use_buttons", lang_of(context, update)))


async def wrong_button(update: Update, context: BotContext) -> None:
    """A button from an earlier question: harmless, the current question stays open."""
    await answer_stale(update, context)


# --- /profile ---------------------------------------------------------------------------------


def values_of(atelier: Atelier) -> dict[str, Any]:
    return {
        "name": atelier.name,
        "country": atelier.country,
        "region": atelier.region,
        "city": atelier.city,
        "specialties": list(atelier.specialties),
        "category_ids": list(atelier.category_ids),
        "materials": list(atelier.materials),
        "techniques": list(atelier.techniques),
        "moq": atelier.moq,
        "moq_per": atelier.moq_per,
        "max_batch": atelier.max_batch,
        "monthly_capacity": atelier.monthly_capacity,
        "lead_time_weeks": atelier.lead_time_weeks,
        "handwork_share": atelier.handwork_share,
        "certifications": list(atelier.certifications),
        "languages": list(atelier.languages),
        "contact": atelier.contact,
        "description": atelier.description,
    }


def _profile_text(atelier: Atelier, lang: str, photos: int) -> str:
    status = "verified" if atelier.verified else "pending"
    if atelier.paused:
        status = "paused"
    header = t(
        "atelier.profile_title", lang, ref=atelier.ref, status=t(f"atelier.status_{status}", lang)
    )
    capacity = ""
    if atelier.available_capacity is not None:
        capacity = "\n" + t(
            "atelier.profile_free_capacity", lang, free=_pieces(atelier.available_capacity, lang)
        )
    summary = _summary_text(values_of(atelier), lang) + "\n" + _photos_line(photos, lang)
    return header + "\n\n" + summary + capacity


async def show_profile(update: Update, context: BotContext) -> int:
    lang = lang_of(context, update)
    _user_row, atelier, claim = await _user(context, update)
    if atelier is None:
        key = "atelier.claim_waiting" if claim is not None else "atelier.no_atelier"
        await say(update, context, t(key, lang, name=claim.name if claim else ""))
        return ConversationHandler.END
    photos = await files.count_of(context.uow.session, files.Home.portfolio(atelier))
    text = _profile_text(atelier, lang, photos)
    await say(update, context, text, _edit_buttons(lang, EditProfile))
    return ConversationHandler.END


async def profile_edit(update: Update, context: BotContext, button: EditProfile) -> str | int:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    group = button.group
    _user_row, atelier, _claim = await _user(context, update)
    if atelier is None:
        await query.answer(t("atelier.not_yours", lang), show_alert=True)
        return ConversationHandler.END
    await close_press(update)
    draft = values_of(atelier)
    draft.update({"mode": "profile", "queue": list(EDIT_GROUPS[group]), "group": group})
    assert context.user_data is not None
    context.user_data[DRAFT] = draft
    return await _ask(update, context, EDIT_GROUPS[group][0])


async def _save_profile_edit(update: Update, context: BotContext) -> int:
    assert update.effective_user is not None
    lang = lang_of(context, update)
    draft = _draft(context)
    group = str(draft.get("group", ""))
    keys = [key for step in EDIT_GROUPS.get(group, ()) for key in FILLS[step]]
    changes = {key: draft[key] for key in keys if key in draft}
    changes.pop(PORTFOLIO, None)  # photos are kept as they come; the matcher never reads them
    session = context.uow.session
    user = await context.uow.user()
    try:
        atelier = await profiles.update_profile(session, owner_id=user.id, changes=changes)
    except profiles.ProfileError as exc:
        _drop_draft(context)
        await say(update, context, t(f"atelier.profile_error_{exc.code}", lang))
        return ConversationHandler.END
    photos = await files.count_of(session, files.Home.portfolio(atelier))
    text = _profile_text(atelier, lang, photos)
    if changes:
        context.uow.registry_changed()
    _drop_draft(context)
    await say(
        update,
        context,
        t("atelier.profile_saved", lang) + "\n\n" + text,
        _edit_buttons(lang, EditProfile),
    )
    return ConversationHandler.END


# --- /capacity, /pause, /resume -----------------------------------------------------------------


def _pieces(count: int, lang: str) -> str:
    """ "1 piece", "200 pieces" in the language's plural forms."""
    return t("atelier.capacity_pieces", lang, pieces=count, count=count)


def _capacity_buttons(atelier: Atelier, lang: str) -> list[list[tuple[str, str]]]:
    monthly = max(atelier.monthly_capacity, 0)
    options = sorted({0, monthly // 4, monthly // 2, monthly})
    row = [
        (
            t("atelier.capacity_full", lang) if pieces == 0 else _pieces(pieces, lang),
            SetCapacity(pieces).encode(),
        )
        for pieces in options
    ]
    pause = (
        (t("atelier.capacity_resume", lang), ResumeRequests().encode())
        if atelier.paused
        else (t("atelier.capacity_pause", lang), PauseRequests().encode())
    )
    return [row, [(t("atelier.capacity_other", lang), OtherCapacity().encode())], [pause]]


async def capacity(update: Update, context: BotContext) -> None:
    """/capacity: free pieces this month, or pause/resume new requests, in two taps."""
    lang = lang_of(context, update)
    _user_row, atelier, _claim = await _user(context, update)
    if atelier is None:
        await say(update, context, t("atelier.no_atelier", lang))
        return
    free = (
        t("atelier.capacity_unknown", lang)
        if atelier.available_capacity is None
        else str(atelier.available_capacity)
    )
    if atelier.paused:
        state = t("atelier.status_paused", lang)
    elif not atelier.verified:
        state = t("atelier.status_pending", lang)
    else:
        state = t("atelier.status_open", lang)
    await say(
        update,
        context,
        t(
            "atelier.capacity_question",
            lang,
            free=free,
            monthly=atelier.monthly_capacity,
            state=state,
        ),
        _capacity_buttons(atelier, lang),
    )


async def _apply_capacity(
    update: Update, context: BotContext, *, pieces: int | None = None, paused: bool | None = None
) -> bool:
    """Save free capacity or the pause and say so. False when the number was refused and the
    owner may type another one."""
    assert update.effective_user is not None
    lang = lang_of(context, update)
    session = context.uow.session
    user = await context.uow.user()
    owned = await profiles.owned_atelier(session, user.id)
    was_paused = owned is not None and owned.paused
    try:
        if pieces is not None:
            atelier = await profiles.set_available_capacity(
                session, owner_id=user.id, pieces=pieces
            )
        else:
            atelier = await profiles.set_paused(session, owner_id=user.id, paused=bool(paused))
    except profiles.ProfileError as exc:
        if exc.code == "above_monthly" and owned is not None:
            problem = t("atelier.problem_above_monthly", lang, monthly=owned.monthly_capacity)
            await say(update, context, problem)
            return False
        await say(update, context, t("atelier.no_atelier", lang))
        return True
    name, free, is_paused = atelier.name, atelier.available_capacity, atelier.paused
    verified = atelier.verified
    context.uow.registry_changed()
    if pieces is not None:
        text = t("atelier.capacity_saved", lang, free=_pieces(free or 0, lang))
        if was_paused and not is_paused:
            text += "\n\n" + t("atelier.resumed", lang, name=name)
    else:
        text = t("atelier.paused" if is_paused else "atelier.resumed", lang, name=name)
    if not verified and not is_paused:
        text += "\n\n" + t("atelier.pending_note", lang)
    # A new pause may end by itself: one more tap gives it an end date.
    ends = _pause_end_buttons(lang) if paused and is_paused else None
    if update.callback_query is not None:
        await edit_or_say(update, context, text, ends)
    else:
        await say(update, context, text, ends)
    return True


def _pause_end_buttons(lang: str) -> list[list[tuple[str, str]]]:
    return [
        [
            (t("atelier.pause_end_in", lang, weeks=weeks), EndPauseIn(weeks).encode())
            for weeks in PAUSE_WEEKS
        ]
    ]


async def end_pause_pressed(update: Update, context: BotContext, button: EndPauseIn) -> None:
    query, lang, session, user = await press_of(update, context)
    try:
        atelier, until = await profiles.end_pause_in(session, owner_id=user.id, weeks=button.weeks)
    except profiles.ProfileError:
        await query.answer(t("atelier.pause_not_paused", lang), show_alert=True)
        return
    await query.answer()
    when = format_date(until.date(), "long", locale=lang)
    await edit_or_say(
        update, context, t("atelier.pause_ends_on", lang, name=atelier.name, until=when)
    )


async def capacity_set(update: Update, context: BotContext, button: SetCapacity) -> None:
    await answer_press(update)
    await _apply_capacity(update, context, pieces=button.pieces)


async def pause_pressed(update: Update, context: BotContext) -> None:
    await answer_press(update)
    await _apply_capacity(update, context, paused=True)


async def resume_pressed(update: Update, context: BotContext) -> None:
    await answer_press(update)
    await _apply_capacity(update, context, paused=False)


async def capacity_other(update: Update, context: BotContext) -> str:
    await answer_press(update)
    await edit_or_say(update, context, t("atelier.capacity_type", lang_of(context, update)))
    return CAPACITY_NUMBER


async def capacity_typed(update: Update, context: BotContext) -> str | int:
    message = update.effective_message
    lang = lang_of(context, update)
    if message is None or message.text is None:
        problem = t("atelier.problem_text_expected", lang)
        await say(update, context, problem + "\n\n" + t("atelier.capacity_type", lang))
        return CAPACITY_NUMBER
    result = answers.parse_free_capacity(message.text, lang)
    if isinstance(result, answers.Problem):
        problem = problem_text(result, lang)
        await say(update, context, problem + "\n\n" + t("atelier.capacity_type", lang))
        return CAPACITY_NUMBER
    if not await _apply_capacity(update, context, pieces=result):
        return CAPACITY_NUMBER
    return ConversationHandler.END


async def capacity_cancel(update: Update, context: BotContext) -> int:
    await say(update, context, t("atelier.capacity_unchanged", lang_of(context, update)))
    return ConversationHandler.END


async def pause(update: Update, context: BotContext) -> None:
    await _apply_capacity(update, context, paused=True)


async def resume(update: Update, context: BotContext) -> None:
    await _apply_capacity(update, context, paused=False)


# --- wiring -------------------------------------------------------------------------------------


ANY_MESSAGE = filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED


def _state_handlers() -> dict[object, list[Handler]]:
    states: dict[object, list[Handler]] = {}
    for step in ORDER:
        if step == PORTFOLIO:
            states[step] = [
                on_button(FinishFiles, portfolio_finished),
                on_button(RemoveFile, portfolio_remove),
                on_button(SetCover, portfolio_cover),
                MessageHandler(ANY_MESSAGE & ~filters.TEXT, portfolio_file),
                MessageHandler(ANY_MESSAGE, portfolio_typed),
            ]
            continue
        handlers: list[Handler] = [MessageHandler(ANY_MESSAGE, _text_answer(step))]
        if step in SKIPPABLE:
            handlers.append(on_plain_button(SkipQuestion, _skip_for(step)))
        if step == "country":
            handlers.append(on_button(ChooseCountry, country_button))
        if step == "languages":
            handlers.append(on_button(ToggleLanguage, language_toggled))
        if step in LIST_STEPS:
            handlers.append(on_button(EditList, list_mode_pressed))
        states[step] = handlers
    states[SPECIALTIES_CONFIRM] = [
        on_button(ConfirmSpecialties, specialties_confirmed),
        MessageHandler(
            filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, specialties_typed_instead
        ),
    ]
    states[DUPLICATE] = [
        on_button(ClaimAtelier, duplicate_claimed),
        on_plain_button(NotADuplicate, not_a_duplicate),
        MessageHandler(ANY_MESSAGE, use_buttons),
    ]
    states[SUMMARY] = [
        on_plain_button(OpenEditMenu, edit_menu),
        on_plain_button(ConfirmRegistration, confirm),
        MessageHandler(ANY_MESSAGE, use_buttons),
    ]
    states[EDIT_PICK] = [
        on_button(EditGroup, edit_field),
        on_plain_button(ConfirmRegistration, confirm),
        MessageHandler(ANY_MESSAGE, use_buttons),
    ]
    return states


def build_handlers() -> list[Handler]:
    registration = conversation(
        CONVERSATION,
        entry_points=[
            CommandHandler("register", start_registration),
            CommandHandler(
                "start",
                start_registration,
                filters=filters.Regex(r"^/start(@\w+)?\s+atelier\b"),
            ),
            on_plain_button(StartRegistration, start_registration),
            on_button(EditProfile, profile_edit),
        ],
        states=_state_handlers(),
        fallbacks=[
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(wrong_button, pattern=r"^atelier:"),
        ],
    )
    capacity_flow = conversation(
        CAPACITY_CONVERSATION,
        entry_points=[on_plain_button(OtherCapacity, capacity_other)],
        states={CAPACITY_NUMBER: [MessageHandler(ANY_MESSAGE, capacity_typed)]},
        fallbacks=[CommandHandler("cancel", capacity_cancel)],
    )
    return [
        registration,
        capacity_flow,
        CommandHandler("capacity", capacity),
        on_button(SetCapacity, capacity_set),
        on_plain_button(PauseRequests, pause_pressed),
        on_plain_button(ResumeRequests, resume_pressed),
        on_button(EndPauseIn, end_pause_pressed),
        CommandHandler("profile", show_profile),
        CommandHandler("pause", pause),
        CommandHandler("resume", resume),
    ]
