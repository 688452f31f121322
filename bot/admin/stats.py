"""Numbers an operator watches: people, briefs and introductions by state, how often and how
fast ateliers answer, and the same as a chart (PNG bytes, rendered off-screen)."""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Atelier, Brief, BriefState, IntroRequest, IntroState, Role, User
from bot.i18n import t

# The median of the most recent answers is what an operator needs; bounded to stay cheap.
ANSWER_SAMPLE = 10_000


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

    @property
    def briefs(self) -> int:
        return sum(self.briefs_by_state.values())

    @property
    def intros(self) -> int:
        return sum(self.intros_by_state.values())


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
    return Stats(
        designers=designers,
        ateliers_live=live,
        ateliers_pending=pending,
        ateliers_paused=paused,
        briefs_by_state=briefs,
        intros_by_state=intros,
        acceptance_rate=rate,
        median_answer_time=median,
    )


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
