"""Small builders for scheduling tests: people, ateliers, briefs and a bot that records sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import Forbidden, NetworkError, RetryAfter

from bot.core.renderers import Outgoing, Rendering, register_renderers
from bot.db.models import Atelier, Brief, BriefState, User
from bot.outbox import Payload

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday


class Ping(Payload, kind="test_ping"):
    """A test-only delivery: "ping", or "ping <n>"."""

    n: int | None = None


PING = Ping.kind


async def _render_ping(_session: AsyncSession, message: Ping, _user: User) -> Outgoing | None:
    return Outgoing(f"ping {'' if message.n is None else message.n}".strip())


register_renderers([Rendering(Ping, _render_ping)])


async def add_user(
    session_factory: async_sessionmaker[AsyncSession],
    telegram_id: int,
    **values: Any,
) -> User:
    async with session_factory() as session:
        user = User(telegram_id=telegram_id, language=values.pop("language", "en"), **values)
        session.add(user)
        await session.commit()
        return user


def atelier(ref: str, **values: Any) -> Atelier:
    defaults: dict[str, Any] = {
        "ref": ref,
        "name": f"Maglificio {ref}",
        "country": "IT",
        "region": "Veneto",
        "city": "Treviso",
        "specialties": ["knitwear"],
        "materials": ["merino wool"],
        "techniques": ["hand finishing"],
        "moq": 30,
        "max_batch": 500,
        "monthly_capacity": 1000,
        "lead_time_weeks": 6,
        "handwork_share": 80,
        "languages": ["it", "en"],
        "contact": f"{ref.lower()}@example.com",
        "description": "Knitwear workshop: merino cardigans and sweaters, hand finished.",
        "category_ids": ["knitwear"],
    }
    defaults.update(values)
    return Atelier(**defaults)


def knitwear_brief(designer_id: int, confirmed_at: datetime, **values: Any) -> Brief:
    defaults: dict[str, Any] = {
        "designer_id": designer_id,
        "state": BriefState.OPEN,
        "product_text": "merino cardigans, hand finished",
        "category": "knitwear",
        "materials": ["merino"],
        "quantity": 80,
        "country": "IT",
        "confirmed_at": confirmed_at,
        "created_at": confirmed_at,
    }
    defaults.update(values)
    return Brief(**defaults)


@dataclass
class FakeBot:
    """Records what would be sent; `fail` maps chat ids to the error their sends raise."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    fail: dict[int, Exception] = field(default_factory=dict)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        error = self.fail.get(chat_id)
        if error is not None:
            raise error
        self.sent.append((chat_id, text))

    async def send_photo(self, chat_id: int, *_: Any, **__: Any) -> None:
        self.sent.append((chat_id, "[photo]"))


def blocked() -> Exception:
    return Forbidden("Forbidden: bot was blocked by the user")


def flaky() -> Exception:
    return NetworkError("Bad Gateway")


def flooded(seconds: int = 7) -> Exception:
    return RetryAfter(timedelta(seconds=seconds))
