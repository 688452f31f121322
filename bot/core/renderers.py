"""How each kind of delivery becomes a message: the registry of renderers, filled by bot.app.

A renderer takes the delivery's typed payload (`bot.outbox.payloads`), reads the current facts (so
a reminder about an intro that was answered meanwhile renders to nothing and is dropped) and
returns the text and buttons in the recipient's language. A feature lists its renderers as
`Rendering(PayloadType, render)` pairs, which ties each kind to its payload type and its renderer
in one typed place.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import User
from bot.outbox.payloads import Payload


@dataclass(frozen=True, slots=True)
class Media:
    """A file Telegram already holds, sent again by its `file_id` (or an https URL Telegram
    fetches): a photo or a document, with a caption that carries no contact."""

    kind: str  # "photo" or "document"
    file_id: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    text: str
    buttons: Sequence[Sequence[tuple[str, str]]] = ()
    photo: bytes | None = None
    # Files sent after the text: photos as an album, documents as documents.
    media: Sequence[Media] = ()
    # Further messages sent right after, e.g. one per match in a nudge.
    followers: Sequence[Outgoing] = field(default_factory=tuple)


P = TypeVar("P", bound=Payload)


@dataclass(frozen=True, slots=True)
class Rendering(Generic[P]):
    """How deliveries of one payload type (and so one kind) become a message."""

    payload: type[P]
    render: Callable[[AsyncSession, P, User], Awaitable[Outgoing | None]]

    @property
    def kind(self) -> str:
        return self.payload.kind


M = TypeVar("M")
T = TypeVar("T")
Render = Callable[[AsyncSession, M, User], Awaitable[Outgoing | None]]


def rendering_when(
    load: Callable[[AsyncSession, M, User], Awaitable[T | None]],
) -> Callable[[Render[T]], Render[M]]:
    """A renderer that first re-reads what its message is about: `load` returns the facts, or
    None when the message no longer applies to its recipient, and then nothing is sent."""

    def wrap(render: Render[T]) -> Render[M]:
        @functools.wraps(render)
        async def about(session: AsyncSession, message: M, user: User) -> Outgoing | None:
            found = await load(session, message, user)
            return None if found is None else await render(session, found, user)

        return about

    return wrap


_RENDERERS: dict[str, Rendering[Any]] = {}


def register_renderers(renderings: Iterable[Rendering[Any]]) -> None:
    """Add renderers; a kind has one payload type and one renderer, and registering the same
    pair again is harmless."""
    for rendering in renderings:
        known = _RENDERERS.get(rendering.kind)
        if known is not None and known != rendering:
            raise ValueError(f"two renderers for deliveries of kind {rendering.kind!r}")
        _RENDERERS[rendering.kind] = rendering


def renderer_for(kind: str) -> Rendering[Any] | None:
    return _RENDERERS.get(kind)


def known_kinds() -> list[str]:
    return sorted(_RENDERERS)


# Renderers that rank ateliers (nudges, an expired intro's next match) use the process's cached
# index when the sweeper provides one, and build a fresh one otherwise (CLI, tests).
IndexProvider = Callable[[], Awaitable[matching.AtelierIndex]]
_index_provider: ContextVar[IndexProvider | None] = ContextVar("match_index", default=None)


@contextmanager
def using_match_index(provider: IndexProvider | None) -> Iterator[None]:
    token = _index_provider.set(provider)
    try:
        yield
    finally:
        _index_provider.reset(token)


async def match_index(session: AsyncSession) -> matching.AtelierIndex:
    provider = _index_provider.get()
    if provider is not None:
        return await provider()
    from bot.registry.profiles import load_profiles

    return matching.AtelierIndex.build(await load_profiles(session))
