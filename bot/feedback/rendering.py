"""How "How did it go?" reads, 14 days after an accepted introduction, to both sides."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.briefs.rendering import product_label
from bot.core.renderers import Outgoing, Rendering
from bot.db.models import User
from bot.feedback.buttons import star_buttons
from bot.followups import service as followups
from bot.i18n import t
from bot.intros.service import FeedbackRequest


async def render_feedback(
    session: AsyncSession, message: FeedbackRequest, user: User
) -> Outgoing | None:
    intro_id = message.intro_id
    subject = await followups.feedback_subject(session, intro_id, user)
    if subject is None or await followups.feedback_given(session, intro_id, user) is not None:
        return None
    _intro, brief, atelier, side = subject
    lang = user.language
    product = product_label(brief.product_text, brief.category, lang)
    key = "followups.feedback_designer" if side == "designer" else "followups.feedback_atelier"
    return Outgoing(t(key, lang, atelier=atelier.name, product=product), star_buttons(intro_id))


RENDERERS: tuple[Rendering[Any], ...] = (Rendering(FeedbackRequest, render_feedback),)
