"""The `bottega` command line as operators use it: real processes, a real database file."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEV_DATA, REPO_ROOT

TOOLS = REPO_ROOT.parent / "shared" / "tools"


def bottega(
    *args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        input=stdin,
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_URL", "ADMIN_"))
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env


def test_version_and_help(cli_env: dict[str, str], tmp_path: Path) -> None:
    version = bottega("--version", env=cli_env, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("bottega ")
    for command in ([], ["db"], ["ateliers"], ["match"], ["run"], ["chat"]):
        result = bottega(*command, "--help", env=cli_env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout


def test_run_without_a_token_explains_what_to_do(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = bottega("run", env=cli_env, cwd=tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_settings_are_reported_without_a_traceback(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = bottega(
        "db", "upgrade", env={**cli_env, "DEFAULT_TIMEZONE": "Mars/Olympus"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "DEFAULT_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


def test_import_export_and_match_round_trip(cli_env: dict[str, str], tmp_path: Path) -> None:
    if not DEV_DATA.exists():
        pytest.skip(f"development set not found at {DEV_DATA}")
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    first = bottega("ateliers", "import", str(DEV_DATA / "ateliers.csv"), env=cli_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "120 new" in first.stdout
    again = bottega("ateliers", "import", str(DEV_DATA / "ateliers.csv"), env=cli_env, cwd=tmp_path)
    assert "0 new, 0 updated, 120 unchanged" in again.stdout

    exported = tmp_path / "export.csv"
    assert bottega("ateliers", "export", str(exported), env=cli_env, cwd=tmp_path).returncode == 0
    assert len(exported.read_text("utf-8").splitlines()) == 121

    matches = bottega(
        "match",
        str(DEV_DATA / "briefs.jsonl"),
        "--top",
        "5",
        "--format",
        "json",
        env=cli_env,
        cwd=tmp_path,
    )
    assert matches.returncode == 0, matches.stderr
    lines = [json.loads(line) for line in matches.stdout.splitlines()]
    assert len(lines) == 50
    assert set(lines[0]) >= {"brief_id", "matches"}
    assert all(
        set(m) >= {"ref", "name", "score", "reasons"} for line in lines for m in line["matches"]
    )
    assert all(len(line["matches"]) <= 5 for line in lines)
    out = tmp_path / "matches.jsonl"
    out.write_text(matches.stdout, "utf-8")
    scored = subprocess.run(
        [
            sys.executable,
            str(TOOLS / "eval_match.py"),
            str(DEV_DATA / "expected.jsonl"),
            str(out),
            "--min-ndcg",
            "0.92",
            "--min-hit3",
            "0.97",
            "--max-violations",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    print(scored.stdout)
    assert scored.returncode == 0, scored.stdout + scored.stderr

    table = bottega(
        "match",
        str(DEV_DATA / "briefs.jsonl"),
        "--top",
        "3",
        "--format",
        "table",
        env=cli_env,
        cwd=tmp_path,
    )
    assert table.returncode == 0 and "Brief DB001" in table.stdout


def test_a_bad_csv_line_is_named_and_nothing_is_written(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    header = (REPO_ROOT / "bot" / "data" / "demo_ateliers.csv").read_text("utf-8").splitlines()[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + "\nX1,Alfa,IT,,Prato,knitwear,,,10,100,100,4,50,,it,a@example.com,ok\n"
        "X2,Beta,IT,,Prato,knitwear,,,lots,100,100,4,50,,it,b@example.com,ok\n",
        "utf-8",
    )
    result = bottega("ateliers", "import", str(bad), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1
    assert "line 3, column moq" in result.stderr and "nothing was imported" in result.stderr
    exported = bottega("ateliers", "export", env=cli_env, cwd=tmp_path)
    assert exported.stdout.strip().count("\n") == 0  # header only


def test_the_portfolio_column_round_trips_within_files_max_portfolio(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    header = (REPO_ROOT / "bot" / "data" / "demo_ateliers.csv").read_text("utf-8").splitlines()[0]
    pictures = "https://alfa.example/1.jpg https://alfa.example/2.jpg https://alfa.example/3.jpg"
    registry = tmp_path / "ateliers.csv"
    registry.write_text(
        header + ",portfolio\n"
        f"X1,Alfa,IT,,Prato,knitwear,,,10,100,100,4,50,,it,a@example.com,ok,{pictures}\n",
        "utf-8",
    )
    env = {**cli_env, "FILES_MAX_PORTFOLIO": "2"}
    refused = bottega("ateliers", "import", str(registry), env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "line 2, column portfolio: 3 pictures; a portfolio holds at most 2" in refused.stderr
    imported = bottega("ateliers", "import", str(registry), env=cli_env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    exported = tmp_path / "export.csv"
    assert bottega("ateliers", "export", str(exported), env=cli_env, cwd=tmp_path).returncode == 0
    header_out, row = exported.read_text("utf-8").splitlines()
    assert header_out.endswith(",portfolio") and row.endswith("," + pictures)
    again = bottega("ateliers", "import", str(exported), env=cli_env, cwd=tmp_path)
    assert "0 new, 0 updated, 1 unchanged" in again.stdout


def test_bad_brief_lines_are_reported_and_the_rest_still_run(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    bottega(
        "ateliers",
        "import",
        str(REPO_ROOT / "bot" / "data" / "demo_ateliers.csv"),
        env=cli_env,
        cwd=tmp_path,
    )
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text(
        '{"id": "ok1", "description": "silk scarves", "quantity": 100}\n'
        "not json\n"
        '{"id": "bad", "description": "x", "quantity": -5}\n'
        '{"id": "ok2", "description": "maglioni in cashmere", "quantity": 80}\n',
        "utf-8",
    )
    result = bottega("match", str(briefs), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1
    assert [json.loads(line)["brief_id"] for line in result.stdout.splitlines()] == ["ok1", "ok2"]
    assert "line 2" in result.stderr and "line 3" in result.stderr


# `bottega match ARGS…` run as it is, then the names of every module it imported written to
# the file MODULES_OUT names.
_MATCH_AND_LIST_MODULES = """
import os, runpy, sys
try:
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
finally:
    with open(os.environ["MODULES_OUT"], "w", encoding="utf-8") as out:
        out.write("\\n".join(sorted(sys.modules)))
"""


def test_match_imports_neither_the_bot_nor_the_parsers(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """`bottega match` loads what matching needs and no more: not the bot's Telegram and HTTP
    stack, nor the parsers of what people type (dates, contacts), which would only slow its
    start — whether it builds the index or reads its snapshot."""
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    demo = REPO_ROOT / "bot" / "data" / "demo_ateliers.csv"
    assert bottega("ateliers", "import", str(demo), env=cli_env, cwd=tmp_path).returncode == 0
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text('{"id": "b1", "description": "maglioni in cashmere", "quantity": 80}\n')
    listed = tmp_path / "modules.txt"
    for start in ("built", "from the snapshot"):
        result = subprocess.run(
            [sys.executable, "-c", _MATCH_AND_LIST_MODULES, "match", str(briefs)],
            capture_output=True,
            text=True,
            env={**cli_env, "MODULES_OUT": str(listed)},
            cwd=tmp_path,
            timeout=120,
        )
        assert result.returncode == 0, (start, result.stderr)
        assert json.loads(result.stdout)["matches"], start
        modules = set(listed.read_text("utf-8").split())
        assert {"matching.index", "bot.registry.snapshots", "parsing.text"} <= modules, start
        unneeded = {"telegram", "aiohttp", "bot.app", "dateparser", "phonenumbers"}
        unneeded |= {"email_validator", "parsing.dates", "parsing.contacts", "parsing.places"}
        assert modules & unneeded == set(), start


def test_make_run_without_a_token_sets_up_and_opens_the_terminal_chat(
    cli_env: dict[str, str],
) -> None:
    if (REPO_ROOT / ".env").exists():
        pytest.skip(".env present: `make run` would use its settings")
    if not (REPO_ROOT / ".venv" / "bin" / "bottega").exists():
        pytest.skip("needs the project's virtual environment (make creates it)")
    result = subprocess.run(
        ["make", "-s", "run"],
        cwd=REPO_ROOT,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Imported demo_ateliers.csv" in result.stdout
    assert "terminal chat" in result.stdout
    assert "Welcome to Bottega" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_make_chat_passes_its_options_to_the_terminal_chat(cli_env: dict[str, str]) -> None:
    if (REPO_ROOT / ".env").exists():
        pytest.skip(".env present: `make chat` would use its settings")
    if not (REPO_ROOT / ".venv" / "bin" / "bottega").exists():
        pytest.skip("needs the project's virtual environment (make creates it)")
    result = subprocess.run(
        ["make", "-s", "chat", "ARGS=--lang it --name Giulia"],
        cwd=REPO_ROOT,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ciao Giulia, ti diamo il benvenuto in Bottega!" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_package_license_is_an_spdx_expression() -> None:
    """A license table is deprecated by setuptools (a warning on every install); the SPDX string
    needs setuptools 77 or newer to build."""
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"]


def _start(url: str) -> tuple[bool, int | None]:
    """What a process starting now does: whether it reads the stored match index snapshot, and
    the minimum of atelier D0092 in its index."""
    from bot.db import create_engine, create_session_factory
    from bot.registry.index_cache import MatchIndexCache

    async def start() -> tuple[bool, int | None]:
        engine = create_engine(url)
        try:
            cache = MatchIndexCache(create_session_factory(engine), include_unverified=True)
            profile = (await cache.get()).profile("D0092")
            await cache.saved()
            return cache.from_snapshot, None if profile is None else profile.moq
        finally:
            await engine.dispose()

    return asyncio.run(start())


def test_an_import_stores_the_match_index_the_next_start_reads(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    if not DEV_DATA.exists():
        pytest.skip(f"development set not found at {DEV_DATA}")
    registry = (DEV_DATA / "ateliers.csv").read_text("utf-8")
    url = cli_env["DATABASE_URL"]
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    skipped = bottega(
        "ateliers",
        "import",
        str(DEV_DATA / "ateliers.csv"),
        "--no-index",
        env=cli_env,
        cwd=tmp_path,
    )
    assert "120 new" in skipped.stdout and "Match index" not in skipped.stdout
    assert _start(url) == (False, 80)  # none stored: built (and stored by that start)

    other = tmp_path / "other.sqlite3"
    env = {**cli_env, "DATABASE_URL": f"sqlite+aiosqlite:///{other}"}
    url = env["DATABASE_URL"]
    assert bottega("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    first = bottega("ateliers", "import", str(DEV_DATA / "ateliers.csv"), env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Match index stored for the next start: 120 ateliers." in first.stdout
    assert _start(url) == (True, 80)

    # Unchanged, or a few rows changed: the stored index still serves, with the changes since.
    again = bottega("ateliers", "import", str(DEV_DATA / "ateliers.csv"), env=env, cwd=tmp_path)
    assert "120 unchanged" in again.stdout and "Match index" not in again.stdout
    changed = tmp_path / "changed.csv"
    changed.write_text(
        registry.replace(
            "elastane,laser cutting;stampa digitale;modellistica,80,",
            "elastane,laser cutting;stampa digitale;modellistica,95,",
        ),
        "utf-8",
    )
    update = bottega("ateliers", "import", str(changed), env=env, cwd=tmp_path)
    assert "1 updated" in update.stdout and "Match index" not in update.stdout
    assert _start(url) == (True, 95)
