"""The buttons of packs and portfolios: finish sending files, remove one, make one the cover."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, choice, number

# Where files are being sent: the interview's pack step, a confirmed brief's pack (/briefs),
# the registration's portfolio step, the portfolio from /profile.
WHERE = ("interview", "brief", "registration", "portfolio")


class FinishFiles(ButtonData, prefix="f:done"):
    """Done (or Skip) at a step that takes files."""

    where: str = choice(*WHERE)


class RemoveFile(ButtonData, prefix="f:rm"):
    file_ref_id: int = number(1)


class SetCover(ButtonData, prefix="f:cover"):
    """Put one portfolio photo first: the cover designers see first."""

    file_ref_id: int = number(1)
