"""Quantities the way small batches are ordered: per style, per colourway, per size.

A designer orders some styles, each in some colourways, each colourway in some sizes (or one
size). An atelier states its minimum per style, per colour or per size: "100 per size" over
seven sizes is 700 pieces of that colourway. Comparing a minimum with the wrong quantity is
the commonest first-order mistake, so every comparison here is made in the atelier's unit.

The order's total is split evenly: the quantity per unit is the total divided by the number
of units, rounded down (the smallest share of an even split), so "the minimum is met" always
holds for every style, colourway and size of the order. An atelier's largest batch counts
pieces of one style, as the bot asks it ("the most pieces per style you can take on").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Unit = Literal["style", "colour", "size"]
UNITS: Final[tuple[Unit, ...]] = ("style", "colour", "size")
DEFAULT_UNIT: Final[Unit] = "style"

# What people write for a unit, folded to lower case: the registry's CSV and the bot's answers.
_UNIT_WORDS: Final[dict[str, Unit]] = {
    "style": "style",
    "styles": "style",
    "model": "style",
    "modello": "style",
    "modelli": "style",
    "stile": "style",
    "articolo": "style",
    "colour": "colour",
    "colours": "colour",
    "color": "colour",
    "colors": "colour",
    "colourway": "colour",
    "colourways": "colour",
    "colorway": "colour",
    "colore": "colour",
    "colori": "colour",
    "variante": "colour",
    "size": "size",
    "sizes": "size",
    "taglia": "size",
    "taglie": "size",
    "misura": "size",
}


def parse_unit(text: str) -> Unit | None:
    """The unit a word names ("colour", "color", "taglia"); empty text is the default (style);
    None for anything else."""
    folded = " ".join(text.strip().lower().split())
    if folded.startswith("per "):
        folded = folded[4:].strip()
    if not folded:
        return DEFAULT_UNIT
    return _UNIT_WORDS.get(folded)


@dataclass(frozen=True, slots=True)
class OrderShape:
    """How an order splits: styles, colourways of each style, sizes of each colourway."""

    styles: int = 1
    colourways: int = 1  # per style
    sizes: int = 1  # per colourway; 1 is "one size"

    def __post_init__(self) -> None:
        for name in ("styles", "colourways", "sizes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    def units(self, unit: Unit) -> int:
        """How many of `unit` the order has: 3 styles × 2 colourways is 6 colours."""
        if unit == "style":
            return self.styles
        if unit == "colour":
            return self.styles * self.colourways
        return self.styles * self.colourways * self.sizes

    def per(self, total: int, unit: Unit) -> int:
        """Pieces of each `unit` when `total` is split evenly (rounded down)."""
        return total // self.units(unit)

    def total(self, pieces: int, unit: Unit) -> int:
        """The order's total when every `unit` has `pieces`."""
        return pieces * self.units(unit)

    @property
    def trivial(self) -> bool:
        """One style, one colourway, one size: every unit is the whole order."""
        return self.styles == self.colourways == self.sizes == 1


def per_style(unit: Unit, shape: OrderShape) -> int:
    """How many of `unit` one style has: 1 style, its colourways, or its colourways' sizes."""
    return shape.units(unit) // shape.styles


def meets_minimum(moq: int, unit: Unit, shape: OrderShape, high_total: int, max_batch: int) -> bool:
    """Whether some order in the designer's range reaches the minimum in its unit without a
    style going over the atelier's largest batch (which, like the bot asks it, is per style)."""
    needed = moq * per_style(unit, shape)  # pieces of each style
    return needed * shape.styles <= high_total and needed <= max_batch


def within_batch(max_batch: int, shape: OrderShape, low_total: int) -> bool:
    """Whether the low end of the order fits the atelier's largest batch per style."""
    return shape.per(low_total, "style") <= max_batch
