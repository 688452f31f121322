"""How the weekly digest reads (from the content its planner composed), and the messages about an
atelier's interest in a brief: the offer to the designer, their decline, its lapse."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.briefs import service as brief_service
from bot.briefs.rendering import brief_lines, country_name, product_label
from bot.core.renderers import Outgoing, Rendering, match_index
from bot.db.models import IntroState, User
from bot.digest import service as digest
from bot.digest.buttons import Interested, offer_buttons
from bot.digest.service import (
    DigestBrief,
    DigestPick,
    IntroOffer,
    IntroOfferDeclined,
    IntroOfferLapse,
    WeeklyDigest,
)
from bot.i18n import t
from bot.intros.buttons import request_intro_row
from bot.intros.service import AboutIntro
from bot.intros.views import intro_parties_for

Rows = list[list[tuple[str, str]]]


def digest_message(payload: WeeklyDigest, lang: str) -> Outgoing | None:
    """The digest as a message, from the content composed by the planner."""
    return _digest_message(payload.picks, payload.briefs, lang)


@lru_cache(maxsize=512)
def _digest_message(
    picks: tuple[DigestPick, ...], briefs: tuple[DigestBrief, ...], lang: str
) -> Outgoing | None:
    # Many ateliers get the same week's briefs: each distinct digest is rendered once.
    if not picks and not briefs:
        return None
    blocks = [t("followups.digest_title", lang)]
    rows: Rows = []
    for pick in picks:
        product = product_label(pick.product, pick.category, lang)
        lines = [t("followups.digest_pick_header", lang, product=product)]
        for rank, m in enumerate(pick.matches, start=1):
            lines.append(
                t(
                    "followups.digest_pick_line",
                    lang,
                    rank=rank,
                    name=m.name,
                    score=m.score,
                    reasons=" · ".join(m.reasons),
                )
            )
            rows.append(
                request_intro_row(
                    t("followups.request_button", lang, name=m.name), pick.brief_id, m.ref
                )
            )
        blocks.append("\n".join(lines))
    if briefs:
        blocks.append(t("followups.digest_briefs_header", lang))
        for number, item in enumerate(briefs, start=1):
            lines = [t("followups.digest_brief_header", lang, number=number)]
            lines += brief_lines(item, lang)
            if item.has_pack:
                lines.append(t("files.on_request", lang))
            blocks.append("\n".join(lines))
            rows.append(
                [
                    (
                        t("followups.interested_button", lang, number=number),
                        Interested(item.brief_id, item.atelier_id).encode(),
                    )
                ]
            )
    blocks.append(t("followups.digest_footer", lang))
    return Outgoing("\n\n".join(blocks), [row for row in rows if row])


async def render_digest(
    session: AsyncSession, message: WeeklyDigest, user: User
) -> Outgoing | None:
    # Composed shortly before it was due (see digest.service); the answers re-check every fact.
    return digest_message(message, user.language)


# --- an atelier's interest -----------------------------------------------------------------------


async def render_offer(session: AsyncSession, message: IntroOffer, user: User) -> Outgoing | None:
    """To the designer: an atelier that fits is interested in their brief."""
    offer = await intro_parties_for(
        session, message.intro_id, IntroState.REQUESTED, user, to_designer=True
    )
    if offer is None:
        return None
    intro, brief, atelier = offer
    if intro.initiated_by != "atelier":
        return None
    lang = user.language
    index = await match_index(session)
    result = index.match(brief_service.query_for(brief), top=digest.FIT_TOP, lang=lang)
    found = next((m for m in result.matches if m.ref == atelier.ref), None)
    place = ", ".join(p for p in (atelier.city, country_name(atelier.country, lang)) if p)
    text = t(
        "followups.offer",
        lang,
        atelier=atelier.name,
        place=place,
        product=product_label(brief.product_text, brief.category, lang),
        reasons=" · ".join(found.reasons) if found else "–",
    )
    return Outgoing(text, offer_buttons(intro.id, lang))


async def _offer_ended(
    session: AsyncSession, message: AboutIntro, user: User, state: str, key: str
) -> Outgoing | None:
    """To the atelier's owner: its offer ended in `state` (declined or lapsed), said by `key`."""
    found = await intro_parties_for(session, message.intro_id, state, user, to_designer=False)
    if found is None:
        return None
    _intro, brief, atelier = found
    lang = user.language
    what = matching.label(brief.category, lang) if brief.category else "–"
    return Outgoing(t(key, lang, atelier=atelier.name, product=what))


async def render_offer_declined(
    session: AsyncSession, message: IntroOfferDeclined, user: User
) -> Outgoing | None:
    return await _offer_ended(
        session, message, user, IntroState.DECLINED, "followups.offer_declined"
    )


async def render_offer_lapsed(
    session: AsyncSession, message: IntroOfferLapse, user: User
) -> Outgoing | None:
    if await digest.lapse_offer(session, message.intro_id) is None:
        return None
    return await _offer_ended(session, message, user, IntroState.EXPIRED, "followups.offer_lapsed")


RENDERERS: tuple[Rendering[Any], ...] = (
    Rendering(WeeklyDigest, render_digest),
    Rendering(IntroOffer, render_offer),
    Rendering(IntroOfferDeclined, render_offer_declined),
    Rendering(IntroOfferLapse, render_offer_lapsed),
)
