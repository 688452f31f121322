"""How the atelier side's scheduled messages read: the end of a pause with an end date."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.ateliers import service as profiles
from bot.ateliers.service import AtelierPauseEnds
from bot.core.renderers import Outgoing, Rendering
from bot.db.models import User
from bot.i18n import t


async def render_pause_ends(
    session: AsyncSession, message: AtelierPauseEnds, user: User
) -> Outgoing | None:
    """The pause is over: the atelier takes requests again and its owner hears so (nothing
    when it was resumed meanwhile)."""
    atelier = await profiles.end_pause(session, message.atelier_id, user.id)
    if atelier is None:
        return None
    return Outgoing(t("atelier.pause_ended", user.language, name=atelier.name))


RENDERERS: tuple[Rendering[Any], ...] = (Rendering(AtelierPauseEnds, render_pause_ends),)
