"""The buttons under a designer's matches and in /briefs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData, choice, number, text

# How far "More" may page: beyond this the ranking says nothing useful.
MAX_OFFSET = 100


@dataclass(frozen=True)
class PickAtelier(ButtonData):
    """Tick or untick one atelier of the match list."""

    PREFIX = "m:t"
    brief_id: int = number(1)
    ref: str = text()


@dataclass(frozen=True)
class RequestPicked(ButtonData):
    PREFIX = "m:go"
    brief_id: int = number(1)


@dataclass(frozen=True)
class MoreMatches(ButtonData):
    PREFIX = "m:more"
    brief_id: int = number(1)
    offset: int = number(0)


@dataclass(frozen=True)
class EditBrief(ButtonData):
    """Back into the interview's summary of a confirmed brief."""

    PREFIX = "m:edit"
    brief_id: int = number(1)


@dataclass(frozen=True)
class BriefAction(ButtonData):
    PREFIX = "b"
    # "close" asks first; "closeok" closes, "keep" leaves it open; a closed brief may "reopen".
    action: str = choice("show", "pause", "resume", "close", "closeok", "keep", "reopen")
    brief_id: int = number(1)


@dataclass(frozen=True)
class PauseBrief(ButtonData):
    """Pause a brief for some weeks (0: until it is resumed)."""

    PREFIX = "bp"
    brief_id: int = number(1)
    weeks: int = number(0, 12)
