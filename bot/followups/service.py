"""Follow-ups that turn a match into a collaboration: the nudge a day after a brief is confirmed,
"How did it go?" after an accepted introduction, and the monthly capacity check for ateliers.

Each follow-up is an outbox row scheduled when the fact that calls for it happens, and cancelled
when a later fact makes it pointless (bot/intros/service.py cancels the nudge when an introduction is
requested; its renderer re-reads the facts too). Intro reminders and expiries are scheduled by
bot/intros/service.py itself.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot import outbox
from bot.briefs import service as brief_service
from bot.core.errors import RefusedError
from bot.core.unit_of_work import UnitOfWork
from bot.db.base import utcnow
from bot.db.models import Atelier, Brief, BriefState, Feedback, IntroRequest, IntroState, User
from bot.digest.service import zone
from bot.intros.views import intro_parties


class BriefNudge(outbox.Payload, kind="brief_nudge"):
    """To the designer, 24 h after a confirmed brief with no introduction requested."""

    brief_id: int


class MonthlyCapacityCheck(outbox.Payload, kind="capacity_check"):
    """To an atelier's owner once a month: is the free capacity still right?"""

    atelier_id: int


NUDGE_AFTER = timedelta(hours=24)
NUDGE_MATCHES = 3
CAPACITY_EVERY = timedelta(days=30)
CAPACITY_CHECK_TIME = time(10, 0)
MAX_NOTE = 1000
CHUNK = 500


class FollowupError(RefusedError):
    """An answer that cannot be taken; `code` selects the message shown to the person."""


# --- the 24-hour nudge ---------------------------------------------------------------------------


def nudge_key(brief_id: int) -> str:
    return f"brief:{brief_id}:nudge"


async def on_brief_confirmed(
    session: AsyncSession, brief: Brief, now: datetime | None = None
) -> bool:
    """A brief was confirmed: nudge its designer in 24 h unless they request an introduction
    first. Idempotent (one nudge per brief).."""
    if brief.designer_id is None:
        return False
    now = now or utcnow()
    return await outbox.schedule(
        session,
        BriefNudge(brief.id),
        recipient_id=brief.designer_id,
        dedupe_key=nudge_key(brief.id),
        due_at=now + NUDGE_AFTER,
    )


async def nudge_matches(
    session: AsyncSession, index: matching.AtelierIndex, brief_id: int, lang: str
) -> tuple[Brief, list[matching.Match]] | None:
    """The current top matches for a nudge, or None when the nudge no longer applies (the brief
    was paused or closed, or an introduction was requested meanwhile)."""
    brief = await session.get(Brief, brief_id)
    if brief is None or brief.state != BriefState.OPEN:
        return None
    asked = await session.scalar(
        select(func.count()).select_from(IntroRequest).where(IntroRequest.brief_id == brief.id)
    )
    if asked:
        return None
    result = index.match(brief_service.query_for(brief), top=NUDGE_MATCHES, lang=lang)
    return brief, list(result.matches)


async def next_match(
    session: AsyncSession, index: matching.AtelierIndex, brief: Brief, lang: str
) -> matching.Match | matching.NearMiss | None:
    """The best atelier not yet asked for this brief (offered after a decline or an expiry):
    one that fits well; failing that, the nearest miss that makes the product (it says what
    fails); failing that, a weak match (labelled as such by whoever shows it)."""
    if brief.state not in (BriefState.OPEN, BriefState.MATCHED):
        return None
    asked = await brief_service.asked_refs(session, brief.id)
    result = index.match(
        brief_service.query_for(brief), top=1, lang=lang, exclude=asked, near_misses=1
    )
    matches = [m for m in result.matches if m.ref not in asked]
    strong = next((m for m in matches if not m.weak), None)
    if strong is not None:
        return strong
    near = next((n for n in result.near_misses if n.ref not in asked), None)
    return near or next(iter(matches), None)


# --- "How did it go?" ----------------------------------------------------------------------------


async def feedback_subject(
    session: AsyncSession, intro_id: int, user: User
) -> tuple[IntroRequest, Brief, Atelier, str] | None:
    """The accepted intro a feedback request is about, and the user's side ("designer" or
    "atelier"); None if it is not theirs to rate."""
    found = await intro_parties(session, intro_id, IntroState.ACCEPTED)
    if found is None:
        return None
    intro, brief, atelier = found
    if brief.designer_id == user.id:
        return intro, brief, atelier, "designer"
    if atelier.owner_id == user.id:
        return intro, brief, atelier, "atelier"
    return None


async def feedback_given(session: AsyncSession, intro_id: int, user: User) -> Feedback | None:
    return await session.scalar(
        select(Feedback).where(Feedback.intro_id == intro_id, Feedback.from_user_id == user.id)
    )


async def record_feedback(
    session: AsyncSession, *, intro_id: int, user: User, stars: int
) -> Feedback:
    """Store 1–5 stars for an accepted introduction (a second press changes the answer).
    The caller commits; the atelier's rating in matching is the average of its feedback."""
    if not 1 <= stars <= 5:
        raise FollowupError("bad_stars")
    subject = await feedback_subject(session, intro_id, user)
    if subject is None:
        raise FollowupError("not_yours")
    intro, _brief, atelier, _side = subject
    feedback = await feedback_given(session, intro.id, user)
    if feedback is None:
        feedback = Feedback(
            intro_id=intro.id, from_user_id=user.id, atelier_id=atelier.id, stars=stars
        )
        session.add(feedback)
    else:
        feedback.stars = stars
    await session.flush()
    return feedback


async def add_note(session: AsyncSession, *, feedback_id: int, user: User, note: str) -> Feedback:
    """The optional note after the stars.."""
    feedback = await session.get(Feedback, feedback_id)
    if feedback is None or feedback.from_user_id != user.id:
        raise FollowupError("not_yours")
    note = note.strip()
    if not note:
        raise FollowupError("empty_note")
    if len(note) > MAX_NOTE:
        raise FollowupError("note_too_long")
    feedback.note = note
    return feedback


# --- the monthly capacity check ------------------------------------------------------------------


def _next_local(now: datetime, tz_name: str | None, default_timezone: str) -> datetime:
    tz = zone(tz_name, default_timezone)
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), CAPACITY_CHECK_TIME, tzinfo=tz)
    if candidate.astimezone(now.tzinfo) <= now:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), CAPACITY_CHECK_TIME, tzinfo=tz
        )
    return candidate.astimezone(now.tzinfo)


async def plan_capacity_checks(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    default_timezone: str,
    now: datetime | None = None,
) -> int:
    """Once a month, ask each atelier whose capacity was not confirmed for 30 days to confirm it
    (at 10:00 in the owner's time zone). Idempotent per atelier and month; streams ateliers."""
    now = now or utcnow()
    month = now.strftime("%Y-%m")
    stale = now - CAPACITY_EVERY
    scheduled = 0
    last_id = 0
    while True:
        async with UnitOfWork(session_factory) as uow:
            session = uow.session
            rows = (
                await session.execute(
                    select(Atelier.id, User.id, User.timezone)
                    .join(User, Atelier.owner_id == User.id)
                    .where(
                        Atelier.id > last_id,
                        Atelier.listed.is_(True),
                        func.coalesce(Atelier.capacity_confirmed_at, Atelier.created_at) < stale,
                        User.deleted.is_(False),
                        User.reachable.is_(True),
                    )
                    .order_by(Atelier.id)
                    .limit(CHUNK)
                )
            ).all()
            if not rows:
                return scheduled
            for atelier_id, owner_id, tz_name in rows:
                scheduled += await outbox.schedule(
                    session,
                    MonthlyCapacityCheck(atelier_id),
                    recipient_id=owner_id,
                    dedupe_key=f"capacity:{atelier_id}:{month}",
                    due_at=_next_local(now, tz_name, default_timezone),
                )
            last_id = rows[-1][0]


async def owned_atelier(session: AsyncSession, atelier_id: int, owner: User) -> Atelier:
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.owner_id != owner.id:
        raise FollowupError("not_yours")
    return atelier


async def confirm_capacity(
    session: AsyncSession, *, atelier_id: int, owner: User, now: datetime | None = None
) -> Atelier:
    """ "Still correct": the capacity on file is confirmed as of now.."""
    atelier = await owned_atelier(session, atelier_id, owner)
    # Core UPDATE keeping `updated_at`: confirming changes nothing a digest should announce.
    await session.execute(
        update(Atelier)
        .where(Atelier.id == atelier.id)
        .values(capacity_confirmed_at=now or utcnow(), updated_at=Atelier.updated_at)
        .execution_options(synchronize_session="fetch")
    )
    return atelier
