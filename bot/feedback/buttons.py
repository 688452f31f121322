"""The stars of "How did it go?"."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, number

Rows = list[list[tuple[str, str]]]


class Stars(ButtonData, prefix="fb"):
    intro_id: int = number(1)
    stars: int = number(1, 5)


def star_buttons(intro_id: int) -> Rows:
    return [[("★" * stars, Stars(intro_id, stars).encode()) for stars in range(1, 6)]]
