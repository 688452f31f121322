"""/delete_me: erase one person's personal data, whatever their role.

Their user row stays (other rows point at it) but holds nothing that identifies them; their
briefs are closed and anonymised, their atelier unlisted and emptied of contact details,
open introductions on either side withdrawn, their open quotes withdrawn and running orders
cancelled (the rows stay, so counts and the other side's reliability stay true, without the
words they wrote), and nothing is ever sent to them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.db.base import utcnow
from bot.db.models import Atelier, Brief, BriefState, Feedback, IntroRequest, IntroState, User
from bot.files import service as files
from bot.orders import service as orders
from bot.orders.lifecycle import Side

REASON = "the recipient deleted their data"


@dataclass(frozen=True, slots=True)
class Erased:
    briefs: int
    ateliers: int
    intros_withdrawn: int
    deliveries_cancelled: int


async def _withdraw_open_intros(session: AsyncSession, where: ColumnElement[bool]) -> int:
    rows = await session.scalars(
        select(IntroRequest).where(where, IntroRequest.state == IntroState.REQUESTED)
    )
    count = 0
    for intro in rows.all():
        intro.state = IntroState.CANCELLED
        intro.answered_at = utcnow()
        await outbox.cancel_matching(session, key_prefix=outbox.intro_key(intro.id), reason=REASON)
        count += 1
    return count


async def erase_user(session: AsyncSession, telegram_id: int) -> Erased | None:
    """Erase everything personal about the user with this Telegram id.

    Returns None when we hold nothing about them (already erased or never met).
    """
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        return None
    now = utcnow()

    briefs = list((await session.scalars(select(Brief).where(Brief.designer_id == user.id))).all())
    brief_ids = [b.id for b in briefs]
    withdrawn = 0
    if brief_ids:
        withdrawn += await _withdraw_open_intros(session, IntroRequest.brief_id.in_(brief_ids))
    for brief in briefs:
        await outbox.cancel_matching(session, key_prefix=f"brief:{brief.id}:", reason=REASON)
        brief.designer_id = None
        brief.product_text = ""
        if brief.state != BriefState.CLOSED:
            brief.state = BriefState.CLOSED
            brief.closed_at = now

    ateliers = list(
        (await session.scalars(select(Atelier).where(Atelier.owner_id == user.id))).all()
    )
    atelier_ids = [a.id for a in ateliers]
    if atelier_ids:
        withdrawn += await _withdraw_open_intros(session, IntroRequest.atelier_id.in_(atelier_ids))
    for atelier in ateliers:
        atelier.listed = False
        atelier.paused = True
        atelier.contact = ""
        atelier.owner_id = None
    await session.execute(
        update(Atelier).where(Atelier.claimed_by_id == user.id).values(claimed_by_id=None)
    )
    await session.execute(
        update(Feedback)
        .where(Feedback.from_user_id == user.id)
        .values(from_user_id=None, note=None)
    )

    # The files they sent (their briefs' packs, their ateliers' portfolios) are sent nowhere again.
    await files.erase_for(session, user_id=user.id, brief_ids=brief_ids, atelier_ids=atelier_ids)
    if brief_ids:
        await orders.erase(
            session, brief_ids=brief_ids, atelier_ids=[], side=Side.DESIGNER, now=now
        )
    if atelier_ids:
        await orders.erase(
            session, brief_ids=[], atelier_ids=atelier_ids, side=Side.ATELIER, now=now
        )
    cancelled = await outbox.cancel_for_recipient(session, user.id, reason=REASON)
    user.telegram_id = None
    user.display_name = None
    user.contact = None
    user.timezone = None
    user.deleted = True
    user.reachable = False
    user.digest_opt_in = False
    await session.flush()
    return Erased(len(briefs), len(ateliers), withdrawn, cancelled)
