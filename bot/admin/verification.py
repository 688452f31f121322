"""Admin review: new ateliers from the bot and claims on imported records wait for approval.

Every decision schedules a message to the owner in the same transaction (the outbox), so the
owner hears about it even if the process stops right after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.db.models import Atelier, AtelierSource, Role, User

Matter = Literal["registration", "claim"]


@dataclass(frozen=True, slots=True)
class AboutAtelier(outbox.Payload):
    """A message about a registration or a claim; the renderer reads the decision at send time."""

    atelier_id: int
    what: Matter


@dataclass(frozen=True, slots=True)
class AtelierVerified(AboutAtelier):
    """To the owner: your atelier is live (or your claim approved)."""

    kind: ClassVar[str] = "atelier_verified"


@dataclass(frozen=True, slots=True)
class AtelierRejected(AboutAtelier):
    """To the owner: registration or claim not approved."""

    kind: ClassVar[str] = "atelier_rejected"


@dataclass(frozen=True, slots=True)
class AdminReview(AboutAtelier):
    """To each administrator: something waits for a decision."""

    kind: ClassVar[str] = "admin_review"


KIND_VERIFIED = AtelierVerified.kind
KIND_REJECTED = AtelierRejected.kind
KIND_REVIEW = AdminReview.kind


class ReviewError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class PendingClaim:
    atelier: Atelier
    claimant: User


async def pending_verifications(session: AsyncSession, limit: int = 20) -> list[Atelier]:
    """Ateliers registered through the bot that no admin has looked at yet, oldest first."""
    rows = await session.scalars(
        select(Atelier)
        .where(
            Atelier.verified.is_(False),
            Atelier.listed.is_(True),
            Atelier.source == AtelierSource.BOT,
        )
        .order_by(Atelier.created_at, Atelier.id)
        .limit(limit)
    )
    return list(rows.all())


async def pending_claims(session: AsyncSession, limit: int = 20) -> list[PendingClaim]:
    rows = await session.execute(
        select(Atelier, User)
        .join(User, User.id == Atelier.claimed_by_id)
        .where(Atelier.listed.is_(True))
        .order_by(Atelier.updated_at, Atelier.id)
        .limit(limit)
    )
    return [PendingClaim(atelier, user) for atelier, user in rows.all()]


async def _notify(
    session: AsyncSession,
    message: type[AtelierVerified | AtelierRejected],
    atelier: Atelier,
    user_id: int,
    what: Matter,
) -> None:
    await outbox.schedule(
        session,
        message(atelier.id, what),
        recipient_id=user_id,
        # A registration is decided once; a claim may be made again after a rejection.
        dedupe_key=f"{message.kind}:{atelier.id}:{user_id}" if what == "registration" else None,
    )


def _withdrawn(atelier: Atelier) -> bool:
    """A registration whose owner erased their data (/delete_me) while it waited for review:
    unlisted and without an owner, unlike a rejected one, which keeps its owner."""
    return not atelier.listed and atelier.owner_id is None and atelier.source == AtelierSource.BOT


async def verify(session: AsyncSession, atelier_id: int) -> Atelier:
    """Approve a new atelier: it becomes matchable and its owner is told.."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None:
        raise ReviewError("not_found")
    if _withdrawn(atelier):
        raise ReviewError("withdrawn")
    if atelier.verified or not atelier.listed:
        raise ReviewError("already_done")
    atelier.verified = True
    if atelier.owner_id is not None:
        await _notify(session, AtelierVerified, atelier, atelier.owner_id, "registration")
    await session.flush()
    return atelier


async def reject(session: AsyncSession, atelier_id: int) -> Atelier:
    """Turn down a new atelier: it is unlisted (kept for the record) and its owner told."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is not None and _withdrawn(atelier):
        raise ReviewError("withdrawn")
    if atelier is None or not atelier.listed:
        raise ReviewError("already_done")
    if atelier.verified:
        raise ReviewError("already_done")
    atelier.listed = False
    if atelier.owner_id is not None:
        await _notify(session, AtelierRejected, atelier, atelier.owner_id, "registration")
    await session.flush()
    return atelier


async def approve_claim(session: AsyncSession, atelier_id: int) -> Atelier:
    """The claimant becomes the owner of the imported record.."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.claimed_by_id is None:
        raise ReviewError("already_done")
    claimant = await session.get(User, atelier.claimed_by_id)
    if claimant is None or claimant.deleted:
        atelier.claimed_by_id = None
        await session.flush()
        raise ReviewError("not_found")
    atelier.owner_id = claimant.id
    atelier.claimed_by_id = None
    claimant.role = Role.ATELIER
    await _notify(session, AtelierVerified, atelier, claimant.id, "claim")
    await session.flush()
    return atelier


async def reject_claim(session: AsyncSession, atelier_id: int) -> Atelier:
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.claimed_by_id is None:
        raise ReviewError("already_done")
    claimant_id = atelier.claimed_by_id
    atelier.claimed_by_id = None
    await _notify(session, AtelierRejected, atelier, claimant_id, "claim")
    await session.flush()
    return atelier


async def decision_for(session: AsyncSession, atelier_id: int) -> Atelier | None:
    """The atelier a verification message is about (for rendering)."""
    return await session.get(Atelier, atelier_id)


async def alert_admins(
    session: AsyncSession, atelier: Atelier, admin_telegram_ids: Iterable[int], *, what: Matter
) -> int:
    """Tell every administrator that `atelier` (a registration or a claim) waits for them.

    Administrators are known by Telegram id from the settings; one who never wrote to the bot
    gets a user row here so the message can be scheduled.
    """
    from bot.core.users import ensure_user

    scheduled = 0
    for telegram_id in sorted(admin_telegram_ids):
        admin = await ensure_user(session, telegram_id)
        if admin.deleted:
            continue
        scheduled += await outbox.schedule(
            session,
            AdminReview(atelier.id, what),
            recipient_id=admin.id,
            dedupe_key=f"{KIND_REVIEW}:{what}:{atelier.id}:{atelier.claimed_by_id or 0}:{admin.id}",
        )
    return scheduled
