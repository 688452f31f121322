"""PTB persistence backed by our database, so an interview survives a restart, a kill -9 and a
takeover by a standby process.

Only conversation states and `user_data` (the answers of an interview in progress) are kept;
everything else already lives in the real tables. They are not written in batches by PTB's
timer: `store_update` writes what one update changed into that update's own unit of work, so
the state is committed together with the update's effects and before its replies are sent
(the unit of work sends them after the commit). The same transaction records the update as
handled for its chat, so an update delivered again (long polling after a kill, a webhook
retry) is recognised and not applied twice.
"""

from __future__ import annotations

import functools
import json
import logging
from collections import defaultdict
from typing import Any, cast

from sqlalchemy import Executable, Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._handlers.conversationhandler import PendingState
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.db.base import utcnow
from bot.db.models import ConversationState
from bot.updates import chat_key

USER_DATA = "__user_data__"
# One row per chat: the id of the last update handled there (updates of a chat arrive and are
# handled in order, so a higher-water mark is enough to recognise a redelivery).
HANDLED = "__handled__"
log = logging.getLogger(__name__)

StoredKey = tuple[str, str]


def _json_safe(data: dict[Any, Any]) -> dict[str, Any]:
    # Only JSON-safe interview answers are kept; anything else is transient by design.
    safe: dict[str, Any] = json.loads(json.dumps(data, default=lambda _: None))
    return safe


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Loads states at start; writes them per update through `store_update`. PTB's own
    periodic writes are no-ops: a batch written a second later could be lost to a kill, or
    land after (and over) a newer state."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            # Nothing is left for PTB's timer to write (see store_update).
            update_interval=3600.0,
        )
        self._sessions = session_factory
        # What is stored for each (name, key) as far as this process knows: the JSON text of
        # the state, or None once deleted; unchanged states are not written again.
        self._stored: dict[StoredKey, str | None] = {}
        self._handled: dict[str, int] = {}

    # ----------------------------------------------------------------- per update

    async def already_handled(self, session: AsyncSession, update: Update) -> bool:
        """Whether this update (or a later one of its chat) was handled and committed before."""
        chat = chat_key(update)
        if chat is None:
            return False
        key = str(chat)
        last = self._handled.get(key)
        if last is None:
            row = await session.get(ConversationState, (HANDLED, key))
            last = int(row.state.get("update_id", 0)) if row is not None else 0
            self._handled[key] = last
        return update.update_id <= last

    async def store_update(
        self,
        session: AsyncSession,
        application: Application[Any, Any, Any, Any, Any, Any],
        update: object,
    ) -> dict[StoredKey, str | None]:
        """Write, in `session`'s transaction, the conversation states and user data this update
        left behind and the mark that it was handled. Returns what was written, for
        `remember` once the transaction is committed."""
        if not isinstance(update, Update):
            return {}
        changes: dict[StoredKey, dict[str, Any] | None] = {}
        for handler in _persistent_conversations(application):
            try:
                conversation = handler._get_key(update)
            except RuntimeError:
                continue
            state = handler._conversations.get(conversation)
            if isinstance(state, PendingState):
                continue  # a non-blocking callback still running: its end is stored later
            key = (handler.name or "", json.dumps(list(conversation)))
            changes[key] = None if state is None else {"state": state}
        user = update.effective_user
        if user is not None:
            data = application.user_data.get(user.id)
            safe = _json_safe(data) if data else {}
            changes[(USER_DATA, str(user.id))] = safe or None
        written: dict[StoredKey, str | None] = {}
        for key, value in changes.items():
            text = None if value is None else json.dumps(value, sort_keys=True)
            # Everything stored was loaded at start, so a key never seen is not stored either.
            if self._stored.get(key) == text:
                continue
            written[key] = text
        chat = chat_key(update)
        upserts = [
            {"name": name, "key": row, "state": json.loads(text), "updated_at": utcnow()}
            for (name, row), text in written.items()
            if text is not None
        ]
        if chat is not None:
            upserts.append(
                {
                    "name": HANDLED,
                    "key": str(chat),
                    "state": {"update_id": update.update_id},
                    "updated_at": utcnow(),
                }
            )
        if upserts:
            await _upsert(session, upserts)
        for (name, row), text in written.items():
            if text is None:
                await session.execute(
                    delete(ConversationState).where(
                        ConversationState.name == name, ConversationState.key == row
                    )
                )
        if chat is not None:
            written[(HANDLED, str(chat))] = str(update.update_id)
        return written

    def remember(self, written: dict[StoredKey, str | None]) -> None:
        """`written` is committed: later updates need not write it again."""
        for (name, key), text in written.items():
            if name == HANDLED and text is not None:
                self._handled[key] = max(self._handled.get(key, 0), int(text))
            else:
                self._stored[(name, key)] = text

    def forget_written(self) -> None:
        """A commit failed: what this process thinks is stored may not be."""
        self._stored.clear()
        self._handled.clear()

    # ----------------------------------------------------------------- PTB's interface

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ConversationState).where(ConversationState.name == name)
            )
            conversations: ConversationDict = {}
            for row in rows.all():
                key = tuple(json.loads(row.key))
                conversations[key] = row.state.get("state")
                self._stored[(name, row.key)] = json.dumps(row.state, sort_keys=True)
            return conversations

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        return None  # written by store_update, with the update that changed it

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ConversationState).where(ConversationState.name == USER_DATA)
            )
            data: dict[int, dict[Any, Any]] = defaultdict(dict)
            for row in rows.all():
                data[int(row.key)] = dict(row.state)
                self._stored[(USER_DATA, row.key)] = json.dumps(row.state, sort_keys=True)
            return data

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None  # written by store_update

    async def drop_user_data(self, user_id: int) -> None:
        return None  # forget_user deletes it

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
        """Nothing is queued: every state was written with its update."""
        return None

    async def forget_user(self, telegram_id: int) -> None:
        """Remove every stored conversation and answer of one user (for /delete_me)."""
        async with self._sessions() as session:
            await session.execute(
                delete(ConversationState).where(
                    ConversationState.name.in_([USER_DATA, HANDLED]),
                    ConversationState.key == str(telegram_id),
                )
            )
            rows = await session.scalars(
                select(ConversationState).where(
                    ConversationState.name != USER_DATA, ConversationState.name != HANDLED
                )
            )
            for row in rows.all():
                key = json.loads(row.key)
                if isinstance(key, list) and telegram_id in key:
                    await session.delete(row)
            await session.commit()
        for name, key in list(self._stored):
            parsed = json.loads(key)
            if parsed == telegram_id or (isinstance(parsed, list) and telegram_id in parsed):
                del self._stored[(name, key)]
        self._handled.pop(str(telegram_id), None)


def _persistent_conversations(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> list[ConversationHandler[Any]]:
    return [
        handler
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, ConversationHandler) and handler.persistent and handler.name
    ]


async def _upsert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(_upsert_statement(session.get_bind().dialect.name), rows)


@functools.cache
def _upsert_statement(dialect: str) -> Executable:
    """Built once per dialect: building `excluded` again for every update cost more than
    running the statement."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # On the table, not the mapped class: the ORM's bulk path costs more than the statement.
    statement = insert(cast(Table, ConversationState.__table__))
    return statement.on_conflict_do_update(
        index_elements=["name", "key"],
        set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at},
    )
