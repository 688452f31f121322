"""A local Telegram Bot API server with simulated users, for end-to-end tests and ``bottega chat``.

:class:`LocalBotAPI` runs an aiohttp server on 127.0.0.1 that answers the subset of the
Bot API that Bottega uses, in the wire format python-telegram-bot's ``HTTPXRequest``
expects (``POST {base_url}{token}/{method}``, form-encoded or multipart, answered with
``{"ok": true, "result": ...}`` or an error object).  The same object plays the users:
it queues their messages and button presses as updates for ``getUpdates`` and records
everything the bot sends, so a test reads like a conversation::

    async with LocalBotAPI() as api:
        app = Application.builder().token("123:TEST").base_url(api.base_url).build()
        ...  # start the app and its polling updater
        await api.user_sends(42, "/start")
        msg = await api.wait_for(42, contains="Welcome")
        await api.press(42, msg, "Designer")

It can also simulate flood control (HTTP 429 with ``retry_after``), users who blocked
the bot (403), and transient server failures, for testing the delivery layer.

It knows nothing of Bottega: it never imports ``bot``.  Modules: :mod:`~localbotapi.server`
(HTTP, routing), :mod:`~localbotapi.methods` (the bot's side of the API),
:mod:`~localbotapi.users` (simulated users and chats), :mod:`~localbotapi.inspection`
(what the bot did), :mod:`~localbotapi.faults` (flood control, blocked users, injected
errors), :mod:`~localbotapi.formatting` (text limits, HTML/MarkdownV2 checks),
:mod:`~localbotapi.wire` (request decoding) and :mod:`~localbotapi.records`.
"""

from localbotapi.records import Attachment, Call, CallbackAnswer, SentMessage
from localbotapi.server import LocalBotAPI

__all__ = ["Attachment", "Call", "CallbackAnswer", "LocalBotAPI", "SentMessage"]
