"""Admin review: new ateliers from the bot and claims on imported records wait for approval.

Every decision schedules a message to the owner in the same transaction (the outbox), so the
owner hears about it even if the process stops right after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.core.errors import RefusedError
from bot.db.base import utcnow
from bot.db.models import Atelier, AtelierSource, Role, User

Matter = Literal["registration", "claim"]


class AboutAtelier(outbox.Payload):
    """A message about a registration or a claim; the renderer reads the decision at send time."""

    atelier_id: int
    what: Matter


class AtelierVerified(AboutAtelier, kind="atelier_verified"):
    """To the owner: your atelier is live (or your claim approved)."""


class AtelierRejected(AboutAtelier, kind="atelier_rejected"):
    """To the owner: registration or claim not approved, and why (one of the admin's reasons;
    rows written before reasons existed have none)."""

    reason: str | None = None


class AtelierReopened(AboutAtelier, kind="atelier_review_reopened"):
    """To the owner or claimant: the rejection they were told of was taken back."""


class AdminReview(AboutAtelier, kind="admin_review"):
    """To each administrator: something waits for a decision."""


class ReviewError(RefusedError):
    """A request that cannot be honoured; `code` selects the message shown to the person."""


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


def _rejection_key(atelier_id: int, user_id: int) -> str:
    """Rejections can be undone and made again: each gets its own key under one prefix, so an
    undo can cancel the notice that has not gone out yet."""
    return f"{AtelierRejected.kind}:{atelier_id}:{user_id}:{utcnow().timestamp():.6f}"


async def _notify(
    session: AsyncSession,
    message: type[AtelierVerified | AtelierRejected],
    atelier: Atelier,
    user_id: int,
    what: Matter,
    reason: str | None = None,
) -> None:
    if message is AtelierRejected:
        payload: AtelierVerified | AtelierRejected = AtelierRejected(atelier.id, what, reason)
        key: str | None = _rejection_key(atelier.id, user_id)
    else:
        payload = message(atelier.id, what)
        # A registration is verified once; a claim may be made again after a rejection.
        key = f"{message.kind}:{atelier.id}:{user_id}" if what == "registration" else None
    await outbox.schedule(session, payload, recipient_id=user_id, dedupe_key=key)


def _withdrawn(atelier: Atelier) -> bool:
    """A registration whose owner erased their data (/delete_me) while it waited for review:
    unlisted and without an owner, unlike a rejected one, which keeps its owner."""
    return not atelier.listed and atelier.owner_id is None and atelier.source == AtelierSource.BOT


async def still_open(session: AsyncSession, atelier_id: int, *, claim: bool) -> Atelier:
    """The registration (or claim) that waits for a decision; ReviewError when there is none."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None:
        raise ReviewError("not_found")
    if not claim and _withdrawn(atelier):
        raise ReviewError("withdrawn")
    waiting = (
        atelier.claimed_by_id is not None if claim else atelier.listed and not atelier.verified
    )
    if not waiting:
        raise ReviewError("already_done")
    return atelier


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


async def reject(session: AsyncSession, atelier_id: int, reason: str | None = None) -> Atelier:
    """Turn down a new atelier: it is unlisted (kept for the record) and its owner told why."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is not None and _withdrawn(atelier):
        raise ReviewError("withdrawn")
    if atelier is None or not atelier.listed:
        raise ReviewError("already_done")
    if atelier.verified:
        raise ReviewError("already_done")
    atelier.listed = False
    if atelier.owner_id is not None:
        await _notify(session, AtelierRejected, atelier, atelier.owner_id, "registration", reason)
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


async def reject_claim(
    session: AsyncSession, atelier_id: int, reason: str | None = None
) -> Atelier:
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.claimed_by_id is None:
        raise ReviewError("already_done")
    claimant_id = atelier.claimed_by_id
    atelier.claimed_by_id = None
    await _notify(session, AtelierRejected, atelier, claimant_id, "claim", reason)
    await session.flush()
    return atelier


async def undo_rejection(session: AsyncSession, atelier_id: int) -> Atelier:
    """Take back the rejection of a registration: it waits for a decision again. The owner's
    notice is cancelled if it has not gone out; if it has, the owner is told it was reopened."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None:
        raise ReviewError("not_found")
    if atelier.owner_id is None or atelier.source != AtelierSource.BOT:
        raise ReviewError("withdrawn")
    if atelier.listed or atelier.verified:
        raise ReviewError("already_done")
    atelier.listed = True
    await _take_back_notice(session, atelier, atelier.owner_id, "registration")
    await session.flush()
    return atelier


async def undo_claim_rejection(session: AsyncSession, atelier_id: int, claimant_id: int) -> Atelier:
    """Take back the rejection of a claim: the same person's claim waits again, unless the
    record found an owner or another claimant meanwhile, or the claimant left."""
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or not atelier.listed:
        raise ReviewError("not_found")
    claimant = await session.get(User, claimant_id)
    if claimant is None or claimant.deleted:
        raise ReviewError("withdrawn")
    if atelier.owner_id is not None or atelier.claimed_by_id is not None:
        raise ReviewError("already_done")
    atelier.claimed_by_id = claimant.id
    await _take_back_notice(session, atelier, claimant.id, "claim")
    await session.flush()
    return atelier


async def _take_back_notice(
    session: AsyncSession, atelier: Atelier, user_id: int, what: Matter
) -> None:
    cancelled = await outbox.cancel_matching(
        session,
        key_prefix=f"{AtelierRejected.kind}:{atelier.id}:{user_id}:",
        reason="rejection undone",
    )
    if not cancelled:
        await outbox.schedule(session, AtelierReopened(atelier.id, what), recipient_id=user_id)


@dataclass(frozen=True, slots=True)
class OperatorVerification:
    """What `bottega ateliers verify` did: `atelier` is None when no atelier has the ref;
    `listed_again` when a rejected registration was listed by it; `withdrawn` when its owner
    erased their data, so it stays unlisted."""

    atelier: Atelier | None
    was_verified: bool = False
    listed_again: bool = False
    withdrawn: bool = False


async def verify_by_operator(session: AsyncSession, ref: str) -> OperatorVerification:
    """The operator's verification from the command line: the atelier becomes matchable, a
    rejected registration included (listed again, its owner told); one withdrawn by its owner
    stays out, and the operator is told why."""
    from bot.registry.profiles import get_by_ref

    atelier = await get_by_ref(session, ref)
    if atelier is None:
        return OperatorVerification(None)
    if not atelier.listed and atelier.owner_id is None:
        return OperatorVerification(atelier, was_verified=atelier.verified, withdrawn=True)
    was_verified, listed_again = atelier.verified and atelier.listed, not atelier.listed
    atelier.listed = True
    atelier.verified = True
    if not was_verified and atelier.owner_id is not None and atelier.source == AtelierSource.BOT:
        await outbox.cancel_matching(
            session,
            key_prefix=f"{AtelierRejected.kind}:{atelier.id}:{atelier.owner_id}:",
            reason="verified by the operator",
        )
        await _notify(session, AtelierVerified, atelier, atelier.owner_id, "registration")
    await session.flush()
    return OperatorVerification(atelier, was_verified=was_verified, listed_again=listed_again)


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
            dedupe_key=f"{AdminReview.kind}:{what}:{atelier.id}:{atelier.claimed_by_id or 0}:{admin.id}",
        )
    return scheduled
