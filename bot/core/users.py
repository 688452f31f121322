"""People who talk to the bot: created on first contact, language, role, reachability."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from bot.i18n import pick_language

LAST_SEEN_RESOLUTION = timedelta(hours=1)


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def ensure_user(
    session: AsyncSession,
    telegram_id: int,
    *,
    language_code: str | None = None,
    display_name: str | None = None,
) -> User:
    """The user for a Telegram id, created on first contact; seeing them again marks them reachable."""
    user = await by_telegram_id(session, telegram_id)
    now = utcnow()
    if user is None:
        user = User(
            telegram_id=telegram_id,
            language=pick_language(language_code),
            display_name=(display_name or "")[:128] or None,
            last_seen_at=now,
        )
        session.add(user)
        await session.flush()
    else:
        # Only write when something changed: this runs on many updates.
        if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_RESOLUTION:
            user.last_seen_at = now
        if not user.reachable:
            user.reachable = True
        if display_name and not user.display_name:
            user.display_name = display_name[:128]
    return user


async def set_language(session: AsyncSession, user: User, language: str) -> None:
    user.language = pick_language(language)
    await session.flush()


async def mark_unreachable(session: AsyncSession, telegram_id: int) -> None:
    """The user blocked the bot: stop every pending delivery to them."""
    user = await by_telegram_id(session, telegram_id)
    if user is None:
        return
    user.reachable = False
    await session.execute(
        update(Delivery)
        .where(Delivery.recipient_id == user.id, Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.CANCELLED, last_error="recipient unreachable")
    )
    await session.flush()
