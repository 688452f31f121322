"""The buttons under a designer's matches and in /briefs."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, OnRecord, choice, number, text
from bot.core.pauses import MAX_PAUSE_WEEKS

# How far "More" may page: beyond this the ranking says nothing useful.
MAX_OFFSET = 100


class PickAtelier(ButtonData, prefix="m:t"):
    """Tick or untick one atelier of the match list."""

    brief_id: int = number(1)
    ref: str = text()


class ShowPortfolio(ButtonData, prefix="m:ph"):
    """ "Photos" on a match card: the atelier's portfolio, sent as an album."""

    brief_id: int = number(1)
    ref: str = text()


def photos_button(brief_id: int, ref: str, label: str) -> list[tuple[str, str]]:
    """ "Photos" beside an atelier offered for a brief, or none when its ref is too long."""
    button = ShowPortfolio(brief_id, ref)
    return [(label, button.encode())] if button.fits() else []


class RequestPicked(OnRecord, prefix="m:go"):
    """Request introductions to the ticked ateliers of a brief (by its id)."""


class MoreMatches(ButtonData, prefix="m:more"):
    brief_id: int = number(1)
    offset: int = number(0)


class EditBrief(OnRecord, prefix="m:edit"):
    """Back into the interview's summary of a confirmed brief (by its id)."""


class BriefAction(ButtonData, prefix="b"):
    # "close" asks first; "closeok" closes, "keep" leaves it open; a closed brief may "reopen".
    action: str = choice("show", "pause", "resume", "close", "closeok", "keep", "reopen")
    brief_id: int = number(1)


class PauseBrief(ButtonData, prefix="bp"):
    """Pause a brief for some weeks (0: until it is resumed)."""

    brief_id: int = number(1)
    weeks: int = number(0, MAX_PAUSE_WEEKS)
