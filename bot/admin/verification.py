"""Admin review: new ateliers from the bot and claims on imported records wait for approval.

Every decision schedules a message to the owner in the same transaction (the outbox), so the
owner hears about it even if the process stops right after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.db.models import Atelier, AtelierSource, Role, User

KIND_VERIFIED = "atelier_verified"  # to the owner: your atelier is live (or your claim approved)
KIND_REJECTED = "atelier_rejected"  # to the owner: registration or claim not approved
KIND_REVIEW = "admin_review"  # to each administrator: something waits for a decision


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
    session: AsyncSession, kind: str, atelier: Atelier, user_id: int, what: str
) -> None:
    await outbox.schedule(
        session,
        kind=kind,
        recipient_id=user_id,
        payload={"atelier_id": atelier.id, "what": what},
        # A registration is decided once; a claim may be made again after a rejection.
        dedupe_key=f"{kind}:{atelier.id}:{user_id}" if what == "registration" else None,
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
        await _notify(session, KIND_VERIFIED, atelier, atelier.owner_id, "registration")
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
        await _notify(session, KIND_REJECTED, atelier, atelier.owner_id, "registration")
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
    await _notify(session, KIND_VERIFIED, atelier, claimant.id, "claim")
    await session.flush()
    return atelier


async def reject_claim(session: AsyncSession, atelier_id: int) -> Atelier:
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.claimed_by_id is None:
        raise ReviewError("already_done")
    claimant_id = atelier.claimed_by_id
    atelier.claimed_by_id = None
    await _notify(session, KIND_REJECTED, atelier, claimant_id, "claim")
    await session.flush()
    return atelier


async def decision_for(session: AsyncSession, atelier_id: int) -> Atelier | None:
    """The atelier a verification message is about (for rendering)."""
    return await session.get(Atelier, atelier_id)


async def alert_admins(
    session: AsyncSession, atelier: Atelier, admin_telegram_ids: Iterable[int], *, what: str
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
            kind=KIND_REVIEW,
            recipient_id=admin.id,
            payload={"atelier_id": atelier.id, "what": what},
            dedupe_key=f"{KIND_REVIEW}:{what}:{atelier.id}:{atelier.claimed_by_id or 0}:{admin.id}",
        )
    return scheduled
