"""How the atelier side's deliveries read: an introduction request with Accept / Decline, the
contacts both sides get after an accept, a polite decline with the next match, and the owner's
verification notices. Renderers re-read the facts at send time and return nothing when the
message no longer applies.
"""

from __future__ import annotations

from babel import Locale
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

import matching
import parsing
from bot.db.models import Brief, Delivery, IntroState, User
from bot.i18n import t
from bot.scheduling.render import Outgoing, match_index, renderer
from bot.services import followups, intro_views, intros, verification
from bot.services.intro_views import BriefFacts, IntroView

Rows = list[list[tuple[str, str]]]


# --- how a brief reads to an atelier -------------------------------------------------------------


def country_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    return str(Locale.parse(lang).territories.get(code, code))


def brief_lines(facts: BriefFacts, lang: str) -> list[str]:
    """The brief as an atelier reads it; nothing here identifies the designer."""
    lines: list[str] = []
    product = facts.product.strip()
    category = matching.label(facts.category, lang) if facts.category else ""
    if product and category:
        lines.append(t("intros.brief_product", lang, product=product, category=category))
    elif product or category:
        lines.append(t("intros.brief_product_only", lang, product=product or category))
    if facts.materials:
        materials = ", ".join(matching.label(m, lang) for m in facts.materials)
        lines.append(t("intros.brief_materials", lang, materials=materials))
    if facts.quantity is not None:
        high = max(facts.quantity_high or facts.quantity, facts.quantity)
        quantity = parsing.format_quantity(parsing.Quantity(facts.quantity, high), lang)
        lines.append(t("intros.brief_quantity", lang, quantity=quantity))
    if facts.styles:
        lines.append(t("intros.brief_styles", lang, styles=facts.styles))
    if facts.deadline is not None:
        deadline = format_date(facts.deadline, format="long", locale=lang)
        lines.append(t("intros.brief_deadline", lang, deadline=deadline))
    if facts.budget_amount is not None:
        money = parsing.Money(facts.budget_amount, facts.budget_currency or "EUR")
        lines.append(t("intros.brief_budget", lang, budget=parsing.format_money(money, lang)))
    if facts.country:
        place = ", ".join(p for p in (facts.region, country_name(facts.country, lang)) if p)
    else:
        place = t("intros.anywhere", lang)
    lines.append(t("intros.brief_place", lang, place=place))
    musts: list[str] = []
    if facts.min_handwork_share:
        musts.append(t("intros.brief_handwork", lang, share=facts.min_handwork_share))
    musts += [matching.label(c, lang) for c in facts.certifications]
    if musts:
        lines.append(t("intros.brief_must", lang, musts=", ".join(musts)))
    return lines


def _request_text(view: IntroView, lang: str) -> str:
    return "\n".join(
        [t("intros.request_title", lang, number=view.intro_id), "", *brief_lines(view.brief, lang)]
    )


def request_buttons(intro_id: int, lang: str) -> Rows:
    return [
        [
            (t("intros.accept", lang), f"intro:acc:{intro_id}"),
            (t("intros.decline", lang), f"intro:dec:{intro_id}"),
        ]
    ]


def reason_buttons(intro_id: int, lang: str) -> Rows:
    return [
        [(t(f"intros.reason_{reason}", lang), f"intro:why:{intro_id}:{reason}")]
        for reason in intros.DECLINE_REASONS
    ]


def _product(view: IntroView, lang: str) -> str:
    if view.brief.product.strip():
        return view.brief.product.strip()
    return matching.label(view.brief.category, lang) if view.brief.category else "–"


# --- renderers (the outbox calls these at send time) ---------------------------------------------


def _intro_id(delivery: Delivery) -> int | None:
    value = delivery.payload.get("intro_id")
    return value if isinstance(value, int) else None


async def _view(session: AsyncSession, delivery: Delivery) -> IntroView | None:
    intro_id = _intro_id(delivery)
    return await intro_views.load(session, intro_id) if intro_id is not None else None


@renderer(intros.KIND_REQUEST)
async def render_request(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    view = await _view(session, delivery)
    if view is None or view.state != IntroState.REQUESTED or view.atelier_owner_id != user.id:
        return None
    lang = user.language
    return Outgoing(_request_text(view, lang), request_buttons(view.intro_id, lang))


@renderer(intros.KIND_ACCEPTED)
async def render_accepted(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To the designer: the atelier said yes, here is how to reach it."""
    view = await _view(session, delivery)
    if view is None or view.state != IntroState.ACCEPTED or view.designer_id != user.id:
        return None
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


@renderer(intros.KIND_CONTACT)
async def render_contact(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To the atelier owner: who the designer is and how to reach them."""
    view = await _view(session, delivery)
    if view is None or view.state != IntroState.ACCEPTED or view.atelier_owner_id != user.id:
        return None
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


@renderer(intros.KIND_DECLINED)
async def render_declined(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To the designer: politely, and with the next best atelier to ask."""
    view = await _view(session, delivery)
    if view is None or view.state != IntroState.DECLINED or view.designer_id != user.id:
        return None
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
    reasons = " · ".join(following.reasons)
    text += "\n\n" + t(
        "intros.next_match",
        lang,
        name=following.name,
        score=f"{following.score:.0f}",
        reasons=reasons,
    )
    button = (t("intros.request_next", lang), f"intro:req:{view.brief.brief_id}:{following.ref}")
    return Outgoing(text, [[button]])


# --- messages to the owner after an admin's decision (sent through the outbox) -------------------


@renderer(verification.KIND_VERIFIED)
async def render_verified(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    atelier = await verification.decision_for(session, int(delivery.payload.get("atelier_id", 0)))
    if atelier is None or not atelier.listed or atelier.owner_id != user.id:
        return None
    what = "claim" if delivery.payload.get("what") == "claim" else "registration"
    return Outgoing(
        t(f"atelier.verified_{what}", user.language, name=atelier.name, ref=atelier.ref)
    )


@renderer(verification.KIND_REJECTED)
async def render_rejected(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    atelier = await verification.decision_for(session, int(delivery.payload.get("atelier_id", 0)))
    if atelier is None:
        return None
    what = "claim" if delivery.payload.get("what") == "claim" else "registration"
    return Outgoing(t(f"atelier.rejected_{what}", user.language, name=atelier.name))


@renderer(verification.KIND_REVIEW)
async def render_review(session: AsyncSession, delivery: Delivery, user: User) -> Outgoing | None:
    """To an administrator: a new registration or claim, with the decision buttons of /admin."""
    atelier = await verification.decision_for(session, int(delivery.payload.get("atelier_id", 0)))
    if atelier is None or not atelier.listed:
        return None
    lang = user.language
    place = ", ".join(part for part in (atelier.city, atelier.country) if part)
    specialties = ", ".join(atelier.specialties[:4])
    if delivery.payload.get("what") == "claim":
        if atelier.claimed_by_id is None or atelier.owner_id is not None:
            return None  # already decided
        text = t("admin.review_claim", lang, name=atelier.name, ref=atelier.ref, place=place)
        buttons = [
            [
                (t("admin.approve_claim", lang), f"admin:cok:{atelier.id}"),
                (t("admin.reject", lang), f"admin:cno:{atelier.id}"),
            ]
        ]
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
        buttons = [
            [
                (t("admin.verify", lang), f"admin:ver:{atelier.id}"),
                (t("admin.reject", lang), f"admin:rej:{atelier.id}"),
            ]
        ]
    return Outgoing(text, buttons)
