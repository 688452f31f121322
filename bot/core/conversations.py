"""How a flow is wired: one persistent ConversationHandler per flow, tracked by user and chat,
that any of its entry points starts again, and the typed-answer steps its states are made of."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.runtime import BotContext

Handler = BaseHandler[Update, BotContext, Any]
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]

TYPED = filters.TEXT & ~filters.COMMAND


def conversation(
    name: str,
    *,
    entry_points: Sequence[Handler],
    states: Mapping[object, Sequence[Handler]],
    fallbacks: Sequence[Handler],
    timeout: float | None = None,
    on_timeout: Callback | None = None,
) -> ConversationHandler[BotContext]:
    """A flow whose state survives restarts (stored under `name`); after `timeout` seconds
    without an answer it ends, `on_timeout` first."""
    steps: dict[object, list[Handler]] = {state: list(found) for state, found in states.items()}
    if on_timeout is not None:
        steps[ConversationHandler.TIMEOUT] = [MessageHandler(filters.ALL, on_timeout)]
    # Questions mix typed answers and buttons in one chat, so flows are tracked per user and
    # chat, not per message; PTB warns about that combination, which is what we want here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry_points),
            states=steps,
            fallbacks=list(fallbacks),
            name=name,
            persistent=True,
            allow_reentry=True,
            conversation_timeout=timeout,
        )


def typed_text(update: Update) -> str:
    """What was typed ("" for a message without text)."""
    message = update.effective_message
    return (message.text or "") if message is not None else ""


def typed_step(answer: Callback, not_text: Callback) -> list[Handler]:
    """A step answered in words: text goes to `answer`, any other message (a photo, a sticker)
    to `not_text`, which says that words are wanted; commands pass on to the fallbacks."""
    return [MessageHandler(TYPED, answer), MessageHandler(~filters.COMMAND, not_text)]
