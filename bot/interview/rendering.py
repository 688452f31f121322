"""How the interview's questions, notes and summary read, with their buttons, in the designer's
language. No Telegram here: text and (label, button data) rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date

import matching
import parsing
from bot.files import rendering as files_rendering
from bot.i18n import catalog, t
from bot.interview import answers as rules
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
    ToggleCertification,
    ToggleMaterial,
)
from bot.interview.steps import (
    BUDGET,
    CATEGORY,
    CERTIFICATIONS,
    COLOURWAY_CHOICES,
    COLOURWAYS,
    COUNTRY,
    DEADLINE,
    DONE,
    EDIT_TARGETS,
    HANDWORK,
    HANDWORK_CHOICES,
    MATERIALS,
    MAX_COLOURWAYS,
    MAX_STYLES,
    NONE_OF_THESE,
    ONE_SIZE,
    PACK,
    PLACE,
    PRODUCT,
    QUANTITY,
    REGION,
    SIZE_CHOICES,
    SIZES,
    SOMETHING_ELSE,
    STYLE_CHOICES,
    STYLES,
)

Rows = list[list[tuple[str, str]]]


def label(concept_id: str | None, lang: str) -> str:
    if not concept_id:
        return t("designer.not_given", lang)
    try:
        return matching.label(concept_id, lang)
    except KeyError:
        return concept_id


def _labels(ids: list[str], lang: str) -> str:
    return ", ".join(label(i, lang) for i in ids)


def category_buttons(lang: str, *, include_none: bool = True) -> Rows:
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


def _ticked(concept_id: str, chosen: list[str], lang: str) -> str:
    return ("✓ " if concept_id in chosen else "") + label(concept_id, lang)


def _material_buttons(answers: Mapping[str, Any], lang: str) -> Rows:
    chosen = list(answers.get("materials", []))
    buttons = [
        (_ticked(m, chosen, lang), ToggleMaterial(m).encode())
        for m in rules.material_choices(answers)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([(t("designer.done", lang), ToggleMaterial(DONE).encode())])
    return rows


def _certification_buttons(answers: Mapping[str, Any], lang: str) -> Rows:
    chosen = list(answers.get("certifications", []))
    buttons = [
        (_ticked(c, chosen, lang), ToggleCertification(c).encode())
        for c in rules.certification_choices(answers)
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([(t("designer.done", lang), ToggleCertification(DONE).encode())])
    return rows


def question(state: str, answers: Mapping[str, Any], lang: str) -> tuple[str, Rows | None]:
    """The text and buttons of one question (the summary for any other state)."""
    if state == PRODUCT:
        return t("designer.ask_product", lang), None
    if state == CATEGORY:
        return t("designer.pick_category", lang), category_buttons(lang)
    if state == MATERIALS:
        return t("designer.ask_materials", lang), _material_buttons(answers, lang)
    if state == QUANTITY:
        return t("designer.ask_quantity", lang), None
    if state == STYLES:
        return t("designer.ask_styles", lang, limit=MAX_STYLES), [
            [(str(n), ChooseStyles(n).encode()) for n in STYLE_CHOICES]
        ]
    if state == COLOURWAYS:
        return t("designer.ask_colourways", lang, limit=MAX_COLOURWAYS), [
            [(str(n), ChooseColourways(n).encode()) for n in COLOURWAY_CHOICES]
        ]
    if state == SIZES:
        return t("designer.ask_sizes", lang), [
            [(t("designer.one_size", lang), ChooseSizes(ONE_SIZE).encode())],
            [
                (typed.replace("-", "–"), ChooseSizes(word).encode())
                for word, typed in SIZE_CHOICES.items()
            ],
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
        return t("designer.ask_certifications", lang), _certification_buttons(answers, lang)
    if state == PACK:
        return files_rendering.pack_question(answers.get(PACK), lang)
    return summary(answers, lang)


def guessed(guess: rules.CategoryGuess, lang: str) -> tuple[str, Rows]:
    """What the product text was understood as, with the buttons to confirm or correct it."""
    if guess.kind == "one":
        best = guess.ids[0]
        return t("designer.understood", lang, category=label(best, lang)), [
            [
                (t("designer.yes", lang), ChooseCategory(best).encode()),
                (t("designer.something_else", lang), ChooseCategory(SOMETHING_ELSE).encode()),
            ]
        ]
    if guess.kind == "several":
        options = list(guess.ids)
        return (
            t("designer.understood_several", lang, categories=_labels(options, lang)),
            [[(label(i, lang), ChooseCategory(i).encode())] for i in options]
            + [[(t("designer.something_else", lang), ChooseCategory(SOMETHING_ELSE).encode())]],
        )
    return t("designer.not_sure", lang), category_buttons(lang)


def note(key: str, values: Mapping[str, Any], lang: str) -> str:
    """One `designer.<key>` message; lists of taxonomy ids read as their labels."""
    shown = {k: _labels(v, lang) if isinstance(v, list) else v for k, v in values.items()}
    return t(f"designer.{key}", lang, **shown)


def problem(problem: rules.Problem, lang: str) -> str:
    """The re-ask of a refused answer."""
    key = f"designer.error.{problem.code}"
    if key not in catalog("en"):
        key = "designer.error.default"
    values = dict(problem.values)
    if isinstance(values.get("limit"), int):
        values["limit"] = parsing.format_quantity(values["limit"], lang)
    return t(key, lang, **values)


def _quantity(a: Mapping[str, Any], lang: str) -> str | None:
    low, high = a.get("quantity_low"), a.get("quantity_high")
    return parsing.format_quantity(parsing.Quantity(low, high), lang) if low and high else None


def _unit(a: Mapping[str, Any]) -> matching.Unit:
    return matching.parse_unit(str(a.get("quantity_per") or "")) or "style"


def _per(a: Mapping[str, Any], lang: str) -> str | None:
    """ "80 per style", "20 per size"."""
    quantity = _quantity(a, lang)
    if quantity is None:
        return None
    return t(f"designer.per_{_unit(a)}", lang, quantity=quantity)


def _sizes(a: Mapping[str, Any], lang: str) -> str | None:
    sizes = a.get("sizes")
    if not sizes:
        return None
    if sizes == 1 and not a.get("size_range"):
        return t("designer.one_size", lang)
    return t("designer.sizes_count", lang, range=a.get("size_range") or "", count=sizes).strip(" ·")


def total(a: Mapping[str, Any], lang: str) -> str | None:
    """The order's total pieces: the quantity times the styles, colourways and sizes it counts
    ("80 per style × 3 styles = 240 pieces"), a range when the quantity was one."""
    low, high = a.get("quantity_low"), a.get("quantity_high")
    if not (low and high and a.get("styles")):
        return None
    shape = matching.OrderShape(
        int(a.get("styles") or 1), int(a.get("colourways") or 1), int(a.get("sizes") or 1)
    )
    unit = _unit(a)
    pieces = parsing.Quantity(shape.total(int(low), unit), shape.total(int(high), unit))
    return t("designer.total_pieces", lang, total=parsing.format_quantity(pieces, lang))


def _deadline(a: Mapping[str, Any], lang: str) -> str | None:
    deadline = a.get("deadline")
    return format_date(date.fromisoformat(deadline), "long", locale=lang) if deadline else None


def _deadline_word(a: Mapping[str, Any], lang: str) -> str | None:
    word = a.get("deadline_word")
    return t(f"designer.deadline_{word}", lang) if word else None


def noted(a: Mapping[str, Any], stated: tuple[str, ...], lang: str) -> str:
    """What the first message stated besides the product, said back before the category is
    confirmed ("" when it stated nothing more)."""
    items: list[str] = []
    if MATERIALS in stated:
        items.append(_labels(list(a.get("materials", [])), lang))
    if QUANTITY in stated:
        items.append(t("designer.noted_quantity", lang, quantity=_quantity(a, lang)))
    if STYLES in stated:
        items.append(t("designer.noted_styles", lang, styles=a.get("styles")))
    if COLOURWAYS in stated:
        items.append(t("designer.noted_colourways", lang, colourways=a.get("colourways")))
    if SIZES in stated:
        items.append(_sizes(a, lang) or "")
    if DEADLINE in stated:
        items.append(t("designer.noted_deadline", lang, deadline=_deadline(a, lang)))
    if PLACE in stated:
        items.append(t("designer.noted_place", lang, place=_place(a, lang)))
    if HANDWORK in stated:
        share = a.get("min_handwork_share")
        items.append(t("designer.noted_handwork", lang, percent=share))
    if CERTIFICATIONS in stated:
        items.append(_labels(list(a.get("certifications", [])), lang))
    if not items:
        return ""
    return t("designer.noted", lang, details=" · ".join(items))


def _country_name(code: str, lang: str) -> str:
    return str(Locale.parse(lang).territories.get(code, code))


def _place(a: Mapping[str, Any], lang: str) -> str:
    if a.get("region"):
        return t(
            "designer.region_in_country",
            lang,
            region=parsing.region_label(a["region"], a.get("country"), lang),
            country=_country_name(a.get("country") or "IT", lang),
        )
    if a.get("country"):
        return _country_name(a["country"], lang)
    return t("designer.anywhere", lang)


def summary(a: Mapping[str, Any], lang: str) -> tuple[str, Rows]:
    not_given = t("designer.not_given", lang)
    budget = (
        parsing.format_money(
            parsing.Money(Decimal(a["budget_amount"]), a.get("budget_currency", "EUR")), lang
        )
        if a.get("budget_amount")
        else not_given
    )
    share = a.get("min_handwork_share")
    text = t(
        "designer.summary",
        lang,
        product=a.get("product", not_given),
        category=label(a.get("category"), lang),
        materials=_labels(list(a.get("materials", [])), lang) or not_given,
        quantity=_per(a, lang) or not_given,
        colourways=a.get("colourways", not_given),
        sizes=_sizes(a, lang) or not_given,
        total=total(a, lang) or not_given,
        styles=a.get("styles", not_given),
        deadline=_deadline(a, lang) or _deadline_word(a, lang) or not_given,
        budget=budget,
        place=_place(a, lang),
        handwork=t("designer.at_least_percent", lang, percent=share)
        if share
        else t("designer.no_minimum", lang),
        certifications=_labels(list(a.get("certifications", [])), lang) or not_given,
    )
    readiness = files_rendering.readiness_of(
        {
            "tech_pack": any(files_rendering.pack_counts(a.get(PACK))),
            "sizes": a.get("size_range") or a.get("sizes"),
            "colourways": a.get("colourways"),
            "budget": a.get("budget_amount"),
            "deadline": a.get("deadline"),
        }
    )
    text += "\n" + files_rendering.pack_line(a.get(PACK), lang)
    text += "\n\n" + files_rendering.checklist(readiness, lang)
    edits = [
        (
            t("files.edit_pack", lang) if field == "pack" else t(f"designer.edit_{field}", lang),
            EditAnswer(field).encode(),
        )
        for field in EDIT_TARGETS
    ]
    rows: Rows = [[(t("designer.confirm", lang), ConfirmBrief().encode())]]
    rows += [edits[i : i + 4] for i in range(0, len(edits), 4)]
    return text, rows
