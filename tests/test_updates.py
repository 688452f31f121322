"""One person's updates run in order; different people's run at the same time."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.updates import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "Ada", is_bot=False)
    return Update(
        update_id, message=Message(update_id, date=None, chat=chat, from_user=user, text="hi")
    )  # type: ignore[arg-type]


async def test_same_chat_is_sequential_and_other_chats_overlap() -> None:
    processor = PerChatUpdateProcessor(16)
    log: list[str] = []
    running: set[int] = set()
    overlap: list[set[int]] = []

    async def handle(name: str, chat: int) -> None:
        running.add(chat)
        overlap.append(set(running))
        log.append(f"start {name}")
        await asyncio.sleep(0.02)
        log.append(f"end {name}")
        running.discard(chat)

    await asyncio.gather(
        processor.process_update(_update(1, 10), handle("a1", 10)),
        processor.process_update(_update(2, 10), handle("a2", 10)),
        processor.process_update(_update(3, 20), handle("b1", 20)),
    )
    assert log.index("end a1") < log.index("start a2")
    assert any(s == {10, 20} for s in overlap), "different chats should run concurrently"
    assert processor._locks == {}, "idle chats are forgotten"
