"""A local Telegram Bot API server with simulated users, for end-to-end tests and ``bottega chat``."""

from localbotapi.server import Call, CallbackAnswer, LocalBotAPI, SentMessage

__all__ = ["Call", "CallbackAnswer", "LocalBotAPI", "SentMessage"]
