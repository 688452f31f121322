"""The interview's buttons: one kind per question (the role choice that starts it is /start's).

Taxonomy ids travel as they are (lower-case ASCII words); the handlers still check that an id is
one the taxonomy knows, so a forged but well-formed one only re-asks the question."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, choice, number, text
from bot.core.roles import StartInterview
from bot.interview.steps import (
    MAX_COLOURWAYS,
    MAX_STYLES,
    ONE_SIZE,
    PLACE_CHOICES,
    SIZE_CHOICES,
)

__all__ = [
    "ChooseCategory",
    "ChooseColourways",
    "ChooseHandwork",
    "ChoosePlace",
    "ChooseSizes",
    "ChooseStyles",
    "ConfirmBrief",
    "EditAnswer",
    "SkipBudget",
    "StartInterview",
    "ToggleCertification",
    "ToggleMaterial",
]

TAXONOMY_ID = r"[a-z0-9_]{1,40}"


class ChooseCategory(ButtonData, prefix="iv:cat"):
    category: str = text(rf"{TAXONOMY_ID}|[-?]")


class ToggleMaterial(ButtonData, prefix="iv:mat"):
    material: str = text(rf"{TAXONOMY_ID}|\.")


class ChooseStyles(ButtonData, prefix="iv:sty"):
    styles: int = number(1, MAX_STYLES)


class ChooseColourways(ButtonData, prefix="iv:col"):
    colourways: int = number(1, MAX_COLOURWAYS)


class ChooseSizes(ButtonData, prefix="iv:size"):
    sizes: str = choice(ONE_SIZE, *SIZE_CHOICES)


class SkipBudget(ButtonData, prefix="iv:skip"): ...


class ChoosePlace(ButtonData, prefix="iv:place"):
    place: str = choice(*PLACE_CHOICES)


class ChooseHandwork(ButtonData, prefix="iv:hand"):
    share: int = number(0, 100)


class ToggleCertification(ButtonData, prefix="iv:cert"):
    certification: str = text(rf"{TAXONOMY_ID}|\.")


class ConfirmBrief(ButtonData, prefix="iv:confirm"): ...


class EditAnswer(ButtonData, prefix="iv:edit"):
    field: str = text(r"[a-z]{1,20}")
