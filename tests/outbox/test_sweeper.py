"""The outbox sweeper: each delivery is sent once when due, survives a dead claimer, and every
Telegram answer (blocked, flood control, transient failure) ends in the right state."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox
from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from bot.digest.service import DigestBrief, WeeklyDigest
from bot.outbox.sweeper import LEASE, MAX_ATTEMPTS, claim_due, sweep
from tests.scheduling.helpers import T0, FakeBot, Ping, add_user, blocked, flaky, flooded

Factory = async_sessionmaker[AsyncSession]


async def _schedule(
    factory: Factory,
    recipient: User,
    key: str,
    due_in: timedelta,
    payload: outbox.Payload | None = None,
) -> None:
    async with factory() as session:
        await outbox.schedule(
            session,
            payload or Ping(),
            recipient_id=recipient.id,
            dedupe_key=key,
            due_at=T0 + due_in,
        )
        await session.commit()


async def _row(factory: Factory, key: str) -> Delivery:
    async with factory() as session:
        row = await session.scalar(select(Delivery).where(Delivery.dedupe_key == key))
        assert row is not None
        return row


async def test_a_delivery_is_sent_once_when_due_and_never_again(session_factory: Factory) -> None:
    ada = await add_user(session_factory, 501)
    await _schedule(session_factory, ada, "k:1", timedelta(hours=24))
    bot = FakeBot()

    early = await sweep(bot, session_factory, now=T0 + timedelta(hours=23, minutes=59))  # type: ignore[arg-type]
    on_time = await sweep(bot, session_factory, now=T0 + timedelta(hours=24))  # type: ignore[arg-type]
    later = await sweep(bot, session_factory, now=T0 + timedelta(hours=48))  # type: ignore[arg-type]

    assert (early.sent, on_time.sent, later.sent) == (0, 1, 0)
    assert bot.sent == [(501, "ping")]
    row = await _row(session_factory, "k:1")
    assert row.state == DeliveryState.SENT and row.sent_at is not None and row.attempts == 1


async def test_a_cancelled_delivery_is_never_sent(session_factory: Factory) -> None:
    ada = await add_user(session_factory, 502)
    await _schedule(session_factory, ada, "brief:9:nudge", timedelta(hours=24))
    async with session_factory() as session:
        assert await outbox.cancel(session, dedupe_key="brief:9:nudge", reason="intro requested")
        await session.commit()
    bot = FakeBot()
    await sweep(bot, session_factory, now=T0 + timedelta(days=3))  # type: ignore[arg-type]
    assert bot.sent == []
    assert (await _row(session_factory, "brief:9:nudge")).state == DeliveryState.CANCELLED


async def test_a_claim_by_a_process_that_died_is_retried_after_its_lease(
    session_factory: Factory,
) -> None:
    ada = await add_user(session_factory, 503)
    await _schedule(session_factory, ada, "k:lease", timedelta(0))
    # A process claims the row and dies before sending.
    assert await claim_due(session_factory, now=T0, worker="dead-process")
    bot = FakeBot()

    within = await sweep(
        bot, session_factory, now=T0 + LEASE - timedelta(seconds=1), worker="alive"
    )  # type: ignore[arg-type]
    after = await sweep(bot, session_factory, now=T0 + LEASE + timedelta(seconds=1), worker="alive")  # type: ignore[arg-type]

    assert (within.claimed, after.sent) == (0, 1)
    assert bot.sent == [(503, "ping")]
    row = await _row(session_factory, "k:lease")
    assert (row.state, row.claimed_by, row.attempts) == (DeliveryState.SENT, "alive", 2)


async def test_a_blocked_user_becomes_unreachable_and_their_deliveries_stop(
    session_factory: Factory,
) -> None:
    bea = await add_user(session_factory, 504)
    await _schedule(session_factory, bea, "k:now", timedelta(0))
    await _schedule(session_factory, bea, "k:tomorrow", timedelta(days=1))
    bot = FakeBot(fail={504: blocked()})

    report = await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]

    assert report.dropped == 1
    assert (await _row(session_factory, "k:now")).state == DeliveryState.CANCELLED
    assert (await _row(session_factory, "k:tomorrow")).state == DeliveryState.CANCELLED
    async with session_factory() as session:
        assert (await session.get(User, bea.id)).reachable is False  # type: ignore[union-attr]


async def test_flood_control_gives_the_row_back_without_using_an_attempt(
    session_factory: Factory,
) -> None:
    cleo = await add_user(session_factory, 505)
    await _schedule(session_factory, cleo, "k:flood", timedelta(0))
    bot = FakeBot(fail={505: flooded(7)})

    await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]
    row = await _row(session_factory, "k:flood")
    assert (row.state, row.attempts, row.due_at) == (
        DeliveryState.PENDING,
        0,
        T0 + timedelta(seconds=7),
    )

    bot.fail.clear()
    await sweep(bot, session_factory, now=T0 + timedelta(seconds=7))  # type: ignore[arg-type]
    assert bot.sent == [(505, "ping")]


async def test_transient_failures_back_off_then_give_up_with_the_reason(
    session_factory: Factory,
) -> None:
    dora = await add_user(session_factory, 506)
    await _schedule(session_factory, dora, "k:flaky", timedelta(0))
    bot = FakeBot(fail={506: flaky()})
    now = T0
    waits = []
    for _ in range(MAX_ATTEMPTS):
        await sweep(bot, session_factory, now=now)  # type: ignore[arg-type]
        row = await _row(session_factory, "k:flaky")
        if row.state != DeliveryState.PENDING:
            break
        waits.append(row.due_at - now)
        now = row.due_at
    assert waits == [timedelta(seconds=30 * 2**i) for i in range(MAX_ATTEMPTS - 1)]
    assert row.state == DeliveryState.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert "Bad Gateway" in (row.last_error or "")
    assert bot.sent == []


async def test_nothing_reaches_people_who_deleted_their_data_or_opted_out_of_the_digest(
    session_factory: Factory,
) -> None:
    gone = await add_user(session_factory, 507, deleted=True)
    quiet = await add_user(session_factory, 508, digest_opt_in=False)
    await _schedule(session_factory, gone, "k:gone", timedelta(0))
    await _schedule(
        session_factory,
        quiet,
        "digest:quiet",
        timedelta(0),
        WeeklyDigest("2026-W10", T0, briefs=(DigestBrief(brief_id=1, atelier_id=1),)),
    )
    await _schedule(session_factory, quiet, "k:quiet-followup", timedelta(0))
    bot = FakeBot()

    await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]

    assert bot.sent == [(508, "ping")]  # a follow-up still reaches a digest opt-out
    assert (await _row(session_factory, "k:gone")).state == DeliveryState.CANCELLED
    assert (await _row(session_factory, "digest:quiet")).state == DeliveryState.CANCELLED


async def test_a_stopping_application_gives_claimed_rows_back(session_factory: Factory) -> None:
    eva = await add_user(session_factory, 509)
    for n in range(5):
        await _schedule(session_factory, eva, f"k:stop:{n}", timedelta(0))
    bot = FakeBot()

    report = await sweep(bot, session_factory, now=T0, keep_going=lambda: False)  # type: ignore[arg-type]

    assert report.claimed == 0 and bot.sent == []
    states = {(await _row(session_factory, f"k:stop:{n}")).state for n in range(5)}
    assert states == {DeliveryState.PENDING}


async def _raw_row(factory: Factory, recipient: User, key: str, kind: str, payload: object) -> None:
    """A row as an older version of the bot (or a hand edit) may have left it."""
    async with factory() as session:
        session.add(
            Delivery(
                kind=kind, recipient_id=recipient.id, payload=payload, dedupe_key=key, due_at=T0
            )
        )
        await session.commit()


async def test_a_row_that_does_not_decode_fails_with_the_reason_and_is_not_sent(
    session_factory: Factory,
) -> None:
    fay = await add_user(session_factory, 510)
    await _raw_row(session_factory, fay, "k:bad", "intro_reminder", {"intro": 7})
    await _raw_row(session_factory, fay, "k:typed", "intro_reminder", {"intro_id": "7"})
    await _raw_row(session_factory, fay, "k:unknown", "carrier_pigeon", {})
    await _schedule(session_factory, fay, "k:fine", timedelta(0), Ping(n=3))
    bot = FakeBot()

    report = await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]

    assert bot.sent == [(510, "ping 3")]
    assert report.failed == 3
    bad = await _row(session_factory, "k:bad")
    assert bad.state == DeliveryState.FAILED
    assert bad.last_error == "intro_reminder payload: intro_id: Field required"
    typed = await _row(session_factory, "k:typed")
    assert typed.state == DeliveryState.FAILED and "intro_id" in (typed.last_error or "")
    unknown = await _row(session_factory, "k:unknown")
    assert (unknown.state, unknown.last_error) == (
        DeliveryState.FAILED,
        "unknown kind 'carrier_pigeon'",
    )


async def test_a_digest_row_written_before_payloads_were_typed_is_still_sent(
    session_factory: Factory,
) -> None:
    gil = await add_user(session_factory, 511)
    # Exactly what the planner wrote when payloads were dicts.
    old = {
        "week": "2026-W10",
        "through": "2026-03-02T07:00:00+00:00",
        "picks": [],
        "briefs": [
            {
                "brief_id": 4,
                "atelier_id": 9,
                "atelier_name": "Maglificio",
                "category": "knitwear",
                "quantity": 80,
                "quantity_high": None,
                "styles": 2,
                "materials": ["merino wool"],
                "deadline": "2026-05-11",
                "country": "IT",
                "region": None,
                "min_handwork_share": None,
                "certifications": [],
            }
        ],
    }
    await _raw_row(session_factory, gil, "digest:old", "digest", old)
    bot = FakeBot()

    report = await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]

    assert report.sent == 1
    [(chat, text)] = bot.sent
    assert chat == 511 and "merino" in text.lower() and "80" in text
    decoded = WeeklyDigest.decode(old)
    assert decoded.briefs[0].deadline == date(2026, 5, 11)
    assert WeeklyDigest.decode(decoded.encode()) == decoded


class _RecordingBot(FakeBot):
    """Before each send, reads what the database says was sent so far."""

    def __init__(self, factory: Factory, pause: float = 0.0) -> None:
        super().__init__()
        self.factory = factory
        self.pause = pause
        self.recorded_before_each: list[int] = []
        self.sending = asyncio.Event()

    async def send_message(self, chat_id: int, text: str, **kw: Any) -> None:
        async with self.factory() as session:
            recorded = await session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.state == DeliveryState.SENT)
            )
        self.recorded_before_each.append(int(recorded or 0))
        self.sending.set()
        if self.pause:
            await asyncio.sleep(self.pause)
        await super().send_message(chat_id, text, **kw)


async def test_each_send_is_recorded_before_the_next_one_starts(session_factory: Factory) -> None:
    people = [await add_user(session_factory, 520 + n) for n in range(6)]
    for n, person in enumerate(people):
        await _schedule(session_factory, person, f"k:seq:{n}", timedelta(0), Ping(n=n))
    bot = _RecordingBot(session_factory)

    report = await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]

    assert report.sent == 6
    # Whatever a kill -9 interrupts, at most the one message in flight lacks its outcome.
    assert bot.recorded_before_each == [0, 1, 2, 3, 4, 5]


async def test_a_live_sweeper_keeps_its_claims_past_the_lease(session_factory: Factory) -> None:
    people = [await add_user(session_factory, 530 + n) for n in range(4)]
    for n, person in enumerate(people):
        await _schedule(session_factory, person, f"k:long:{n}", timedelta(0))
    lease = timedelta(seconds=0.8)
    bot = _RecordingBot(session_factory, pause=0.4)  # four sends: twice the lease
    rival_claims: list[int] = []

    async def rival() -> None:
        # Another process sweeping meanwhile, on the real clock, from the first send on.
        await bot.sending.wait()
        while not sweeping.done():
            rival_claims.extend(
                await claim_due(session_factory, now=utcnow(), worker="rival", lease=lease)
            )
            await asyncio.sleep(0.1)

    sweeping = asyncio.ensure_future(
        sweep(
            bot,  # type: ignore[arg-type]
            session_factory,
            now=None,
            worker="alive",
            lease=lease,
            renew_every=timedelta(seconds=0.2),
        )
    )
    await asyncio.gather(sweeping, rival())

    assert sweeping.result().sent == 4
    assert rival_claims == []
    assert sorted(chat for chat, _ in bot.sent) == [530, 531, 532, 533]


# A digest row as the planner wrote it before a brief's work had one definition (`BriefWork`):
# every field, in the order they were declared then.
DIGEST_BEFORE_BRIEF_WORK = {
    "week": "2026-W49",
    "through": "2026-11-30T07:00:00+00:00",
    "picks": [],
    "briefs": [
        {
            "brief_id": 12,
            "atelier_id": 9,
            "atelier_name": "Maglificio",
            "category": "knitwear",
            "quantity": 60,
            "quantity_high": None,
            "styles": 3,
            "materials": ["merino wool"],
            "deadline": "2027-02-15",
            "country": "IT",
            "region": "Veneto",
            "min_handwork_share": 30,
            "certifications": ["gots"],
            "quantity_per": "colour",
            "colourways": 2,
            "sizes": 5,
            "size_range": "XS-XL",
            "has_pack": True,
        }
    ],
}


async def test_a_digest_row_written_before_briefs_work_had_one_definition_is_sent(
    session_factory: Factory,
) -> None:
    gil = await add_user(session_factory, 512)
    await _raw_row(session_factory, gil, "digest:w49", "digest", DIGEST_BEFORE_BRIEF_WORK)
    bot = FakeBot()

    report = await sweep(bot, session_factory, now=T0)  # type: ignore[arg-type]

    assert report.sent == 1
    [(chat, text)] = bot.sent
    assert chat == 512
    for line in (
        "Product: knitwear",
        "Quantity: 60 pieces per colour",
        "Styles: 3 · colourways per style: 2 · sizes: XS-XL",
        "In all: 360 pieces",
        "Needed by: February 15, 2027",
        "Where: Veneto, Italy",
        "Must have: at least 30 % handwork, GOTS",
        "Tech pack available on request.",
    ):
        assert line in text.splitlines()
    # Written again, a brief keeps the same fields and values (JSON objects have no order).
    written = WeeklyDigest.decode(DIGEST_BEFORE_BRIEF_WORK).encode()
    assert written["briefs"] == DIGEST_BEFORE_BRIEF_WORK["briefs"]
