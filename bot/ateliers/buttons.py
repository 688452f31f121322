"""The atelier side's buttons: starting a registration, the questions that take a button, the
summary and its edits, a possible duplicate to claim, /profile's edits and /capacity."""

from __future__ import annotations

from bot.ateliers.steps import EDIT_GROUPS, LANGUAGE_CHOICES
from bot.core.callbacks import ButtonData, OnRecord, choice, number, text
from bot.core.pauses import MAX_PAUSE_WEEKS
from bot.core.roles import StartRegistration as StartRegistration

# /capacity takes up to eight digits of pieces, as the typed answer does.
MAX_CAPACITY_BUTTON = 99_999_999


class SkipQuestion(ButtonData, prefix="atelier:skip"): ...


class ChooseCountry(ButtonData, prefix="atelier:country"):
    code: str = text(r"[A-Z]{2}")


class ToggleLanguage(ButtonData, prefix="atelier:lang"):
    code: str = choice(*LANGUAGE_CHOICES, "done")


class ConfirmSpecialties(ButtonData, prefix="atelier:spec"):
    answer: str = choice("yes", "no")


class ClaimAtelier(OnRecord, prefix="atelier:claim"):
    """ "That's us": the registration is a claim of an atelier already in the registry (its id)."""


class NotADuplicate(ButtonData, prefix="atelier:claim:no"): ...


class OpenEditMenu(ButtonData, prefix="atelier:edit"): ...


class EditGroup(ButtonData, prefix="atelier:edit"):
    """One "Edit" button of the registration summary."""

    group: str = choice(*EDIT_GROUPS)


class EditList(ButtonData, prefix="atelier:list"):
    """Editing materials or techniques: add to the list, remove from it, or replace it."""

    mode: str = choice("add", "remove", "replace")


class ConfirmRegistration(ButtonData, prefix="atelier:confirm"): ...


class EditProfile(ButtonData, prefix="atelier:pedit"):
    """One "Edit" button of /profile."""

    group: str = choice(*EDIT_GROUPS)


class SetCapacity(ButtonData, prefix="cap:set"):
    pieces: int = number(0, MAX_CAPACITY_BUTTON)


class PauseRequests(ButtonData, prefix="cap:pause"): ...


class EndPauseIn(ButtonData, prefix="cap:until"):
    """On a pause's confirmation: end it by itself after some weeks."""

    weeks: int = number(1, MAX_PAUSE_WEEKS)


class ResumeRequests(ButtonData, prefix="cap:resume"): ...


class OtherCapacity(ButtonData, prefix="cap:other"): ...
