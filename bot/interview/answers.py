"""Reading a designer's answers: each question's typed text, or pressed choice, becomes the
brief's values and where the interview goes next, or a `Problem` whose code selects the
localized re-ask.

Pure: no Telegram, no database. Word answers (yes, skip, none, done, anywhere…) come from
`parsing.answer_word`, product, material and certification words from `matching`, so every
rule here is tested on plain strings (tests/interview/test_answers.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal, TypeVar

import matching
import parsing
from bot.interview.steps import (
    BUDGET,
    CATEGORY,
    CERTIFICATION_CHOICES,
    CERTIFICATIONS,
    COLOURWAYS,
    COUNTRY,
    DEADLINE,
    DEADLINE_ASAP,
    DEADLINE_DONT_KNOW,
    DEADLINE_FLEXIBLE,
    DONE,
    FALLBACK_MATERIALS,
    HANDWORK,
    MATERIAL_BUTTONS,
    MATERIALS,
    MAX_CERTIFICATIONS_TEXT,
    MAX_COLOURWAYS,
    MAX_MATERIALS,
    MAX_MATERIALS_TEXT,
    MAX_PIECES,
    MAX_PRODUCT_TEXT,
    MAX_SHORT_ANSWER,
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
    STYLES,
    SUMMARY,
)

# Below this, the matcher's guess of a category is offered as a question rather than taken.
CONFIDENT: Final = 80.0
# A material or certification typed at its own question counts from here.
UNDERSTOOD: Final = 70.0

# What a typed answer may be instead of a value.
_NOTHING: Final = frozenset(parsing.SKIP_WORDS)  # skip, none, don't know, no
_FINISHED: Final = _NOTHING | {parsing.AnswerWord.DONE}  # ...and done, at a multi-select


@dataclass(frozen=True, slots=True)
class Asked:
    """What a rule may need besides the text: the designer's language, their today, and the
    category the bot offered ("I understood: knitwear. Is that right?")."""

    lang: str
    today: date
    guess: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """The answer could not be taken; `code` picks the re-ask (`designer.error.<code>`)."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)


USE_BUTTONS: Final = Problem("use_buttons")


@dataclass(frozen=True, slots=True)
class CategoryGuess:
    """What the product text says its category is: one confident id, a few candidates, or
    nothing (then every category is offered)."""

    kind: Literal["one", "several", "unknown"]
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Answered:
    """An accepted answer: the values to keep (and the keys to forget), then where to go.

    `stay` keeps the question open (a multi-select gaining a choice); `go_to` moves to another
    question than the following one ("A region of Italy" asks which region); otherwise the
    interview moves on. Each of `notes` (a `designer.<key>` message and its values) is said
    before the next question.
    """

    values: dict[str, Any] = field(default_factory=dict)
    forget: tuple[str, ...] = ()
    stay: bool = False
    go_to: str | None = None
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()
    guess: CategoryGuess | None = None
    forget_guess: bool = False
    # Questions this answer has answered too (the first message's details): not asked.
    stated: tuple[str, ...] = ()


Answer = Answered | Problem
Parser = Callable[[str, Asked, Mapping[str, Any]], Answer]
_Read = TypeVar("_Read")


def _problem(error: parsing.ParseError, *, limit: int = MAX_SHORT_ANSWER) -> Problem:
    """The re-ask of a parse error; a limit that was passed is said ("at most 200 characters")."""
    if error.code == "too_long":
        return Problem("too_long", {"limit": limit})
    if error.code == "too_large" and error.detail.isdigit():
        return Problem("too_large_at_most", {"limit": int(error.detail)})
    return Problem(error.code)


def _said(text: str, lang: str, meanings: frozenset[parsing.AnswerWord]) -> bool:
    return parsing.answer_word(text, lang, expected=meanings) is not None


def _short(text: str) -> str | Problem:
    return (
        Problem("too_long", {"limit": MAX_SHORT_ANSWER}) if len(text) > MAX_SHORT_ANSWER else text
    )


def _known(kind: str) -> frozenset[str]:
    return frozenset(matching.taxonomy_ids(kind))


# --- product and category -----------------------------------------------------------------------


def guess_category(text: str) -> CategoryGuess:
    found = matching.categories_in(text)
    if (
        found
        and found[0].confidence >= CONFIDENT
        and (len(found) == 1 or found[1].confidence < found[0].confidence)
    ):
        return CategoryGuess("one", (found[0].id,))
    if found:
        return CategoryGuess("several", tuple(c.id for c in found[:4]))
    return CategoryGuess("unknown")


# A hand technique named in the product ("hand-finished", "ricamato a mano") is some handwork;
# knitting by hand is most of it.
SOME_HANDWORK: Final = 30
HAND_TECHNIQUE_SHARES: Final = {"hand_knitting": 80}


def _stated_certifications(text: str) -> list[str]:
    """Certifications named as such: a code or a name written with a capital ("GOTS",
    "OEKO-TEX", "SA8000"), never a common word that happens to be one ("step")."""
    return [
        c.id
        for c in matching.understand(text, "certification", limit=6)
        if c.confidence >= 100 and c.matched and c.matched != c.matched.lower()
    ]


def _stated_handwork(text: str, details: parsing.Details) -> int | None:
    if details.handwork is not None:
        return details.handwork
    shares = [
        HAND_TECHNIQUE_SHARES.get(c.id, SOME_HANDWORK)
        for c in matching.understand(text, "technique", limit=5)
        if c.confidence >= 100 and c.id.startswith("hand_")
    ]
    return max(shares, default=None)


def stated_in(
    text: str, asked: Asked, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Every detail a product description states beyond the product ("60 hand-finished silk
    blouses, delivery in 10 weeks, made in Tuscany"): the values, and the questions they
    answer, which are then not asked."""
    details = parsing.find_details(text, asked.lang, today=asked.today)
    values: dict[str, Any] = {}
    stated: list[str] = []
    materials = list(answers.get("materials", []))
    named = [
        c.id
        for c in matching.understand(text, "material", limit=MAX_MATERIALS)
        if c.confidence >= CONFIDENT
    ]
    materials += [m for m in named if m not in materials]
    values["materials"] = materials[:MAX_MATERIALS]
    if named:
        stated.append(MATERIALS)
    if details.quantity is not None:
        q = details.quantity
        values |= {"quantity": q.value, "quantity_low": q.low, "quantity_high": q.high}
        stated.append(QUANTITY)
    if details.styles is not None and details.styles <= MAX_STYLES:
        values["styles"] = details.styles
        stated.append(STYLES)
    if details.colourways is not None and details.colourways <= MAX_COLOURWAYS:
        values["colourways"] = details.colourways
        stated.append(COLOURWAYS)
    if details.sizes is not None:
        values |= {"sizes": details.sizes.count, "size_range": details.sizes.label}
        stated.append(SIZES)
    if details.deadline is not None:
        values["deadline"] = details.deadline.isoformat()
        stated.append(DEADLINE)
    if details.place is not None:
        values |= {"country": details.place.country, "region": details.place.region}
        stated.append(PLACE)
    handwork = _stated_handwork(text, details)
    if handwork is not None:
        values["min_handwork_share"] = handwork
        stated.append(HANDWORK)
    certifications = _stated_certifications(text)
    if certifications:
        chosen = list(answers.get("certifications", []))
        values["certifications"] = chosen + [c for c in certifications if c not in chosen]
        stated.append(CERTIFICATIONS)
    return values, tuple(stated)


def parse_product(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    """The product in the designer's words, every detail it states besides ("80 merino
    cardigans, by March"), and the category it suggests, to be confirmed next."""
    cleaned = parsing.clean_text(text, max_len=MAX_PRODUCT_TEXT)
    if isinstance(cleaned, parsing.ParseError):
        return _problem(cleaned, limit=MAX_PRODUCT_TEXT)
    if _said(cleaned, asked.lang, _FINISHED):
        # The product is the one answer a brief cannot do without: a skip word is no product.
        return Answered(go_to=PRODUCT)
    values, stated = stated_in(cleaned, asked, answers)
    return Answered(
        {"product": cleaned, **values},
        go_to=CATEGORY,
        guess=guess_category(cleaned),
        stated=stated,
    )


def parse_category(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    """Text while the category is being confirmed: "yes" / "no" answer the question, anything
    else is a new description of the product."""
    word = parsing.answer_word(
        text, asked.lang, expected={parsing.AnswerWord.YES, parsing.AnswerWord.NO}
    )
    if word is parsing.AnswerWord.YES:
        if asked.guess is not None and asked.guess in _known("category"):
            return Answered({"category": asked.guess})
        return USE_BUTTONS
    if word is parsing.AnswerWord.NO:
        return Answered(stay=True, forget_guess=True)
    return parse_product(text, asked, answers)


def choose_category(choice: str) -> Answer:
    if choice == SOMETHING_ELSE:
        return Answered(stay=True, forget_guess=True)
    if choice == NONE_OF_THESE:
        return Answered({"category": None})
    if choice not in _known("category"):
        return USE_BUTTONS
    return Answered({"category": choice})


# --- materials and certifications: multi-selects ----------------------------------------------


def material_choices(answers: Mapping[str, Any]) -> list[str]:
    """The materials offered as buttons: the category's likely ones, then those chosen."""
    chosen = list(answers.get("materials", []))
    category = answers.get("category")
    offered = list(matching.likely_materials(category)) if category else []
    offered += [m for m in chosen if m not in offered]
    if not offered:
        known = _known("material")
        offered = [m for m in FALLBACK_MATERIALS if m in known]
    return offered[:MATERIAL_BUTTONS]


def _toggle(
    choice: str, answers: Mapping[str, Any], kind: str, field: str, limit: int | None = None
) -> Answer:
    """A tap on one of the `kind` buttons adds it to `field` (up to `limit`) or takes it away."""
    if choice == DONE:
        return Answered()
    if choice not in _known(kind):
        return USE_BUTTONS
    chosen = list(answers.get(field, []))
    if choice in chosen:
        chosen.remove(choice)
    elif limit is None or len(chosen) < limit:
        chosen.append(choice)
    return Answered({field: chosen}, stay=True)


def _understood(
    text: str, asked: Asked, kind: str, *, max_len: int, limit: int
) -> tuple[str, list[str]] | Answer:
    """The `kind` ids a typed answer names with confidence, beside the cleaned text; "done"
    (or "fatto") finishes the question, and text that cannot be read is re-asked."""
    cleaned = parsing.clean_text(text, max_len=max_len)
    if isinstance(cleaned, parsing.ParseError):
        return _problem(cleaned, limit=max_len)
    if _said(cleaned, asked.lang, _FINISHED):
        return Answered()
    found = matching.understand(cleaned, kind, limit=limit)
    return cleaned, [c.id for c in found if c.confidence >= UNDERSTOOD]


def toggle_material(choice: str, answers: Mapping[str, Any]) -> Answer:
    return _toggle(choice, answers, "material", "materials", MAX_MATERIALS)


def parse_materials(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    read = _understood(text, asked, "material", max_len=MAX_MATERIALS_TEXT, limit=MAX_MATERIALS)
    if not isinstance(read, tuple):
        return read
    cleaned, found = read
    if not found:
        return Answered(stay=True, notes=(("materials_unknown", {"text": cleaned[:60]}),))
    chosen = list(answers.get("materials", []))
    for material in found:
        if material not in chosen and len(chosen) < MAX_MATERIALS:
            chosen.append(material)
    return Answered(
        {"materials": chosen}, stay=True, notes=(("materials_added", {"materials": found}),)
    )


def certification_choices(answers: Mapping[str, Any]) -> list[str]:
    chosen = list(answers.get("certifications", []))
    known = _known("certification")
    offered = [c for c in CERTIFICATION_CHOICES if c in known]
    return offered + [c for c in chosen if c not in offered]


def toggle_certification(choice: str, answers: Mapping[str, Any]) -> Answer:
    return _toggle(choice, answers, "certification", "certifications")


def parse_certifications(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    read = _understood(text, asked, "certification", max_len=MAX_CERTIFICATIONS_TEXT, limit=6)
    if not isinstance(read, tuple):
        return read
    _, found = read
    if not found:
        return Problem("default")
    chosen = list(answers.get("certifications", []))
    chosen.extend(c for c in found if c not in chosen)
    return Answered({"certifications": chosen}, stay=True)


# --- numbers and dates --------------------------------------------------------------------------


def parse_quantity(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    short = _short(text)
    if isinstance(short, Problem):
        return short
    per = _PER_UNIT.search(short)
    unit = matching.parse_unit(per.group(1)) if per is not None else None
    counted = short[: per.start()] + short[per.end() :] if per is not None and unit else short
    quantity = parsing.parse_quantity(counted, asked.lang, maximum=MAX_PIECES)
    if isinstance(quantity, parsing.ParseError):
        return _problem(quantity)
    return Answered(
        {
            "quantity": quantity.value,
            "quantity_low": quantity.low,
            "quantity_high": quantity.high,
            "quantity_per": unit or "style",
        }
    )


# "20 per size", "30 per colore", "50 a taglia": what the quantity counts (pieces per style when
# nothing is said, as the question asks).
_PER_UNIT: Final = re.compile(r"\b(?:per|a|each|ogni|for each)\s+(\w+)\s*$", re.IGNORECASE)


def _within(
    text: str,
    asked: Asked,
    read: Callable[[str, str], _Read | parsing.ParseError],
    too_many: Problem | None = None,
) -> _Read | Problem:
    """A short answer read by `read`; past the parser's limit the re-ask is `too_many`."""
    short = _short(text)
    if isinstance(short, Problem):
        return short
    value = read(short, asked.lang)
    if isinstance(value, parsing.ParseError):
        return too_many if too_many and value.code == "too_large" else _problem(value)
    return value


def _counted(text: str, asked: Asked, field: str, maximum: int) -> Answer:
    """How many styles or colourways, kept in `field`; above `maximum`, `too_many_<field>`."""
    count = _within(
        text,
        asked,
        lambda short, lang: parsing.parse_count(short, lang, maximum=maximum),
        Problem(f"too_many_{field}", {"limit": maximum}),
    )
    return count if isinstance(count, Problem) else Answered({field: count})


def parse_colourways(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    return _counted(text, asked, "colourways", MAX_COLOURWAYS)


def choose_colourways(colourways: int) -> Answer:
    return Answered({"colourways": colourways})


def parse_sizes(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    """ "XS-XL", "38-46", "S, M, L", "5 sizes", "one size" / "taglia unica"."""
    too_many = Problem("too_many_sizes", {"limit": parsing.MAX_SIZES})
    sizes = _within(text, asked, parsing.parse_sizes, too_many)
    if isinstance(sizes, Problem):
        return sizes
    return Answered({"sizes": sizes.count, "size_range": sizes.label})


def choose_sizes(choice: str) -> Answer:
    if choice == ONE_SIZE:
        return Answered({"sizes": 1, "size_range": ""})
    return parse_sizes(SIZE_CHOICES[choice], Asked("en", date.min), {})


def parse_styles(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    return _counted(text, asked, "styles", MAX_STYLES)


def choose_styles(styles: int) -> Answer:
    return Answered({"styles": styles})


def parse_deadline(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    short = _short(text)
    if isinstance(short, Problem):
        return short
    word = parsing.answer_word(short, asked.lang, expected=parsing.DEADLINE_WORDS)
    if word is not None:
        return Answered({"deadline_word": _DEADLINE_WORDS[word]}, forget=("deadline",))
    deadline = parsing.parse_deadline(short, asked.lang, today=asked.today)
    if isinstance(deadline, parsing.ParseError):
        if deadline.code == "asap":  # "asap please", "il prima possibile, grazie"
            return Answered({"deadline_word": DEADLINE_ASAP}, forget=("deadline",))
        return _problem(deadline)
    return Answered({"deadline": deadline.isoformat()}, forget=("deadline_word",))


# A deadline without a date: flexible, not known yet, or as soon as possible (then ateliers
# with the shortest lead times are the ones to ask).
_DEADLINE_WORDS: Final = {
    parsing.AnswerWord.FLEXIBLE: DEADLINE_FLEXIBLE,
    parsing.AnswerWord.DONT_KNOW: DEADLINE_DONT_KNOW,
    parsing.AnswerWord.SKIP: DEADLINE_DONT_KNOW,
    parsing.AnswerWord.ASAP: DEADLINE_ASAP,
}


_NO_BUDGET: Final = ("budget_amount", "budget_currency")


def parse_budget(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    if _said(text, asked.lang, _NOTHING):
        return skip_budget()
    budget = _within(text, asked, parsing.parse_budget)
    if isinstance(budget, Problem):
        return budget
    return Answered({"budget_amount": str(budget.amount), "budget_currency": budget.currency})


def skip_budget() -> Answer:
    return Answered(forget=_NO_BUDGET)


def parse_handwork(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    if _said(text, asked.lang, _NOTHING):
        return Answered({"min_handwork_share": None})
    share = _within(text, asked, parsing.parse_percentage)
    if isinstance(share, Problem):
        return share
    return Answered({"min_handwork_share": share or None})


def choose_handwork(share: int) -> Answer:
    return Answered({"min_handwork_share": share or None})


# --- place --------------------------------------------------------------------------------------


def choose_place(choice: str) -> Answer:
    if choice == "region":
        return Answered(go_to=REGION)
    if choice == "other":
        return Answered(go_to=COUNTRY)
    return Answered({"country": "IT" if choice == "IT" else None, "region": None})


def _place(place: parsing.Place) -> Answer:
    """Keep a country and region (a province stands for its region) and say what a typo was
    read as, so a correction is never silent."""
    return Answered(
        {"country": place.country, "region": place.region},
        notes=tuple(
            ("place_corrected", {"typed": c.typed[:60], "understood": c.understood})
            for c in place.corrections
        ),
    )


def parse_place(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    """A country or a region typed instead of a button press ("Portugal", "Toscana")."""
    short = _short(text)
    if isinstance(short, Problem):
        return short
    if _said(short, asked.lang, frozenset({parsing.AnswerWord.ANYWHERE})):
        return Answered({"country": None, "region": None})
    place = parsing.parse_place(short, asked.lang)
    if isinstance(place, parsing.ParseError):
        return _problem(place)
    return _place(place)


def parse_region(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    short = _short(text)
    if isinstance(short, Problem):
        return short
    place = parsing.parse_region(short, asked.lang, country="IT")
    if isinstance(place, parsing.ParseError):
        return _problem(place)
    return _place(place)


def parse_pack(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    """Files are the answer here; "done" or "skip" typed goes on like the buttons."""
    if _said(text, asked.lang, _FINISHED):
        return Answered()
    return Problem("pack_use_buttons")


def parse_summary(text: str, asked: Asked, answers: Mapping[str, Any]) -> Answer:
    """The summary waits for Confirm or a field to edit."""
    return USE_BUTTONS


# Each question's reading of a typed answer.
PARSERS: Final[dict[str, Parser]] = {
    PRODUCT: parse_product,
    CATEGORY: parse_category,
    MATERIALS: parse_materials,
    QUANTITY: parse_quantity,
    STYLES: parse_styles,
    COLOURWAYS: parse_colourways,
    SIZES: parse_sizes,
    DEADLINE: parse_deadline,
    BUDGET: parse_budget,
    PLACE: parse_place,
    REGION: parse_region,
    COUNTRY: parse_place,
    HANDWORK: parse_handwork,
    CERTIFICATIONS: parse_certifications,
    PACK: parse_pack,
    SUMMARY: parse_summary,
}
