"""`bottega chat` drives the real bot from a terminal: messages, numbered buttons, typing."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console

from bot.chat import run_chat
from bot.config import Settings
from tests.e2e.harness import load_registry, make_settings
from tests.e2e.test_designer_flow import OWNED_ATELIER_CSV


def _script(lines: list[str]) -> Iterator[str]:
    yield from lines


async def test_terminal_chat_plays_an_interview(database_url: str) -> None:
    settings = make_settings(database_url)
    from bot.db import create_engine, create_session_factory

    engine = create_engine(database_url)
    await load_registry(create_session_factory(engine), OWNED_ATELIER_CSV)
    await engine.dispose()

    typed = _script(["1", "jumpers", "1", "/quit"])

    def read_line(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    buffer = io.StringIO()
    await run_chat(
        settings,
        user_id=77,
        language="en",
        console=Console(file=buffer, width=120),
        read_line=read_line,
    )
    output = buffer.getvalue()
    assert "Welcome to Bottega" in output
    assert "[1] I'm a designer" in output
    assert "What is the product?" in output
    assert "I understood: knitwear" in output
    assert "Which materials?" in output
    assert output.rstrip().endswith("Bye!")


def _reader(lines: list[str]) -> Callable[[str], str]:
    typed = iter(lines)

    def read_line(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    return read_line


async def _chat(settings: Settings, lines: list[str], width: int = 120, **kwargs: object) -> str:
    buffer = io.StringIO()
    await run_chat(
        settings,
        console=Console(file=buffer, width=width),
        read_line=_reader(lines),
        **kwargs,  # type: ignore[arg-type]
    )
    return buffer.getvalue()


async def test_a_number_does_not_press_a_keyboard_that_is_gone(database_url: str) -> None:
    settings = make_settings(database_url)
    # "1" picks "I'm a designer"; that keyboard is then taken away, so the next "1" is an answer.
    output = await _chat(settings, ["1", "1", "/quit"], user_id=78)
    assert output.count("Let's describe what you need made") == 1
    assert "I'm not sure what kind of product that is" in output  # "1" read as the product


async def test_a_returning_person_is_greeted_as_returning(database_url: str) -> None:
    from bot.core import users
    from bot.db import create_engine, create_session_factory

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        user = await users.ensure_user(session, 79, display_name="Ada")
        user.role = "designer"
        await session.commit()
    await engine.dispose()
    settings = make_settings(database_url)
    output = await _chat(settings, ["/quit"], user_id=79, first_name="Ada")
    assert "Welcome back to Bottega, Ada!" in output
    assert "I'm a designer" not in output


async def test_one_terminal_plays_both_sides_of_a_decision(database_url: str) -> None:
    from bot.ateliers import service as atelier_profiles
    from bot.chat import named_id
    from bot.core import users
    from bot.db import create_engine, create_session_factory

    rita = named_id("Rita")
    assert rita == named_id(" rita ")
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        owner = await users.ensure_user(session, rita, language_code="it")
        await atelier_profiles.register(
            session,
            owner=owner,
            draft=atelier_profiles.AtelierDraft(
                name="Maglificio Rita",
                country="IT",
                region="Toscana",
                city="Prato",
                specialties=("knitwear",),
                category_ids=("knitwear",),
                materials=("wool",),
                techniques=(),
                moq=30,
                max_batch=300,
                monthly_capacity=400,
                lead_time_weeks=6,
                handwork_share=60,
                certifications=(),
                languages=("it",),
                contact="rita@maglificio.example",
                description="",
            ),
        )
        await session.commit()
    await engine.dispose()

    settings = make_settings(database_url, admin_user_ids="80")
    output = await _chat(
        settings,
        ["/admin", "1", "/as Rita it", "/as", "/as Admin", "/quit"],
        user_id=80,
        first_name="Admin",
    )
    assert "Verified: Maglificio Rita" in output
    # Rita's notice, shown while the terminal plays the administrator, then Rita herself.
    notice = output.index(f"Bottega → Telegram id {rita}")
    assert "è stato verificato" in output[notice:]
    assert output.index("You are Rita") > notice
    assert "Ciao di nuovo, Rita!" in output
    assert "Playing: Admin, Rita." in output
    assert "You are Admin again." in output


async def test_the_admins_stats_chart_is_saved_and_its_path_printed(
    database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, admin_user_ids="81")
    output = await _chat(
        settings, ["/stats", "/quit"], user_id=81, first_name="Admin", files_dir=tmp_path / "files"
    )
    saved = sorted((tmp_path / "files").iterdir())
    assert len(saved) == 1
    assert saved[0].read_bytes().startswith(b"\x89PNG")
    # Printed as it is: a terminal's markup must not swallow the placeholder.
    assert f"saved to {saved[0]}]" in output.replace("\n", "")


async def test_a_file_sent_from_the_terminal_joins_the_pack_and_downloads_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    """`/file PATH [caption]` sends a document or a photo as the person played; the local
    server serves it through getFile and its download like any file a user sends; a path that
    is missing or a folder is named in the terminal and nothing is sent."""
    from sqlalchemy import select
    from telegram import Bot

    from bot.chat import LOCAL_TOKEN
    from bot.db import create_engine, create_session_factory
    from bot.db.models import FileRef
    from localbotapi import LocalBotAPI
    from tests.e2e.test_brief_pack import png

    folder = tmp_path / "designs"
    folder.mkdir()
    pack = folder / "tech pack v2.pdf"
    pack.write_bytes(b"%PDF-1.4 tech pack\n" * 100)
    front = folder / "front.png"
    front.write_bytes(png(90))
    interview = ["1", "cardigans", "1", "done", "80", "3", "2", "XS-XL", "in 12 weeks", "45 €"]
    interview += ["Italy", "none", "none"]
    lines = [
        *interview,
        "/file",
        f"/file {folder / 'missing.pdf'}",
        f"/file {folder}",
        f"/file {pack} first draft",
        f'/file "{front}" front view',
        "/quit",
    ]
    settings = make_settings(database_url)
    api = LocalBotAPI()
    await api.start()
    try:
        # Wide enough for the temporary folder's paths on one line (longer under pytest-xdist's
        # workers): a line the console breaks at a space loses that space.
        output = await _chat(settings, lines, width=400, user_id=90, api=api)
        flat = output.replace("\n", "")
        assert "Send a tech pack" in output
        assert "/file PATH [caption] sends a file as the person you play" in flat
        assert f"There is no file at {folder / 'missing.pdf'}; nothing was sent." in flat
        assert f"{folder} is a folder, not a file; nothing was sent." in flat
        assert "Sending tech pack v2.pdf (document, application/pdf, 1,900 bytes)." in flat
        assert "tech pack v2.pdf kept (1 of 10)." in output
        assert "Photo kept (2 of 10)." in output

        engine = create_engine(settings.database_url)
        try:
            async with create_session_factory(engine)() as session:
                kept = list(
                    (await session.scalars(select(FileRef).order_by(FileRef.position))).all()
                )
        finally:
            await engine.dispose()
        assert [(f.kind, f.file_name, f.mime_type, f.size, f.caption) for f in kept] == [
            ("document", "tech pack v2.pdf", "application/pdf", 1900, "first draft"),
            ("photo", None, "image/jpeg", len(png(90)), "front view"),
        ]
        async with Bot(LOCAL_TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            for stored, original in zip(kept, (pack, front), strict=True):
                file = await bot.get_file(stored.file_id)
                assert file.file_size == original.stat().st_size
                assert bytes(await file.download_as_bytearray()) == original.read_bytes()
    finally:
        await api.stop()
