"""The first message's details are kept: "60 hand-finished silk blouses, delivery in 10 weeks,
made in Tuscany" is said back in full, and only what it did not say is asked."""

from __future__ import annotations

from tests.e2e.harness import RunningBot
from tests.e2e.test_designer_review import DESIGNER, _say, _seed, _tap


async def test_the_first_message_details_are_kept_and_not_asked_again(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="en")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _say(
        api,
        "60 hand-finished silk blouses, delivery in 10 weeks, made in Tuscany",
        "I understood: shirts",
    )
    text = understood.text or ""
    assert "From your message:" in text
    for detail in (
        "silk",
        "60 per style",
        "delivery by",
        "made in Tuscany, Italy",
        "30 % handwork",
    ):
        assert detail in text, detail
    # Materials and quantity were given: the next question is the number of styles.
    styles = await _tap(api, understood, "Yes", "How many styles")
    colourways = await _tap(api, styles, "2", "How many colourways")
    sizes = await _tap(api, colourways, "1", "Which sizes")
    budget = await _tap(api, sizes, "S–L", "budget per piece")
    # Place and handwork were given too: on to the certifications.
    certifications = await _tap(api, budget, "Skip", "certifications")
    pack = await _tap(api, certifications, "Done", "Send a tech pack")
    summary = await _tap(api, pack, "Skip", "Your brief:")
    summary_text = summary.text or ""
    assert "Materials: silk" in summary_text
    assert "60 per style × 2" in summary_text
    assert "Where: Tuscany, Italy" in summary_text
    assert "Handwork: at least 30 %" in summary_text
    assert "Delivery by: —" not in summary_text
    assert "Sizes: S–L · 3 sizes" in summary_text and "Total: 120 pieces" in summary_text


async def test_italian_first_message_with_range_styles_deadline_and_certification(
    bottega: RunningBot,
) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="it")
    await api.wait_for(DESIGNER, contains="Qual è il prodotto?")
    understood = await _say(
        api,
        "tra 150 e 250 cardigan in merino fatti a mano, 3 modelli, consegna entro marzo, GOTS",
        "Ho capito: maglieria",
    )
    text = understood.text or ""
    assert "Dal tuo messaggio:" in text
    for detail in ("merino", "150–250 per modello", "modelli: 3", "consegna entro il 31 marzo"):
        assert detail in text, detail
    assert "lavorazione a mano: almeno 80 %" in text and "GOTS" in text
    # Everything but the budget and the place was given.
    colourways = await _tap(api, understood, "Sì", "Quante varianti colore")
    sizes = await _tap(api, colourways, "2", "In quali taglie")
    budget = await _tap(api, sizes, "Taglia unica", "budget")
    place = await _tap(api, budget, "Salta", "Dove deve")
    pack = await _tap(api, place, "Ovunque", "scheda tecnica")
    summary = await _tap(api, pack, "Salta", "La tua richiesta")
    summary_text = summary.text or ""
    assert "× 3" in summary_text and "GOTS" in summary_text and "80 %" in summary_text
    # 150–250 per style × 3 styles.
    assert "Totale: 450–750 pezzi" in summary_text


async def test_a_product_alone_asks_every_question_as_before(bottega: RunningBot) -> None:
    await _seed(bottega)
    api = bottega.api
    await api.user_sends(DESIGNER, "/brief", language_code="en")
    await api.wait_for(DESIGNER, contains="What is the product?")
    understood = await _say(api, "blouses", "I understood: shirts")
    assert "From your message" not in (understood.text or "")
    await _tap(api, understood, "Yes", "Which materials?")
