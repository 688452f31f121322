"""Benchmark: one introduction request with a 10-photo pack to 5 ateliers, through the real
application and python-telegram-bot's HTTP stack, against a local Bot API server that enforces
Telegram's limits (30 messages/s overall, 1 per second per chat, an album counting one message
per item) and answers 429 when they are exceeded.

    .venv/bin/python benchmarks/bench_files.py [--photos 10] [--ateliers 5]

Measures the wall time from the requests' commit to the last photo in the last atelier's chat,
the 429 answers (there must be none) and the messages each chat got. The floor, in the same run
against the same server: the same text and album to as many other chats, sent by a plain PTB
`Bot` with the simplest pacing that keeps the same limits (each chat's album one interval after
its text, every message booked against the overall rate), all chats at once, no database.
"""

from __future__ import annotations

import argparse
import asyncio
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select
from telegram import Bot, InputMediaPhoto

from bot.app import stop_polling
from bot.core import users
from bot.db import create_engine, create_session_factory
from bot.db.base import utcnow
from bot.db.migrations import upgrade_async
from bot.db.models import Atelier, Brief, BriefState, FileRef, User
from bot.intros import service as intros
from localbotapi import LocalBotAPI
from tests.e2e.harness import TOKEN, make_settings, start_app

OVERALL = 30.0
PER_CHAT = 1.0
SLACK = 0.05  # the outbox pacer's own margin per interval


def png(shade: int) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + bytes([shade % 256, 90, 30]) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )  # fmt: skip


async def _seed(url: str, file_ids: list[str], owners: list[int]) -> tuple[int, list[str]]:
    engine = create_engine(url)
    await upgrade_async(engine)
    factory = create_session_factory(engine)
    async with factory() as session:
        designer = await users.ensure_user(session, 42, display_name="Ada")
        designer.role = "designer"
        brief = Brief(
            designer_id=designer.id, state=BriefState.OPEN, product_text="80 merino cardigans",
            category="knitwear", materials=["merino"], quantity=80, styles=3,
            confirmed_at=utcnow(),
        )  # fmt: skip
        session.add(brief)
        refs = []
        for n, telegram_id in enumerate(owners):
            owner = await users.ensure_user(session, telegram_id, display_name=f"Owner {n}")
            session.add(
                Atelier(
                    ref=f"B{n:03d}",
                    name=f"Atelier {n}",
                    country="IT",
                    moq=10,
                    max_batch=500,
                    lead_time_weeks=4,
                    owner_id=owner.id,
                    verified=True,
                )
            )
            refs.append(f"B{n:03d}")
        await session.flush()
        for position, file_id in enumerate(file_ids):
            session.add(
                FileRef(
                    purpose="brief",
                    owner_id=designer.id,
                    brief_id=brief.id,
                    kind="photo",
                    file_id=file_id,
                    position=position,
                    created_at=utcnow(),
                )
            )
        await session.commit()
        brief_id = brief.id
    await engine.dispose()
    return brief_id, refs


async def _request(url: str, brief_id: int, refs: list[str]) -> None:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    async with factory() as session:
        brief = await session.get(Brief, brief_id)
        designer = await session.scalar(select(User).where(User.telegram_id == 42))
        assert brief is not None and designer is not None
        for start in range(0, len(refs), intros.MAX_PER_REQUEST):
            await intros.request_intros(
                session, brief=brief, requester=designer,
                atelier_refs=refs[start : start + intros.MAX_PER_REQUEST],
            )  # fmt: skip
        await session.commit()
    await engine.dispose()


async def _until_delivered(
    api: LocalBotAPI, chats: list[int], per_chat: int, limit: float
) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if all(len(api.sent(chat)) >= per_chat for chat in chats):
            return time.perf_counter()
        await asyncio.sleep(0.01)
    raise RuntimeError("not everything arrived: " + repr([len(api.sent(c)) for c in chats]))


async def _floor(api: LocalBotAPI, file_ids: list[str], chats: list[int]) -> float:
    """The same messages, paced the simplest way that keeps the limits."""
    interval = 1.0 / PER_CHAT + SLACK
    overall = {"next": 0.0}
    loop = asyncio.get_running_loop()

    async def book(messages: int) -> None:
        now = loop.time()
        slot = max(now, overall["next"])
        overall["next"] = slot + messages / OVERALL
        await asyncio.sleep(slot - now)

    async with Bot(TOKEN, base_url=api.base_url) as bot:

        async def one(chat: int) -> None:
            await book(1)
            sent_text = loop.time()
            await bot.send_message(chat, "New introduction request … (the same text)")
            await asyncio.sleep(max(0.0, sent_text + interval - loop.time()))
            await book(len(file_ids))
            await bot.send_media_group(chat, [InputMediaPhoto(f) for f in file_ids])

        started = time.perf_counter()
        await asyncio.gather(*(one(chat) for chat in chats))
        return time.perf_counter() - started


async def run(photos: int, ateliers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        async with LocalBotAPI(global_limit_per_s=OVERALL, per_chat_limit_per_s=PER_CHAT) as api:
            file_ids = [api.files.add("photo", png(n)).file_id for n in range(photos)]
            owners = [700_000 + n for n in range(ateliers)]
            for chat in owners:
                api.set_user(chat)
            brief_id, refs = await _seed(url, file_ids, owners)
            settings = make_settings(
                url, send_rate_per_second=OVERALL, send_rate_per_chat_per_second=PER_CHAT,
                sweep_interval_seconds=0.05,
            )  # fmt: skip
            app = await start_app(api, settings)
            try:
                await asyncio.sleep(1.0)  # started, the first sweeps done
                started = time.perf_counter()
                await _request(url, brief_id, refs)
                done = await _until_delivered(api, owners, 1 + photos, limit=120)
                elapsed = done - started
                app_429 = api.too_many_requests
                received = [
                    [m.file_id for m in api.sent(chat) if m.kind == "photo"] for chat in owners
                ]
                assert all(r == file_ids for r in received), "every atelier gets the same files"
            finally:
                await stop_polling(app)
            floor_chats = [800_000 + n for n in range(ateliers)]
            for chat in floor_chats:
                api.set_user(chat)
            floor = await _floor(api, file_ids, floor_chats)
            return {
                "elapsed": elapsed,
                "floor": floor,
                "app_429": float(app_429),
                "floor_429": float(api.too_many_requests - app_429),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--ateliers", type=int, default=5)
    args = parser.parse_args()
    result = asyncio.run(run(args.photos, args.ateliers))
    print(
        f"intro request with a {args.photos}-photo pack to {args.ateliers} ateliers: "
        f"{result['elapsed']:.2f} s (floor {result['floor']:.2f} s), "
        f"429 answers: {result['app_429']:.0f} (floor {result['floor_429']:.0f})"
    )


if __name__ == "__main__":
    main()
