"""Button data: frozen dataclasses ⇄ compact callback strings within Telegram's 64 bytes.

Each kind of button is a frozen dataclass with a prefix and typed fields: integers (ASCII
digits within bounds), a choice among fixed words, or, last, a reference of free text. Decoding
is the one place that tells a real button from a stale or forged one: data that does not decode
to a kind the bot registered is "no longer active" and changes nothing. Kinds are declared next
to the handler that answers them, so the builder and the parser of a button live in one module.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any, ClassVar, Self

MAX_BYTES = 64
# Ids are the database's INTEGER: a larger number names no row, and PostgreSQL's driver refuses it.
MAX_ID = 2**31 - 1
# ASCII only: str.isdigit() also says yes to "²" or "٣", which int() then refuses.
_DIGITS = re.compile(r"[0-9]{1,10}")
_REF = re.compile(r"[^\x00-\x1f]{1,60}")


@dataclasses.dataclass(frozen=True)
class _Number:
    low: int
    high: int

    def read(self, text: str) -> int | None:
        if _DIGITS.fullmatch(text) is None:
            return None
        value = int(text)
        return value if self.low <= value <= self.high else None


@dataclasses.dataclass(frozen=True)
class _Choice:
    words: tuple[str, ...]

    def read(self, text: str) -> str | None:
        return text if text in self.words else None


@dataclasses.dataclass(frozen=True)
class _Text:
    pattern: re.Pattern[str]

    def read(self, text: str) -> str | None:
        return text if self.pattern.fullmatch(text) else None


_Reader = _Number | _Choice | _Text


def number(low: int = 0, high: int = MAX_ID) -> Any:
    """An integer field: ASCII digits, low ≤ value ≤ high."""
    return dataclasses.field(metadata={"reader": _Number(low, high)})


def choice(*words: str) -> Any:
    """A field that is one of a few fixed words."""
    return dataclasses.field(metadata={"reader": _Choice(words)})


def text(pattern: str = _REF.pattern) -> Any:
    """A free reference (e.g. an atelier's ref); only as the last field, it may contain ':'."""
    return dataclasses.field(metadata={"reader": _Text(re.compile(pattern))})


# Kinds by prefix and number of fields ("atelier:edit" opens the menu, "atelier:edit:name" edits).
_KINDS: dict[tuple[str, int], type[ButtonData]] = {}


def _readers_of(kind: type[ButtonData]) -> tuple[tuple[str, _Reader], ...]:
    readers: list[tuple[str, _Reader]] = []
    for spec in dataclasses.fields(kind):
        reader = spec.metadata.get("reader")
        if reader is None:
            if typing.get_type_hints(kind)[spec.name] is not int:
                raise TypeError(f"{kind.__name__}.{spec.name} needs number(), choice() or text()")
            reader = _Number(0, MAX_ID)
        readers.append((spec.name, reader))
    return tuple(readers)


@typing.dataclass_transform(frozen_default=True, field_specifiers=(number, choice, text))
@dataclasses.dataclass(frozen=True)
class ButtonData:
    """Base of every kind of button data. A kind names its prefix and declares its fields; it is
    made a frozen dataclass here:

        class ChooseStyles(ButtonData, prefix="iv:sty"):
            styles: int = number(1, MAX_STYLES)

    A subclass without a prefix is a shape several kinds share (`OnRecord`), never a kind."""

    PREFIX: ClassVar[str] = ""
    _READERS: ClassVar[tuple[tuple[str, _Reader], ...]] = ()

    def __init_subclass__(cls, *, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "PREFIX" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: name the prefix as class {cls.__name__}(…, prefix=…)")
        dataclasses.dataclass(frozen=True)(cls)
        cls._READERS = _readers_of(cls)
        if not prefix:
            return
        cls.PREFIX = prefix
        key = (prefix, len(cls._READERS))
        known = _KINDS.get(key)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"{cls.__name__} and {known.__name__} share the prefix {prefix!r}")
        _KINDS[key] = cls

    @classmethod
    def _readers(cls) -> tuple[tuple[str, _Reader], ...]:
        return cls._READERS

    def encode(self) -> str:
        if not self.PREFIX:
            raise TypeError(f"{type(self).__name__} is a shape, not a kind of button")
        values = [str(getattr(self, name)) for name, _ in self._readers()]
        return ":".join([self.PREFIX, *values])

    def fits(self) -> bool:
        """Whether Telegram will take it (a long atelier ref can make it too long)."""
        return len(self.encode().encode()) <= MAX_BYTES

    @classmethod
    def decode(cls, data: object) -> Self | None:
        """The button this data stands for, or None for anything a real button never carries."""
        if not cls.PREFIX or not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
            return None
        readers = cls._readers()
        if not readers:
            return cls() if data == cls.PREFIX else None
        head = cls.PREFIX + ":"
        if not data.startswith(head):
            return None
        parts = data[len(head) :].split(":", len(readers) - 1)
        if len(parts) != len(readers):
            return None
        values: dict[str, object] = {}
        for (name, reader), part in zip(readers, parts, strict=True):
            value = reader.read(part)
            if value is None:
                return None
            values[name] = value
        return cls(**values)

    @classmethod
    def claims(cls, data: object) -> bool:
        """Whether the data is under this kind's prefix, well-formed or not."""
        if not cls.PREFIX or not isinstance(data, str):
            return False
        return data == cls.PREFIX if not cls._readers() else data.startswith(cls.PREFIX + ":")

    @classmethod
    def matches(cls, data: object) -> bool:
        """The pattern a handler registers for this kind: only data that decodes."""
        return cls.decode(data) is not None


class OnRecord(ButtonData):
    """The shape of a button that acts on one stored record, named by its id (an introduction to
    accept, a quote to send, a brief to compare): the kind says which record and what it does."""

    id: int = number(1)


def registered_kinds() -> list[type[ButtonData]]:
    return [_KINDS[key] for key in sorted(_KINDS)]
