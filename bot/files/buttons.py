"""The buttons of packs and portfolios: finish sending, remove a file, make a photo the cover,
see an atelier's photos from a match, open a brief's pack or one's portfolio to change it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData, choice, number, text

# Where files are being sent: the interview's pack step, a confirmed brief's pack (/briefs),
# the registration's portfolio step, the portfolio from /profile.
WHERE = ("interview", "brief", "registration", "portfolio")


@dataclass(frozen=True)
class FinishFiles(ButtonData):
    """Done (or Skip) at a step that takes files."""

    PREFIX = "f:done"
    where: str = choice(*WHERE)


@dataclass(frozen=True)
class RemoveFile(ButtonData):
    PREFIX = "f:rm"
    file_ref_id: int = number(1)


@dataclass(frozen=True)
class MakeCover(ButtonData):
    PREFIX = "f:cover"
    file_ref_id: int = number(1)


@dataclass(frozen=True)
class ShowPortfolio(ButtonData):
    """ "Photos" on a match: the atelier's portfolio album, for the designer of that brief."""

    PREFIX = "f:ph"
    brief_id: int = number(1)
    ref: str = text()


@dataclass(frozen=True)
class OpenPack(ButtonData):
    """A confirmed brief's pack, to add or remove files (from /briefs)."""

    PREFIX = "f:pack"
    brief_id: int = number(1)


@dataclass(frozen=True)
class AddToPack(ButtonData):
    PREFIX = "f:add"
    brief_id: int = number(1)


@dataclass(frozen=True)
class OpenPortfolio(ButtonData):
    """One's own portfolio, to add, remove or reorder photos (from /profile)."""

    PREFIX = "f:pf"


@dataclass(frozen=True)
class AddToPortfolio(ButtonData):
    PREFIX = "f:pfadd"
