"""An atelier's own profile: registration, claiming an imported record, edits, capacity, pause.

Ateliers that register through the bot, and claims on imported records, stay pending until an
admin approves them (see bot/admin/verification.py); a pending atelier is never matched.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, utils
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.core.errors import RefusedError
from bot.core.pauses import MAX_PAUSE_WEEKS, end_key_prefix, end_pause_after
from bot.db.base import utcnow
from bot.db.models import Atelier, AtelierSource, Role, User
from bot.registry.fields import AtelierFields

# How alike two names must be (rapidfuzz 0-100, after lower-casing and stripping punctuation)
# for "Is this you?" to be worth asking.
SIMILAR_NAME_CUTOFF = 82.0
MAX_SIMILAR = 3


class ProfileError(RefusedError):
    """A change that cannot be made; `code` selects the message shown to the person."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AtelierDraft(AtelierFields):
    """Every answer of a completed registration, validated by the conversation; the
    specialties as the atelier's display labels, beside their taxonomy ids."""

    category_ids: tuple[str, ...]

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> AtelierDraft | None:
        """The draft, or None while any answer is still missing."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in answers or answers[f.name] is None:
                if f.default is not MISSING:
                    continue  # an answer a registration begun before it existed lacks
                return None
            value = answers[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


async def owned_atelier(session: AsyncSession, user_id: int) -> Atelier | None:
    """The listed atelier this user runs, if any."""
    return await session.scalar(
        select(Atelier)
        .where(Atelier.owner_id == user_id, Atelier.listed.is_(True))
        .order_by(Atelier.id)
        .limit(1)
    )


async def pending_claim(session: AsyncSession, user_id: int) -> Atelier | None:
    return await session.scalar(
        select(Atelier)
        .where(Atelier.claimed_by_id == user_id, Atelier.listed.is_(True))
        .order_by(Atelier.id)
        .limit(1)
    )


def _same_place(atelier: Atelier, region: str, city: str) -> bool:
    def same(a: str, b: str) -> bool:
        return bool(a) and bool(b) and utils.default_process(a) == utils.default_process(b)

    return same(atelier.city, city) or same(atelier.region, region)


async def find_similar(
    session: AsyncSession, *, name: str, country: str, region: str, city: str
) -> list[Atelier]:
    """Unowned registry records that look like the atelier being registered (same place,
    similar name), best first, so the owner can claim one instead of creating a duplicate."""
    places = [p.strip().lower() for p in (region, city) if p.strip()]
    if not places:
        return []
    candidates = await session.scalars(
        select(Atelier).where(
            Atelier.country == country,
            Atelier.listed.is_(True),
            Atelier.owner_id.is_(None),
            Atelier.claimed_by_id.is_(None),
            or_(func.lower(Atelier.city).in_(places), func.lower(Atelier.region).in_(places)),
        )
    )
    scored: list[tuple[float, Atelier]] = []
    for atelier in candidates.all():
        if not _same_place(atelier, region, city):
            continue
        score = fuzz.WRatio(name, atelier.name, processor=utils.default_process)
        if score >= SIMILAR_NAME_CUTOFF:
            scored.append((score, atelier))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [atelier for _, atelier in scored[:MAX_SIMILAR]]


async def _unique_ref(session: AsyncSession, atelier_id: int) -> str:
    ref = f"B{atelier_id:05d}"
    while await session.scalar(select(Atelier.id).where(Atelier.ref == ref)) is not None:
        ref = f"B{atelier_id:05d}-{secrets.token_hex(2).upper()}"
    return ref


def _apply_draft(atelier: Atelier, draft: AtelierDraft) -> None:
    for f in fields(draft):
        value = getattr(draft, f.name)
        setattr(atelier, f.name, list(value) if isinstance(value, tuple) else value)


async def register(session: AsyncSession, *, owner: User, draft: AtelierDraft) -> Atelier:
    """Create a pending atelier owned by `owner`."""
    if await owned_atelier(session, owner.id) is not None:
        raise ProfileError("already_registered")
    atelier = Atelier(
        ref=f"tmp-{uuid.uuid4().hex}",
        source=AtelierSource.BOT,
        verified=False,
        paused=False,
        listed=True,
        owner_id=owner.id,
    )
    _apply_draft(atelier, draft)
    atelier.capacity_confirmed_at = utcnow()
    session.add(atelier)
    await session.flush()
    atelier.ref = await _unique_ref(session, atelier.id)
    owner.role = Role.ATELIER
    await session.flush()
    return atelier


async def claim(
    session: AsyncSession, *, user: User, atelier_id: int, offered: Sequence[int]
) -> Atelier:
    """Ask to take over an imported record; an admin approves it..

    Only a record the bot itself offered as "Is this you?" can be claimed, so a forged button
    cannot claim an arbitrary atelier.
    """
    if atelier_id not in offered:
        raise ProfileError("not_offered")
    if await owned_atelier(session, user.id) is not None:
        raise ProfileError("already_registered")
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or not atelier.listed or atelier.owner_id is not None:
        raise ProfileError("unavailable")
    if atelier.claimed_by_id is not None and atelier.claimed_by_id != user.id:
        raise ProfileError("unavailable")
    atelier.claimed_by_id = user.id
    await session.flush()
    return atelier


async def owned_or_error(session: AsyncSession, user_id: int) -> Atelier:
    atelier = await owned_atelier(session, user_id)
    if atelier is None:
        raise ProfileError("no_atelier")
    return atelier


async def update_profile(
    session: AsyncSession, *, owner_id: int, changes: dict[str, Any]
) -> Atelier:
    """Change some fields of the owner's atelier. Unknown fields are refused."""
    atelier = await owned_or_error(session, owner_id)
    allowed = {f.name for f in fields(AtelierDraft)}
    unknown = set(changes) - allowed
    if unknown:
        raise ProfileError("unknown_field")
    moq = int(changes.get("moq", atelier.moq))
    max_batch = int(changes.get("max_batch", atelier.max_batch))
    if max_batch < moq:
        raise ProfileError("max_below_moq")
    for name, value in changes.items():
        setattr(atelier, name, list(value) if isinstance(value, tuple | list) else value)
    if "monthly_capacity" in changes:
        atelier.capacity_confirmed_at = utcnow()
    await session.flush()
    return atelier


async def set_available_capacity(session: AsyncSession, *, owner_id: int, pieces: int) -> Atelier:
    """Free capacity this month (pieces); confirming some free capacity also resumes requests
    (0 leaves a pause as it is). Never more than the monthly capacity: free pieces feed the
    capacity headroom the matcher scores.."""
    if pieces < 0:
        raise ProfileError("negative")
    atelier = await owned_or_error(session, owner_id)
    if pieces > atelier.monthly_capacity:
        raise ProfileError("above_monthly")
    atelier.available_capacity = pieces
    atelier.capacity_confirmed_at = utcnow()
    if pieces > 0:
        atelier.paused = False
    await session.flush()
    return atelier


async def set_paused(session: AsyncSession, *, owner_id: int, paused: bool) -> Atelier:
    atelier = await owned_or_error(session, owner_id)
    atelier.paused = paused
    if not paused:  # resumed by hand: no end date left behind
        await outbox.cancel_matching(
            session, key_prefix=end_key_prefix("atelier", atelier.id), reason="resumed"
        )
    await session.flush()
    return atelier


class AtelierPauseEnds(outbox.Payload, kind="atelier_pause_ends"):
    """A paused atelier's chosen end date: it takes requests again by itself, and is told."""

    atelier_id: int


async def end_pause_in(
    session: AsyncSession, *, owner_id: int, weeks: int, now: datetime | None = None
) -> tuple[Atelier, datetime]:
    """Give the owner's pause an end date `weeks` from now (replacing an earlier one)."""
    atelier = await owned_or_error(session, owner_id)
    if not atelier.paused or not 1 <= weeks <= MAX_PAUSE_WEEKS:
        raise ProfileError("not_paused")
    until = await end_pause_after(
        session,
        AtelierPauseEnds(atelier.id),
        recipient_id=owner_id,
        key_prefix=end_key_prefix("atelier", atelier.id),
        weeks=weeks,
        now=now or utcnow(),
    )
    return atelier, until


async def end_pause(session: AsyncSession, atelier_id: int, owner_id: int) -> Atelier | None:
    """The pause's end date came: requests again, unless it was resumed or changed hands."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.owner_id != owner_id or not atelier.paused:
        return None
    atelier.paused = False
    await session.flush()
    return atelier
