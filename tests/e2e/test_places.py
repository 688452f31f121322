"""Places through the real bot: a region typed where a country is asked, a misspelt region,
and an atelier's address with a province code."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Brief
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.atelier_steps import Registration, atelier_of, register
from tests.e2e.harness import RunningBot

DESIGNER = 4343


async def _until_where(api: LocalBotAPI, user: int, lang: str = "en") -> SentMessage:
    """A designer's interview up to "Where should it be made?"."""
    words = {
        "en": ("I'm a designer", "Yes", "Done", "Where should it be made?"),
        "it": ("Sono designer", "Sì", "Fatto", "Dove deve"),
    }[lang]
    await api.user_sends(user, "/start", first_name="Ada", language_code=lang)
    welcome = await api.wait_for(user, lambda m: words[0] in m.button_texts)
    await api.press(user, welcome, words[0])
    await api.wait_for(user, lambda m: bool(m.text and "?" in m.text))
    await api.user_sends(user, "80 merino cardigans")
    understood = await api.wait_for(user, lambda m: words[1] in m.button_texts)
    # Materials and quantity were in the first message: the styles come next.
    await api.press(user, understood, words[1])
    styles = await api.wait_for(user, lambda m: "3" in m.button_texts)
    await api.press(user, styles, "3")
    colourways = await api.wait_for(
        user, lambda m: "6" in m.button_texts and m.message_id > styles.message_id
    )
    await api.press(user, colourways, "1")
    one_size = "Taglia unica" if lang == "it" else "One size"
    sizes = await api.wait_for(user, lambda m: one_size in m.button_texts)
    await api.press(user, sizes, one_size)
    await api.wait_for(user, lambda m: m.message_id > sizes.message_id)
    await api.user_sends(user, "in 12 weeks" if lang == "en" else "tra 12 settimane")
    budget = await api.wait_for(user, contains="budget")
    await api.user_sends(user, "45 €")
    assert budget
    return await api.wait_for(user, contains=words[3])


async def _finish(api: LocalBotAPI, user: int, handwork: SentMessage) -> SentMessage:
    """From the handwork question to the summary."""
    assert "minimum share of handwork" in (handwork.text or "")
    await api.press(user, handwork, "≥ 50 %")
    certs = await api.wait_for(user, contains="certifications")
    await api.press(user, certs, "Done")
    pack = await api.wait_for(user, contains="Send a tech pack")
    await api.press(user, pack, "Skip")
    return await api.wait_for(user, contains="Your brief:")


async def _stored_brief(bottega: RunningBot, summary: SentMessage) -> Brief:
    await bottega.api.press(DESIGNER, summary, "Confirm")
    await bottega.api.wait_for(DESIGNER, lambda m: m.message_id > summary.message_id)
    async with bottega.session_factory() as session:
        brief = await session.scalar(select(Brief))
        assert brief is not None
        return brief


async def test_a_region_typed_at_where_is_that_region_of_italy(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_where(api, DESIGNER)
    await api.user_sends(DESIGNER, "Tuscany")
    handwork = await api.wait_for(DESIGNER, contains="minimum share of handwork")
    assert "I read" not in (handwork.text or ""), "nothing was corrected"
    summary = await _finish(api, DESIGNER, handwork)
    assert "Where: Tuscany, Italy" in (summary.text or "")
    brief = await _stored_brief(bottega, summary)
    assert (brief.country, brief.region) == ("IT", "Toscana")


async def test_a_misspelt_region_is_corrected_out_loud_and_keeps_the_region(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    where = await _until_where(api, DESIGNER)
    await api.press(DESIGNER, where, "A region of Italy")
    await api.wait_for(DESIGNER, contains="Which region of Italy?")
    await api.user_sends(DESIGNER, "Toscanna")
    corrected = await api.wait_for(DESIGNER, contains="I read “Toscanna” as Tuscany.")
    summary = await _finish(api, DESIGNER, corrected)
    assert "Where: Tuscany, Italy" in (summary.text or "")
    brief = await _stored_brief(bottega, summary)
    assert (brief.country, brief.region) == ("IT", "Toscana")


async def test_an_unknown_region_is_asked_again(bottega: RunningBot) -> None:
    api = bottega.api
    where = await _until_where(api, DESIGNER)
    await api.press(DESIGNER, where, "A region of Italy")
    await api.wait_for(DESIGNER, contains="Which region of Italy?")
    await api.user_sends(DESIGNER, "somewhere nice")
    again = await api.wait_for(DESIGNER, contains="I don't know that region")
    assert "Which region of Italy?" in (again.text or "")
    await api.user_sends(DESIGNER, "lombardia")
    handwork = await api.wait_for(DESIGNER, contains="minimum share of handwork")
    summary = await _finish(api, DESIGNER, handwork)
    assert "Where: Lombardy, Italy" in (summary.text or "")


async def test_a_region_of_another_country_at_where(bottega: RunningBot) -> None:
    api = bottega.api
    await _until_where(api, DESIGNER)
    await api.user_sends(DESIGNER, "Catalogna")
    handwork = await api.wait_for(DESIGNER, contains="minimum share of handwork")
    summary = await _finish(api, DESIGNER, handwork)
    assert "Where: Catalonia, Spain" in (summary.text or "")
    brief = await _stored_brief(bottega, summary)
    assert (brief.country, brief.region) == ("ES", "Cataluña")


async def test_an_atelier_address_with_a_province_code_keeps_city_and_region(
    bottega: RunningBot,
) -> None:
    await register(
        bottega,
        2601,
        Registration(
            name="Maglificio Carpigiano",
            place="Carpi (MO), Emilia Romagna",
            specialties="knitwear",
            understood="knitwear",
        ),
    )
    atelier = await atelier_of(bottega, 2601)
    assert (atelier.city, atelier.region, atelier.country) == ("Carpi", "Emilia-Romagna", "IT")


async def test_an_atelier_address_with_a_misspelt_region_is_corrected(
    bottega: RunningBot,
) -> None:
    await register(
        bottega,
        2602,
        Registration(
            name="Lanificio Pratese",
            place="Prato, Toscanna",
            specialties="knitwear",
            understood="knitwear",
        ),
    )
    atelier = await atelier_of(bottega, 2602)
    assert (atelier.city, atelier.region) == ("Prato", "Toscana")
