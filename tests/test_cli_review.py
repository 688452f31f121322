"""The command-line contracts under the files and settings operators really have.

Spreadsheet exports (BOM, `;`, Windows-1252), broken quoting, values with [brackets], an
unmigrated or unreachable database, odd output locales: each ends in a clear message and the
right exit code, never a traceback, and nothing is written when something is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.registry.importing import CSV_COLUMNS
from tests.conftest import REPO_ROOT

HEADER = ",".join(CSV_COLUMNS)
ROW = "X1,Alfa,IT,,Prato,knitwear,wool,,10,100,100,4,50,,it,a@example.com,ok"
ROW2 = "X2,Beta,IT,,Prato,knitwear,wool,,10,100,100,4,50,,it,b@example.com,ok"

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "ADMIN_", "DEFAULT_TIMEZONE", "DATABASE_URL")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'review.sqlite3'}")
    monkeypatch.chdir(tmp_path)  # no stray .env
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return run


@pytest.fixture
def migrated(invoke: Invoke) -> Invoke:
    result = invoke("db", "upgrade")
    assert result.exit_code == 0, result.output
    return invoke


def _clean_failure(result: Result, code: int = 1) -> None:
    """A failure the operator can act on: the exit code, a message, and no traceback."""
    assert result.exit_code == code, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def _stored_refs(invoke: Invoke) -> list[str]:
    exported = invoke("ateliers", "export")
    assert exported.exit_code == 0, exported.output
    return [row["ref"] for row in csv.DictReader(io.StringIO(exported.stdout))]


# --- ateliers import --------------------------------------------------------------------------


def test_values_with_brackets_are_reported_as_written(migrated: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "brackets.csv"
    bad.write_text(
        f"{HEADER}\n{ROW.replace(',10,100,', ',[/b],100,')}\n"
        f"{ROW2.replace(',10,100,', ',[bold]x,100,')}\n",
        "utf-8",
    )
    result = migrated("ateliers", "import", str(bad))
    _clean_failure(result)
    assert "line 2, column moq: '[/b]' is not a whole number" in result.stderr
    assert "line 3, column moq: '[bold]x' is not a whole number" in result.stderr
    assert _stored_refs(migrated) == []


def test_a_windows_1252_file_names_the_line_column_and_value(
    migrated: Invoke, tmp_path: Path
) -> None:
    legacy = tmp_path / "excel.csv"
    legacy.write_bytes(
        f"{HEADER}\n{ROW}\n{ROW2.replace('Beta', 'Sartoria Città')}\n".encode("cp1252")
    )
    result = migrated("ateliers", "import", str(legacy))
    _clean_failure(result)
    assert "not UTF-8" in result.stderr and "CSV UTF-8" in result.stderr
    assert "line 3, column name: 'Sartoria Città' is not UTF-8 text" in result.stderr
    assert "nothing was imported" in result.stderr
    assert _stored_refs(migrated) == []


def test_a_semicolon_separated_file_from_a_spreadsheet_is_accepted(
    migrated: Invoke, tmp_path: Path
) -> None:
    excel = tmp_path / "excel.csv"
    excel.write_text(
        "\ufeff" + HEADER.replace(",", ";") + "\r\n"
        'S1;Alfa;IT;;Prato;"knitwear;accessories";wool;;10;100;100;4;50;;"it;en";'
        'a@example.com;"Small, careful"\r\n',
        "utf-8",
    )
    result = migrated("ateliers", "import", str(excel))
    assert result.exit_code == 0, result.output
    assert "1 new" in result.stdout
    exported = migrated("ateliers", "export")
    (row,) = csv.DictReader(io.StringIO(exported.stdout))
    assert row["specialties"] == "knitwear;accessories"
    assert row["languages"] == "it;en"
    assert row["description"] == "Small, careful"


def test_errors_name_the_line_where_a_multi_line_record_starts(
    migrated: Invoke, tmp_path: Path
) -> None:
    registry = tmp_path / "multi.csv"
    record = ROW.replace(",10,100,", ",lots,100,").replace(",ok", ',"first\nsecond\nthird"')
    registry.write_text(f"{HEADER}\n{ROW2}\n{record}\n{ROW2.replace('X2', 'X1')}\n", "utf-8")
    result = migrated("ateliers", "import", str(registry))
    _clean_failure(result)
    assert "line 3, column moq: 'lots' is not a whole number" in result.stderr
    assert "line 5" not in result.stderr


def test_an_unclosed_quote_does_not_swallow_the_following_rows(
    migrated: Invoke, tmp_path: Path
) -> None:
    registry = tmp_path / "quote.csv"
    unclosed = ROW.replace(",ok", ',"oops')
    registry.write_text(f"{HEADER}\n{unclosed}\n{ROW2}\n", "utf-8")
    result = migrated("ateliers", "import", str(registry))
    _clean_failure(result)
    assert "line 2: a quoted value starts here and is never closed" in result.stderr
    assert _stored_refs(migrated) == []


def test_a_badly_quoted_value_is_reported(migrated: Invoke, tmp_path: Path) -> None:
    registry = tmp_path / "quote.csv"
    misquoted = ROW.replace(",Alfa,", ',"Al"fa,')
    registry.write_text(f"{HEADER}\n{ROW2}\n{misquoted}\n", "utf-8")
    result = migrated("ateliers", "import", str(registry))
    _clean_failure(result)
    assert "line 3: badly quoted value" in result.stderr
    assert _stored_refs(migrated) == []


def test_header_problems_are_specific(migrated: Invoke, tmp_path: Path) -> None:
    twice = tmp_path / "twice.csv"
    twice.write_text(f"{HEADER},moq\n{ROW},20\n", "utf-8")
    result = migrated("ateliers", "import", str(twice))
    _clean_failure(result)
    assert "line 1, column moq: appears more than once in the header" in result.stderr

    typo = tmp_path / "typo.csv"
    typo.write_text(f"{HEADER.replace('description', 'descripton')}\n{ROW}\n", "utf-8")
    result = migrated("ateliers", "import", str(typo))
    _clean_failure(result)
    assert "column descripton: unknown column in the header; did you mean 'description'?" in (
        result.stderr
    )

    trailing = tmp_path / "trailing.csv"
    trailing.write_text(f"{HEADER},,\n{ROW},,\n", "utf-8")
    result = migrated("ateliers", "import", str(trailing))
    _clean_failure(result)
    assert result.stderr.count("a column without a name") == 1
    assert _stored_refs(migrated) == []


def test_a_file_with_only_a_header_says_so(migrated: Invoke, tmp_path: Path) -> None:
    empty = tmp_path / "header.csv"
    empty.write_text(HEADER + "\n", "utf-8")
    result = migrated("ateliers", "import", str(empty))
    assert result.exit_code == 0
    assert "0 new, 0 updated, 0 unchanged. The file has no atelier rows." in result.stdout


# --- the database -----------------------------------------------------------------------------


def test_an_unmigrated_database_asks_for_db_upgrade(invoke: Invoke, tmp_path: Path) -> None:
    registry = tmp_path / "ateliers.csv"
    registry.write_text(f"{HEADER}\n{ROW}\n", "utf-8")
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "b1", "description": "knitwear", "quantity": 50}\n', "utf-8")
    for args in (
        ("ateliers", "import", str(registry)),
        ("ateliers", "export"),
        ("ateliers", "verify", "X1"),
        ("match", str(briefs)),
        ("stats",),
    ):
        result = invoke(*args)
        _clean_failure(result)
        assert "Run `bottega db upgrade` first" in result.stderr, args
        assert result.stdout == "", args


def test_a_failed_export_leaves_the_existing_file_alone(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "registry.csv"
    target.write_text("yesterday's export\n", "utf-8")
    result = invoke("ateliers", "export", str(target))  # the database is not migrated
    _clean_failure(result)
    assert target.read_text("utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_export_to_a_folder_or_a_missing_folder_is_explained(
    migrated: Invoke, tmp_path: Path
) -> None:
    result = migrated("ateliers", "export", str(tmp_path))
    _clean_failure(result)
    assert "is a folder; give a file name" in result.stderr
    result = migrated("ateliers", "export", str(tmp_path / "missing" / "out.csv"))
    _clean_failure(result)
    assert "does not exist" in result.stderr


def test_an_export_to_a_file_reimports_unchanged(migrated: Invoke, tmp_path: Path) -> None:
    registry = tmp_path / "in.csv"
    registry.write_text(f"{HEADER}\n{ROW.replace('Alfa', 'Maglificio Ñandú «ü» 日本')}\n", "utf-8")
    assert migrated("ateliers", "import", str(registry)).exit_code == 0
    out = tmp_path / "out.csv"
    exported = migrated("ateliers", "export", str(out))
    assert exported.exit_code == 0
    assert "Exported 1 atelier to" in exported.stdout
    again = migrated("ateliers", "import", str(out))
    assert "0 new, 0 updated, 1 unchanged" in again.stdout


def test_an_unreachable_database_is_a_message_without_the_password(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bottega:s3cret@127.0.0.1:1/bottega")
    for args in (("db", "upgrade"), ("ateliers", "export")):
        result = invoke(*args)
        _clean_failure(result)
        assert "Cannot use the database at postgresql+asyncpg://bottega:***@127.0.0.1:1" in (
            result.stderr
        )
        assert "s3cret" not in result.output


def test_a_malformed_database_url_is_a_settings_error(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://user@db.example:port/bottega")
    result = invoke("db", "upgrade")
    _clean_failure(result, 2)
    assert "DATABASE_URL is not a valid database URL" in result.stderr


def test_an_unknown_revision_is_a_message(migrated: Invoke) -> None:
    result = migrated("db", "upgrade", "nonsense")
    _clean_failure(result)
    assert "Cannot migrate to 'nonsense'" in result.stderr


def test_settings_values_with_brackets_are_shown_as_written(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "[/x]")
    result = invoke("db", "upgrade")
    _clean_failure(result, 2)
    assert "DEFAULT_TIMEZONE '[/x]' is not an IANA time zone" in result.stderr


def test_verify_an_unknown_ref_with_brackets(migrated: Invoke) -> None:
    result = migrated("ateliers", "verify", "[/b]")
    _clean_failure(result)
    assert "No atelier with ref '[/b]'." in result.stderr


def test_a_chart_that_cannot_be_written_is_a_message(migrated: Invoke, tmp_path: Path) -> None:
    result = migrated("stats", "--chart", str(tmp_path / "missing" / "chart.png"))
    _clean_failure(result)
    assert "Cannot write the chart" in result.stderr


# --- match ------------------------------------------------------------------------------------


@pytest.fixture
def registry(migrated: Invoke) -> Invoke:
    demo = REPO_ROOT / "bot" / "data" / "demo_ateliers.csv"
    assert migrated("ateliers", "import", str(demo)).exit_code == 0
    return migrated


def _json_lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_match_reads_a_bom_crlf_file_and_standard_input(registry: Invoke, tmp_path: Path) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_bytes(
        b'\xef\xbb\xbf{"id": "b1", "description": "maglioni in cashmere", "quantity": 80}\r\n'
        b'{"id": "b2", "description": "silk scarves", "quantity": 100}\r\n'
    )
    result = registry("match", str(briefs), "--top", "2")
    assert result.exit_code == 0, result.output
    assert [line["brief_id"] for line in _json_lines(result)] == ["b1", "b2"]

    piped = registry("match", "-", "--top", "1", input=briefs.read_bytes())
    assert piped.exit_code == 0, piped.output
    assert [line["brief_id"] for line in _json_lines(piped)] == ["b1", "b2"]


def test_match_reports_bad_lines_on_stderr_and_keeps_stdout_valid(
    registry: Invoke, tmp_path: Path
) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_bytes(
        b'{"id": "b1", "description": "silk scarves", "quantity": 100}\n'
        b'{"id": "b2", "description": "citt\xe0", "quantity": 100}\n'
        b'{"id": "b3", "description": "silk", quantity: 100}\n'
        b"\n"
        b'{"id": "b4", "description": "knitwear", "quantity": 100}\n'
    )
    result = registry("match", str(briefs))
    _clean_failure(result)
    assert [line["brief_id"] for line in _json_lines(result)] == ["b1", "b4"]
    assert "briefs.jsonl line 2: not UTF-8 text" in result.stderr
    assert "briefs.jsonl line 3, column 37: not valid JSON" in result.stderr


def test_match_table_shows_brackets_as_written(registry: Invoke, tmp_path: Path) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "[/b]", "description": "silk scarves", "quantity": 100}\n')
    result = registry("match", str(briefs), "--format", "table")
    assert result.exit_code == 0, result.exception
    assert "Brief [/b]" in result.stdout


def test_match_says_what_it_did_not_understand_and_still_answers(
    registry: Invoke, tmp_path: Path
) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "u1", "description": "Ombrelli in seta, 60 pezzi", "quantity": 60}\n')
    line = _json_lines(registry("match", str(briefs)))[0]
    assert line["matches"] or line["near_misses"]
    assert line["notes"] == [
        "product not understood (ombrelli): ranked by materials and description"
    ]
    table = registry("match", str(briefs), "--format", "table", "--lang", "it")
    assert "prodotto non compreso (ombrelli)" in table.stdout


def test_match_on_an_empty_registry_says_so(migrated: Invoke, tmp_path: Path) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "b1", "description": "silk scarves", "quantity": 100}\n')
    result = migrated("match", str(briefs))
    assert result.exit_code == 0
    assert _json_lines(result) == [{"brief_id": "b1", "matches": [], "near_misses": []}]
    assert "registry" in result.stderr and "is empty" in result.stderr
    assert "bottega ateliers import" in result.stderr


def test_match_a_missing_file_or_folder(migrated: Invoke, tmp_path: Path) -> None:
    result = migrated("match", str(tmp_path / "nope.jsonl"))
    _clean_failure(result, 2)
    assert "does not exist" in result.stderr
    result = migrated("match", str(tmp_path))
    _clean_failure(result, 2)
    assert "is a folder" in result.stderr


def test_an_empty_briefs_file_says_so(registry: Invoke, tmp_path: Path) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text("\n\n")
    result = registry("match", str(briefs))
    assert result.exit_code == 0 and result.stdout == ""
    assert "has no briefs" in result.stderr


def test_output_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'locale.sqlite3'}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHONIOENCODING"] = "latin-1"

    def bottega(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    assert bottega("db", "upgrade").returncode == 0
    registry = tmp_path / "in.csv"
    registry.write_text(f"{HEADER}\n{ROW.replace('Alfa', 'Atelier 日本 Ñandú')}\n", "utf-8")
    assert bottega("ateliers", "import", str(registry)).returncode == 0
    exported = bottega("ateliers", "export")
    assert exported.returncode == 0, exported.stderr.decode("utf-8", "replace")
    assert "Atelier 日本 Ñandú" in exported.stdout.decode("utf-8")
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "b1", "description": "knitwear", "quantity": 50}\n', "utf-8")
    matched = bottega("match", str(briefs))
    assert matched.returncode == 0, matched.stderr.decode("utf-8", "replace")
    (line,) = [json.loads(x) for x in matched.stdout.decode("utf-8").splitlines()]
    assert line["matches"][0]["name"] == "Atelier 日本 Ñandú"


def test_match_compares_minimums_per_colour_and_size(migrated: Invoke, tmp_path: Path) -> None:
    registry_csv = tmp_path / "units.csv"
    registry_csv.write_text(
        HEADER + ",moq_per\n"
        "U1,Maglificio Colori,IT,,,knitwear,cashmere,,50,2000,900,4,20,,it,a@example.com,,colour\n"
        "U2,Maglificio Taglie,IT,,,knitwear,cashmere,,100,2000,900,4,20,,it,b@example.com,,size\n",
        encoding="utf-8",
    )
    assert migrated("ateliers", "import", str(registry_csv)).exit_code == 0
    briefs = tmp_path / "briefs.jsonl"
    # Today's fields still work; the new ones say 2 styles x 2 colourways x 6 sizes.
    briefs.write_text(
        '{"id": "q1", "description": "cashmere jumpers", "quantity": 240, "styles": 2,'
        ' "colourways": 2, "sizes": ["XS", "S", "M", "L", "XL", "XXL"]}\n'
        '{"id": "q2", "description": "cashmere jumpers", "quantity": 240}\n',
        encoding="utf-8",
    )
    result = migrated("match", str(briefs))
    assert result.exit_code == 0, result.output
    shaped, plain = _json_lines(result)
    assert [m["ref"] for m in shaped["matches"]] == ["U1"]  # type: ignore[index]
    assert "MOQ 50 per colour ≤ your 60 per colour" in shaped["matches"][0]["reasons"]  # type: ignore[index]
    assert shaped["near_misses"][0]["failures"] == ["needs 100 per size — you have 10"]  # type: ignore[index]
    assert {m["ref"] for m in plain["matches"]} == {"U1", "U2"}  # type: ignore[union-attr]
    table = migrated("match", str(briefs), "--format", "table")
    assert "per colour" in table.stdout and "per size" in table.stdout


# --- the admin's and the operator's view agree --------------------------------------------------


def _in_database(tmp_path: Path, work: Callable[..., object]) -> None:
    """Run `work(session)` against the CLI's database file and commit."""
    import asyncio

    from bot.db import create_engine, create_session_factory

    async def main() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'review.sqlite3'}")
        try:
            async with create_session_factory(engine)() as session:
                await work(session)  # type: ignore[misc]
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(main())


def test_a_short_or_long_row_names_how_many_columns_it_has(
    migrated: Invoke, tmp_path: Path
) -> None:
    short = ",".join(ROW.split(",")[:15])
    long = ROW + ",extra,more"
    registry = tmp_path / "ateliers.csv"
    registry.write_text(f"{HEADER}\n{short}\n{ROW2}\n{long}\n", encoding="utf-8")
    result = migrated("ateliers", "import", str(registry))
    _clean_failure(result)
    assert "line 2: has 15 of 17 columns" in result.stderr
    assert "line 4: has 19 of 17 columns" in result.stderr
    assert "not a whole number" not in result.stderr
    assert _stored_refs(migrated) == []


def test_verify_lists_a_rejected_registration_or_says_why_it_cannot(
    migrated: Invoke, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from bot.db.models import Atelier, AtelierSource, Delivery, User

    registry = tmp_path / "ateliers.csv"
    registry.write_text(f"{HEADER}\n{ROW}\n{ROW2}\n", encoding="utf-8")
    assert migrated("ateliers", "import", str(registry)).exit_code == 0

    async def reject_x1_and_withdraw_x2(session: Any) -> None:
        owner = User(telegram_id=501, language="en", role="atelier")
        session.add(owner)
        await session.flush()
        rejected = await session.scalar(select(Atelier).where(Atelier.ref == "X1"))
        rejected.owner_id, rejected.source = owner.id, AtelierSource.BOT
        rejected.verified, rejected.listed = False, False
        withdrawn = await session.scalar(select(Atelier).where(Atelier.ref == "X2"))
        withdrawn.owner_id, withdrawn.listed, withdrawn.contact = None, False, ""

    _in_database(tmp_path, reject_x1_and_withdraw_x2)
    assert _stored_refs(migrated) == []

    result = migrated("ateliers", "verify", "X1")
    assert result.exit_code == 0, result.output
    assert "had been rejected; it is now verified and listed again" in result.stdout
    assert _stored_refs(migrated) == ["X1"]
    again = migrated("ateliers", "verify", "X1")
    assert "already verified and listed" in again.stdout

    refused = migrated("ateliers", "verify", "X2")
    _clean_failure(refused)
    assert "is not listed: its owner erased their data" in refused.stderr
    assert "verified" not in refused.stdout
    assert _stored_refs(migrated) == ["X1"]

    async def owner_is_told(session: Any) -> None:
        kinds = (await session.scalars(select(Delivery.kind))).all()
        assert kinds == ["atelier_verified"]

    _in_database(tmp_path, owner_is_told)


def test_median_time_to_answer_reads_as_in_the_bot(migrated: Invoke, tmp_path: Path) -> None:
    from datetime import timedelta

    from bot.db.base import utcnow
    from bot.db.models import Atelier, Brief, IntroRequest, User

    registry = tmp_path / "ateliers.csv"
    registry.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    assert migrated("ateliers", "import", str(registry)).exit_code == 0

    async def one_answer_after_a_minute(session: Any) -> None:
        from sqlalchemy import select

        designer = User(telegram_id=502, language="en", role="designer")
        session.add(designer)
        await session.flush()
        brief = Brief(designer_id=designer.id, state="open", language="en", product_text="x")
        session.add(brief)
        await session.flush()
        atelier = await session.scalar(select(Atelier))
        now = utcnow()
        session.add(
            IntroRequest(
                brief_id=brief.id,
                atelier_id=atelier.id,
                state="accepted",
                requested_at=now - timedelta(seconds=70),
                answered_at=now,
            )
        )

    _in_database(tmp_path, one_answer_after_a_minute)
    result = migrated("stats")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "Median time to answer" in line)
    assert "1 min" in row and "0.0 h" not in row


def test_match_table_keeps_near_misses_out_of_the_ranking(migrated: Invoke, tmp_path: Path) -> None:
    registry = tmp_path / "ateliers.csv"
    big_moq = "X3,Gamma,IT,,Prato,knitwear,wool,,500,1000,1000,4,50,,it,c@example.com,ok"
    registry.write_text(f"{HEADER}\n{ROW}\n{big_moq}\n", encoding="utf-8")
    assert migrated("ateliers", "import", str(registry)).exit_code == 0
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "b1", "description": "knitwear", "quantity": 50}\n')
    result = migrated("match", str(briefs), "--format", "table")
    assert result.exit_code == 0, result.output
    ranking, _, misses = result.stdout.partition("Near misses for brief b1")
    assert "Alfa (X1)" in ranking and "Gamma" not in ranking
    assert "Gamma (X3)" in misses
    assert "–" not in ranking


def test_help_shows_flags_as_flags(invoke: Invoke) -> None:
    result = invoke("chat", "--help")
    assert result.exit_code == 0
    assert "--admin" in result.stdout and "<bool>" not in result.stdout
