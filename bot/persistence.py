"""PTB persistence backed by our database, so an interview survives a restart.

Only conversation states and `user_data` (the answers of an interview in progress) are kept;
everything else already lives in the real tables.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.db.base import utcnow
from bot.db.models import ConversationState

USER_DATA = "__user_data__"
log = logging.getLogger(__name__)


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Writes are queued and stored by one writer task in one transaction per batch: under load
    thousands of conversations change every second, and one transaction for all of them keeps
    the database (SQLite above all, with its single writer) out of lock contention."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], update_interval: float = 1.0
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._sessions = session_factory
        self._pending: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._writer: asyncio.Task[None] | None = None

    async def _put(self, name: str, key: str, state: dict[str, Any] | None) -> None:
        self._pending[(name, key)] = state
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                await self._store(batch)
            except Exception:
                log.exception("could not store %d conversation states; will retry", len(batch))
                for key, value in batch.items():
                    self._pending.setdefault(key, value)
                await asyncio.sleep(1.0)

    async def _store(self, batch: dict[tuple[str, str], dict[str, Any] | None]) -> None:
        now = utcnow()
        upserts = [
            {"name": name, "key": key, "state": state, "updated_at": now}
            for (name, key), state in batch.items()
            if state is not None
        ]
        deletions = [(name, key) for (name, key), state in batch.items() if state is None]
        async with self._sessions() as session:
            if upserts:
                dialect = session.get_bind().dialect.name
                insert = pg_insert if dialect == "postgresql" else sqlite_insert
                statement = insert(ConversationState)
                statement = statement.on_conflict_do_update(
                    index_elements=["name", "key"],
                    set_={
                        "state": statement.excluded.state,
                        "updated_at": statement.excluded.updated_at,
                    },
                )
                await session.execute(statement, upserts)
            for name, key in deletions:
                await session.execute(
                    delete(ConversationState).where(
                        ConversationState.name == name, ConversationState.key == key
                    )
                )
            await session.commit()

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ConversationState).where(ConversationState.name == name)
            )
            return {tuple(json.loads(r.key)): r.state.get("state") for r in rows.all()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        await self._put(
            name, json.dumps(list(key)), None if new_state is None else {"state": new_state}
        )

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ConversationState).where(ConversationState.name == USER_DATA)
            )
            return defaultdict(dict, {int(r.key): dict(r.state) for r in rows.all()})

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        # Only JSON-safe interview answers are kept; anything else is transient by design.
        safe = json.loads(json.dumps(data, default=lambda _: None))
        await self._put(USER_DATA, str(user_id), safe or None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._put(USER_DATA, str(user_id), None)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return defaultdict(dict)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def flush(self) -> None:
        """Store everything still queued (PTB calls this when the application stops)."""
        while self._writer is not None and not self._writer.done():
            await self._writer
        if self._pending:
            await self._write_pending()

    async def forget_user(self, telegram_id: int) -> None:
        """Remove every stored conversation and answer of one user (for /delete_me)."""
        await self.flush()
        async with self._sessions() as session:
            await session.execute(
                delete(ConversationState).where(
                    ConversationState.name == USER_DATA, ConversationState.key == str(telegram_id)
                )
            )
            rows = await session.scalars(
                select(ConversationState).where(ConversationState.name != USER_DATA)
            )
            for row in rows.all():
                if telegram_id in json.loads(row.key):
                    await session.delete(row)
            await session.commit()
