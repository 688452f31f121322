"""How the scheduled follow-ups read: the nudge 24 hours after a confirmed brief with no
introduction requested (with the best matches), and the monthly capacity check to an atelier."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.briefs.buttons import photos_button
from bot.briefs.rendering import match_line, product_label
from bot.core.renderers import Outgoing, Rendering, match_index
from bot.db.models import Atelier, User
from bot.files import service as files
from bot.followups import service as followups
from bot.followups.buttons import capacity_check_buttons
from bot.followups.service import BriefNudge, MonthlyCapacityCheck
from bot.i18n import t
from bot.intros.buttons import request_intro_row

Rows = list[list[tuple[str, str]]]


# --- the 24-hour nudge ---------------------------------------------------------------------------


async def render_nudge(session: AsyncSession, message: BriefNudge, user: User) -> Outgoing | None:
    brief_id = message.brief_id
    lang = user.language
    found = await followups.nudge_matches(session, await match_index(session), brief_id, lang)
    if found is None:
        return None
    brief, matches = found
    if brief.designer_id != user.id:
        return None
    product = product_label(brief.product_text, brief.category, lang)
    if not matches:
        return Outgoing(t("followups.nudge_none", lang, product=product))
    lines = [t("followups.nudge_title", lang, product=product)]
    lines += [match_line(rank, m, lang) for rank, m in enumerate(matches, start=1)]
    lines.append(t("followups.nudge_hint", lang))
    with_photos = await files.portfolio_refs(session, [m.ref for m in matches])
    rows: Rows = []
    for m in matches:
        row = request_intro_row(t("followups.request_button", lang, name=m.name), brief.id, m.ref)
        if row and m.ref in with_photos:
            row += photos_button(brief.id, m.ref, t("files.photos_button", lang))
        if row:
            rows.append(row)
    return Outgoing("\n\n".join(lines), rows)


# --- the monthly capacity check ------------------------------------------------------------------


async def render_capacity(
    session: AsyncSession, message: MonthlyCapacityCheck, user: User
) -> Outgoing | None:
    atelier = await session.get(Atelier, message.atelier_id)
    if atelier is None or atelier.owner_id != user.id or not atelier.listed:
        return None
    lang = user.language
    free = (
        str(atelier.available_capacity)
        if atelier.available_capacity is not None
        else t("followups.not_set", lang)
    )
    status = t("followups.paused" if atelier.paused else "followups.taking_requests", lang)
    text = t(
        "followups.capacity_check",
        lang,
        name=atelier.name,
        monthly=atelier.monthly_capacity,
        free=free,
        status=status,
    )
    return Outgoing(text, capacity_check_buttons(atelier.id, lang))


RENDERERS: tuple[Rendering[Any], ...] = (
    Rendering(BriefNudge, render_nudge),
    Rendering(MonthlyCapacityCheck, render_capacity),
)
