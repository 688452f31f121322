"""The interview's buttons: one kind per question (the role choice that starts it is /start's).

Taxonomy ids travel as they are (lower-case ASCII words); the handlers still check that an id is
one the taxonomy knows, so a forged but well-formed one only re-asks the question."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ChooseCategory(ButtonData):
    PREFIX = "iv:cat"
    category: str = text(rf"{TAXONOMY_ID}|[-?]")


@dataclass(frozen=True)
class ToggleMaterial(ButtonData):
    PREFIX = "iv:mat"
    material: str = text(rf"{TAXONOMY_ID}|\.")


@dataclass(frozen=True)
class ChooseStyles(ButtonData):
    PREFIX = "iv:sty"
    styles: int = number(1, MAX_STYLES)


@dataclass(frozen=True)
class ChooseColourways(ButtonData):
    PREFIX = "iv:col"
    colourways: int = number(1, MAX_COLOURWAYS)


@dataclass(frozen=True)
class ChooseSizes(ButtonData):
    PREFIX = "iv:size"
    sizes: str = choice(ONE_SIZE, *SIZE_CHOICES)


@dataclass(frozen=True)
class SkipBudget(ButtonData):
    PREFIX = "iv:skip"


@dataclass(frozen=True)
class ChoosePlace(ButtonData):
    PREFIX = "iv:place"
    place: str = choice(*PLACE_CHOICES)


@dataclass(frozen=True)
class ChooseHandwork(ButtonData):
    PREFIX = "iv:hand"
    share: int = number(0, 100)


@dataclass(frozen=True)
class ToggleCertification(ButtonData):
    PREFIX = "iv:cert"
    certification: str = text(rf"{TAXONOMY_ID}|\.")


@dataclass(frozen=True)
class ConfirmBrief(ButtonData):
    PREFIX = "iv:confirm"


@dataclass(frozen=True)
class EditAnswer(ButtonData):
    PREFIX = "iv:edit"
    field: str = text(r"[a-z]{1,20}")
