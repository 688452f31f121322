"""The interview's gaps a newcomer hit: /back one question, a deadline without a date, a stated
limit on the number of styles, and the "too long" message naming its limit."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Brief
from tests.e2e.harness import RunningBot
from tests.e2e.test_designer_review import DESIGNER, _say, _seed, _tap


async def _until_quantity(bottega: RunningBot, lang: str = "en") -> None:
    api = bottega.api
    await _seed(bottega)
    await api.user_sends(DESIGNER, "/brief", language_code=lang)
    await api.wait_for(DESIGNER, contains="/back")
    understood = await _say(api, "cardigans", "maglieria" if lang == "it" else "knitwear")
    materials = await _tap(
        api,
        understood,
        "Sì" if lang == "it" else "Yes",
        "Quali materiali" if lang == "it" else "Which materials",
    )
    await _tap(
        api, materials, "Fatto" if lang == "it" else "Done", "pezzi" if lang == "it" else "pieces"
    )


async def test_back_goes_one_question_back_and_the_interview_goes_on(bottega: RunningBot) -> None:
    api = bottega.api
    await _seed(bottega)
    await api.user_sends(DESIGNER, "/brief", language_code="en")
    await api.wait_for(DESIGNER, contains="What is the product?")
    first = await _say(api, "/back", "This is the first question.")
    assert "What is the product?" in (first.text or "")
    understood = await _say(api, "cardigans", "I understood: knitwear")
    materials = await _tap(api, understood, "Yes", "Which materials?")
    await _tap(api, materials, "Done", "How many pieces per style?")
    await _say(api, "80", "How many styles")
    back = await _say(api, "/back", "Back one question.")
    assert "How many pieces per style?" in (back.text or "")
    back = await _say(api, "/back", "Back one question.")
    assert "Which materials?" in (back.text or "")
    await _tap(api, back, "Done", "How many pieces per style?")
    await _say(api, "120", "How many styles")
    await _say(api, "2", "How many colourways")
    await _say(api, "1", "Which sizes")
    await _say(api, "one size", "By when")
    await _say(api, "in 20 weeks", "budget")
    await _say(api, "skip", "Where should it be made?")
    await _say(api, "anywhere", "minimum share")
    await _say(api, "none", "certifications")
    await _say(api, "none", "Send a tech pack")
    summary = await _say(api, "skip", "Your brief:")
    assert "120 per style × 2" in (summary.text or "")
    assert "Total: 240 pieces" in (summary.text or "")


async def test_back_in_italian(bottega: RunningBot) -> None:
    await _until_quantity(bottega, "it")
    back = await _say(bottega.api, "/back", "Torniamo alla domanda precedente.")
    assert "Quali materiali" in (back.text or "")


async def test_a_deadline_can_be_flexible_unknown_or_as_soon_as_possible(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await _until_quantity(bottega)
    await _say(api, "80", "How many styles")
    await _say(api, "2", "How many colourways")
    await _say(api, "1", "Which sizes")
    asked = await _say(api, "one size", "By when")
    assert "flexible" in (asked.text or "")
    await _say(api, "asap", "budget per piece")
    await _say(api, "skip", "Where should it be made?")
    await _say(api, "anywhere", "minimum share")
    await _say(api, "none", "certifications")
    await _say(api, "none", "Send a tech pack")
    summary = await _say(api, "skip", "Your brief:")
    assert "Delivery by: as soon as possible" in (summary.text or "")
    await api.press(DESIGNER, summary, "Confirm")
    await api.wait_for(DESIGNER, contains="Brief saved")
    async with bottega.session_factory() as session:
        brief = await session.scalar(select(Brief))
        assert brief is not None and brief.state != "draft" and brief.deadline is None


async def test_non_lo_so_is_a_deadline_not_known_yet(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_quantity(bottega, "it")
    await _say(api, "80", "Quanti modelli")
    await _say(api, "2", "Quante varianti colore")
    await _say(api, "1", "In quali taglie")
    await _say(api, "taglia unica", "Entro quando")
    await _say(api, "non lo so", "budget")
    await _say(api, "salta", "Dove deve")
    await _say(api, "ovunque", "lavorazione a mano")
    await _say(api, "nessuna", "certificazioni")
    await _say(api, "nessuna", "scheda tecnica")
    summary = await _say(api, "salta", "La tua richiesta")
    assert "non ancora nota" in (summary.text or "")


async def test_the_number_of_styles_has_a_stated_limit(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_quantity(bottega)
    asked = await _say(api, "80", "How many styles")
    assert "up to 50 in one brief" in (asked.text or "")
    refused = await _say(api, "100", "at most 50 styles")
    assert "How many styles" in (refused.text or "")
    await _say(api, "50", "How many colourways")


async def test_too_long_says_the_limit(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_quantity(bottega)
    refused = await _say(api, "8" * 150 + " pieces " + "x" * 60, "under 200 characters")
    assert "How many pieces per style?" in (refused.text or "")
    await _say(api, "8" * 7, "at most 100,000")
