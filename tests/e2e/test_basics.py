"""The bot answers the basics in the user's language and never goes silent."""

from __future__ import annotations

from tests.e2e.harness import RunningBot


async def test_start_greets_in_english_and_offers_roles(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(101, "/start", first_name="Ada", language_code="en")
    welcome = await api.wait_for(101, contains="Welcome to Bottega, Ada")
    assert welcome.button_texts == ["I'm a designer", "I run an atelier"]


async def test_start_speaks_italian_to_an_italian_telegram(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(102, "/start", first_name="Bice", language_code="it-IT")
    welcome = await api.wait_for(102, contains="Ciao Bice, ti diamo il benvenuto in Bottega!")
    assert "Sono designer" in welcome.button_texts


async def test_command_menu_is_registered_per_language(bottega: RunningBot) -> None:
    assert "brief" in bottega.api.commands_for("")
    assert "brief" in bottega.api.commands_for("it")


async def test_language_can_be_switched(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(103, "/language", language_code="en")
    choice = await api.wait_for(103, contains="Choose your language")
    await api.press(103, choice, "Italiano")
    await api.wait_for(103, contains="parlo italiano")
    await api.user_sends(103, "/help")
    await api.wait_for(103, contains="Bottega trova")


async def test_a_sticker_out_of_context_gets_a_polite_answer(bottega: RunningBot) -> None:
    await bottega.api.user_sends_sticker(104)
    await bottega.api.wait_for(104, contains="didn't understand")


async def test_a_forged_button_is_refused_politely(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(105, "/start")
    welcome = await api.wait_for(105, contains="Welcome")
    query_id = await api.user_presses(105, welcome.message_id, "intro:accept:999999")
    answer = await api.wait_for_answer(query_id)
    assert "no longer active" in (answer.text or "")


async def test_admin_help_lists_admin_commands_only_for_admins(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(106, "/help")
    plain = await api.wait_for(106, contains="/briefs")
    assert "/stats" not in (plain.text or "")
