"""`bottega chat`: talk to the real bot in a terminal, without Telegram or a network.

It runs the same Application and handlers as `bottega run`, against an in-process local
Bot API server on loopback; bot messages are printed with numbered buttons, a number presses
a button of the latest message, anything else is sent as your message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console

from bot.app import build_application, start_polling, stop_polling
from bot.config import Settings
from localbotapi import CallbackAnswer, LocalBotAPI, SentMessage

LOCAL_TOKEN = "1000000:LOCAL-TERMINAL-CHAT"
QUIT = {"/quit", "/exit", ":q"}


@dataclass
class TerminalChat:
    console: Console
    user_id: int
    buttons: list[tuple[int, str]] = field(default_factory=list)

    def show(self, message: SentMessage) -> None:
        if message.chat_id != self.user_id or message.deleted:
            return
        if (
            message.edited
            and not message.buttons
            and (not message.text or message.history[-1:] == [message.text])
        ):
            return  # only the buttons were taken away: nothing new to read
        self.console.print()
        title = "[bold magenta]Bottega[/bold magenta]" + (
            " [dim](updated)[/dim]" if message.edited else ""
        )
        self.console.print(title)
        if message.kind == "photo":
            self.console.print(f"[dim][picture, {message.file_size or 0} bytes][/dim]")
        if message.text:
            self.console.print(message.plain_text, markup=False, highlight=False)
        if message.buttons:
            self.buttons = []
            for row in message.buttons:
                cells = []
                for label, data in row:
                    self.buttons.append((message.message_id, data))
                    cells.append(f"[cyan][{len(self.buttons)}][/cyan] {label}")
                self.console.print("   ".join(cells), highlight=False)

    def show_answer(self, answer: CallbackAnswer) -> None:
        if answer.text:
            self.console.print(f"[yellow]» {answer.text}[/yellow]", highlight=False)


async def run_chat(
    settings: Settings,
    *,
    user_id: int = 1,
    first_name: str = "Designer",
    language: str = "en",
    console: Console | None = None,
    read_line: Callable[[str], str] = input,
) -> None:
    console = console or Console()
    chat = TerminalChat(console=console, user_id=user_id)
    api = LocalBotAPI(on_outgoing=chat.show, on_answer=chat.show_answer)
    await api.start()
    application = build_application(settings, token=LOCAL_TOKEN, base_url=api.base_url)
    await start_polling(application)
    console.print(
        "[bold]Bottega terminal chat[/bold] – the real bot, locally. Type a message and press Enter; "
        "type a [cyan]number[/cyan] to press that button; [bold]/quit[/bold] to leave."
    )
    try:
        await api.user_sends(user_id, "/start", first_name=first_name, language_code=language)
        while True:
            await api.wait_idle(timeout=10)
            await asyncio.sleep(0.3)  # let the replies to the last update arrive before the prompt
            try:
                line = await asyncio.to_thread(read_line, "\n> ")
            except (EOFError, KeyboardInterrupt):
                break
            line = line.strip()
            if not line:
                continue
            if line in QUIT:
                break
            if line.isdigit() and 1 <= int(line) <= len(chat.buttons):
                message_id, data = chat.buttons[int(line) - 1]
                await api.user_presses(user_id, message_id, data)
            else:
                await api.user_sends(user_id, line)
    finally:
        await stop_polling(application)
        await api.stop()
    console.print("Bye!")
