"""How a brief and a match read in messages: the brief as an atelier sees it (nothing that
identifies the designer), the product's short name, one ranked match on a line."""

from __future__ import annotations

from typing import Any

from babel import Locale
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

import matching
import parsing
from bot.briefs import service as brief_service
from bot.briefs.service import BriefPauseEnds
from bot.core.renderers import Outgoing, Rendering
from bot.db.models import Brief, User
from bot.i18n import t
from bot.intros.views import BriefFacts, BriefWork


def country_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    return str(Locale.parse(lang).territories.get(code, code))


def brief_lines(facts: BriefWork, lang: str) -> list[str]:
    """The brief as an atelier reads it; nothing here identifies the designer. The product as
    written and the budget are shown in an introduction's (`BriefFacts`), never in a digest's."""
    lines: list[str] = []
    shown = facts if isinstance(facts, BriefFacts) else None
    product = shown.product.strip() if shown else ""
    category = matching.label(facts.category, lang) if facts.category else ""
    if product and category:
        lines.append(t("intros.brief_product", lang, product=product, category=category))
    elif product or category:
        lines.append(t("intros.brief_product_only", lang, product=product or category))
    if facts.materials:
        materials = ", ".join(matching.label(m, lang) for m in facts.materials)
        lines.append(t("intros.brief_materials", lang, materials=materials))
    lines += order_lines(facts, lang)
    if facts.deadline is not None:
        deadline = format_date(facts.deadline, format="long", locale=lang)
        lines.append(t("intros.brief_deadline", lang, deadline=deadline))
    if shown and shown.budget_amount is not None:
        money = parsing.Money(shown.budget_amount, shown.budget_currency or "EUR")
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


def unit_label(unit: str, lang: str) -> str:
    """ "colour" / "colore": what a quantity counts."""
    return t(f"briefs.unit_{matching.parse_unit(unit) or 'style'}", lang)


def order_lines(facts: BriefWork, lang: str) -> list[str]:
    """How many, per what, and how the order splits: "Quantity: 60 pieces per colour",
    "Styles: 3 · colourways per style: 2 · sizes: S-XL", "In all: 360 pieces"."""
    if facts.quantity is None:
        return []
    low = facts.quantity
    high = max(facts.quantity_high or low, low)
    quantity = parsing.format_quantity(parsing.Quantity(low, high), lang)
    lines = [
        t(
            "intros.brief_quantity",
            lang,
            quantity=quantity,
            unit=unit_label(facts.quantity_per, lang),
        )
    ]
    split: list[str] = []
    if facts.styles:
        split.append(t("intros.brief_styles", lang, styles=facts.styles))
    if facts.colourways:
        split.append(t("briefs.order_colourways", lang, colourways=facts.colourways))
    if facts.sizes:
        sizes = facts.size_range or (
            t("briefs.order_one_size", lang) if facts.sizes == 1 else str(facts.sizes)
        )
        split.append(t("briefs.order_sizes", lang, sizes=sizes))
    if split:
        lines.append(" · ".join(split))
    shape = matching.OrderShape(facts.styles or 1, facts.colourways or 1, facts.sizes or 1)
    unit = matching.parse_unit(facts.quantity_per) or "style"
    total_low, total_high = shape.total(low, unit), shape.total(high, unit)
    if (total_low, total_high) != (low, high):
        total = parsing.format_quantity(parsing.Quantity(total_low, total_high), lang)
        lines.append(t("briefs.order_total", lang, total=total))
    return lines


def quantity_text(brief: Brief, lang: str) -> str:
    """A stored brief's quantity in short: "150–250 pcs per colour"; "?" before one is given."""
    if brief.quantity is None:
        return "?"
    high = max(brief.quantity_high or brief.quantity, brief.quantity)
    quantity = parsing.format_quantity(parsing.Quantity(brief.quantity, high), lang)
    return t(
        "briefs.quantity_short", lang, quantity=quantity, unit=unit_label(brief.quantity_per, lang)
    )


def shorten(text: str, limit: int | None) -> str:
    """`text` within `limit` characters, cut at a word with an ellipsis when it is longer."""
    text = " ".join(text.split())
    if limit is None or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"


def product_label(product: str, category: str | None, lang: str, *, limit: int | None = 80) -> str:
    """What the designer called it, or the category's name when they said nothing."""
    if product.strip():
        return shorten(product, limit)
    return matching.label(category, lang) if category else "–"


def labelled_offer(offer: matching.Match | matching.NearMiss, lang: str) -> str:
    """The next atelier to ask when none fits well: a near miss that makes the product says
    what fails, a weak match says it is one."""
    if isinstance(offer, matching.NearMiss):
        key, why = "briefs.next_near_miss", {"failures": ", ".join(offer.failures)}
    else:
        key, why = "briefs.next_weak", {"reasons": " · ".join(offer.reasons)}
    return t(key, lang, name=offer.name, score=round(offer.score), **why)


def match_line(rank: int, match: matching.Match, lang: str) -> str:
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


# --- a pause's end date ----------------------------------------------------------------------------


async def render_pause_ends(
    session: AsyncSession, message: BriefPauseEnds, user: User
) -> Outgoing | None:
    """The pause is over: the brief opens again and its designer hears so (nothing when it was
    resumed or closed meanwhile)."""
    brief = await brief_service.end_pause(session, message.brief_id, user.id)
    if brief is None:
        return None
    return Outgoing(t("briefs.pause_ended", user.language, id=brief.id))


RENDERERS: tuple[Rendering[Any], ...] = (Rendering(BriefPauseEnds, render_pause_ends),)
