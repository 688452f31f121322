"""PTB persistence backed by our database, so an interview survives a restart.

Only conversation states and `user_data` (the answers of an interview in progress) are kept;
everything else already lives in the real tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.db.models import ConversationState

USER_DATA = "__user_data__"


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
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

    async def _put(self, name: str, key: str, state: dict[str, Any] | None) -> None:
        async with self._sessions() as session:
            row = await session.get(ConversationState, (name, key))
            if state is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(ConversationState(name=name, key=key, state=state))
            else:
                row.state = state
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
        return None

    async def forget_user(self, telegram_id: int) -> None:
        """Remove every stored conversation and answer of one user (for /delete_me)."""
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
