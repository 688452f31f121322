"""What a delivery carries: one typed payload per kind, and its one encoding in the outbox row.

A use case schedules a payload object (`outbox.schedule(session, IntroReminder(intro.id), …)`);
the row stores its kind and its fields as JSON; the renderer of that kind gets the same object
back. Each payload derives from `Payload`, names its kind and declares its fields; it is made a
frozen dataclass there (as button data is), and is defined beside the use case that schedules it:

    class BriefNudge(Payload, kind="brief_nudge"):
        brief_id: int

A subclass without a kind is a shape several kinds share (`AboutIntro`), never a kind.

Encoding is the dataclass's fields as JSON values (dates as ISO strings, tuples as lists), the
same shape the rows had when payloads were plain dicts, so rows written before keep decoding.
A row that does not decode (a field missing or of the wrong type, a kind nothing knows) raises
`PayloadError`, whose message names the kind and the field; the sweeper then marks the row
failed with that reason instead of sending something half-read.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import TypeAdapter, ValidationError


class PayloadError(ValueError):
    """An outbox row whose payload cannot be read as its kind's payload."""


@typing.dataclass_transform(frozen_default=True)
class Payload:
    """Base of every delivery payload: a frozen dataclass with its `kind`."""

    kind: ClassVar[str]

    def __init_subclass__(cls, *, kind: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: name the kind as class {cls.__name__}(…, kind=…)")
        if kind:
            cls.kind = kind
        dataclasses.dataclass(frozen=True)(cls)

    def encode(self) -> dict[str, Any]:
        """The JSON object stored in the row."""
        encoded: dict[str, Any] = _adapter(type(self)).dump_python(self, mode="json")
        return encoded

    @classmethod
    def decode(cls, data: object) -> Self:
        """The payload stored in a row; `PayloadError` when it is not one of this kind."""
        if not isinstance(data, Mapping):
            raise PayloadError(
                f"{cls.kind} payload: expected an object, found {type(data).__name__}"
            )
        try:
            # Strict: a row is read back as written, never a number guessed from a string.
            decoded: Self = _adapter(cls).validate_json(json.dumps(data), strict=True)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc']) or 'payload'}: {error['msg']}"
                for error in exc.errors(include_url=False)
            )
            raise PayloadError(f"{cls.kind} payload: {problems}") from None
        return decoded


_ADAPTERS: dict[type[Payload], TypeAdapter[Any]] = {}


def _adapter(cls: type[Payload]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter
