"""The atelier side's buttons: starting a registration, the questions that take a button, the
summary and its edits, a possible duplicate to claim, /profile's edits and /capacity."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ateliers.steps import EDIT_GROUPS, LANGUAGE_CHOICES
from bot.core.callbacks import ButtonData, choice, number, text
from bot.core.roles import StartRegistration as StartRegistration

# /capacity takes up to eight digits of pieces, as the typed answer does.
MAX_CAPACITY_BUTTON = 99_999_999


@dataclass(frozen=True)
class SkipQuestion(ButtonData):
    PREFIX = "atelier:skip"


@dataclass(frozen=True)
class ChooseCountry(ButtonData):
    PREFIX = "atelier:country"
    code: str = text(r"[A-Z]{2}")


@dataclass(frozen=True)
class ToggleLanguage(ButtonData):
    PREFIX = "atelier:lang"
    code: str = choice(*LANGUAGE_CHOICES, "done")


@dataclass(frozen=True)
class ConfirmSpecialties(ButtonData):
    PREFIX = "atelier:spec"
    answer: str = choice("yes", "no")


@dataclass(frozen=True)
class ClaimAtelier(ButtonData):
    """ "That's us": the registration is a claim of an atelier already in the registry."""

    PREFIX = "atelier:claim"
    atelier_id: int = number(1)


@dataclass(frozen=True)
class NotADuplicate(ButtonData):
    PREFIX = "atelier:claim:no"


@dataclass(frozen=True)
class OpenEditMenu(ButtonData):
    PREFIX = "atelier:edit"


@dataclass(frozen=True)
class EditGroup(ButtonData):
    """One "Edit" button of the registration summary."""

    PREFIX = "atelier:edit"
    group: str = choice(*EDIT_GROUPS)


@dataclass(frozen=True)
class EditList(ButtonData):
    """Editing materials or techniques: add to the list, remove from it, or replace it."""

    PREFIX = "atelier:list"
    mode: str = choice("add", "remove", "replace")


@dataclass(frozen=True)
class ConfirmRegistration(ButtonData):
    PREFIX = "atelier:confirm"


@dataclass(frozen=True)
class EditProfile(ButtonData):
    """One "Edit" button of /profile."""

    PREFIX = "atelier:pedit"
    group: str = choice(*EDIT_GROUPS)


@dataclass(frozen=True)
class SetCapacity(ButtonData):
    PREFIX = "cap:set"
    pieces: int = number(0, MAX_CAPACITY_BUTTON)


@dataclass(frozen=True)
class PauseRequests(ButtonData):
    PREFIX = "cap:pause"


@dataclass(frozen=True)
class EndPauseIn(ButtonData):
    """On a pause's confirmation: end it by itself after some weeks."""

    PREFIX = "cap:until"
    weeks: int = number(1, 12)


@dataclass(frozen=True)
class ResumeRequests(ButtonData):
    PREFIX = "cap:resume"


@dataclass(frozen=True)
class OtherCapacity(ButtonData):
    PREFIX = "cap:other"
