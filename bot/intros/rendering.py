"""How an introduction reads, from the request to its end: the request with Accept / Decline,
the reminder after 72 hours, the contacts both sides get after an accept, a polite decline or an
expiry with the next match. Renderers re-read the facts at send time and return nothing when the
message no longer applies (the outbox then drops it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.briefs.buttons import photos_button
from bot.briefs.rendering import (
    brief_lines,
    country_name,
    labelled_offer,
    match_line,
    product_label,
)
from bot.core.renderers import Outgoing, Render, Rendering, match_index, rendering_when
from bot.db.models import Brief, IntroState, User
from bot.files import rendering as files_rendering
from bot.files import service as files
from bot.followups import service as followups
from bot.i18n import t
from bot.intros import service as intro_service
from bot.intros import views as intro_views
from bot.intros.buttons import request_buttons, request_intro_row
from bot.intros.service import (
    AboutIntro,
    IntroAccepted,
    IntroContact,
    IntroDeclined,
    IntroExpiry,
    IntroReminder,
    IntroRequested,
)
from bot.intros.views import IntroView


def _request_text(view: IntroView, lang: str) -> str:
    return "\n".join(
        [t("intros.request_title", lang, number=view.intro_id), "", *brief_lines(view.brief, lang)]
    )


def _product(view: IntroView, lang: str) -> str:
    return product_label(view.brief.product, view.brief.category, lang, limit=None)


# --- renderers (the outbox calls these at send time) ---------------------------------------------


def _about_intro(
    state: IntroState, *, to_designer: bool
) -> Callable[[Render[IntroView]], Render[AboutIntro]]:
    """A message about an introduction is sent only while the intro is still in `state`, and to
    the side it is for: the brief's designer or the atelier's owner."""

    async def load(session: AsyncSession, message: AboutIntro, user: User) -> IntroView | None:
        view = await intro_views.load(session, message.intro_id)
        if view is None or view.state != state:
            return None
        recipient = view.designer_id if to_designer else view.atelier_owner_id
        return view if recipient == user.id else None

    return rendering_when(load)


@_about_intro(IntroState.REQUESTED, to_designer=False)
async def render_request(session: AsyncSession, view: IntroView, user: User) -> Outgoing | None:
    lang = user.language
    # The brief's pack goes with the request, to this atelier only (never in digests).
    pack = await files.pack_of(session, view.brief.brief_id)
    stored = await session.get(Brief, view.brief.brief_id)
    readiness = files_rendering.readiness_of_brief(stored or view.brief, has_pack=bool(pack))
    text = _request_text(view, lang) + "\n\n" + files_rendering.badge(readiness, lang)
    text, media = files_rendering.with_pack(text, pack, lang)
    return Outgoing(text, request_buttons(view.intro_id, lang), media=media)


@_about_intro(IntroState.ACCEPTED, to_designer=True)
async def render_accepted(session: AsyncSession, view: IntroView, user: User) -> Outgoing | None:
    """To the designer: the atelier said yes, here is how to reach it."""
    lang = user.language
    place = ", ".join(p for p in (view.atelier_city, country_name(view.atelier_country, lang)) if p)
    return Outgoing(
        t(
            "intros.accepted_to_designer",
            lang,
            atelier=view.atelier_name,
            place=place,
            product=_product(view, lang),
            contact=view.atelier_contact or t("intros.no_contact", lang),
        )
    )


@_about_intro(IntroState.ACCEPTED, to_designer=False)
async def render_contact(session: AsyncSession, view: IntroView, user: User) -> Outgoing | None:
    """To the atelier owner: who the designer is and how to reach them."""
    if view.designer_telegram_id is None:
        return None  # the designer has deleted their data meanwhile
    lang = user.language
    lines = [
        t(
            "intros.contact_to_atelier",
            lang,
            name=view.designer_name or t("intros.a_designer", lang),
            product=_product(view, lang),
            link=f"tg://user?id={view.designer_telegram_id}",
        )
    ]
    if view.designer_contact:
        lines.append(t("intros.designer_contact", lang, contact=view.designer_contact))
    return Outgoing("\n".join(lines))


@_about_intro(IntroState.DECLINED, to_designer=True)
async def render_declined(session: AsyncSession, view: IntroView, user: User) -> Outgoing | None:
    """To the designer: politely, and with the next best atelier to ask."""
    lang = user.language
    text = t(
        "intros.declined_to_designer", lang, atelier=view.atelier_name, product=_product(view, lang)
    )
    if not view.brief_open:
        return Outgoing(text)
    brief = await session.get(Brief, view.brief.brief_id)
    following = (
        await followups.next_match(session, await match_index(session), brief, lang)
        if brief is not None
        else None
    )
    if following is None:
        return Outgoing(text + "\n\n" + t("intros.no_next_match", lang))
    if isinstance(following, matching.NearMiss) or following.weak:
        text += "\n\n" + labelled_offer(following, lang)
    else:
        text += "\n\n" + t(
            "intros.next_match",
            lang,
            name=following.name,
            score=f"{following.score:.0f}",
            reasons=" · ".join(following.reasons),
        )
    row = request_intro_row(t("intros.request_next", lang), view.brief.brief_id, following.ref)
    row += await _photos(session, view.brief.brief_id, following.ref, lang)
    return Outgoing(text, [row] if row else [])


async def _photos(
    session: AsyncSession, brief_id: int, ref: str, lang: str
) -> list[tuple[str, str]]:
    """ "Photos" beside the next match, when it has a portfolio."""
    if ref not in await files.portfolio_refs(session, [ref]):
        return []
    return photos_button(brief_id, ref, t("files.photos_button", lang))


# --- intro reminder (72 h) and expiry (7 days) ---------------------------------------------------


@_about_intro(IntroState.REQUESTED, to_designer=False)
async def render_reminder(session: AsyncSession, view: IntroView, user: User) -> Outgoing | None:
    """To the atelier owner: the request is still waiting, with the same Accept / Decline."""
    lang = user.language
    text = "\n".join(
        [
            t("followups.reminder_title", lang, number=view.intro_id),
            "",
            *brief_lines(view.brief, lang),
        ]
    )
    return Outgoing(text, request_buttons(view.intro_id, lang))


async def render_expire(session: AsyncSession, message: IntroExpiry, user: User) -> Outgoing | None:
    """To the designer: seven days without an answer; the request lapses, the next match offered.

    Expiring is this delivery's own effect, so a retry after a failed send finds the intro already
    expired and still tells the designer.
    """
    intro_id = message.intro_id
    await intro_service.expire(session, intro_id=intro_id)
    found = await intro_views.intro_parties_for(
        session, intro_id, IntroState.EXPIRED, user, to_designer=True
    )
    if found is None:
        return None
    _intro, brief, atelier = found
    lang = user.language
    product = product_label(brief.product_text, brief.category, lang)
    text = t("followups.expired", lang, atelier=atelier.name, product=product)
    following = await followups.next_match(session, await match_index(session), brief, lang)
    if following is None:
        return Outgoing(text + "\n\n" + t("followups.no_next_match", lang))
    if isinstance(following, matching.NearMiss) or following.weak:
        text += "\n\n" + labelled_offer(following, lang)
    else:
        text += "\n\n" + t("followups.next_match", lang) + "\n" + match_line(1, following, lang)
    row = request_intro_row(
        t("followups.request_button", lang, name=following.name), brief.id, following.ref
    )
    row += await _photos(session, brief.id, following.ref, lang)
    return Outgoing(text, [row] if row else [])


RENDERERS: tuple[Rendering[Any], ...] = (
    Rendering(IntroRequested, render_request),
    Rendering(IntroReminder, render_reminder),
    Rendering(IntroAccepted, render_accepted),
    Rendering(IntroContact, render_contact),
    Rendering(IntroDeclined, render_declined),
    Rendering(IntroExpiry, render_expire),
)
