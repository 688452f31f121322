"""How a brief and a match read in messages: the brief as an atelier sees it (nothing that
identifies the designer), the product's short name, one ranked match on a line."""

from __future__ import annotations

from babel import Locale
from babel.dates import format_date

import matching
import parsing
from bot.i18n import t
from bot.intros.views import BriefFacts


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


def product_label(product: str, category: str | None, lang: str, *, limit: int | None = 80) -> str:
    """What the designer called it, or the category's name when they said nothing."""
    if product.strip():
        return product.strip()[:limit]
    return matching.label(category, lang) if category else "–"


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
