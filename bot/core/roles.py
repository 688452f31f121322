"""The role buttons of /start: each starts its flow, which answers the button it registers."""

from __future__ import annotations

from bot.core.callbacks import ButtonData


class StartInterview(ButtonData, prefix="role:designer"):
    """ "I'm a designer": the designer interview."""


class StartRegistration(ButtonData, prefix="role:atelier"):
    """ "I run an atelier": the atelier registration."""
