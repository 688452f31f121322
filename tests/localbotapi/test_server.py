"""End-to-end tests of localbotapi.LocalBotAPI against the real python-telegram-bot stack."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, TypeAlias

import httpx
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localbotapi import CallbackAnswer, LocalBotAPI, SentMessage

pytestmark = pytest.mark.asyncio

TOKEN = "123:TEST"
USER = 42
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


# --------------------------------------------------------------------------- echo bot


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    payload = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Designer", callback_data="role:designer"),
                InlineKeyboardButton("Atelier", callback_data="role:atelier"),
            ],
            [InlineKeyboardButton("Website", url="https://example.org")],
        ]
    )
    text = f"Welcome, <b>{update.effective_user.first_name}</b>!"
    if payload:
        text += f" (from {payload})"
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    role = query.data.removeprefix("role:")
    await query.answer(f"You picked {role}", show_alert=role == "atelier")
    await query.edit_message_text(f"Role: {role}")


async def on_sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Nice sticker!")


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.photo
    photo_file = await message.photo[-1].get_file()
    data = await photo_file.download_as_bytearray()
    await message.reply_text(f"Got a photo of {len(data)} bytes")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    await message.chat.send_action(ChatAction.TYPING)
    if message.text == "keyboard":
        markup = ReplyKeyboardMarkup([[KeyboardButton("Milan"), KeyboardButton("Paris")]])
        await message.reply_text("Pick a city", reply_markup=markup)
    elif message.text == "remove":
        await message.reply_text("Done", reply_markup=ReplyKeyboardRemove())
    elif message.text == "chart":
        await message.reply_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 1000, caption="Your chart")
    elif message.text == "cv":
        await message.reply_document(b"%PDF-1.4 cv", filename="cv.pdf", caption="Your CV")
    elif message.text == "delete me":
        sent = await message.reply_text("short-lived")
        await sent.delete()
    else:
        await message.reply_text(f"echo: {message.text}", do_quote=True)


def build_app(base_url: str, base_file_url: str) -> App:
    app = Application.builder().token(TOKEN).base_url(base_url).base_file_url(base_file_url)
    application = app.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.Sticker.ALL, on_sticker))
    application.add_handler(MessageHandler(filters.PHOTO, on_photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    return application


@pytest.fixture
async def api() -> AsyncIterator[LocalBotAPI]:
    async with LocalBotAPI() as server:
        yield server


@pytest.fixture
async def bot_app(api: LocalBotAPI) -> AsyncIterator[App]:
    application = build_app(api.base_url, api.base_file_url)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


# --------------------------------------------------------------------------- conversation


async def test_start_replies_with_inline_buttons(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "/start", first_name="Grace")
    msg = await api.wait_for(USER, contains="Welcome, Grace")
    assert msg.text == "Welcome, <b>Grace</b>!"
    assert msg.parse_mode == "HTML"
    assert msg.plain_text == "Welcome, Grace!"
    assert msg.buttons == [
        [("Designer", "role:designer"), ("Atelier", "role:atelier")],
        [("Website", "https://example.org")],
    ]
    assert api.last(USER) == msg
    assert [m.message_id for m in api.sent(USER)] == [msg.message_id]
    assert ("getMe", {}) in api.calls


async def test_deep_link_payload(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "/start atelier_milan")
    msg = await api.wait_for(USER, contains="Welcome")
    assert "(from atelier_milan)" in msg.plain_text


async def test_press_button_answers_and_edits(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "/start")
    msg = await api.wait_for(USER, contains="Welcome")

    callback_id = await api.press(USER, msg, "Designer")
    answer = await api.wait_for_answer(callback_id)
    assert answer == CallbackAnswer(callback_id, "You picked designer", False)

    edited = await api.wait_for(USER, contains="Role: designer")
    assert edited.message_id == msg.message_id
    assert edited.edited and edited.history == ["Welcome, <b>Ada</b>!"]
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert api.message(USER, msg.message_id).text == "Role: designer"
    assert msg.text == "Welcome, <b>Ada</b>!"  # earlier snapshot is unchanged


async def test_press_by_substring_and_alert(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "/start")
    msg = await api.wait_for(USER, contains="Welcome")
    callback_id = await api.press(USER, msg, "atel")
    answer = await api.wait_for_answer(callback_id)
    assert answer.show_alert and answer.text == "You picked atelier"
    with pytest.raises(AssertionError, match="not a callback button"):
        await api.press(USER, msg, "Website")
    with pytest.raises(AssertionError, match="not found"):
        await api.press(USER, msg, "Nope")


async def test_user_presses_raw_callback_data(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "/start")
    msg = await api.wait_for(USER, contains="Welcome")
    callback_id = await api.user_presses(USER, msg.message_id, "role:designer")
    await api.wait_for_answer(callback_id)
    await api.wait_for(USER, contains="Role: designer")


async def test_sticker_reaches_sticker_handler(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends_sticker(USER)
    await api.wait_for(USER, contains="Nice sticker!")


async def test_user_photo_can_be_downloaded(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends_photo(USER, b"x" * 321, caption="my sketch")
    await api.wait_for(USER, contains="Got a photo of 321 bytes")


async def test_echo_and_chat_action(api: LocalBotAPI, bot_app: App) -> None:
    first = await api.user_sends(USER, "hello")
    reply = await api.wait_for(USER, contains="echo: hello")
    assert reply.reply_to == first
    assert reply.message_id == first + 1  # private chats share one message id sequence
    assert api.chat_actions[USER] == 1
    assert api.calls_to("sendChatAction")[0] == {"chat_id": USER, "action": "typing"}


async def test_reply_keyboard_and_remove(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "keyboard")
    msg = await api.wait_for(USER, contains="Pick a city")
    assert msg.keyboard == [["Milan", "Paris"]] and msg.buttons == []
    await api.user_sends(USER, "remove")
    msg = await api.wait_for(USER, contains="Done")
    assert msg.remove_keyboard


async def test_send_photo_and_document(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "chart")
    photo = await api.wait_for(USER, lambda m: m.kind == "photo")
    assert photo.caption == "Your chart" and photo.file_size == 1008
    await api.user_sends(USER, "cv")
    document = await api.wait_for(USER, contains="Your CV")
    assert document.kind == "document" and document.file_name == "cv.pdf"
    assert document.file_size == len(b"%PDF-1.4 cv")


async def test_delete_message(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "delete me")
    msg = await api.wait_for(USER, contains="short-lived")
    for _ in range(100):
        if api.message(USER, msg.message_id).deleted:
            break
        await asyncio.sleep(0.01)
    assert api.message(USER, msg.message_id).deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot_app.bot.delete_message(USER, msg.message_id)


async def test_wait_for_timeout_shows_transcript(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "hi there")
    await api.wait_for(USER, contains="echo: hi there")
    with pytest.raises(AssertionError) as info:
        await api.wait_for(USER, contains="never", timeout=0.2)
    assert "> hi there" in str(info.value) and "echo: hi there" in str(info.value)
    await api.expect_silence(USER, within=0.05)


async def test_wait_for_consumes_in_order(api: LocalBotAPI, bot_app: App) -> None:
    await api.user_sends(USER, "one")
    await api.user_sends(USER, "two")
    assert (await api.wait_for(USER)).text == "echo: one"
    assert (await api.wait_for(USER)).text == "echo: two"
    with pytest.raises(AssertionError):
        await api.wait_for(USER, timeout=0.1)


# --------------------------------------------------------------------------- bot-side methods


async def test_commands_per_language_and_scope(api: LocalBotAPI, bot_app: App) -> None:
    bot = bot_app.bot
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands(
        [BotCommand("start", "Inizia")],
        language_code="it",
        scope=BotCommandScopeAllPrivateChats(),
    )
    assert api.commands[("default", "")] == [("start", "Start"), ("help", "Help")]
    assert api.commands_for("it", "all_private_chats") == ["start"]
    fetched = await bot.get_my_commands(language_code="it", scope=BotCommandScopeAllPrivateChats())
    assert [(c.command, c.description) for c in fetched] == [("start", "Inizia")]
    assert await bot.get_my_commands(language_code="de") == ()
    await bot.delete_my_commands()
    assert ("default", "") not in api.commands
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_misc_methods(api: LocalBotAPI, bot_app: App) -> None:
    bot = bot_app.bot
    assert bot.username == "bottega_local_bot" and bot.id == 123
    await api.user_sends(USER, "hi", username="ada_l")
    await api.wait_for(USER, contains="echo: hi")
    chat = await bot.get_chat(USER)
    assert chat.type == "private" and chat.username == "ada_l" and chat.first_name == "Ada"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(999)
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert api.menu_buttons[None] == {"type": "commands"}
    assert await bot.set_my_description("Finds ateliers", language_code="en")
    assert api.bot_settings["description:en"] == "Finds ateliers"


async def test_unknown_method_is_an_error(api: LocalBotAPI, bot_app: App) -> None:
    with pytest.raises(EndPointNotFound):
        await bot_app.bot.do_api_request("frobnicateChat", api_kwargs={"chat_id": 1})
    assert api.unknown_methods == ["frobnicateChat"]
    assert api.calls[-1] == ("frobnicateChat", {"chat_id": 1})


async def test_raw_http_error_shape(api: LocalBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{api.base_url}{TOKEN}/noSuchMethod")
        assert response.status_code == 404
        assert response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
        response = await client.post(
            f"{api.base_url}{TOKEN}/sendMessage", json={"chat_id": 5, "text": "json body"}
        )
        assert response.json()["result"]["text"] == "json body"
        query = urllib.parse.urlencode({"chat_id": 5, "text": "query string"})
        response = await client.get(f"{api.base_url}{TOKEN}/sendMessage?{query}")
        assert response.json()["ok"] is True
    assert [m.text for m in api.sent(5)] == ["json body", "query string"]
    assert TOKEN not in repr(api)


async def test_formatting_errors_are_rejected(api: LocalBotAPI, bot_app: App) -> None:
    bot = bot_app.bot
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Unsupported start tag"):
        await bot.send_message(USER, "a <br> b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Character '\.' is reserved"):
        await bot.send_message(USER, "*Price* 1.5", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            USER,
            "x",
            reply_markup=InlineKeyboardMarkup.from_button(
                InlineKeyboardButton("b", callback_data="d" * 65)
            ),
        )
    ok = await bot.send_message(USER, r"*Price* 1\.5 _each_", parse_mode=ParseMode.MARKDOWN_V2)
    assert api.message(USER, ok.message_id).plain_text == "Price 1.5 each"
    assert api.sent(USER) == [api.message(USER, ok.message_id)]


async def test_edit_not_modified_and_missing(api: LocalBotAPI, bot_app: App) -> None:
    bot = bot_app.bot
    sent = await bot.send_message(USER, "same")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("same", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    markup = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Go", callback_data="go"))
    edited = await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=markup)
    assert not isinstance(edited, bool) and edited.reply_markup == markup
    assert api.message(USER, sent.message_id).buttons == [[("Go", "go")]]


# --------------------------------------------------------------------------- delivery failures


async def test_blocked_user_raises_forbidden(api: LocalBotAPI, bot_app: App) -> None:
    api.blocked_users.add(7)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot_app.bot.send_message(7, "hello?")
    assert api.forbidden == 1 and api.delivered[7] == 0 and api.sent(7) == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_raises_retry_after(api: LocalBotAPI, bot_app: App) -> None:
    api.per_chat_limit_per_s = 0.25  # one message, then 4 s until the next one
    bot = bot_app.bot
    await bot.send_message(USER, "first")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "second")
    assert info.value.retry_after in (4, timedelta(seconds=4))
    assert api.too_many_requests == 1
    await bot.send_message(8, "other chat is fine")
    assert api.delivered == {USER: 1, 8: 1}


async def test_global_rate_limit(api: LocalBotAPI) -> None:
    api.global_limit_per_s = 5
    async with httpx.AsyncClient() as client:
        codes = []
        for chat in range(10):
            response = await client.post(
                f"{api.base_url}{TOKEN}/sendMessage", data={"chat_id": chat + 1, "text": "x"}
            )
            codes.append(response.status_code)
            if response.status_code == 429:
                body = response.json()
                assert body["parameters"]["retry_after"] >= 1
                assert body["error_code"] == 429
    assert codes.count(200) == 5 and codes.count(429) == 5
    assert api.too_many_requests == 5


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_failures(api: LocalBotAPI, bot_app: App) -> None:
    bot = bot_app.bot
    api.fail_next("sendMessage", 2, 502)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "third time lucky")
    api.fail_next("sendMessage", 1, 429, retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "x")
    assert api.injected_failures == 3 and api.delivered[USER] == 1


async def test_on_outgoing_hook_and_record_false() -> None:
    seen: list[SentMessage] = []

    async def hook(message: SentMessage) -> None:
        seen.append(message)

    async with LocalBotAPI(record=False, on_outgoing=hook) as api:
        application = build_app(api.base_url, api.base_file_url)
        async with application:
            for index in range(20):
                await application.bot.send_message(index % 3 + 1, f"m{index}")
        assert api.delivered == {1: 7, 2: 7, 3: 6}
        assert api.sent(1) == [] and len(api.calls) == 0
        assert [m.text for m in seen] == [f"m{index}" for index in range(20)]
        with pytest.raises(RuntimeError):
            await api.wait_for(1)


async def test_max_history_bounds_memory(api: LocalBotAPI) -> None:
    api.max_history = 3
    async with httpx.AsyncClient() as client:
        for index in range(10):
            await client.post(
                f"{api.base_url}{TOKEN}/sendMessage", data={"chat_id": 1, "text": f"m{index}"}
            )
    assert [m.text for m in api.sent(1)] == ["m7", "m8", "m9"]


async def test_get_updates_long_poll_wakes_up(api: LocalBotAPI) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        url = f"{api.base_url}{TOKEN}/getUpdates"
        loop = asyncio.get_running_loop()
        started = loop.time()
        poll = asyncio.create_task(client.post(url, data={"timeout": "3"}))
        await asyncio.sleep(0.05)
        await api.user_sends(USER, "wake up")
        response = await poll
        assert loop.time() - started < 1.0
        updates = response.json()["result"]
        assert updates[0]["message"]["text"] == "wake up"
        update_id = updates[0]["update_id"]
        # allowed_updates filters, and an offset confirms earlier updates.
        await api.user_presses(USER, 1, "x")
        only_messages = json.dumps(["message"])
        response = await client.post(
            url, data={"offset": str(update_id + 1), "allowed_updates": only_messages}
        )
        assert response.json()["result"] == []
        response = await client.post(
            url, data={"offset": str(update_id + 1), "allowed_updates": "[]"}
        )
        assert "callback_query" in response.json()["result"][0]
        started = loop.time()
        response = await client.post(url, data={"offset": str(update_id + 2), "timeout": "0.2"})
        assert response.json()["result"] == [] and loop.time() - started >= 0.15


async def test_user_updates_parse_as_ptb_objects(api: LocalBotAPI) -> None:
    application = build_app(api.base_url, api.base_file_url)
    async with application:
        bot = application.bot
        await api.user_sends(USER, "/start@bottega_local_bot ref", language_code="it")
        await api.user_sends_sticker(USER)
        await api.user_sends_photo(USER, caption="sketch")
        await api.user_sends_document(USER, b"%PDF", file_name="brief.pdf")
        await api.user_sends_contact(USER, "+39 02 1234567")
        await api.user_sends_location(USER, 45.46, 9.19)
        await api.user_sends_raw(
            USER, {"text": "raw", "via_bot": {"id": 1, "is_bot": True, "first_name": "x"}}
        )
        sent = await bot.send_message(
            USER,
            "pick",
            reply_markup=InlineKeyboardMarkup.from_button(
                InlineKeyboardButton("Go", callback_data="go")
            ),
        )
        callback_id = await api.user_presses(USER, sent.message_id, "go")
        updates = await bot.get_updates(timeout=0)
        assert len(updates) == 8
        first = updates[0].message
        assert first is not None and first.from_user is not None
        assert first.from_user.language_code == "it"
        assert first.entities[0].type == "bot_command" and first.entities[0].length == 24
        assert updates[1].message is not None and updates[1].message.sticker is not None
        assert updates[2].message is not None and updates[2].message.caption == "sketch"
        document = updates[3].message.document if updates[3].message else None
        assert document is not None and document.file_name == "brief.pdf"
        assert updates[4].message is not None and updates[4].message.contact is not None
        assert updates[5].message is not None and updates[5].message.location is not None
        query = updates[7].callback_query
        assert query is not None and query.id == callback_id and query.data == "go"
        assert query.message is not None and query.message.message_id == sent.message_id
        assert query.message.reply_markup == sent.reply_markup
        # Confirming with an offset empties the queue.
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
        assert await api.drain(USER) == [api.message(USER, sent.message_id)]
        assert "> [pressed 'Go' on #" in api.transcript(USER)


async def test_malformed_parameters_are_a_bad_request(api: LocalBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{api.base_url}{TOKEN}/sendMessage",
            data={"chat_id": "1", "text": "x", "reply_markup": '{"inline_keyboard": [[1]]}'},
        )
        assert response.status_code == 400 and response.json()["ok"] is False
        response = await client.post(
            f"{api.base_url}{TOKEN}/sendMessage", data={"chat_id": "@nobody", "text": "x"}
        )
        assert response.json()["description"] == "Bad Request: chat not found"
