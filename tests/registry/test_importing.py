"""The registry CSV contract: upsert by ref, all-or-nothing, a report that names every bad line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Atelier
from bot.registry.importing import (
    CSV_COLUMNS,
    category_ids_for,
    export_registry,
    import_registry,
    parse_registry_csv,
)
from parsing import MAX_LEAD_TIME_WEEKS

HEADER = ",".join(CSV_COLUMNS)
GOOD = (
    "T001,Maglificio Alfa,IT,Emilia-Romagna,Carpi,knitwear;knitted accessories,merino;cashmere,"
    'hand linking,30,400,900,6,70,GOTS,it;en,alfa@example.com,"Small knitwear workshop, since 1972."'
)
GOOD2 = "T002,Sartoria Beta,IT,Puglia,Martina Franca,tailoring,wool,hand finishing,10,120,200,8,85,,it,+39 080 000000,Suits."


def _csv(*rows: str, header: str = HEADER) -> io.StringIO:
    return io.StringIO("\n".join([header, *rows]) + "\n")


async def _count(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Atelier)) or 0)


async def test_importing_the_same_file_twice_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession], dev_ateliers_csv: Path
) -> None:
    async with session_factory() as session:
        with dev_ateliers_csv.open(encoding="utf-8", newline="") as stream:
            first = await import_registry(session, stream)
    assert first.ok and first.created == 120
    async with session_factory() as session:
        with dev_ateliers_csv.open(encoding="utf-8", newline="") as stream:
            second = await import_registry(session, stream)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 120)
    assert await _count(session_factory) == 120


async def test_import_updates_by_ref(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        assert (await import_registry(session, _csv(GOOD, GOOD2))).created == 2
    changed = GOOD.replace(",30,400,", ",40,400,")
    async with session_factory() as session:
        report = await import_registry(session, _csv(changed))
    assert (report.created, report.updated) == (0, 1)
    async with session_factory() as session:
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == "T001"))
        assert atelier is not None
        assert atelier.moq == 40
        assert atelier.specialties == ["knitwear", "knitted accessories"]
        assert atelier.languages == ["it", "en"]
        assert atelier.verified is True
        assert "knitwear" in atelier.category_ids
    assert await _count(session_factory) == 2


async def test_changed_specialties_are_understood_again_and_the_rest_kept(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        assert (await import_registry(session, _csv(GOOD, GOOD2))).created == 2
    shoes = GOOD.replace("knitwear;knitted accessories", "calzature;scarpe")
    async with session_factory() as session:
        report = await import_registry(session, _csv(shoes, GOOD2))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    async with session_factory() as session:
        rows = {a.ref: a for a in await session.scalars(select(Atelier))}
    assert rows["T001"].category_ids == category_ids_for(["calzature", "scarpe"])
    assert "knitwear" not in rows["T001"].category_ids
    assert rows["T002"].category_ids == category_ids_for(["tailoring"])
    # Written without ORM objects, read back as aware UTC timestamps like any other row.
    assert rows["T002"].created_at.tzinfo is not None
    assert rows["T002"].created_at <= rows["T001"].updated_at


@pytest.mark.parametrize(
    ("bad_row", "column", "reason"),
    [
        (GOOD2.replace(",10,120,", ",ten,120,"), "moq", "not a whole number"),
        (GOOD2.replace(",10,120,", ",200,120,"), "max_batch", "below moq"),
        (GOOD2.replace(",IT,Puglia", ",XX,Puglia"), "country", "not an ISO 3166"),
        (GOOD2.replace("Sartoria Beta", ""), "name", "empty"),
        (GOOD2.replace(",85,", ",120,"), "handwork_share", "outside 0–100"),
        (GOOD2.replace(",10,120,", ",-5,120,"), "moq", "outside"),
        (GOOD.replace("T001", "T002"), "ref", "duplicate ref"),
        (GOOD2.replace(",it,+39", ",italian,+39"), "languages", "ISO 639-1"),
    ],
)
async def test_one_bad_line_leaves_the_database_unchanged_and_is_named(
    session_factory: async_sessionmaker[AsyncSession], bad_row: str, column: str, reason: str
) -> None:
    async with session_factory() as session:
        await import_registry(session, _csv(GOOD))
    before = await _count(session_factory)
    async with session_factory() as session:
        report = await import_registry(session, _csv(GOOD2, GOOD, bad_row))
    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(4, column)]
    assert reason in report.errors[0].reason
    assert (report.created, report.updated) == (0, 0)
    assert await _count(session_factory) == before
    async with session_factory() as session:
        assert await session.scalar(select(Atelier).where(Atelier.ref == "T002")) is None


def test_every_bad_line_is_reported_not_just_the_first() -> None:
    rows = [
        GOOD,
        GOOD2.replace(",10,", ",x,"),
        GOOD.replace("T001", "T003").replace(",IT,", ",ZZ,"),
    ]
    _, errors = parse_registry_csv(_csv(*rows))
    assert [(e.line, e.column) for e in errors] == [(3, "moq"), (4, "country")]
    assert str(errors[0]).startswith("line 3, column moq:")


def test_wrong_header_is_reported_with_the_columns() -> None:
    header = HEADER.replace("moq", "minimum").replace(",description", "")
    records, errors = parse_registry_csv(_csv(GOOD, header=header))
    assert records == []
    assert {(e.line, e.column) for e in errors} == {(1, "moq"), (1, "description"), (1, "minimum")}


def test_row_with_too_many_values_is_reported() -> None:
    _, errors = parse_registry_csv(_csv(GOOD + ",extra"))
    assert [(e.line, e.reason.split("(")[0].strip()) for e in errors] == [
        (2, "has 18 of 17 columns")
    ]


def test_row_with_too_few_values_names_its_column_count() -> None:
    short = ",".join(GOOD.split(",")[:15])
    records, errors = parse_registry_csv(_csv(short))
    assert records == []
    assert [(e.line, e.reason.split("(")[0].strip()) for e in errors] == [
        (2, "has 15 of 17 columns")
    ]


def test_empty_file_is_reported() -> None:
    assert parse_registry_csv(io.StringIO(""))[1][0].reason.startswith("the file is empty")


def test_optional_verified_column_is_read() -> None:
    records, errors = parse_registry_csv(_csv(GOOD + ",no", header=HEADER + ",verified"))
    assert errors == [] and records[0].verified is False


async def test_exported_csv_reimports_to_the_same_data(
    session_factory: async_sessionmaker[AsyncSession], dev_ateliers_csv: Path, tmp_path: Path
) -> None:
    async with session_factory() as session:
        with dev_ateliers_csv.open(encoding="utf-8", newline="") as stream:
            assert (await import_registry(session, stream)).ok
    exported = io.StringIO()
    async with session_factory() as session:
        assert await export_registry(session, exported) == 120
    exported.seek(0)
    rows = list(csv.DictReader(io.StringIO(exported.getvalue())))
    original = {
        r["ref"]: r for r in csv.DictReader(dev_ateliers_csv.open(encoding="utf-8", newline=""))
    }
    assert {r["ref"] for r in rows} == set(original)
    sample = next(r for r in rows if r["ref"] == "D0042")
    assert sample["specialties"] == original["D0042"]["specialties"]
    assert sample["description"] == original["D0042"]["description"]
    async with session_factory() as session:
        report = await import_registry(session, io.StringIO(exported.getvalue()))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 120)


async def test_reimport_without_verified_column_keeps_a_pending_atelier_pending(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """A registration waiting for an administrator is not verified by an import that does
    not say so; new rows of the operator's file still count as verified."""
    async with session_factory() as session:
        await import_registry(session, _csv(GOOD + ",no", header=HEADER + ",verified"))
        await session.commit()
    async with session_factory() as session:
        report = await import_registry(session, _csv(GOOD.replace(",30,400,", ",40,400,"), GOOD2))
        await session.commit()
    assert (report.created, report.updated) == (1, 1)
    async with session_factory() as session:
        rows = {a.ref: a for a in (await session.scalars(select(Atelier))).all()}
    assert rows["T001"].moq == 40 and rows["T001"].verified is False
    assert rows["T002"].verified is True
    async with session_factory() as session:
        await import_registry(session, _csv(GOOD + ",yes", header=HEADER + ",verified"))
        await session.commit()
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == "T001"))
        assert atelier is not None and atelier.verified is True


async def test_a_bad_line_after_many_good_ones_writes_nothing(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # Rows are written a chunk at a time while the file is read: a late bad line must still
    # leave the registry exactly as it was.
    good = [GOOD.replace("T001", f"T{n:05d}", 1) for n in range(2500)]
    bad = GOOD.replace("T001", "T99999", 1).replace(",30,400,", ",thirty,400,")
    async with session_factory() as session:
        report = await import_registry(session, _csv(*good, bad, good[0]))
    assert [str(e) for e in report.errors] == [
        "line 2502, column moq: 'thirty' is not a whole number",
        "line 2503, column ref: duplicate ref 'T00000' (first on line 2)",
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert await _count(session_factory) == 0


async def test_a_large_import_then_the_same_file_reports_every_row_unchanged(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    rows = [GOOD.replace("T001", f"T{n:05d}", 1) for n in range(2500)]
    async with session_factory() as session:
        first = await import_registry(session, _csv(*rows))
    assert (first.created, first.updated, first.unchanged) == (2500, 0, 0)
    rows[1700] = rows[1700].replace(",30,400,", ",31,400,")
    async with session_factory() as session:
        second = await import_registry(session, _csv(*rows))
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2499)
    async with session_factory() as session:
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == "T01700"))
        assert atelier is not None
        assert atelier.moq == 31
        assert atelier.category_ids == category_ids_for(atelier.specialties)
        assert atelier.specialties == ["knitwear", "knitted accessories"]
        assert atelier.created_at < atelier.updated_at
    assert await _count(session_factory) == 2500


def test_a_lead_time_the_bot_would_refuse_is_refused_by_the_import_too() -> None:
    """One limit for lead times, whether an atelier types it or an operator imports it."""
    longest = GOOD.replace(",900,6,", f",900,{MAX_LEAD_TIME_WEEKS},")
    too_long = GOOD2.replace(",200,8,", f",200,{MAX_LEAD_TIME_WEEKS + 1},")
    records, errors = parse_registry_csv(_csv(longest, too_long))
    assert [r.lead_time_weeks for r in records] == [MAX_LEAD_TIME_WEEKS]
    assert [(e.line, e.column) for e in errors] == [(3, "lead_time_weeks")]


def test_moq_per_is_optional_and_defaults_to_style() -> None:
    records, errors = parse_registry_csv(_csv(GOOD, GOOD2))
    assert errors == [] and [r.moq_per for r in records] == ["style", "style"]
    header = HEADER + ",moq_per"
    records, errors = parse_registry_csv(_csv(GOOD + ",Colour", GOOD2 + ",", header=header))
    assert errors == [] and [r.moq_per for r in records] == ["colour", "style"]
    records, errors = parse_registry_csv(_csv(GOOD + ",taglia", GOOD2 + ",color", header=header))
    assert [r.moq_per for r in records] == ["size", "colour"]


def test_a_bad_moq_per_is_an_error_of_its_line() -> None:
    header = HEADER + ",moq_per"
    _, errors = parse_registry_csv(_csv(GOOD + ",size", GOOD2 + ",per pair", header=header))
    assert [(e.line, e.column) for e in errors] == [(3, "moq_per")]
    assert "style, colour or size" in errors[0].reason


async def test_moq_per_is_stored_exported_and_reimported(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    header = HEADER + ",moq_per"
    async with session_factory() as session:
        assert (await import_registry(session, _csv(GOOD + ",size", GOOD2, header=header))).ok
    exported = io.StringIO()
    async with session_factory() as session:
        await export_registry(session, exported)
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(exported.getvalue()))}
    assert (rows["T001"]["moq_per"], rows["T002"]["moq_per"]) == ("size", "style")
    async with session_factory() as session:
        report = await import_registry(session, io.StringIO(exported.getvalue()))
        assert (report.updated, report.unchanged) == (0, 2)
        stored = await session.scalar(select(Atelier.moq_per).where(Atelier.ref == "T001"))
    assert stored == "size"
