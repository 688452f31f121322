"""How the weekly digest reads (from the content its planner composed), and the messages about an
atelier's interest in a brief: the offer to the designer, their decline, its lapse."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.briefs import service as brief_service
from bot.briefs.rendering import brief_lines, country_name, product_label
from bot.core.renderers import Outgoing, Renderer, match_index
from bot.db.models import Atelier, Brief, Delivery, IntroRequest, IntroState, User
from bot.digest import service as digest
from bot.digest.buttons import Interested, offer_buttons
from bot.i18n import t
from bot.intros.buttons import request_intro_row
from bot.intros.views import BriefFacts

Rows = list[list[tuple[str, str]]]


def _int(payload: dict[str, Any], key: str) -> int | None:
    value = payload.get(key)
    return value if isinstance(value, int) else None


def _facts(item: dict[str, Any]) -> BriefFacts:
    deadline = item.get("deadline")
    return BriefFacts(
        brief_id=int(item["brief_id"]),
        product="",
        category=item.get("category"),
        materials=tuple(item.get("materials") or ()),
        quantity=item.get("quantity"),
        quantity_high=item.get("quantity_high"),
        styles=item.get("styles"),
        deadline=date.fromisoformat(deadline) if isinstance(deadline, str) else None,
        budget_amount=None,
        budget_currency=None,
        country=item.get("country"),
        region=item.get("region"),
        min_handwork_share=item.get("min_handwork_share"),
        certifications=tuple(item.get("certifications") or ()),
    )


def digest_message(payload: dict[str, Any], lang: str) -> Outgoing | None:
    """The digest as a message, from the content composed by the planner."""
    picks: list[dict[str, Any]] = list(payload.get("picks") or [])
    briefs: list[dict[str, Any]] = list(payload.get("briefs") or [])
    if not picks and not briefs:
        return None
    blocks = [t("followups.digest_title", lang)]
    rows: Rows = []
    for pick in picks:
        product = product_label(str(pick.get("product") or ""), pick.get("category"), lang)
        lines = [t("followups.digest_pick_header", lang, product=product)]
        for rank, m in enumerate(pick.get("matches") or [], start=1):
            lines.append(
                t(
                    "followups.digest_pick_line",
                    lang,
                    rank=rank,
                    name=m["name"],
                    score=m["score"],
                    reasons=" · ".join(m.get("reasons") or []),
                )
            )
            rows.append(
                request_intro_row(
                    t("followups.request_button", lang, name=m["name"]),
                    int(pick["brief_id"]),
                    str(m["ref"]),
                )
            )
        blocks.append("\n".join(lines))
    if briefs:
        blocks.append(t("followups.digest_briefs_header", lang))
        for number, item in enumerate(briefs, start=1):
            lines = [t("followups.digest_brief_header", lang, number=number)]
            lines += brief_lines(_facts(item), lang)
            blocks.append("\n".join(lines))
            rows.append(
                [
                    (
                        t("followups.interested_button", lang, number=number),
                        Interested(int(item["brief_id"]), int(item["atelier_id"])).encode(),
                    )
                ]
            )
    blocks.append(t("followups.digest_footer", lang))
    return Outgoing("\n\n".join(blocks), [row for row in rows if row])


@lru_cache(maxsize=512)
def _cached_digest_message(payload: str, lang: str) -> Outgoing | None:
    # Many ateliers get the same week's briefs: render each distinct digest once.
    return digest_message(json.loads(payload), lang)


async def render_digest(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    # Composed shortly before it was due (see services.digest); the answers re-check every fact.
    key = json.dumps(
        {k: v for k, v in delivery.payload.items() if k in ("picks", "briefs")}, sort_keys=True
    )
    return _cached_digest_message(key, user.language)


# --- an atelier's interest -----------------------------------------------------------------------


async def render_offer(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To the designer: an atelier that fits is interested in their brief."""
    intro_id = _int(delivery.payload, "intro_id")
    intro = await session.get(IntroRequest, intro_id) if intro_id is not None else None
    if intro is None or intro.state != IntroState.REQUESTED or intro.initiated_by != "atelier":
        return None
    brief = await session.get(Brief, intro.brief_id)
    atelier = await session.get(Atelier, intro.atelier_id)
    if brief is None or atelier is None or brief.designer_id != user.id:
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


async def _offer_for_owner(
    session: AsyncSession, delivery: Delivery, user: User, state: str
) -> tuple[Brief, Atelier] | None:
    intro_id = _int(delivery.payload, "intro_id")
    intro = await session.get(IntroRequest, intro_id) if intro_id is not None else None
    if intro is None or intro.state != state:
        return None
    brief = await session.get(Brief, intro.brief_id)
    atelier = await session.get(Atelier, intro.atelier_id)
    if brief is None or atelier is None or atelier.owner_id != user.id:
        return None
    return brief, atelier


async def render_offer_declined(
    session: AsyncSession, delivery: Delivery, user: User
) -> Outgoing | None:
    found = await _offer_for_owner(session, delivery, user, IntroState.DECLINED)
    if found is None:
        return None
    brief, atelier = found
    lang = user.language
    what = matching.label(brief.category, lang) if brief.category else "–"
    return Outgoing(t("followups.offer_declined", lang, atelier=atelier.name, product=what))


async def render_offer_lapsed(
    session: AsyncSession, delivery: Delivery, user: User
) -> Outgoing | None:
    intro_id = _int(delivery.payload, "intro_id")
    if intro_id is None or await digest.lapse_offer(session, intro_id) is None:
        return None
    found = await _offer_for_owner(session, delivery, user, IntroState.EXPIRED)
    if found is None:
        return None
    brief, atelier = found
    lang = user.language
    what = matching.label(brief.category, lang) if brief.category else "–"
    return Outgoing(t("followups.offer_lapsed", lang, atelier=atelier.name, product=what))


RENDERERS: dict[str, Renderer] = {
    digest.KIND_DIGEST: render_digest,
    digest.KIND_OFFER: render_offer,
    digest.KIND_OFFER_DECLINED: render_offer_declined,
    digest.KIND_OFFER_EXPIRE: render_offer_lapsed,
}
