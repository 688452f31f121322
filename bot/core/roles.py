"""The role buttons of /start: each starts its flow, which answers the button it registers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData


@dataclass(frozen=True)
class StartInterview(ButtonData):
    """ "I'm a designer": the designer interview."""

    PREFIX = "role:designer"


@dataclass(frozen=True)
class StartRegistration(ButtonData):
    """ "I run an atelier": the atelier registration."""

    PREFIX = "role:atelier"
