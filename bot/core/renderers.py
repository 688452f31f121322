"""How each kind of delivery becomes a message: the registry of renderers, filled by bot.app.

A renderer reads the current facts (so a reminder about an intro that was answered meanwhile
renders to nothing and is dropped) and returns the text and buttons in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import Delivery, User


@dataclass(frozen=True, slots=True)
class Outgoing:
    text: str
    buttons: Sequence[Sequence[tuple[str, str]]] = ()
    photo: bytes | None = None
    # Further messages sent right after, e.g. one per match in a nudge.
    followers: Sequence[Outgoing] = field(default_factory=tuple)


Renderer = Callable[[AsyncSession, Delivery, User], Awaitable[Outgoing | None]]
_RENDERERS: dict[str, Renderer] = {}


def register_renderers(renderers: Mapping[str, Renderer]) -> None:
    """Add renderers; a kind has one renderer, and registering the same one again is harmless."""
    for kind, function in renderers.items():
        known = _RENDERERS.get(kind)
        if known is not None and known is not function:
            raise ValueError(f"two renderers for deliveries of kind {kind!r}")
        _RENDERERS[kind] = function


def renderer_for(kind: str) -> Renderer | None:
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
