"""Consent-based introductions: requested by a designer (or offered by an atelier), answered by
the atelier's owner; contacts are exchanged only on accept.

Every change of state schedules or cancels the deliveries that follow from it, in the same
transaction, so the outbox always agrees with the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.core.errors import RefusedError
from bot.db.base import utcnow
from bot.db.models import Atelier, Brief, BriefState, IntroRequest, IntroState, User
from bot.quotes import service as quotes
from bot.quotes.timing import TIMING as QUOTE_TIMING
from bot.reliability import service as reliability

MAX_PER_REQUEST = 3
MAX_OPEN_PER_BRIEF = 5
REMIND_ATELIER_AFTER = timedelta(hours=72)
EXPIRE_AFTER = timedelta(days=7)
ASK_FEEDBACK_AFTER = timedelta(days=14)
DECLINE_REASONS = ("too_few", "no_capacity", "not_specialty", "other")


# --- the deliveries this module schedules (their renderers live with the flows that show them) ---


class AboutIntro(outbox.Payload):
    """A message about one introduction; the renderer reads the intro's state at send time."""

    intro_id: int


class IntroRequested(AboutIntro, kind="intro_request"):
    """To the atelier owner: the brief, Accept / Decline."""


class IntroAccepted(AboutIntro, kind="intro_accepted"):
    """To the designer: the atelier's contact."""


class IntroContact(AboutIntro, kind="intro_contact"):
    """To the atelier owner: the designer's contact."""


class IntroDeclined(AboutIntro, kind="intro_declined"):
    """To the designer: declined, the next match offered."""


class IntroReminder(AboutIntro, kind="intro_reminder"):
    """To the atelier owner after 72 h of silence."""


class IntroExpiry(AboutIntro, kind="intro_expire"):
    """To the designer after 7 days: expired, the next match offered."""


class FeedbackRequest(AboutIntro, kind="feedback_request"):
    """To both sides 14 days after an accepted intro."""


class IntroError(RefusedError):
    """A request that cannot be honoured; `code` selects the message shown to the person."""


@dataclass(slots=True)
class RequestOutcome:
    created: list[IntroRequest] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (atelier ref, reason code)
    names: dict[str, str] = field(default_factory=dict)  # atelier ref -> name, for both lists


async def about_intro(
    session: AsyncSession,
    intro_id: int,
    message: type[AboutIntro],
    recipient_id: int,
    what: str,
    *,
    due_at: datetime,
) -> None:
    """Schedule one message about an introduction, at most once per intro and purpose."""
    await outbox.schedule(
        session,
        message(intro_id),
        recipient_id=recipient_id,
        dedupe_key=outbox.intro_key(intro_id, what),
        due_at=due_at,
    )


async def open_count(session: AsyncSession, brief_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(IntroRequest)
            .where(IntroRequest.brief_id == brief_id, IntroRequest.state == IntroState.REQUESTED)
        )
        or 0
    )


async def for_brief(session: AsyncSession, brief_id: int) -> list[IntroRequest]:
    rows = await session.scalars(
        select(IntroRequest)
        .where(IntroRequest.brief_id == brief_id)
        .order_by(IntroRequest.requested_at, IntroRequest.id)
    )
    return list(rows.all())


async def _schedule_request_followups(
    session: AsyncSession, intro: IntroRequest, atelier: Atelier, brief: Brief, now: datetime
) -> None:
    if atelier.owner_id is not None:
        await about_intro(
            session, intro.id, IntroRequested, atelier.owner_id, "request", due_at=now
        )
        await about_intro(
            session,
            intro.id,
            IntroReminder,
            atelier.owner_id,
            "reminder",
            due_at=now + REMIND_ATELIER_AFTER,
        )
    if brief.designer_id is not None:
        await about_intro(
            session, intro.id, IntroExpiry, brief.designer_id, "expire", due_at=now + EXPIRE_AFTER
        )


async def request_intros(
    session: AsyncSession,
    *,
    brief: Brief,
    requester: User,
    atelier_refs: Sequence[str],
    scores: dict[str, float] | None = None,
    now: datetime | None = None,
) -> RequestOutcome:
    """A designer asks to be introduced to up to three ateliers at once.."""
    now = now or utcnow()
    if brief.designer_id != requester.id:
        raise IntroError("not_your_brief")
    if brief.state not in (BriefState.OPEN, BriefState.MATCHED):
        raise IntroError("brief_not_open")
    refs = list(dict.fromkeys(atelier_refs))
    if not refs:
        return RequestOutcome()
    if len(refs) > MAX_PER_REQUEST:
        raise IntroError("too_many_at_once")
    outcome = RequestOutcome()
    already_open = await open_count(session, brief.id)
    existing = {i.atelier_id: i for i in await for_brief(session, brief.id)}
    for ref in refs:
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == ref))
        outcome.names[ref] = atelier.name if atelier is not None else ref
        if atelier is None or not atelier.listed or not atelier.verified:
            outcome.skipped.append((ref, "unavailable"))
            continue
        if atelier.paused:
            outcome.skipped.append((ref, "paused"))
            continue
        if atelier.id in existing:
            outcome.skipped.append((ref, "already_requested"))
            continue
        if already_open >= MAX_OPEN_PER_BRIEF:
            outcome.skipped.append((ref, "too_many_open"))
            continue
        intro = IntroRequest(
            brief_id=brief.id,
            atelier_id=atelier.id,
            state=IntroState.REQUESTED,
            initiated_by="designer",
            score=(scores or {}).get(ref),
            requested_at=now,
        )
        session.add(intro)
        await session.flush()
        await _schedule_request_followups(session, intro, atelier, brief, now)
        existing[atelier.id] = intro
        already_open += 1
        outcome.created.append(intro)
    if outcome.created:
        brief.state = BriefState.MATCHED
        await outbox.cancel(
            session, dedupe_key=f"brief:{brief.id}:nudge", reason="an introduction was requested"
        )
    return outcome


async def request_for_brief(
    session: AsyncSession, *, brief_id: int, requester: User, atelier_refs: Sequence[str]
) -> RequestOutcome:
    brief = await session.get(Brief, brief_id)
    if brief is None:
        raise IntroError("not_your_brief")
    return await request_intros(
        session, brief=brief, requester=requester, atelier_refs=atelier_refs
    )


async def _owned_intro(
    session: AsyncSession, intro_id: int, owner: User, *, designer_consented: bool = False
) -> tuple[IntroRequest, Atelier, Brief]:
    intro = await session.get(IntroRequest, intro_id)
    if intro is None:
        raise IntroError("not_found")
    if intro.initiated_by == "atelier" and not designer_consented:
        # An atelier's own offer (services.digest) is the designer's to answer, never its own.
        raise IntroError("not_found")
    atelier = await session.get(Atelier, intro.atelier_id)
    brief = await session.get(Brief, intro.brief_id)
    if atelier is None or brief is None or atelier.owner_id != owner.id:
        raise IntroError("not_your_atelier")
    if intro.state == IntroState.CANCELLED:
        raise IntroError("withdrawn")  # the brief was closed or the designer left
    if intro.state == IntroState.EXPIRED:
        raise IntroError("expired")
    if intro.state != IntroState.REQUESTED:
        raise IntroError("already_answered")
    return intro, atelier, brief


async def _stop_waiting(session: AsyncSession, intro_id: int, reason: str) -> None:
    await outbox.cancel(session, dedupe_key=outbox.intro_key(intro_id, "reminder"), reason=reason)
    await outbox.cancel(session, dedupe_key=outbox.intro_key(intro_id, "expire"), reason=reason)


async def accept(
    session: AsyncSession,
    *,
    intro_id: int,
    owner: User,
    now: datetime | None = None,
    designer_consented: bool = False,
) -> IntroRequest:
    """The atelier says yes: both sides get each other's contact..

    `designer_consented` is set only by services.digest when a designer accepts an atelier's
    offer (the atelier agreed when it offered)."""
    now = now or utcnow()
    intro, _atelier, brief = await _owned_intro(
        session, intro_id, owner, designer_consented=designer_consented
    )
    intro.state = IntroState.ACCEPTED
    intro.answered_at = now
    await _stop_waiting(session, intro.id, "accepted")
    if brief.designer_id is not None:
        await about_intro(
            session, intro.id, IntroAccepted, brief.designer_id, "accepted", due_at=now
        )
        await about_intro(
            session,
            intro.id,
            FeedbackRequest,
            brief.designer_id,
            "feedback:designer",
            due_at=now + ASK_FEEDBACK_AFTER,
        )
    await about_intro(session, intro.id, IntroContact, owner.id, "contact", due_at=now)
    await about_intro(
        session,
        intro.id,
        FeedbackRequest,
        owner.id,
        "feedback:atelier",
        due_at=now + ASK_FEEDBACK_AFTER,
    )
    await quotes.on_intro_accepted(session, intro, owner.id, now=now, timing=QUOTE_TIMING)
    await reliability.touch(session, intro.atelier_id)
    return intro


async def decline(
    session: AsyncSession,
    *,
    intro_id: int,
    owner: User,
    reason: str | None = None,
    now: datetime | None = None,
) -> IntroRequest:
    """The atelier says no (optionally why): the designer is told and offered the next match."""
    now = now or utcnow()
    intro, _atelier, brief = await _owned_intro(session, intro_id, owner)
    intro.state = IntroState.DECLINED
    intro.answered_at = now
    intro.decline_reason = reason if reason in DECLINE_REASONS else None
    await _stop_waiting(session, intro.id, "declined")
    await reliability.touch(session, intro.atelier_id)
    if brief.designer_id is not None:
        await about_intro(
            session, intro.id, IntroDeclined, brief.designer_id, "declined", due_at=now
        )
    return intro


async def expire(
    session: AsyncSession, *, intro_id: int, now: datetime | None = None
) -> IntroRequest | None:
    """Seven days of silence: the request lapses. Returns the intro if it was still waiting."""
    intro = await session.get(IntroRequest, intro_id)
    if intro is None or intro.state != IntroState.REQUESTED:
        return None
    intro.state = IntroState.EXPIRED
    intro.answered_at = now or utcnow()
    await reliability.touch(session, intro.atelier_id)
    await outbox.cancel(
        session, dedupe_key=outbox.intro_key(intro.id, "reminder"), reason="expired"
    )
    return intro
