"""Telegram handlers: one module per conversation, each exposing `build_handlers()`."""
