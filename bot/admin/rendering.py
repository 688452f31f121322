"""How verification reads: the alert to each administrator that a registration or claim waits,
with the decision buttons, and the owner's notice of the decision. Renderers re-read the facts
at send time and return nothing once the matter is decided or withdrawn."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.admin import verification
from bot.admin.buttons import REASONS, claim_buttons, registration_buttons
from bot.admin.verification import (
    AdminReview,
    AtelierRejected,
    AtelierReopened,
    AtelierVerified,
)
from bot.core.renderers import Outgoing, Rendering
from bot.db.models import User
from bot.i18n import t


async def render_verified(
    session: AsyncSession, message: AtelierVerified, user: User
) -> Outgoing | None:
    atelier = await verification.decision_for(session, message.atelier_id)
    if atelier is None or not atelier.listed or atelier.owner_id != user.id:
        return None
    what = message.what
    return Outgoing(
        t(f"atelier.verified_{what}", user.language, name=atelier.name, ref=atelier.ref)
    )


async def render_rejected(
    session: AsyncSession, message: AtelierRejected, user: User
) -> Outgoing | None:
    atelier = await verification.decision_for(session, message.atelier_id)
    if atelier is None:
        return None
    what = message.what
    if what == "registration" and (atelier.listed or atelier.verified):
        return None  # the rejection was undone before this went out
    if what == "claim" and user.id in (atelier.claimed_by_id, atelier.owner_id):
        return None
    text = t(f"atelier.rejected_{what}", user.language, name=atelier.name)
    if message.reason in REASONS:
        reason = t(f"admin.reason_{message.reason}", user.language)
        text += "\n" + t("atelier.rejected_reason", user.language, reason=reason)
    return Outgoing(text)


async def render_reopened(
    session: AsyncSession, message: AtelierReopened, user: User
) -> Outgoing | None:
    """To the owner or claimant: the rejection they were told of was taken back."""
    atelier = await verification.decision_for(session, message.atelier_id)
    if atelier is None or not atelier.listed:
        return None
    if message.what == "claim":
        if atelier.claimed_by_id != user.id:
            return None  # decided again meanwhile
    elif atelier.verified:
        return None  # the verified notice says it all
    return Outgoing(t("atelier.review_reopened", user.language, name=atelier.name))


async def render_review(session: AsyncSession, message: AdminReview, user: User) -> Outgoing | None:
    """To an administrator: a new registration or claim, with the decision buttons of /admin."""
    atelier = await verification.decision_for(session, message.atelier_id)
    if atelier is None or not atelier.listed:
        return None
    lang = user.language
    place = ", ".join(part for part in (atelier.city, atelier.country) if part)
    # The taxonomy's names in the administrator's language, not the owner's words for them.
    specialties = ", ".join(
        [matching.label(i, lang) for i in atelier.category_ids[:4]] or atelier.specialties[:4]
    )
    if message.what == "claim":
        if atelier.claimed_by_id is None or atelier.owner_id is not None:
            return None  # already decided
        text = t("admin.review_claim", lang, name=atelier.name, ref=atelier.ref, place=place)
        buttons = claim_buttons(atelier.id, lang)
    else:
        if atelier.verified:
            return None  # already decided
        text = t(
            "admin.review_registration",
            lang,
            name=atelier.name,
            ref=atelier.ref,
            place=place,
            specialties=specialties,
        )
        buttons = registration_buttons(atelier.id, lang)
    return Outgoing(text, buttons)


RENDERERS: tuple[Rendering[Any], ...] = (
    Rendering(AdminReview, render_review),
    Rendering(AtelierVerified, render_verified),
    Rendering(AtelierRejected, render_rejected),
    Rendering(AtelierReopened, render_reopened),
)
