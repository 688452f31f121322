"""The buttons of packs and portfolios: finish sending files, remove one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData, choice, number

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
