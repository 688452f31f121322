"""The interview's buttons: the role choice that starts it, and one kind per question.

Taxonomy ids travel as they are (lower-case ASCII words); the handlers still check that an id is
one the taxonomy knows, so a forged but well-formed one only re-asks the question."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData, choice, number, text

TAXONOMY_ID = r"[a-z0-9_]{1,40}"
# Special values next to the taxonomy ids: "none of these", "something else", "done".
NONE_OF_THESE, SOMETHING_ELSE, DONE = "-", "?", "."
MAX_STYLES = 500


@dataclass(frozen=True)
class StartInterview(ButtonData):
    PREFIX = "role:designer"


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
class SkipBudget(ButtonData):
    PREFIX = "iv:skip"


@dataclass(frozen=True)
class ChoosePlace(ButtonData):
    PREFIX = "iv:place"
    place: str = choice("IT", "any", "region", "other")


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
