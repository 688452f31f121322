"""What an atelier types is kept in its own words and read back at once: materials and techniques
beside what they were understood as, skip words at optional questions, languages by name, and
lists edited from /profile by adding, removing or replacing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.atelier_steps import atelier_of, fetch_atelier, quick_bot, seed_atelier
from tests.e2e.harness import RunningBot


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def _up_to_materials(bot: RunningBot, user_id: int, lang: str) -> None:
    api = bot.api
    italy, yes = ("Italy", "Yes, correct") if lang == "en" else ("Italia", "Sì, giusto")
    await api.user_sends(user_id, "/start atelier", first_name="Rita", language_code=lang)
    await api.wait_for(user_id, contains="(1/16)")
    await api.user_sends(user_id, f"Seteria {user_id}")
    country = await api.wait_for(user_id, contains="(2/16)")
    await api.press(user_id, country, italy)
    await api.wait_for(user_id, contains="(3/16)")
    await api.user_sends(user_id, "Como, Lombardia")
    await api.wait_for(user_id, contains="(4/16)")
    await api.user_sends(user_id, "scarves" if lang == "en" else "foulard")
    understood = await api.wait_for(user_id, lambda m: yes in m.button_texts)
    await api.press(user_id, understood, yes)
    await api.wait_for(user_id, contains="(5/16)")


async def _numbers(bot: RunningBot, user_id: int) -> None:
    for step, text in ((7, "30"), (8, "300"), (9, "500"), (10, "6"), (11, "80")):
        await bot.api.wait_for(user_id, contains=f"({step}/16)")
        await bot.api.user_sends(user_id, text)


async def test_own_words_are_kept_and_what_was_understood_is_shown_at_that_step(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await _up_to_materials(bottega, 251, "en")
    await api.user_sends(251, "crepe de chine, georgette")
    techniques = await api.wait_for(251, contains="(6/16)")
    assert "crepe de chine (silk), georgette (chiffon)" in (techniques.text or "")
    await api.user_sends(251, "hand rolled hems, embroidery")
    moq = await api.wait_for(251, contains="(7/16)")
    assert "hand rolled hems (hand finishing), embroidery" in (moq.text or "")
    await api.user_sends(251, "30")
    for step, text in ((8, "300"), (9, "500"), (10, "6"), (11, "80"), (12, "none")):
        await api.wait_for(251, contains=f"({step}/16)")
        await api.user_sends(251, text)
    await api.wait_for(251, contains="(13/16)")
    await api.user_sends(251, "English and Italian")
    await api.wait_for(251, contains="(14/16)")
    await api.user_sends(251, "seta@example.com")
    await api.wait_for(251, contains="(15/16)")
    await api.user_sends(251, "skip")
    await api.wait_for(251, contains="(16/16)")
    await api.user_sends(251, "skip")
    summary = await api.wait_for(251, contains="Here is your atelier profile")
    text = summary.text or ""
    assert "Materials: crepe de chine (silk), georgette (chiffon)" in text
    assert "About: –" in text
    await api.press(251, summary, "Confirm")
    await api.wait_for(251, contains="is registered")
    atelier = await atelier_of(bottega, 251)
    assert atelier.materials == ["crepe de chine", "georgette"]
    assert atelier.techniques == ["hand rolled hems", "embroidery"]
    assert sorted(atelier.languages) == ["en", "it"]
    assert atelier.description == ""


async def test_italian_skip_word_and_typed_languages(bottega: RunningBot) -> None:
    api = bottega.api
    await _up_to_materials(bottega, 252, "it")
    await api.user_sends(252, "seta")
    await api.wait_for(252, contains="(6/16)")
    await api.user_sends(252, "salta")
    await _numbers(bottega, 252)
    await api.wait_for(252, contains="(12/16)")
    await api.user_sends(252, "nessuna")
    await api.wait_for(252, contains="(13/16)")
    await api.user_sends(252, "klingon")
    await api.wait_for(252, contains="Non conosco la lingua “klingon”")
    await api.user_sends(252, "inglese, italiano")
    await api.wait_for(252, contains="(14/16)")
    await api.user_sends(252, "seta@example.com")
    await api.wait_for(252, contains="(15/16)")
    await api.user_sends(252, "salta")
    await api.wait_for(252, contains="(16/16)")
    await api.user_sends(252, "salta")
    summary = await api.wait_for(252, lambda m: "Conferma" in m.button_texts)
    assert "salta" not in (summary.text or "").casefold()
    await api.press(252, summary, "Conferma")
    await api.wait_for(252, contains="è registrato")
    atelier = await atelier_of(bottega, 252)
    assert (atelier.techniques, atelier.certifications, atelier.description) == ([], [], "")
    assert sorted(atelier.languages) == ["en", "it"]


async def test_profile_lists_show_what_is_there_and_add_remove_or_replace(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 253)

    async def edit_materials() -> None:
        await api.user_sends(253, "/profile")
        profile = await api.wait_for(253, contains="Your atelier")
        await api.press(253, profile, "Materials")

    await edit_materials()
    menu = await api.wait_for(253, contains="Your materials now: wool")
    assert menu.button_texts == ["Add", "Remove", "Replace"]
    await api.press(253, menu, "Add")
    await api.wait_for(253, contains="Type the materials to add")
    await api.user_sends(253, "cashmire, crepe de chine")
    saved = await api.wait_for(253, contains="Saved.")
    assert "Materials: wool, cashmere, crepe de chine (silk)" in (saved.text or "")
    stored = (await fetch_atelier(bottega, atelier.id)).materials
    assert stored == ["wool", "cashmere", "crepe de chine"]

    await edit_materials()
    menu = await api.wait_for(253, contains="Your materials now: wool, cashmere, crepe de chine")
    await api.press(253, menu, "Remove")
    await api.wait_for(253, contains="Type the materials to remove")
    await api.user_sends(253, "silk")
    await api.wait_for(253, contains="Not in the list: silk")
    await api.user_sends(253, "wool")
    await api.wait_for(253, contains="Saved.")
    assert (await fetch_atelier(bottega, atelier.id)).materials == ["cashmere", "crepe de chine"]

    await edit_materials()
    menu = await api.wait_for(253, contains="Your materials now")
    await api.press(253, menu, "Replace")
    await api.wait_for(253, contains="Type the new list of materials")
    await api.user_sends(253, "cotton")
    await api.wait_for(253, contains="Saved.")
    assert (await fetch_atelier(bottega, atelier.id)).materials == ["cotton"]

    # Typing straight away, without a button, replaces the list as before.
    await edit_materials()
    await api.wait_for(253, contains="Your materials now: cotton")
    await api.user_sends(253, "denim, cotton")
    await api.wait_for(253, contains="Saved.")
    assert (await fetch_atelier(bottega, atelier.id)).materials == ["denim", "cotton"]


async def test_editing_the_description_in_italian_is_not_the_last_question(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await seed_atelier(bottega, 254, language="it")
    await api.user_sends(254, "/profile", language_code="it")
    profile = await api.wait_for(254, contains="Il tuo atelier")
    await api.press(254, profile, "Descrizione")
    question = await api.wait_for(254, contains="breve descrizione del tuo atelier")
    assert "Infine" not in (question.text or "")
    await api.user_sends(254, "salta")
    saved = await api.wait_for(254, contains="Salvato.")
    assert "Chi siamo: –" in (saved.text or "")
