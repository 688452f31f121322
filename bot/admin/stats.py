"""Numbers an operator watches: people, briefs and introductions by state, how often and how
fast ateliers answer, how many briefs carry a pack and ateliers a portfolio (and whether a
request with a pack is accepted more often), and the same as a chart (PNG bytes, rendered
off-screen). Every number is counted by the database: memory stays flat however many rows."""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Atelier,
    Brief,
    BriefState,
    FilePurpose,
    FileRef,
    IntroRequest,
    IntroState,
    Role,
    User,
)
from bot.i18n import t

# The median of the most recent answers is what an operator needs; bounded to stay cheap.
ANSWER_SAMPLE = 10_000
# Answered requests each side (with a pack, without) needs before their acceptance rates are
# compared: below it a percentage says more about chance than about packs.
PACK_COMPARISON_MIN = 10
_DECIDED = (IntroState.ACCEPTED, IntroState.DECLINED, IntroState.EXPIRED)


@dataclass(frozen=True, slots=True)
class Decided:
    """Introduction requests that got an answer (accepted, declined, or expired unanswered)."""

    accepted: int = 0
    decided: int = 0

    @property
    def rate(self) -> float | None:
        return self.accepted / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class Stats:
    designers: int
    ateliers_live: int
    ateliers_pending: int
    ateliers_paused: int
    briefs_by_state: dict[str, int] = field(default_factory=dict)
    intros_by_state: dict[str, int] = field(default_factory=dict)
    acceptance_rate: float | None = None  # accepted / (accepted + declined + expired)
    median_answer_time: timedelta | None = None
    briefs_with_pack: int = 0
    ateliers_with_portfolio: int = 0  # listed ones, as the atelier counts above
    # Requests whose brief had a pack when they were made, and the others.
    with_pack: Decided = Decided()
    without_pack: Decided = Decided()

    @property
    def briefs(self) -> int:
        return sum(self.briefs_by_state.values())

    @property
    def intros(self) -> int:
        return sum(self.intros_by_state.values())

    @property
    def ateliers_listed(self) -> int:
        return self.ateliers_live + self.ateliers_pending + self.ateliers_paused

    @property
    def pack_comparable(self) -> bool:
        """Whether both sides have enough answers for their rates to be worth comparing."""
        return min(self.with_pack.decided, self.without_pack.decided) >= PACK_COMPARISON_MIN


def duration_text(value: timedelta | None, lang: str) -> str:
    """A time to answer as people read it ("1 min", "3.5 h", "2.5 days"), the same in the bot's
    /stats and in `bottega stats`."""
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return t("admin.minutes", lang, minutes=max(1, round(hours * 60)))
    if hours < 48:
        return t("admin.hours", lang, hours=round(hours, 1))
    return t("admin.days", lang, days=round(hours / 24, 1))


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f} %"


def files_text(stats: Stats, lang: str) -> str:
    """Packs and portfolios, and acceptance with a pack or without, in the bot's /stats."""
    counts = t(
        "admin.stats_files",
        lang,
        packs=stats.briefs_with_pack,
        briefs=stats.briefs,
        portfolios=stats.ateliers_with_portfolio,
        ateliers=stats.ateliers_listed,
    )
    sides = {
        "with_count": stats.with_pack.decided,
        "without_count": stats.without_pack.decided,
    }
    if not stats.pack_comparable:
        return (
            counts + "\n" + t("admin.stats_pack_too_few", lang, needed=PACK_COMPARISON_MIN, **sides)
        )
    return (
        counts
        + "\n"
        + t(
            "admin.stats_pack_rates",
            lang,
            with_rate=percent(stats.with_pack.rate),
            without_rate=percent(stats.without_pack.rate),
            **sides,
        )
    )


async def _count(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(Atelier).where(*conditions)) or 0
    )


async def collect(session: AsyncSession) -> Stats:
    designers = int(
        await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.DESIGNER, User.deleted.is_(False))
        )
        or 0
    )
    listed = Atelier.listed.is_(True)
    live = await _count(session, listed, Atelier.verified.is_(True), Atelier.paused.is_(False))
    pending = await _count(session, listed, Atelier.verified.is_(False))
    paused = await _count(session, listed, Atelier.verified.is_(True), Atelier.paused.is_(True))
    briefs = dict.fromkeys((s.value for s in BriefState), 0)
    for state, count in (
        await session.execute(select(Brief.state, func.count()).group_by(Brief.state))
    ).all():
        briefs[state] = int(count)
    intros = dict.fromkeys((s.value for s in IntroState), 0)
    for state, count in (
        await session.execute(select(IntroRequest.state, func.count()).group_by(IntroRequest.state))
    ).all():
        intros[state] = int(count)
    decided = intros[IntroState.ACCEPTED] + intros[IntroState.DECLINED] + intros[IntroState.EXPIRED]
    rate = intros[IntroState.ACCEPTED] / decided if decided else None
    answered = await session.execute(
        select(IntroRequest.requested_at, IntroRequest.answered_at)
        .where(
            IntroRequest.state.in_([IntroState.ACCEPTED, IntroState.DECLINED]),
            IntroRequest.answered_at.is_not(None),
        )
        .order_by(IntroRequest.answered_at.desc())
        .limit(ANSWER_SAMPLE)
    )
    waits = [
        (answered_at - requested_at).total_seconds()
        for requested_at, answered_at in answered.all()
        if answered_at is not None
    ]
    median = timedelta(seconds=statistics.median(waits)) if waits else None
    with_pack, without_pack = await _decided_by_pack(session)
    return Stats(
        designers=designers,
        ateliers_live=live,
        ateliers_pending=pending,
        ateliers_paused=paused,
        briefs_by_state=briefs,
        intros_by_state=intros,
        acceptance_rate=rate,
        median_answer_time=median,
        briefs_with_pack=await _briefs_with_pack(session),
        ateliers_with_portfolio=await _ateliers_with_portfolio(session),
        with_pack=with_pack,
        without_pack=without_pack,
    )


async def _briefs_with_pack(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count(FileRef.brief_id.distinct())).where(
                FileRef.purpose == FilePurpose.BRIEF, FileRef.brief_id.is_not(None)
            )
        )
        or 0
    )


async def _ateliers_with_portfolio(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count(FileRef.atelier_id.distinct()))
            .join(Atelier, Atelier.id == FileRef.atelier_id)
            .where(FileRef.purpose == FilePurpose.PORTFOLIO, Atelier.listed.is_(True))
        )
        or 0
    )


async def _decided_by_pack(session: AsyncSession) -> tuple[Decided, Decided]:
    """Answered requests whose brief had a pack when they were made (a file kept before the
    request went with it), and the others: counted by the database in one grouped query."""
    had_pack = (
        exists()
        .where(
            FileRef.brief_id == IntroRequest.brief_id,
            FileRef.purpose == FilePurpose.BRIEF,
            FileRef.created_at <= IntroRequest.requested_at,
        )
        .label("had_pack")
    )
    answered = (
        select(IntroRequest.state, had_pack).where(IntroRequest.state.in_(_DECIDED)).subquery()
    )
    counts: dict[bool, dict[str, int]] = {True: {}, False: {}}
    for state, pack, count in (
        await session.execute(
            select(answered.c.state, answered.c.had_pack, func.count()).group_by(
                answered.c.state, answered.c.had_pack
            )
        )
    ).all():
        counts[bool(pack)][state] = int(count)
    with_pack, without_pack = (
        Decided(
            accepted=counts[side].get(IntroState.ACCEPTED, 0), decided=sum(counts[side].values())
        )
        for side in (True, False)
    )
    return with_pack, without_pack


def render_chart(
    stats: Stats,
    *,
    titles: tuple[str, str] = ("Briefs", "Introductions"),
    orders: tuple[str, dict[str, int]] | None = None,
) -> bytes:
    """Bar charts (briefs and introductions by state, and orders by state when given, with its
    title) as a PNG, without any display."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = [
        (titles[0], stats.briefs_by_state, "#7a5c3e"),
        (titles[1], stats.intros_by_state, "#3e6a7a"),
    ]
    if orders is not None:
        panels.append((orders[0], orders[1], "#5e7a3e"))
    figure = Figure(figsize=(4 * len(panels), 3.6), dpi=100)
    FigureCanvasAgg(figure)
    for position, (title, counts, colour) in enumerate(panels, start=1):
        axes = figure.add_subplot(1, len(panels), position)
        labels = list(counts)
        values = [counts[k] for k in labels]
        bars = axes.bar(labels, values, color=colour)
        axes.bar_label(bars, padding=2, fontsize=8)
        axes.set_title(title)
        axes.tick_params(axis="x", labelrotation=30, labelsize=8)
        axes.set_ylim(0, max([*values, 1]) * 1.2)
        axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
