"""The weekly digest: who gets one, when (Monday 09:00 in their own time zone), and what is in it;
and what an atelier's "Interested" on a digest brief starts.

Planning is separate from sending. Shortly before each user's local Monday 09:00 the planner
composes their digest (designers: ateliers new or changed since their last digest that fit one of
their open briefs; ateliers: the briefs confirmed since, that their workshop fits) and, when there
is something to say, adds one outbox row due at that moment with dedupe key
`digest:<user id>:<ISO week>` — so each week's digest exists once however many processes plan it.
Users are streamed in chunks of `CHUNK`, never loaded at once; `users.digest_week` records that a
week was planned (also when it had nothing to say) and `users.last_digest_at` what it covered.

Atelier interest (the simplest design consistent with designer-initiated intros): pressing
"Interested" creates an `IntroRequest` in state `requested` with `initiated_by="atelier"` — the
atelier's consent is given — and offers it to the designer with Accept / Decline. Accept runs the
same acceptance as an atelier accepting a designer's request (`intros.accept`: contacts exchanged
both ways, feedback asked after 14 days); Decline tells the atelier; 7 days of silence lapse the
offer and tell the atelier.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot import outbox
from bot.briefs import service as brief_service
from bot.core.unit_of_work import UnitOfWork
from bot.db.base import utcnow
from bot.db.models import (
    Atelier,
    Brief,
    BriefState,
    Delivery,
    DeliveryState,
    IntroRequest,
    IntroState,
    User,
)
from bot.files import service as files
from bot.intros import service as intros
from bot.intros.service import IntroError
from bot.intros.views import BriefWork

# --- the deliveries this module schedules --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestMatch:
    """An atelier new or newly free that fits one of the designer's briefs."""

    ref: str
    name: str
    score: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestPick:
    """One of the designer's open briefs and the fresh ateliers that fit it."""

    brief_id: int
    product: str = ""
    category: str | None = None
    quantity: int | None = None
    matches: tuple[DigestMatch, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestBrief(BriefWork):
    """What an atelier may see of a brief before any introduction: the work, never the person.
    Stored flat in the digest's row (its fields beside the work's), as before `BriefWork`."""

    atelier_id: int
    atelier_name: str = ""
    # Only whether it has one: a pack goes with a request, never in a digest.
    has_pack: bool = False


class WeeklyDigest(outbox.Payload, kind="digest"):
    """The week's digest, composed by the planner shortly before it is due."""

    week: str  # ISO week, "2026-W48"
    through: datetime  # the moment its content covers
    picks: tuple[DigestPick, ...] = ()  # a designer's
    briefs: tuple[DigestBrief, ...] = ()  # an atelier's


class IntroOffer(intros.AboutIntro, kind="intro_offer"):
    """To the designer: an atelier is interested, Accept / Decline."""


class IntroOfferDeclined(intros.AboutIntro, kind="intro_offer_declined"):
    """To the atelier owner: the designer passed."""


class IntroOfferLapse(intros.AboutIntro, kind="intro_offer_expire"):
    """To the atelier owner: no answer in 7 days."""


DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(9, 0)
PLAN_AHEAD = timedelta(hours=1)  # compose at most this long before the digest is due
LATE_LIMIT = timedelta(hours=12)  # a process down all Monday skips that week rather than send late
FIRST_LOOKBACK = timedelta(days=7)  # an atelier's first digest: the past week's briefs
MAX_LOOKBACK = timedelta(days=28)  # never reach further back than four weeks
MAX_ITEMS = 5  # per digest section
PICKS_PER_BRIEF = 3
FIT_TOP = 20  # "fits" = among the brief's top 20 ranked matches (every hard constraint met)
CHUNK = 500
OPEN_STATES = (BriefState.OPEN, BriefState.MATCHED)


# --- when ----------------------------------------------------------------------------------------


def zone(name: str | None, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def slot_of_week(day: date, tz: ZoneInfo) -> datetime:
    """Monday 09:00 local of the ISO week containing `day`, as UTC (DST-aware via zoneinfo)."""
    monday = day - timedelta(days=(day.weekday() - DIGEST_WEEKDAY) % 7)
    return datetime.combine(monday, DIGEST_TIME, tzinfo=tz).astimezone(UTC)


def next_digest_at(now: datetime, tz: ZoneInfo) -> datetime:
    """The first Monday 09:00 local strictly after `now`, in UTC."""
    slot = slot_of_week(now.astimezone(tz).date(), tz)
    if slot <= now:
        slot = slot_of_week(now.astimezone(tz).date() + timedelta(days=7), tz)
    return slot


def due_slot(now: datetime, tz: ZoneInfo) -> tuple[str, datetime] | None:
    """The week whose digest should be composed now, and when it is due; None between windows."""
    ahead = (now + PLAN_AHEAD).astimezone(tz).date()
    slot = slot_of_week(ahead, tz)
    if slot <= now + PLAN_AHEAD and now < slot + LATE_LIMIT:
        return week_label(slot.astimezone(tz).date()), slot
    return None


# --- what ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class DigestContent:
    picks: list[DigestPick] = field(default_factory=list)  # designer: per brief, new ateliers
    briefs: list[DigestBrief] = field(default_factory=list)  # atelier: new briefs that fit

    def __bool__(self) -> bool:
        return bool(self.picks or self.briefs)

    def payload(self, week: str, through: datetime) -> WeeklyDigest:
        return WeeklyDigest(week, through, tuple(self.picks), tuple(self.briefs))


class Composer:
    """Facts shared by every digest of one planning run, read once: the index, the ateliers that
    changed recently and the briefs confirmed recently (with the ateliers each one fits)."""

    def __init__(self, index: matching.AtelierIndex, now: datetime) -> None:
        self.index = index
        self.now = now
        self._fresh: list[tuple[datetime, str]] | None = None
        self._fresh_times: list[datetime] = []
        self._new_briefs: list[Brief] | None = None
        self._with_pack: set[int] = set()
        self._fits: dict[int, frozenset[str]] = {}
        # The current chunk's people: their open briefs and their ateliers, read in two
        # queries per chunk rather than two per person (prefetch()).
        self._briefs_of: dict[int, list[Brief]] = {}
        self._ateliers_of: dict[int, list[Atelier]] = {}
        self._introduced: set[tuple[int, int]] = set()  # (brief, atelier) already introduced

    async def _load(self, session: AsyncSession) -> None:
        if self._fresh is not None:
            return
        horizon = self.now - MAX_LOOKBACK
        rows = await session.execute(
            select(Atelier.updated_at, Atelier.ref).where(
                Atelier.updated_at > horizon,
                Atelier.listed.is_(True),
                Atelier.verified.is_(True),
                Atelier.paused.is_(False),
            )
        )
        # Oldest first, so "changed since t" is a suffix found by bisection.
        self._fresh = sorted((changed, ref) for changed, ref in rows.all())
        self._fresh_times = [changed for changed, _ in self._fresh]
        briefs = await session.scalars(
            select(Brief)
            .where(
                Brief.state.in_(OPEN_STATES),
                Brief.confirmed_at > horizon,
                Brief.designer_id.is_not(None),
            )
            .order_by(Brief.confirmed_at.desc(), Brief.id.desc())
        )
        self._new_briefs = list(briefs.all())
        self._with_pack = await files.briefs_with_pack(session, [b.id for b in self._new_briefs])

    def _fits_of(self, brief: Brief) -> frozenset[str]:
        fits = self._fits.get(brief.id)
        if fits is None:
            result = self.index.match(brief_service.query_for(brief), top=FIT_TOP)
            fits = self._fits[brief.id] = frozenset(m.ref for m in result.matches)
        return fits

    async def prefetch(self, session: AsyncSession, users: Sequence[User]) -> None:
        """Read what the digests of these people need (and forget the previous chunk's)."""
        ids = [user.id for user in users]
        self._briefs_of = {user_id: [] for user_id in ids}
        self._ateliers_of = {user_id: [] for user_id in ids}
        briefs = await session.scalars(
            select(Brief)
            .where(
                Brief.designer_id.in_(ids),
                Brief.state.in_(OPEN_STATES),
                Brief.confirmed_at.is_not(None),
            )
            .order_by(Brief.id)
        )
        for brief in briefs.all():
            assert brief.designer_id is not None
            self._briefs_of[brief.designer_id].append(brief)
        ateliers = await session.scalars(
            select(Atelier)
            .where(
                Atelier.owner_id.in_(ids),
                Atelier.listed.is_(True),
                Atelier.verified.is_(True),
                Atelier.paused.is_(False),
            )
            .order_by(Atelier.id)
        )
        owned = []
        for atelier in ateliers.all():
            assert atelier.owner_id is not None
            self._ateliers_of[atelier.owner_id].append(atelier)
            owned.append(atelier.id)
        rows = await session.execute(
            select(IntroRequest.brief_id, IntroRequest.atelier_id).where(
                IntroRequest.atelier_id.in_(owned)
            )
        )
        self._introduced = {(brief_id, atelier_id) for brief_id, atelier_id in rows.all()}

    async def compose(self, session: AsyncSession, user: User) -> DigestContent:
        await self._load(session)
        if user.id not in self._briefs_of:
            await self.prefetch(session, [user])
        content = DigestContent()
        await self._designer_part(session, user, content)
        await self._atelier_part(session, user, content)
        return content

    async def _designer_part(self, session: AsyncSession, user: User, out: DigestContent) -> None:
        assert self._fresh is not None
        if not self._fresh:
            return
        for brief in self._briefs_of[user.id]:
            assert brief.confirmed_at is not None
            since = max(user.last_digest_at or brief.confirmed_at, brief.confirmed_at)
            fresh = {ref for _, ref in self._fresh[bisect_right(self._fresh_times, since) :]}
            if not fresh:
                continue
            asked = await brief_service.asked_refs(session, brief.id)
            result = self.index.match(
                brief_service.query_for(brief), top=FIT_TOP, lang=user.language, exclude=asked
            )
            matches = [
                DigestMatch(m.ref, m.name, round(m.score), tuple(m.reasons)[:4])
                for m in result.matches
                if m.ref in fresh and m.ref not in asked
            ][:PICKS_PER_BRIEF]
            if matches:
                out.picks.append(
                    DigestPick(
                        brief_id=brief.id,
                        product=brief.product_text[:80],
                        category=brief.category,
                        quantity=brief.quantity,
                        matches=tuple(matches),
                    )
                )
            if len(out.picks) >= MAX_ITEMS:
                return

    async def _atelier_part(self, session: AsyncSession, user: User, out: DigestContent) -> None:
        assert self._new_briefs is not None
        ateliers = self._ateliers_of[user.id]
        if not ateliers:
            return  # most people own no atelier: nothing to look through
        since = max(user.last_digest_at or self.now - FIRST_LOOKBACK, self.now - MAX_LOOKBACK)
        candidates = [
            b
            for b in self._new_briefs
            if b.confirmed_at is not None and b.confirmed_at > since and b.designer_id != user.id
        ]
        if not candidates:
            return
        known = self._introduced
        for brief in candidates:
            fits = self._fits_of(brief)
            for atelier in ateliers:
                if atelier.ref in fits and (brief.id, atelier.id) not in known:
                    out.briefs.append(
                        _anonymous_brief(brief, atelier, has_pack=brief.id in self._with_pack)
                    )
                    break
            if len(out.briefs) >= MAX_ITEMS:
                return


def _anonymous_brief(brief: Brief, atelier: Atelier, *, has_pack: bool = False) -> DigestBrief:
    return DigestBrief.of(
        brief, at_most=6, atelier_id=atelier.id, atelier_name=atelier.name, has_pack=has_pack
    )


# --- planning ------------------------------------------------------------------------------------


@dataclass(slots=True)
class PlanReport:
    considered: int = 0
    planned: int = 0
    empty: int = 0


def _eligible() -> list[ColumnElement[bool]]:
    return [
        User.deleted.is_(False),
        User.reachable.is_(True),
        User.digest_opt_in.is_(True),
        User.telegram_id.is_not(None),
    ]


async def plan_digests(
    session_factory: async_sessionmaker[AsyncSession],
    index: matching.AtelierIndex,
    *,
    default_timezone: str,
    now: datetime | None = None,
    send_now: bool = False,
    chunk: int = CHUNK,
) -> PlanReport:
    """Compose and schedule the digests due soon (or, with `send_now`, this week's digest for
    everyone not yet planned, due immediately). Safe to run in every process, any number of times.
    """
    now = now or utcnow()
    report = PlanReport()
    composer = Composer(index, now)
    async with session_factory() as session:
        zones = list(await session.scalars(select(User.timezone).distinct().where(*_eligible())))
    for zone_name in zones:
        tz = zone(zone_name, default_timezone)
        if send_now:
            slot: tuple[str, datetime] | None = (week_label(now.astimezone(tz).date()), now)
        else:
            slot = due_slot(now, tz)
        if slot is None:
            continue
        week, due_at = slot
        in_zone = User.timezone.is_(None) if zone_name is None else User.timezone == zone_name
        last_id = 0
        while True:
            async with UnitOfWork(session_factory) as uow:
                session = uow.session
                people = (
                    await session.scalars(
                        select(User)
                        .where(
                            *_eligible(),
                            in_zone,
                            or_(User.digest_week.is_(None), User.digest_week != week),
                            User.id > last_id,
                        )
                        .order_by(User.id)
                        .limit(chunk)
                    )
                ).all()
                if not people:
                    break
                await composer.prefetch(session, people)
                for user in people:
                    report.considered += 1
                    content = await composer.compose(session, user)
                    if content:
                        await outbox.schedule(
                            session,
                            content.payload(week, now),
                            recipient_id=user.id,
                            due_at=max(due_at, now),
                            dedupe_key=f"digest:{user.id}:{week}",
                        )
                        report.planned += 1
                    else:
                        report.empty += 1
                    user.digest_week = week
                    user.last_digest_at = now
                last_id = people[-1].id
            await asyncio.sleep(0)  # matching is CPU work: let updates in between chunks
    return report


async def preview(
    session: AsyncSession, index: matching.AtelierIndex, user: User, *, now: datetime | None = None
) -> DigestContent:
    """What the user's next digest would say now (nothing is written)."""
    return await Composer(index, now or utcnow()).compose(session, user)


# --- preferences ---------------------------------------------------------------------------------


async def set_opt_in(session: AsyncSession, user: User, enabled: bool) -> int:
    """/digest on|off. Turning it off cancels a digest already composed.."""
    user.digest_opt_in = enabled
    if enabled:
        return 0
    return await outbox.cancel_matching(
        session, key_prefix=f"digest:{user.id}:", reason="digest turned off"
    )


def valid_timezone(name: str) -> str | None:
    """The canonical IANA name for `name` (case-insensitive), or None."""
    from zoneinfo import available_timezones

    name = name.strip().replace(" ", "_")
    if not name or len(name) > 64:
        return None
    wanted = name.casefold()
    for candidate in available_timezones():
        if candidate.casefold() == wanted:
            return candidate
    return None


async def set_timezone(
    session: AsyncSession,
    user: User,
    name: str,
    *,
    default_timezone: str,
    now: datetime | None = None,
) -> None:
    """Change the user's time zone; a digest already composed moves to 09:00 in the new zone."""
    user.timezone = name
    tz = zone(name, default_timezone)
    pending = await session.scalars(
        select(Delivery).where(
            Delivery.recipient_id == user.id,
            Delivery.kind == WeeklyDigest.kind,
            Delivery.state == DeliveryState.PENDING,
        )
    )
    now = now or utcnow()
    for delivery in pending.all():
        try:
            monday = date.fromisoformat(f"{WeeklyDigest.decode(delivery.payload).week}-1")
        except ValueError:  # an unreadable row (PayloadError) or week: the sweeper reports it
            continue
        delivery.due_at = max(now, slot_of_week(monday, tz))


# --- an atelier's interest -----------------------------------------------------------------------


async def express_interest(
    session: AsyncSession,
    *,
    owner: User,
    brief_id: int,
    atelier_id: int,
    now: datetime | None = None,
) -> IntroRequest:
    """An atelier says "Interested" on a digest brief.."""
    now = now or utcnow()
    atelier = await session.get(Atelier, atelier_id)
    if atelier is None or atelier.owner_id != owner.id:
        raise IntroError("not_your_atelier")
    if not atelier.listed or not atelier.verified:
        raise IntroError("unavailable")
    if atelier.paused:
        raise IntroError("paused")
    brief = await session.get(Brief, brief_id)
    if brief is None or brief.state not in OPEN_STATES or brief.designer_id is None:
        raise IntroError("brief_not_open")
    if brief.designer_id == owner.id:
        raise IntroError("own_brief")
    existing = await session.scalar(
        select(IntroRequest.id).where(
            IntroRequest.brief_id == brief.id, IntroRequest.atelier_id == atelier.id
        )
    )
    if existing is not None:
        raise IntroError("already_requested")
    if await intros.open_count(session, brief.id) >= intros.MAX_OPEN_PER_BRIEF:
        raise IntroError("too_many_open")
    intro = IntroRequest(
        brief_id=brief.id,
        atelier_id=atelier.id,
        state=IntroState.REQUESTED,
        initiated_by="atelier",
        requested_at=now,
        atelier=atelier,
    )
    session.add(intro)
    await session.flush()
    await intros.about_intro(session, intro.id, IntroOffer, brief.designer_id, "offer", due_at=now)
    # Under the key of a request's expiry: intros.accept cancels it the same way.
    await intros.about_intro(
        session, intro.id, IntroOfferLapse, owner.id, "expire", due_at=now + intros.EXPIRE_AFTER
    )
    return intro


async def answer_offer(
    session: AsyncSession,
    *,
    intro_id: int,
    designer: User,
    accept: bool,
    now: datetime | None = None,
) -> IntroRequest:
    """The designer answers an atelier's offer.."""
    now = now or utcnow()
    intro = await session.get(IntroRequest, intro_id)
    brief = await session.get(Brief, intro.brief_id) if intro is not None else None
    if intro is None or brief is None or intro.initiated_by != "atelier":
        raise IntroError("not_found")
    if brief.designer_id != designer.id:
        raise IntroError("not_your_brief")
    if intro.state != IntroState.REQUESTED:
        raise IntroError("already_answered")
    atelier = await session.get(Atelier, intro.atelier_id)
    owner = (
        await session.get(User, atelier.owner_id)
        if atelier is not None and atelier.owner_id
        else None
    )
    if accept:
        if owner is None or owner.deleted:
            raise IntroError("unavailable")
        return await intros.accept(
            session, intro_id=intro.id, owner=owner, now=now, designer_consented=True
        )
    intro.state = IntroState.DECLINED
    intro.answered_at = now
    await outbox.cancel(session, dedupe_key=outbox.intro_key(intro.id, "expire"), reason="declined")
    if owner is not None:
        await intros.about_intro(
            session, intro.id, IntroOfferDeclined, owner.id, "offer_declined", due_at=now
        )
    return intro


async def lapse_offer(
    session: AsyncSession, intro_id: int, *, now: datetime | None = None
) -> IntroRequest | None:
    """Seven days without the designer's answer. Returns the intro if the offer has lapsed (now or
    by an earlier attempt of the same delivery), None if it was answered meanwhile."""
    intro = await session.get(IntroRequest, intro_id)
    if intro is None or intro.initiated_by != "atelier":
        return None
    if intro.state == IntroState.REQUESTED:
        intro.state = IntroState.EXPIRED
        intro.answered_at = now or utcnow()
        await outbox.cancel(
            session, dedupe_key=outbox.intro_key(intro.id, "offer"), reason="lapsed"
        )
    return intro if intro.state == IntroState.EXPIRED else None
