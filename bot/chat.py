"""`bottega chat`: talk to the real bot in a terminal, without Telegram or a network.

It runs the same Application and handlers as `bottega run`, against an in-process local
Bot API server on loopback. Bot messages are printed with numbered buttons; a number presses
a button of your latest message that still has them; anything else is sent as your message.

One terminal can play several people: `/as NAME` (optionally `/as NAME it`) switches to
another one, so both sides of an introduction can be watched. Messages to the others are
shown too, headed with their name. A name always stands for the same Telegram id, so
someone played in an earlier session comes back as themselves.

`/file PATH [caption]` sends a file from this computer as the person played: a picture (jpg,
png, webp) as a photo, anything else as a document with its name and type, the way a Telegram
app sends them, so a tech pack can be sent from the terminal. A path with spaces may be quoted.
"""

from __future__ import annotations

import asyncio
import mimetypes
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bot.app import build_application, start_polling, stop_polling
from bot.config import Settings
from localbotapi import CallbackAnswer, LocalBotAPI, SentMessage
from localbotapi.files import BOT_DOWNLOAD_LIMIT, image_size

LOCAL_TOKEN = "1000000:LOCAL-TERMINAL-CHAT"
QUIT = {"/quit", "/exit", ":q"}
SWITCH = "/as"
SEND_FILE = "/file"
# What a Telegram app sends as a photo (compressed, without its name); anything else goes as a
# document with its name and type.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
# The size of a photo whose header says none (Telegram's usual largest size).
DEFAULT_PHOTO_SIZE = (1280, 960)
FILE_USAGE = (
    "/file PATH [caption] sends a file as the person you play: a jpg, png or webp picture as a "
    'photo, anything else as a document. Quote a path with spaces: /file "my pack.pdf" v2'
)
QUIET = 0.3  # seconds without a new message after which a reply counts as complete
# Ids of people named with /as: far above the small ids people pass with --user-id.
NAMED_IDS_FROM = 1_000_000


def named_id(name: str) -> int:
    """The Telegram id a name plays, the same in every session."""
    return NAMED_IDS_FROM + zlib.crc32(name.strip().casefold().encode()) % 900_000_000


@dataclass
class Person:
    user_id: int
    name: str
    language: str


@dataclass
class TerminalChat:
    console: Console
    user_id: int
    people: dict[int, Person] = field(default_factory=dict)
    # Per person: the buttons a number presses, and the message that carries them.
    keyboards: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    keyboard_of: dict[int, int] = field(default_factory=dict)
    # Where pictures and documents the bot sends are saved, so they can be opened.
    files_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "bottega-chat")
    seen: int = 0  # messages, edits and answers shown so far
    shown: asyncio.Event = field(default_factory=asyncio.Event)

    def _saw(self) -> None:
        self.seen += 1
        self.shown.set()

    async def _shows_within(self, seconds: float) -> bool:
        self.shown.clear()
        try:
            await asyncio.wait_for(self.shown.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def settle(self, api: LocalBotAPI, before: int, *, first_within: float = 5.0) -> None:
        """Wait for the bot's reply to what was typed when `before` things had been shown, then
        until it stays quiet briefly: the prompt, and what a number presses, follow the reply."""
        await api.wait_idle(timeout=10)
        if self.seen == before and not await self._shows_within(first_within):
            return
        while await self._shows_within(QUIET):
            pass

    @property
    def buttons(self) -> list[tuple[int, str]]:
        """The buttons a number presses now: the current person's latest keyboard."""
        return self.keyboards.get(self.user_id, [])

    def _drop_keyboard(self, message: SentMessage) -> None:
        if self.keyboard_of.get(message.chat_id) == message.message_id:
            self.keyboards.pop(message.chat_id, None)
            self.keyboard_of.pop(message.chat_id, None)

    def show(self, message: SentMessage) -> None:
        self._saw()
        if message.deleted or (message.edited and not message.buttons):
            # The keyboard is gone (or the message): its numbers press nothing any more.
            self._drop_keyboard(message)
        if message.deleted:
            return
        if (
            message.edited
            and not message.buttons
            and (not message.text or message.history[-1:] == [message.text])
        ):
            return  # only the buttons were taken away: nothing new to read
        mine = message.chat_id == self.user_id
        self.console.print()
        title = "[bold magenta]Bottega[/bold magenta]"
        if not mine:
            person = self.people.get(message.chat_id)
            if person is None:
                title += f" [bold]→ Telegram id {message.chat_id}[/bold]"
            else:
                who = escape(person.name)
                title += f" [bold]→ {who}[/bold] [dim](/as {who} to answer)[/dim]"
        if message.edited:
            title += " [dim](updated)[/dim]"
        self.console.print(title)
        if message.kind in ("photo", "document"):
            self._show_file(message)
        if message.text:
            self.console.print(message.plain_text, markup=False, highlight=False)
        if message.buttons:
            keyboard: list[tuple[int, str]] = []
            for row in message.buttons:
                cells = []
                for label, data in row:
                    keyboard.append((message.message_id, data))
                    cells.append(f"[cyan][{len(keyboard)}][/cyan] {escape(label)}")
                self.console.print("   ".join(cells), highlight=False)
            self.keyboards[message.chat_id] = keyboard
            self.keyboard_of[message.chat_id] = message.message_id

    def _show_file(self, message: SentMessage) -> None:
        """A picture or document the bot sent, saved to a file whose path is printed (a terminal
        cannot show it; printed as plain text so nothing in it is read as markup)."""
        what = "picture" if message.kind == "photo" else "document"
        if message.file_data is None:
            self.console.print(f"[{what}, {message.file_size or 0} bytes]", markup=False)
            return
        name = message.file_name or ("picture.png" if message.kind == "photo" else "document")
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"{message.chat_id}-{message.message_id}-{safe}"
        path.write_bytes(message.file_data)
        self.console.print(
            f"[{what}, {len(message.file_data)} bytes, saved to {path}]",
            markup=False,
            highlight=False,
        )

    def show_answer(self, answer: CallbackAnswer) -> None:
        self._saw()
        if answer.text:
            self.console.print(f"[yellow]» {escape(answer.text)}[/yellow]", highlight=False)


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file from this computer, read as a Telegram app would send it."""

    path: Path
    kind: str  # photo or document
    data: bytes  # empty when larger than a bot may download: nobody could fetch the bytes
    size: int
    mime_type: str
    width: int = 0
    height: int = 0


class UnsendableFileError(Exception):
    """The line to print instead of sending: the path is missing, a folder, unreadable…"""


def split_file_command(rest: str) -> tuple[str, str | None]:
    """The path and caption of `/file PATH [caption]`: a quoted path, or the longest run of
    words that names an existing file (so a path with spaces works unquoted), or the first."""
    rest = rest.strip()
    if rest[:1] in {'"', "'"}:
        end = rest.find(rest[0], 1)
        if end > 0:
            return rest[1:end], rest[end + 1 :].strip() or None
    words = rest.split(" ")
    for count in range(len(words), 0, -1):
        candidate = " ".join(words[:count])
        if Path(candidate).expanduser().is_file():
            return candidate, " ".join(words[count:]).strip() or None
    return words[0], " ".join(words[1:]).strip() or None


def read_local_file(raw_path: str) -> LocalFile:
    """The file at `raw_path`, or UnsendableFileError saying why it cannot be sent."""
    path = Path(raw_path).expanduser()
    try:
        if path.is_dir():
            raise UnsendableFileError(f"{path} is a folder, not a file; nothing was sent.")
        if not path.exists():
            raise UnsendableFileError(f"There is no file at {path}; nothing was sent.")
        size = path.stat().st_size
        if size == 0:
            raise UnsendableFileError(
                f"{path} is empty, and Telegram sends no empty files; nothing was sent."
            )
        # A file too big for a bot to download is announced with its size, as Telegram does,
        # without reading it.
        data = path.read_bytes() if size <= BOT_DOWNLOAD_LIMIT else b""
    except OSError as exc:
        raise UnsendableFileError(
            f"Cannot read {path}: {exc.strerror or exc}; nothing was sent."
        ) from exc
    if path.suffix.lower() in PHOTO_SUFFIXES:
        width, height = image_size(data) or DEFAULT_PHOTO_SIZE
        mime = mimetypes.guess_type(path.name)[0] or "image/jpeg"
        return LocalFile(path, "photo", data, size, mime, width, height)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return LocalFile(path, "document", data, size, mime)


async def send_local_file(
    api: LocalBotAPI, user_id: int, file: LocalFile, caption: str | None
) -> int:
    """Send the file as the user, through the same simulated-user updates the tests use."""
    if file.kind == "photo":
        return await api.user_sends_photo(
            user_id,
            file.data,
            caption=caption,
            width=file.width,
            height=file.height,
            file_size=file.size,
        )
    return await api.user_sends_document(
        user_id,
        file.data,
        file_name=file.path.name,
        mime_type=file.mime_type,
        caption=caption,
        file_size=file.size,
    )


async def run_chat(
    settings: Settings,
    *,
    user_id: int = 1,
    first_name: str = "Designer",
    language: str = "en",
    console: Console | None = None,
    read_line: Callable[[str], str] = input,
    files_dir: Path | None = None,
    api: LocalBotAPI | None = None,
) -> None:
    """Chat until /quit. `api`: a local server already started by the caller, who stops it
    (and may look at what it holds afterwards); by default the chat runs one of its own."""
    console = console or Console()
    chat = TerminalChat(console=console, user_id=user_id)
    if files_dir is not None:
        chat.files_dir = files_dir
    chat.people[user_id] = Person(user_id, first_name, language)
    own_api = api is None
    if api is None:
        api = LocalBotAPI()
    api.on_outgoing, api.on_answer, api.keep_files = chat.show, chat.show_answer, True
    await api.start()
    application = build_application(settings, token=LOCAL_TOKEN, base_url=api.base_url)
    await start_polling(application)
    console.print(
        "[bold]Bottega terminal chat[/bold] – the real bot, locally. Type a message and press Enter; "
        "type a [cyan]number[/cyan] to press that button; [bold]/as NAME[/bold] [dim](en|it)[/dim] "
        "to play someone else; [bold]/file PATH[/bold] [dim](caption)[/dim] to send a picture or "
        "document; [bold]/quit[/bold] to leave."
    )

    async def play(person: Person) -> None:
        chat.user_id = person.user_id
        console.print(
            f"[dim]You are {escape(person.name)} (Telegram id {person.user_id}).[/dim]",
            highlight=False,
        )
        await api.user_sends(
            person.user_id, "/start", first_name=person.name, language_code=person.language
        )

    try:
        before = chat.seen
        await play(chat.people[user_id])
        while True:
            await chat.settle(api, before)
            before = chat.seen
            current = chat.people[chat.user_id]
            try:
                line = await asyncio.to_thread(read_line, f"\n{current.name}> ")
            except (EOFError, KeyboardInterrupt):
                break
            line = line.strip()
            if not line:
                continue
            if line in QUIT:
                break
            words = line.split()
            if words[0] == SWITCH:
                if len(words) == 1:
                    names = ", ".join(p.name for p in chat.people.values())
                    console.print(f"Playing: {names}. /as NAME [en|it] switches.", markup=False)
                    chat.seen += 1
                    continue
                lang = words[-1] if len(words) > 2 and words[-1] in ("en", "it") else language
                name = " ".join(words[1:-1] if lang == words[-1] and len(words) > 2 else words[1:])
                known = next(
                    (p for p in chat.people.values() if p.name.casefold() == name.casefold()), None
                )
                if known is not None:
                    chat.user_id = known.user_id
                    console.print(f"[dim]You are {escape(known.name)} again.[/dim]")
                    chat.seen += 1  # nothing to wait for
                    continue
                person = Person(named_id(name), name, lang)
                chat.people[person.user_id] = person
                await play(person)
                continue
            if words[0] == SEND_FILE:
                await _send_file(api, chat, line[len(SEND_FILE) :])
                continue
            if line.isdigit() and 1 <= int(line) <= len(chat.buttons):
                message_id, data = chat.buttons[int(line) - 1]
                await api.user_presses(chat.user_id, message_id, data)
            else:
                await api.user_sends(chat.user_id, line)
    finally:
        await stop_polling(application)
        if own_api:
            await api.stop()
    console.print("Bye!")


async def _send_file(api: LocalBotAPI, chat: TerminalChat, rest: str) -> None:
    """`/file PATH [caption]`: the file goes as the person played, or a line says why not."""
    if not rest.strip():
        chat.console.print(FILE_USAGE, markup=False, highlight=False)
        chat.seen += 1  # nothing to wait for
        return
    raw_path, caption = split_file_command(rest)
    try:
        file = read_local_file(raw_path)
    except UnsendableFileError as refusal:
        chat.console.print(f"[red]{escape(str(refusal))}[/red]", highlight=False)
        chat.seen += 1
        return
    what = "photo" if file.kind == "photo" else f"document, {file.mime_type}"
    chat.console.print(
        f"[dim]Sending {escape(file.path.name)} ({what}, {file.size:,} bytes).[/dim]",
        highlight=False,
    )
    await send_local_file(api, chat.user_id, file, caption)
