"""The designer's interview: one question at a time, from product to a confirmed brief.

A button answer is followed by the next question rather than by editing the old keyboard
away: that edit was a third Bot API round trip per answer (about a quarter of the bot's CPU
under load), and a button of an earlier question only answers that it is no longer active.

One ConversationHandler with named states. Answers live in `context.user_data["brief"]`
(persisted by our database-backed persistence), so a restart resumes at the same question.
After a confirmation the brief is stored and its matches are shown (bot/briefs/handlers.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

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
from telegram.warnings import PTBUserWarning

import matching
import parsing
from bot.briefs import service as brief_service
from bot.briefs.buttons import EditBrief
from bot.core.replies import (
    Buttons,
    answer_stale,
    drop_buttons,
    edit_or_say,
    lang_of,
    on_button,
    on_plain_button,
    say,
)
from bot.followups import service as followups
from bot.i18n import t
from bot.interview.buttons import (
    DONE,
    MAX_STYLES,
    NONE_OF_THESE,
    SOMETHING_ELSE,
    ChooseCategory,
    ChooseHandwork,
    ChoosePlace,
    ChooseStyles,
    ConfirmBrief,
    EditAnswer,
    SkipBudget,
    StartInterview,
    ToggleCertification,
    ToggleMaterial,
)
from bot.runtime import BotContext

NAME = "designer_interview"
T = TypeVar("T")

PRODUCT, CATEGORY, MATERIALS, QUANTITY, STYLES, DEADLINE, BUDGET = (
    "product",
    "category",
    "materials",
    "quantity",
    "styles",
    "deadline",
    "budget",
)
PLACE, REGION, COUNTRY, HANDWORK, CERTIFICATIONS, SUMMARY = (
    "place",
    "region",
    "country",
    "handwork",
    "certifications",
    "summary",
)
ORDER = [
    PRODUCT,
    CATEGORY,
    MATERIALS,
    QUANTITY,
    STYLES,
    DEADLINE,
    BUDGET,
    PLACE,
    HANDWORK,
    CERTIFICATIONS,
    SUMMARY,
]
QUESTIONS = frozenset(ORDER) | {REGION, COUNTRY}
# Below this, the matcher's guess is offered as a question rather than taken.
CONFIDENT = 80.0
MAX_PRODUCT_TEXT = 500
MAX_MATERIALS = 8
HANDWORK_CHOICES = (30, 50, 80)
CERTIFICATION_CHOICES = ("gots", "oeko_tex", "grs", "lwg", "bluesign", "sa8000")
EDIT_TARGETS = {
    "product": PRODUCT,
    "materials": MATERIALS,
    "quantity": QUANTITY,
    "styles": STYLES,
    "deadline": DEADLINE,
    "budget": BUDGET,
    "place": PLACE,
    "musts": HANDWORK,
}


# --- state held between steps ------------------------------------------------------------------


def _data(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data


def _answers(context: BotContext) -> dict[str, Any]:
    answers = _data(context).setdefault("brief", {})
    return cast(dict[str, Any], answers)


def _today(context: BotContext) -> date:
    return datetime.now(context.runtime.settings.timezone).date()


def _label(concept_id: str | None, lang: str) -> str:
    if not concept_id:
        return t("designer.not_given", lang)
    try:
        return matching.label(concept_id, lang)
    except KeyError:
        return concept_id


# Words people type instead of tapping a button, in English and Italian (folded: lower case,
# no accents, no punctuation). Both languages count whatever the chosen one is.
YES_WORDS = frozenset(
    {
        "yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "correct", "right", "exactly",
        "that s right", "si", "certo", "esatto", "esattamente", "giusto", "corretto", "va bene",
        "si esatto", "si giusto",
    }
)  # fmt: skip
NO_WORDS = frozenset(
    {
        "no", "nope", "wrong", "not really", "something else", "sbagliato", "altro",
        "non proprio", "no altro", "qualcos altro",
    }
)  # fmt: skip
DONE_WORDS = frozenset(
    {
        "done", "finished", "ok", "okay", "that s all", "thats all", "that s it", "fatto",
        "finito", "ho finito", "basta",
    }
)  # fmt: skip
NONE_WORDS = frozenset(
    {
        "none", "no", "nope", "nothing", "neither", "na", "n a", "no thanks", "not needed",
        "no need", "nessuna", "nessuno", "niente", "nulla", "no grazie", "non serve",
        "non servono",
    }
)  # fmt: skip
SKIP_WORDS = frozenset(
    {
        "skip", "pass", "no budget", "don t know", "dont know", "not sure", "salta", "boh",
        "nessun budget", "non so", "preferisco non dirlo",
    }
)  # fmt: skip
ANYWHERE_WORDS = frozenset(
    {
        "anywhere", "any", "everywhere", "doesn t matter", "doesnt matter", "no preference",
        "anywhere is fine", "ovunque", "dovunque", "dappertutto", "indifferente", "qualsiasi",
        "non importa", "nessuna preferenza", "va bene ovunque",
    }
)  # fmt: skip


def _plain(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Sì!" -> "si", "That's all" -> "that s all"."""
    return parsing.fold_words(text)


def _said(
    update: Update, context: BotContext, local: frozenset[str], *words: parsing.AnswerWord
) -> bool:
    """Whether the typed text is one of these word answers (the parsers' phrases in five
    languages, or the interview's own list for this question)."""
    text = _text(update)
    if _plain(text) in local:
        return True
    return parsing.answer_word(text, lang_of(context, update), expected=words) is not None


# --- questions ---------------------------------------------------------------------------------


def _category_buttons(lang: str, *, include_none: bool = True) -> list[list[tuple[str, str]]]:
    ids = matching.taxonomy_ids("category")
    labelled = sorted(
        ((matching.label(i, lang), i) for i in ids), key=lambda pair: pair[0].casefold()
    )
    rows = [
        [(a, ChooseCategory(ai).encode()), (b, ChooseCategory(bi).encode())]
        for (a, ai), (b, bi) in zip(labelled[::2], labelled[1::2], strict=False)
    ]
    if len(labelled) % 2:
        rows.append([(labelled[-1][0], ChooseCategory(labelled[-1][1]).encode())])
    if include_none:
        rows.append([(t("designer.none_of_these", lang), ChooseCategory(NONE_OF_THESE).encode())])
    return rows


def _material_buttons(context: BotContext, lang: str) -> list[list[tuple[str, str]]]:
    answers = _answers(context)
    chosen = set(answers.get("materials", []))
    category = answers.get("category")
    offered = list(matching.likely_materials(category)) if category else []
    offered += [m for m in chosen if m not in offered]
    if not offered:
        offered = ["cotton", "wool", "silk", "linen", "leather", "cashmere"]
        offered = [m for m in offered if m in set(matching.taxonomy_ids("material"))]
    buttons = [
        ((("✓ " if m in chosen else "") + _label(m, lang)), ToggleMaterial(m).encode())
        for m in offered[:10]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([(t("designer.done", lang), ToggleMaterial(DONE).encode())])
    return rows


def _certification_buttons(context: BotContext, lang: str) -> list[list[tuple[str, str]]]:
    chosen = set(_answers(context).get("certifications", []))
    offered = [c for c in CERTIFICATION_CHOICES if c in set(matching.taxonomy_ids("certification"))]
    offered += [c for c in chosen if c not in offered]
    buttons = [
        ((("✓ " if c in chosen else "") + _label(c, lang)), ToggleCertification(c).encode())
        for c in offered
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([(t("designer.done", lang), ToggleCertification(DONE).encode())])
    return rows


def _question(state: str, context: BotContext, lang: str) -> tuple[str, Buttons | None]:
    if state == PRODUCT:
        return t("designer.ask_product", lang), None
    if state == CATEGORY:
        return t("designer.pick_category", lang), _category_buttons(lang)
    if state == MATERIALS:
        return t("designer.ask_materials", lang), _material_buttons(context, lang)
    if state == QUANTITY:
        return t("designer.ask_quantity", lang), None
    if state == STYLES:
        return t("designer.ask_styles", lang), [
            [(str(n), ChooseStyles(n).encode()) for n in (1, 2, 3, 4, 5, 6)]
        ]
    if state == DEADLINE:
        return t("designer.ask_deadline", lang), None
    if state == BUDGET:
        return t("designer.ask_budget", lang), [[(t("designer.skip", lang), SkipBudget().encode())]]
    if state == PLACE:
        return t("designer.ask_place", lang), [
            [
                (t("designer.place_italy", lang), ChoosePlace("IT").encode()),
                (t("designer.place_anywhere", lang), ChoosePlace("any").encode()),
            ],
            [
                (t("designer.place_region", lang), ChoosePlace("region").encode()),
                (t("designer.place_country", lang), ChoosePlace("other").encode()),
            ],
        ]
    if state == REGION:
        return t("designer.ask_region", lang), None
    if state == COUNTRY:
        return t("designer.ask_country", lang), None
    if state == HANDWORK:
        return t("designer.ask_handwork", lang), [
            [(t("designer.handwork_any", lang), ChooseHandwork(0).encode())]
            + [(f"≥ {p} %", ChooseHandwork(p).encode()) for p in HANDWORK_CHOICES]
        ]
    if state == CERTIFICATIONS:
        return t("designer.ask_certifications", lang), _certification_buttons(context, lang)
    return _summary(context, lang)


def _summary(context: BotContext, lang: str) -> tuple[str, Buttons]:
    a = _answers(context)
    low, high = a.get("quantity_low"), a.get("quantity_high")
    quantity = (
        parsing.format_quantity(parsing.Quantity(low, high), lang)
        if low and high
        else t("designer.not_given", lang)
    )
    deadline = a.get("deadline")
    budget = (
        parsing.format_money(
            parsing.Money(Decimal(a["budget_amount"]), a.get("budget_currency", "EUR")),
            lang,
        )
        if a.get("budget_amount")
        else t("designer.not_given", lang)
    )
    if a.get("region"):
        place = t(
            "designer.region_in_country",
            lang,
            region=parsing.region_label(a["region"], a.get("country"), lang),
            country=_country_name(a.get("country") or "IT", lang),
        )
    elif a.get("country"):
        place = _country_name(a["country"], lang)
    else:
        place = t("designer.anywhere", lang)
    share = a.get("min_handwork_share")
    text = t(
        "designer.summary",
        lang,
        product=a.get("product", t("designer.not_given", lang)),
        category=_label(a.get("category"), lang),
        materials=", ".join(_label(m, lang) for m in a.get("materials", []))
        or t("designer.not_given", lang),
        quantity=quantity,
        styles=a.get("styles", t("designer.not_given", lang)),
        deadline=format_date(date.fromisoformat(deadline), "long", locale=lang)
        if deadline
        else t("designer.not_given", lang),
        budget=budget,
        place=place,
        handwork=t("designer.at_least_percent", lang, percent=share)
        if share
        else t("designer.no_minimum", lang),
        certifications=", ".join(_label(c, lang) for c in a.get("certifications", []))
        or t("designer.not_given", lang),
    )
    edits = [
        (t(f"designer.edit_{field}", lang), EditAnswer(field).encode()) for field in EDIT_TARGETS
    ]
    rows: list[list[tuple[str, str]]] = [[(t("designer.confirm", lang), ConfirmBrief().encode())]]
    rows += [edits[i : i + 4] for i in range(0, len(edits), 4)]
    return text, rows


def _country_name(code: str, lang: str) -> str:
    from babel import Locale

    return str(Locale.parse(lang).territories.get(code, code))


async def _ask(
    update: Update, context: BotContext, state: str, *, prefix: str = "", replace: bool = False
) -> str:
    """Move to `state` and put its question in front of the designer."""
    lang = lang_of(context, update)
    _data(context)["brief_state"] = state
    text, buttons = _question(state, context, lang)
    text = f"{prefix}\n\n{text}" if prefix else text
    if replace:
        await edit_or_say(update, context, text, buttons)
    else:
        await say(update, context, text, buttons)
    return state


async def _next(
    update: Update, context: BotContext, after: str, *, replace: bool = False, prefix: str = ""
) -> str:
    """The following question, or back to the summary once an edited field is answered.

    Editing the product also re-confirms its category, and editing the must-haves covers both
    handwork and certifications, so those two continue one more step.
    """
    data = _data(context)
    following = {
        PRODUCT: CATEGORY,
        CATEGORY: MATERIALS,
        MATERIALS: QUANTITY,
        QUANTITY: STYLES,
        STYLES: DEADLINE,
        DEADLINE: BUDGET,
        BUDGET: PLACE,
        PLACE: HANDWORK,
        REGION: HANDWORK,
        COUNTRY: HANDWORK,
        HANDWORK: CERTIFICATIONS,
        CERTIFICATIONS: SUMMARY,
    }[after]
    if data.get("brief_editing") and after not in (PRODUCT, HANDWORK):
        following = SUMMARY
    if following == SUMMARY:
        data.pop("brief_editing", None)
    return await _ask(update, context, following, replace=replace, prefix=prefix)


async def _reask(update: Update, context: BotContext, error: parsing.ParseError | str) -> str:
    lang = lang_of(context, update)
    code = error.code if isinstance(error, parsing.ParseError) else error
    key = f"designer.error.{code}"
    message = t(key, lang) if key in _known_errors() else t("designer.error.default", lang)
    state = str(_data(context).get("brief_state", PRODUCT))
    return await _ask(update, context, state, prefix=message)


def _known_errors() -> set[str]:
    from bot.i18n import catalog

    return {k for k in catalog("en") if k.startswith("designer.error.")}


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message is not None else ""


MAX_SHORT_ANSWER = 200


def _short_answer(update: Update) -> str | parsing.ParseError:
    """Answers like a quantity or a date are short; a wall of text is refused before parsing."""
    text = _text(update)
    return parsing.ParseError("too_long") if len(text) > MAX_SHORT_ANSWER else text


def _parse_short(
    update: Update, parse: Callable[[str], T | parsing.ParseError]
) -> T | parsing.ParseError:
    text = _short_answer(update)
    return text if isinstance(text, parsing.ParseError) else parse(text)


# --- entry -------------------------------------------------------------------------------------


async def begin(update: Update, context: BotContext) -> str:
    if update.callback_query is not None:
        await update.callback_query.answer()
        await drop_buttons(update.callback_query)
    data = _data(context)
    data["brief"] = {}
    data.pop("brief_id", None)
    data.pop("brief_editing", None)
    # Nothing is written yet: the person becomes a designer when a brief is confirmed.
    lang = lang_of(context, update)
    data["brief_state"] = PRODUCT
    await say(update, context, t("designer.start", lang))
    return PRODUCT


async def edit_existing(update: Update, context: BotContext, button: EditBrief) -> str | None:
    """ "Edit brief" on a results message: load the stored brief and show its summary."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    brief_id = button.brief_id
    session = context.uow.session
    user = await context.uow.user()
    try:
        brief = await brief_service.owned_brief(session, brief_id, user)
    except brief_service.BriefError:
        # None keeps whatever interview is in progress (END would silently drop it).
        await answer_stale(update, context)
        return None
    if brief.state == "closed":
        await query.answer(t("designer.brief_closed", lang_of(context, update)), show_alert=True)
        return None
    answers = brief_service.answers_of(brief)
    await query.answer()
    data = _data(context)
    data["brief"] = dict(answers)
    data["brief_id"] = brief_id
    return await _ask(update, context, SUMMARY)


# --- answers -----------------------------------------------------------------------------------


async def product(update: Update, context: BotContext) -> str:
    text = parsing.clean_text(_text(update), max_len=MAX_PRODUCT_TEXT)
    if isinstance(text, parsing.ParseError):
        return await _reask(update, context, text)
    if _said(
        update,
        context,
        SKIP_WORDS | NONE_WORDS,
        parsing.AnswerWord.SKIP,
        parsing.AnswerWord.NONE,
        parsing.AnswerWord.DONE,
    ):
        # The product is the one answer a brief cannot do without: a skip word is no product.
        return await _ask(update, context, PRODUCT)
    answers = _answers(context)
    answers["product"] = text
    lang = lang_of(context, update)
    found = matching.categories_in(text)
    # Materials and quantities often come with the product ("80 merino cardigans").
    for concept in matching.understand(text, "material", limit=MAX_MATERIALS):
        if concept.confidence >= CONFIDENT and concept.id not in answers.setdefault(
            "materials", []
        ):
            answers["materials"].append(concept.id)
    _data(context)["brief_state"] = CATEGORY
    _data(context).pop("brief_guess", None)
    if (
        found
        and found[0].confidence >= CONFIDENT
        and (len(found) == 1 or found[1].confidence < found[0].confidence)
    ):
        best = found[0].id
        _data(context)["brief_guess"] = best
        await say(
            update,
            context,
            t("designer.understood", lang, category=_label(best, lang)),
            [
                [
                    (t("designer.yes", lang), ChooseCategory(best).encode()),
                    (t("designer.something_else", lang), ChooseCategory(SOMETHING_ELSE).encode()),
                ]
            ],
        )
    elif found:
        options = [c.id for c in found[:4]]
        await say(
            update,
            context,
            t(
                "designer.understood_several",
                lang,
                categories=", ".join(_label(i, lang) for i in options),
            ),
            [[(_label(i, lang), ChooseCategory(i).encode())] for i in options]
            + [[(t("designer.something_else", lang), ChooseCategory(SOMETHING_ELSE).encode())]],
        )
    else:
        await say(update, context, t("designer.not_sure", lang), _category_buttons(lang))
    return CATEGORY


async def category(update: Update, context: BotContext, button: ChooseCategory) -> str:
    query = update.callback_query
    assert query is not None
    choice = button.category
    await query.answer()
    if choice == SOMETHING_ELSE:
        _data(context).pop("brief_guess", None)
        return await _ask(update, context, CATEGORY, replace=True)
    if choice != NONE_OF_THESE and choice not in set(matching.taxonomy_ids("category")):
        return await _use_buttons(update, context)
    _answers(context)["category"] = None if choice == NONE_OF_THESE else choice
    return await _next(update, context, CATEGORY)


async def category_typed(update: Update, context: BotContext) -> str:
    """Text while the category is being confirmed: "yes"/"no" answer the question, anything
    else is a new description of the product."""
    said = _plain(_text(update))
    guess = _data(context).get("brief_guess")
    if said in YES_WORDS:
        if isinstance(guess, str) and guess in set(matching.taxonomy_ids("category")):
            _answers(context)["category"] = guess
            return await _next(update, context, CATEGORY)
        return await _use_buttons(update, context)
    if said in NO_WORDS:
        _data(context).pop("brief_guess", None)
        return await _ask(update, context, CATEGORY)
    return await product(update, context)


async def material_pressed(update: Update, context: BotContext, button: ToggleMaterial) -> str:
    query = update.callback_query
    assert query is not None
    choice = button.material
    await query.answer()
    if choice == DONE:
        return await _next(update, context, MATERIALS)
    if choice not in set(matching.taxonomy_ids("material")):
        return await _use_buttons(update, context)
    chosen: list[str] = _answers(context).setdefault("materials", [])
    if choice in chosen:
        chosen.remove(choice)
    elif len(chosen) < MAX_MATERIALS:
        chosen.append(choice)
    return await _ask(update, context, MATERIALS, replace=True)


async def materials_typed(update: Update, context: BotContext) -> str:
    text = parsing.clean_text(_text(update), max_len=300)
    if isinstance(text, parsing.ParseError):
        return await _reask(update, context, text)
    if _said(
        update,
        context,
        DONE_WORDS | NONE_WORDS | SKIP_WORDS,
        parsing.AnswerWord.DONE,
        parsing.AnswerWord.NONE,
        parsing.AnswerWord.SKIP,
    ):
        return await _next(update, context, MATERIALS)
    lang = lang_of(context, update)
    found = [
        c.id
        for c in matching.understand(text, "material", limit=MAX_MATERIALS)
        if c.confidence >= 70
    ]
    if not found:
        return await _ask(
            update, context, MATERIALS, prefix=t("designer.materials_unknown", lang, text=text[:60])
        )
    chosen: list[str] = _answers(context).setdefault("materials", [])
    for material in found:
        if material not in chosen and len(chosen) < MAX_MATERIALS:
            chosen.append(material)
    return await _ask(
        update,
        context,
        MATERIALS,
        prefix=t(
            "designer.materials_added", lang, materials=", ".join(_label(m, lang) for m in found)
        ),
    )


async def quantity(update: Update, context: BotContext) -> str:
    parsed = _parse_short(
        update, lambda text: parsing.parse_quantity(text, lang_of(context, update))
    )
    if isinstance(parsed, parsing.ParseError):
        return await _reask(update, context, parsed)
    answers = _answers(context)
    answers["quantity"] = parsed.value
    answers["quantity_low"] = parsed.low
    answers["quantity_high"] = parsed.high
    return await _next(update, context, QUANTITY)


async def styles_typed(update: Update, context: BotContext) -> str:
    parsed = _parse_short(
        update, lambda text: parsing.parse_count(text, lang_of(context, update), maximum=MAX_STYLES)
    )
    if isinstance(parsed, parsing.ParseError):
        return await _reask(update, context, parsed)
    _answers(context)["styles"] = parsed
    return await _next(update, context, STYLES)


async def styles_pressed(update: Update, context: BotContext, button: ChooseStyles) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    _answers(context)["styles"] = button.styles
    return await _next(update, context, STYLES)


async def deadline(update: Update, context: BotContext) -> str:
    parsed = _parse_short(
        update,
        lambda text: parsing.parse_deadline(text, lang_of(context, update), today=_today(context)),
    )
    if isinstance(parsed, parsing.ParseError):
        return await _reask(update, context, parsed)
    _answers(context)["deadline"] = parsed.isoformat()
    return await _next(update, context, DEADLINE)


async def budget_typed(update: Update, context: BotContext) -> str:
    if _said(update, context, SKIP_WORDS | NONE_WORDS, *parsing.SKIP_WORDS):
        _forget_budget(context)
        return await _next(update, context, BUDGET)
    parsed = _parse_short(update, lambda text: parsing.parse_budget(text, lang_of(context, update)))
    if isinstance(parsed, parsing.ParseError):
        return await _reask(update, context, parsed)
    answers = _answers(context)
    answers["budget_amount"] = str(parsed.amount)
    answers["budget_currency"] = parsed.currency
    return await _next(update, context, BUDGET)


async def budget_skipped(update: Update, context: BotContext) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    _forget_budget(context)
    return await _next(update, context, BUDGET)


def _forget_budget(context: BotContext) -> None:
    answers = _answers(context)
    answers.pop("budget_amount", None)
    answers.pop("budget_currency", None)


async def place_pressed(update: Update, context: BotContext, button: ChoosePlace) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    choice = button.place
    answers = _answers(context)
    if choice == "region":
        return await _ask(update, context, REGION)
    if choice == "other":
        return await _ask(update, context, COUNTRY)
    answers["country"] = "IT" if choice == "IT" else None
    answers["region"] = None
    return await _next(update, context, PLACE)


async def place_typed(update: Update, context: BotContext) -> str:
    """A country typed instead of a button press ("Portugal", "Italia")."""
    text = _short_answer(update)
    if isinstance(text, parsing.ParseError):
        return await _reask(update, context, text)
    if _said(update, context, ANYWHERE_WORDS, parsing.AnswerWord.ANYWHERE):
        answers = _answers(context)
        answers["country"] = None
        answers["region"] = None
        return await _next(update, context, PLACE)
    lang = lang_of(context, update)
    place = parsing.parse_place(text, lang)
    if isinstance(place, parsing.ParseError):
        return await _reask(update, context, place)
    return await _place_answered(update, context, place, COUNTRY)


async def _place_answered(
    update: Update, context: BotContext, place: parsing.Place, after: str
) -> str:
    """Keep a country and region (a province stands for its region) and say what a typo was
    read as, so a correction is never silent."""
    answers = _answers(context)
    answers["country"] = place.country
    answers["region"] = place.region
    lang = lang_of(context, update)
    notes = [
        t("designer.place_corrected", lang, typed=c.typed[:60], understood=c.understood)
        for c in place.corrections
    ]
    return await _next(update, context, after, prefix="\n".join(notes))


async def region(update: Update, context: BotContext) -> str:
    text = _short_answer(update)
    if isinstance(text, parsing.ParseError):
        return await _reask(update, context, text)
    place = parsing.parse_region(text, lang_of(context, update), country="IT")
    if isinstance(place, parsing.ParseError):
        return await _reask(update, context, place)
    return await _place_answered(update, context, place, REGION)


async def handwork_pressed(update: Update, context: BotContext, button: ChooseHandwork) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    _answers(context)["min_handwork_share"] = button.share or None
    return await _next(update, context, HANDWORK)


async def handwork_typed(update: Update, context: BotContext) -> str:
    if _said(update, context, NONE_WORDS | SKIP_WORDS, *parsing.SKIP_WORDS):
        _answers(context)["min_handwork_share"] = None
        return await _next(update, context, HANDWORK)
    parsed = _parse_short(
        update, lambda text: parsing.parse_percentage(text, lang_of(context, update))
    )
    if isinstance(parsed, parsing.ParseError):
        return await _reask(update, context, parsed)
    _answers(context)["min_handwork_share"] = parsed or None
    return await _next(update, context, HANDWORK)


async def certification_pressed(
    update: Update, context: BotContext, button: ToggleCertification
) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    choice = button.certification
    if choice == DONE:
        return await _next(update, context, CERTIFICATIONS)
    if choice not in set(matching.taxonomy_ids("certification")):
        return await _use_buttons(update, context)
    chosen: list[str] = _answers(context).setdefault("certifications", [])
    if choice in chosen:
        chosen.remove(choice)
    else:
        chosen.append(choice)
    return await _ask(update, context, CERTIFICATIONS, replace=True)


async def certifications_typed(update: Update, context: BotContext) -> str:
    text = parsing.clean_text(_text(update), max_len=200)
    if isinstance(text, parsing.ParseError):
        return await _reask(update, context, text)
    if _said(
        update,
        context,
        DONE_WORDS | NONE_WORDS | SKIP_WORDS,
        parsing.AnswerWord.DONE,
        parsing.AnswerWord.NONE,
        parsing.AnswerWord.SKIP,
    ):
        return await _next(update, context, CERTIFICATIONS)
    found = [
        c.id for c in matching.understand(text, "certification", limit=6) if c.confidence >= 70
    ]
    if not found:
        return await _reask(update, context, "default")
    chosen: list[str] = _answers(context).setdefault("certifications", [])
    chosen.extend(c for c in found if c not in chosen)
    return await _ask(update, context, CERTIFICATIONS)


async def edit_field(update: Update, context: BotContext, button: EditAnswer) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    target = EDIT_TARGETS.get(button.field)
    if target is None:
        return await _use_buttons(update, context)
    _data(context)["brief_editing"] = True
    return await _ask(update, context, target)


async def confirm(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = lang_of(context, update)
    answers = cast(brief_service.BriefAnswers, dict(_answers(context)))
    missing = brief_service.missing_answers(answers)
    if missing:
        await query.answer()
        return await _ask(update, context, missing[0], prefix=t("designer.incomplete", lang))
    await query.answer()
    brief_id = _data(context).get("brief_id")
    session = context.uow.session
    user = await context.uow.user()
    try:
        brief = await brief_service.confirm(session, user, answers, brief_id=brief_id)
    except brief_service.BriefError:
        _forget_interview(context)
        await edit_or_say(update, context, t("designer.brief_closed", lang))
        return ConversationHandler.END
    # The 24-hour nudge a confirmed brief starts.
    await followups.on_brief_confirmed(session, brief)
    stored_id = brief.id
    _forget_interview(context)
    await edit_or_say(update, context, t("designer.saved", lang))
    from bot.briefs.handlers import show_matches

    await show_matches(update, context, stored_id)
    return ConversationHandler.END


# --- safety nets inside the interview ----------------------------------------------------------


def _forget_interview(context: BotContext) -> None:
    data = _data(context)
    for key in ("brief", "brief_id", "brief_state", "brief_editing", "brief_guess"):
        data.pop(key, None)


def in_interview(context: BotContext) -> bool:
    """Whether the person is somewhere in the designer's interview."""
    return context.user_data is not None and "brief_state" in context.user_data


async def reask_current(update: Update, context: BotContext, prefix: str = "") -> None:
    """Put the current question in front of the designer again (after an unknown command or a
    change of language), so the interview never loses its thread."""
    state = str(_data(context).get("brief_state", PRODUCT))
    await _ask(update, context, state if state in QUESTIONS else PRODUCT, prefix=prefix)


async def cancel(update: Update, context: BotContext) -> int:
    _forget_interview(context)
    await say(update, context, t("common.cancelled", lang_of(context, update)))
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> str:
    """A sticker, photo or voice note where an answer was expected: re-ask, keep everything."""
    return await _reask(update, context, "text_only_reask")


async def stray_button(update: Update, context: BotContext) -> None:
    """A button of an earlier question: it no longer acts, and the current question is asked again."""
    await answer_stale(update, context)
    await reask_current(update, context)


async def _use_buttons(update: Update, context: BotContext) -> str:
    """Button data this question does not offer (forged or from an old keyboard): ask again."""
    return await _reask(update, context, "use_buttons")


async def summary_typed(update: Update, context: BotContext) -> str:
    """Text while the summary waits for Confirm or a field to edit."""
    return await _reask(update, context, "use_buttons")


async def edited(update: Update, context: BotContext) -> str:
    """An earlier message was edited: it is not an answer to the current question."""
    state = str(_data(context).get("brief_state", PRODUCT))
    lang = lang_of(context, update)
    return await _ask(update, context, state, prefix=t("designer.edit_not_read", lang))


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    # New messages only: an edit of an earlier message is not the answer to the current question.
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    # Answers are tracked per user, not per message: the interview moves on across messages.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return [_conversation(text)]


def _conversation(text: filters.BaseFilter) -> ConversationHandler[BotContext]:
    new_message = filters.UpdateType.MESSAGE
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            on_plain_button(StartInterview, begin),
            CommandHandler(["brief", "new"], begin, filters=new_message),
            on_button(EditBrief, edit_existing),
        ],
        states={
            PRODUCT: [MessageHandler(text, product)],
            CATEGORY: [
                on_button(ChooseCategory, category, malformed=_use_buttons),
                MessageHandler(text, category_typed),
            ],
            MATERIALS: [
                on_button(ToggleMaterial, material_pressed, malformed=_use_buttons),
                MessageHandler(text, materials_typed),
            ],
            QUANTITY: [MessageHandler(text, quantity)],
            STYLES: [
                on_button(ChooseStyles, styles_pressed, malformed=_use_buttons),
                MessageHandler(text, styles_typed),
            ],
            DEADLINE: [MessageHandler(text, deadline)],
            BUDGET: [
                on_plain_button(SkipBudget, budget_skipped),
                MessageHandler(text, budget_typed),
            ],
            PLACE: [
                on_button(ChoosePlace, place_pressed, malformed=_use_buttons),
                MessageHandler(text, place_typed),
            ],
            REGION: [MessageHandler(text, region)],
            COUNTRY: [MessageHandler(text, place_typed)],
            HANDWORK: [
                on_button(ChooseHandwork, handwork_pressed, malformed=_use_buttons),
                MessageHandler(text, handwork_typed),
            ],
            CERTIFICATIONS: [
                on_button(ToggleCertification, certification_pressed, malformed=_use_buttons),
                MessageHandler(text, certifications_typed),
            ],
            SUMMARY: [
                on_plain_button(ConfirmBrief, confirm),
                on_button(EditAnswer, edit_field, malformed=_use_buttons),
                MessageHandler(text, summary_typed),
            ],
        },
        fallbacks=[
            MessageHandler(filters.UpdateType.EDITED, edited),
            CommandHandler("cancel", cancel, filters=new_message),
            CommandHandler(["brief", "new"], begin, filters=new_message),
            MessageHandler(~filters.COMMAND & ~filters.TEXT, not_text),
            CallbackQueryHandler(stray_button, pattern=r"^iv:"),
        ],
        name=NAME,
        persistent=True,
        allow_reentry=True,
    )
    return conversation
