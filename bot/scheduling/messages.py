"""How the follow-ups and the weekly digest read: renderers for their delivery kinds.

Each renderer re-reads the facts at send time and returns nothing when the message no longer
applies (the intro was answered, the brief closed, the feedback already given), so the outbox
drops it. Plain text, in the recipient's language; buttons carry ids only.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import Atelier, Brief, Delivery, IntroRequest, IntroState, User
from bot.i18n import t
from bot.scheduling.atelier_messages import brief_lines, country_name, request_buttons
from bot.scheduling.render import Outgoing, match_index, renderer
from bot.services import briefs as brief_service
from bot.services import digest, followups, intro_views, intros
from bot.services.intro_views import BriefFacts

Rows = list[list[tuple[str, str]]]
MAX_CALLBACK = 64


def _button(label: str, data: str) -> list[tuple[str, str]]:
    return [(label, data)] if len(data.encode()) <= MAX_CALLBACK else []


def _int(payload: dict[str, Any], key: str) -> int | None:
    value = payload.get(key)
    return value if isinstance(value, int) else None


def _product(product: str, category: str | None, lang: str) -> str:
    if product.strip():
        return product.strip()[:80]
    return matching.label(category, lang) if category else "–"


def _match_line(rank: int, match: matching.Match, lang: str) -> str:
    a = match.atelier
    place = ", ".join(p for p in (a.city, country_name(a.country, lang)) if p)
    return t(
        "followups.match_line",
        lang,
        rank=rank,
        name=match.name,
        place=place,
        score=round(match.score),
        reasons=" · ".join(match.reasons),
    )


# --- the 24-hour nudge ---------------------------------------------------------------------------


@renderer(followups.KIND_NUDGE)
async def render_nudge(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    brief_id = _int(delivery.payload, "brief_id")
    if brief_id is None:
        return None
    lang = user.language
    found = await followups.nudge_matches(session, await match_index(session), brief_id, lang)
    if found is None:
        return None
    brief, matches = found
    if brief.designer_id != user.id:
        return None
    product = _product(brief.product_text, brief.category, lang)
    if not matches:
        return Outgoing(t("followups.nudge_none", lang, product=product))
    lines = [t("followups.nudge_title", lang, product=product)]
    lines += [_match_line(rank, m, lang) for rank, m in enumerate(matches, start=1)]
    lines.append(t("followups.nudge_hint", lang))
    rows: Rows = [
        row
        for m in matches
        if (
            row := _button(
                t("followups.request_button", lang, name=m.name), f"intro:req:{brief.id}:{m.ref}"
            )
        )
    ]
    return Outgoing("\n\n".join(lines), rows)


# --- intro reminder (72 h) and expiry (7 days) ---------------------------------------------------


@renderer(intros.KIND_REMINDER)
async def render_reminder(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To the atelier owner: the request is still waiting, with the same Accept / Decline."""
    intro_id = _int(delivery.payload, "intro_id")
    view = await intro_views.load(session, intro_id) if intro_id is not None else None
    if view is None or view.state != IntroState.REQUESTED or view.atelier_owner_id != user.id:
        return None
    lang = user.language
    text = "\n".join(
        [
            t("followups.reminder_title", lang, number=view.intro_id),
            "",
            *brief_lines(view.brief, lang),
        ]
    )
    return Outgoing(text, request_buttons(view.intro_id, lang))


@renderer(intros.KIND_EXPIRE)
async def render_expire(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To the designer: seven days without an answer; the request lapses, the next match offered.

    Expiring is this delivery's own effect, so a retry after a failed send finds the intro already
    expired and still tells the designer.
    """
    intro_id = _int(delivery.payload, "intro_id")
    if intro_id is None:
        return None
    await intros.expire(session, intro_id=intro_id)
    intro = await session.get(IntroRequest, intro_id)
    if intro is None or intro.state != IntroState.EXPIRED:
        return None
    brief = await session.get(Brief, intro.brief_id)
    atelier = await session.get(Atelier, intro.atelier_id)
    if brief is None or atelier is None or brief.designer_id != user.id:
        return None
    lang = user.language
    product = _product(brief.product_text, brief.category, lang)
    text = t("followups.expired", lang, atelier=atelier.name, product=product)
    following = await followups.next_match(session, await match_index(session), brief, lang)
    if following is None:
        return Outgoing(text + "\n\n" + t("followups.no_next_match", lang))
    text += "\n\n" + t("followups.next_match", lang) + "\n" + _match_line(1, following, lang)
    button = _button(
        t("followups.request_button", lang, name=following.name),
        f"intro:req:{brief.id}:{following.ref}",
    )
    return Outgoing(text, [button] if button else [])


# --- "How did it go?" (14 days after an accepted intro) ------------------------------------------


def star_buttons(intro_id: int) -> Rows:
    return [[("★" * stars, f"fb:{intro_id}:{stars}") for stars in range(1, 6)]]


@renderer(intros.KIND_FEEDBACK)
async def render_feedback(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    intro_id = _int(delivery.payload, "intro_id")
    if intro_id is None:
        return None
    subject = await followups.feedback_subject(session, intro_id, user)
    if subject is None or await followups.feedback_given(session, intro_id, user) is not None:
        return None
    _intro, brief, atelier, side = subject
    lang = user.language
    product = _product(brief.product_text, brief.category, lang)
    key = "followups.feedback_designer" if side == "designer" else "followups.feedback_atelier"
    return Outgoing(t(key, lang, atelier=atelier.name, product=product), star_buttons(intro_id))


# --- the monthly capacity check ------------------------------------------------------------------


@renderer(followups.KIND_CAPACITY)
async def render_capacity(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    atelier_id = _int(delivery.payload, "atelier_id")
    atelier = await session.get(Atelier, atelier_id) if atelier_id is not None else None
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
    buttons: Rows = [
        [
            (t("followups.capacity_ok", lang), f"cap:ok:{atelier.id}"),
            (t("followups.capacity_update", lang), f"cap:upd:{atelier.id}"),
        ]
    ]
    return Outgoing(text, buttons)


# --- the weekly digest ---------------------------------------------------------------------------


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
        product = _product(str(pick.get("product") or ""), pick.get("category"), lang)
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
                _button(
                    t("followups.request_button", lang, name=m["name"]),
                    f"intro:req:{pick['brief_id']}:{m['ref']}",
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
                _button(
                    t("followups.interested_button", lang, number=number),
                    f"dg:int:{item['brief_id']}:{item['atelier_id']}",
                )
            )
    blocks.append(t("followups.digest_footer", lang))
    return Outgoing("\n\n".join(blocks), [row for row in rows if row])


@lru_cache(maxsize=512)
def _cached_digest_message(payload: str, lang: str) -> Outgoing | None:
    # Many ateliers get the same week's briefs: render each distinct digest once.
    return digest_message(json.loads(payload), lang)


@renderer(digest.KIND_DIGEST)
async def render_digest(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    # Composed shortly before it was due (see services.digest); the answers re-check every fact.
    key = json.dumps(
        {k: v for k, v in delivery.payload.items() if k in ("picks", "briefs")}, sort_keys=True
    )
    return _cached_digest_message(key, user.language)


# --- an atelier's interest -----------------------------------------------------------------------


@renderer(digest.KIND_OFFER)
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
        product=_product(brief.product_text, brief.category, lang),
        reasons=" · ".join(found.reasons) if found else "–",
    )
    buttons: Rows = [
        [
            (t("followups.offer_accept", lang), f"dg:acc:{intro.id}"),
            (t("followups.offer_decline", lang), f"dg:dec:{intro.id}"),
        ]
    ]
    return Outgoing(text, buttons)


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


@renderer(digest.KIND_OFFER_DECLINED)
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


@renderer(digest.KIND_OFFER_EXPIRE)
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
