"""The interview asks the styles, the colourways of each style and the sizes (or one size),
shows the order's total, and stores the shape the matcher compares minimums with."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Brief
from tests.e2e.harness import RunningBot
from tests.e2e.test_designer_review import DESIGNER, _say, _seed, _tap


async def test_styles_colourways_and_sizes_make_the_total(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="en")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _say(api, "cardigan in merino", "I understood: knitwear")
    await _tap(api, understood, "Yes", "How many pieces per style?")
    styles = await _say(api, "20 per size", "How many styles")
    colourways = await _tap(api, styles, "3", "How many colourways of each style?")
    sizes = await _tap(api, colourways, "2", "Which sizes")
    await _tap(api, sizes, "XS–XL", "By when")
    await _say(api, "in 20 weeks", "budget")
    await _say(api, "skip", "Where should it be made?")
    await _say(api, "anywhere", "minimum share")
    await _say(api, "none", "certifications")
    await _say(api, "none", "Send a tech pack")
    summary = await _say(api, "skip", "Your brief:")
    text = summary.text or ""
    assert "Quantity: 20 per size × 3" in text
    assert "Colourways per style: 2" in text and "Sizes: XS–XL · 5 sizes" in text
    # 3 styles × 2 colourways × 5 sizes × 20 pieces.
    assert "Total: 600 pieces" in text
    # Editable from the summary, then back to it.
    asked = await _tap(api, summary, "Sizes", "Which sizes")
    summary = await _tap(api, asked, "One size", "Your brief:")
    assert "Sizes: One size" in (summary.text or "") and "Total: 120 pieces" in (summary.text or "")
    asked = await _tap(api, summary, "Colourways", "How many colourways")
    summary = await _say(api, "4", "Your brief:")
    assert "Total: 240 pieces" in (summary.text or "")
    await api.press(DESIGNER, summary, "Confirm")
    await api.wait_for(DESIGNER, contains="Brief saved")
    async with bottega.session_factory() as session:
        brief = await session.scalar(select(Brief))
        assert brief is not None
        assert (
            brief.quantity,
            brief.quantity_per,
            brief.styles,
            brief.colourways,
            brief.sizes,
        ) == (
            20,
            "size",
            3,
            4,
            1,
        )


async def test_italian_sizes_and_limits(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="it")
    await api.wait_for(DESIGNER, contains="Qual è il prodotto?")
    understood = await _say(api, "cardigan in merino", "Ho capito: maglieria")
    await _tap(api, understood, "Sì", "Quanti pezzi per modello")
    await _say(api, "30 per colore", "Quanti modelli")
    await _say(api, "2", "Quante varianti colore")
    refused = await _say(api, "40", "al massimo 20 varianti")
    assert "Quante varianti colore" in (refused.text or "")
    await _say(api, "3", "In quali taglie")
    unknown = await _say(api, "banana", "Non ho capito le taglie")
    assert "In quali taglie" in (unknown.text or "")
    await _say(api, "38-46", "Entro quando")
    await _say(api, "non lo so", "budget")
    await _say(api, "salta", "Dove deve")
    await _say(api, "ovunque", "lavorazione a mano")
    await _say(api, "nessuna", "certificazioni")
    await _say(api, "nessuna", "scheda tecnica")
    summary = await _say(api, "salta", "La tua richiesta")
    text = summary.text or ""
    assert "30 per variante colore × 2" in text and "Taglie: 38–46 · 5 taglie" in text
    assert "Totale: 180 pezzi" in text


async def test_colourways_and_sizes_in_the_first_message_are_not_asked(
    bottega: RunningBot,
) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="en")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _say(
        api, "40 merino cardigans in 2 colourways, sizes XS-XL", "I understood: knitwear"
    )
    text = understood.text or ""
    assert "2 colourways per style" in text and "XS–XL · 5 sizes" in text
    styles = await _tap(api, understood, "Yes", "How many styles")
    await _tap(api, styles, "3", "By when")
