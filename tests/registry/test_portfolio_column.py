"""The registry CSV's `portfolio` column: pictures by Telegram file id or https address,
replaced by ref, refused line by line, exported so that an export imports back unchanged."""

from __future__ import annotations

import csv
import io

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.models import Atelier, FileKind, FilePurpose, FileRef
from bot.registry.importing import CSV_COLUMNS, export_registry, import_registry
from tests.registry.test_importing import GOOD, GOOD2

HEADER = ",".join(CSV_COLUMNS) + ",portfolio"
PLAIN = ",".join(CSV_COLUMNS)
PHOTO_A = "AgACAgQAAxkBAAIBYmVxQ0l2kz7bLhZ1Q9T3_a-bCDefGhIJ"
PHOTO_B = "AgACAgQAAxkBAAIBY2VxQ0mZk2QwTuY8R0xJ_c-dEFghIjKL"
URL = "https://ateliers.example/alfa/cover.jpg?size=1280&v=2"


def _csv(*rows: str, header: str = HEADER) -> io.StringIO:
    return io.StringIO("\n".join([header, *rows]) + "\n")


async def _portfolio(session_factory: async_sessionmaker[AsyncSession], ref: str) -> list[str]:
    async with session_factory() as session:
        rows = await session.scalars(
            select(FileRef.file_id)
            .join(Atelier, Atelier.id == FileRef.atelier_id)
            .where(Atelier.ref == ref, FileRef.purpose == FilePurpose.PORTFOLIO)
            .order_by(FileRef.position, FileRef.id)
        )
        return list(rows.all())


async def _import(
    session_factory: async_sessionmaker[AsyncSession], stream: io.StringIO, **kwargs: int
) -> tuple[int, int, int, list[str]]:
    async with session_factory() as session:
        report = await import_registry(session, stream, **kwargs)
    return report.created, report.updated, report.unchanged, [str(e) for e in report.errors]


async def test_a_portfolio_is_imported_exported_and_imports_back_unchanged(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    cell = f'"{URL} {PHOTO_A}\n{PHOTO_B}"'  # spaces or line breaks between pictures
    assert await _import(session_factory, _csv(f"{GOOD},{cell}", f"{GOOD2},")) == (2, 0, 0, [])
    assert await _portfolio(session_factory, "T001") == [URL, PHOTO_A, PHOTO_B]
    assert await _portfolio(session_factory, "T002") == []
    async with session_factory() as session:
        cover = await session.scalar(
            select(FileRef).where(FileRef.file_id == URL, FileRef.position == 0)
        )
        assert cover is not None and cover.kind == FileKind.PHOTO

    exported = io.StringIO()
    async with session_factory() as session:
        assert await export_registry(session, exported) == 2
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(exported.getvalue()))}
    assert rows["T001"]["portfolio"] == f"{URL} {PHOTO_A} {PHOTO_B}"
    assert rows["T002"]["portfolio"] == ""
    assert await _import(session_factory, io.StringIO(exported.getvalue())) == (0, 0, 2, [])
    assert await _portfolio(session_factory, "T001") == [URL, PHOTO_A, PHOTO_B]


async def test_a_new_portfolio_replaces_the_old_and_keeps_the_pictures_it_names(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _import(session_factory, _csv(f"{GOOD},{PHOTO_A} {URL}"))
    async with session_factory() as session:
        kept = await session.scalar(select(FileRef).where(FileRef.file_id == URL))
        assert kept is not None
        kept.caption = "The workshop"  # as if its atelier had written it in the bot
        kept_id = kept.id
        await session.commit()
    assert await _import(session_factory, _csv(f"{GOOD},{URL} {PHOTO_B}")) == (0, 1, 0, [])
    assert await _portfolio(session_factory, "T001") == [URL, PHOTO_B]
    async with session_factory() as session:
        cover = await session.get(FileRef, kept_id)
        assert cover is not None and (cover.position, cover.caption) == (0, "The workshop")


async def test_an_absent_column_or_an_empty_cell_keeps_the_portfolio_and_a_dash_clears_it(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _import(session_factory, _csv(f"{GOOD},{PHOTO_A} {PHOTO_B}", f"{GOOD2},{URL}"))
    changed = GOOD.replace(",30,400,", ",40,400,")
    # No column: the ateliers change, their portfolios do not.
    assert await _import(session_factory, _csv(changed, GOOD2, header=PLAIN)) == (0, 1, 1, [])
    assert await _portfolio(session_factory, "T001") == [PHOTO_A, PHOTO_B]
    # An empty cell says nothing either, like an empty `verified`.
    assert await _import(session_factory, _csv(f"{changed},", f"{GOOD2}, ")) == (0, 0, 2, [])
    assert await _portfolio(session_factory, "T002") == [URL]
    # "-": no portfolio at all.
    assert await _import(session_factory, _csv(f"{changed},-", f"{GOOD2},")) == (0, 1, 1, [])
    assert await _portfolio(session_factory, "T001") == []
    assert await _portfolio(session_factory, "T002") == [URL]


async def test_addresses_that_are_not_https_are_refused_with_their_line(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    rows = [
        f"{GOOD},{PHOTO_A}",
        f"{GOOD2},http://ateliers.example/beta.jpg",
        f"{GOOD.replace('T001', 'T003', 1)},ftp://ateliers.example/gamma.jpg",
        f"{GOOD.replace('T001', 'T004', 1)},javascript:alert(1)",
        f"{GOOD.replace('T001', 'T005', 1)},ateliers.example/delta.jpg",
        f"{GOOD.replace('T001', 'T006', 1)},https:///no-host.jpg",
        f"{GOOD.replace('T001', 'T007', 1)},{URL} photo#1",
    ]
    created, updated, unchanged, errors = await _import(session_factory, _csv(*rows))
    assert (created, updated, unchanged) == (0, 0, 0)
    assert errors == [
        "line 3, column portfolio: 'http://ateliers.example/beta.jpg' is not an https:// "
        "address; only https links can be imported",
        "line 4, column portfolio: 'ftp://ateliers.example/gamma.jpg' is not an https:// "
        "address; only https links can be imported",
        "line 5, column portfolio: 'javascript:alert(1)' is not an https:// address; "
        "only https links can be imported",
        "line 6, column portfolio: 'ateliers.example/delta.jpg' is neither a Telegram file id "
        "nor an https:// address",
        "line 7, column portfolio: 'https:///no-host.jpg' has no host to fetch the picture from",
        "line 8, column portfolio: 'photo#1' is neither a Telegram file id nor an https:// address",
    ]
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Atelier)) == 0
        assert await session.scalar(select(func.count()).select_from(FileRef)) == 0


async def test_more_pictures_than_a_portfolio_holds_are_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    eleven = " ".join(f"{PHOTO_A[:-2]}{n:02d}" for n in range(11))
    _, _, _, errors = await _import(session_factory, _csv(f"{GOOD2},{PHOTO_A}", f"{GOOD},{eleven}"))
    assert errors == ["line 3, column portfolio: 11 pictures; a portfolio holds at most 10"]
    ten = " ".join(eleven.split()[:10])
    assert (await _import(session_factory, _csv(f"{GOOD},{ten}")))[0] == 1
    # FILES_MAX_PORTFOLIO may allow fewer.
    three = " ".join(eleven.split()[:3])
    _, _, _, errors = await _import(session_factory, _csv(f"{GOOD},{three}"), max_portfolio=2)
    assert errors == ["line 2, column portfolio: 3 pictures; a portfolio holds at most 2"]
    assert len(await _portfolio(session_factory, "T001")) == 10


async def test_portfolios_are_read_and_written_a_chunk_at_a_time(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """However many rows, the statements an import runs grow with its chunks, not its rows."""
    rows = [
        f"{GOOD.replace('T001', f'T{n:05d}', 1)},{PHOTO_A[:-5]}{n:05d} {URL}{n}"
        for n in range(2500)
    ]
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await _import(session_factory, _csv(*rows)) == (2500, 0, 0, [])
        fresh = len(statements)
        statements.clear()
        assert await _import(session_factory, _csv(*rows)) == (0, 0, 2500, [])
        unchanged = len(statements)
        rows[1234] = rows[1234].replace(f" {URL}1234", "")
        statements.clear()
        assert await _import(session_factory, _csv(*rows)) == (0, 1, 2499, [])
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    # Three chunks of 1000 rows: a few statements each (the rows, their pictures, the writes).
    assert fresh <= 15 and unchanged <= 10 and len(statements) <= 12
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(FileRef)) == 4999
    assert await _portfolio(session_factory, "T01234") == [f"{PHOTO_A[:-5]}01234"]
    assert await _portfolio(session_factory, "T01235") == [f"{PHOTO_A[:-5]}01235", f"{URL}1235"]


def test_https_addresses_are_read_as_registries_write_them() -> None:
    from bot.registry.importing import parse_registry_csv

    accepted = [
        "https://a.example/x.jpg",
        "HTTPS://A.EXAMPLE/X.JPG",
        "https://a.example:8443/p/x.jpg?size=large&v=2#top",
        "https://192.0.2.1/x.png",
        "https://xn--bcher-kva.example/x",
        "https://a.example",
    ]
    records, errors = parse_registry_csv(_csv(f"{GOOD},{' '.join(accepted)}"))
    assert errors == [] and records[0].portfolio == tuple(accepted)
    refused = {
        "https://:80/x.jpg": "has no host",
        "https://user:secret@a.example/x.jpg": "carries a user name or password",
        "https://a.example/x\x00.jpg": "cannot be part of an address",
        "https://[::1/x.jpg": "is not a valid address",
    }
    for entry, reason in refused.items():
        _, errors = parse_registry_csv(_csv(f'{GOOD},"{entry}"'))
        assert len(errors) == 1 and reason in errors[0].reason, (entry, errors)
