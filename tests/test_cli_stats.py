"""`bottega stats` prints the operator's numbers as a table and can write the chart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.test_cli import bottega

REGISTRY = (
    "ref,name,country,region,city,specialties,materials,techniques,moq,max_batch,"
    "monthly_capacity,lead_time_weeks,handwork_share,certifications,languages,contact,description,"
    "verified,portfolio\n"
    "A1,Maglificio Uno,IT,Toscana,Prato,knitwear,wool,,10,100,300,4,50,,it,a@uno.example,,true,"
    "https://uno.example/cover.jpg\n"
    "A2,Camiceria Due,IT,Puglia,Bari,shirts,cotton,,10,100,300,4,50,,it,b@due.example,,false,\n"
)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'stats.sqlite3'}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env


def test_stats_table_and_chart(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    registry = tmp_path / "ateliers.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    imported = bottega("ateliers", "import", str(registry), env=cli_env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr

    chart = tmp_path / "stats.png"
    result = bottega("stats", "--chart", str(chart), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {
        " ".join(line.strip("│ ").split("│")[0].split()): line.split("│")[-2].strip()
        for line in result.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows["Ateliers live"] == "1"
    assert rows["Ateliers waiting for verification"] == "1"
    assert rows["Introductions accepted"] == "0"
    assert rows["Acceptance rate"] == "–"
    assert rows["Briefs with a pack"] == "0"
    assert rows["Ateliers with a portfolio"] == "1"
    # Ten answers on each side before the two rates are compared.
    assert rows["Acceptance with a pack"] == "not enough data yet (0/10)"
    assert rows["Acceptance without a pack"] == "not enough data yet (0/10)"
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_stats_compare_acceptance_with_a_pack_and_without(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    import asyncio

    from bot.db import create_engine, create_session_factory
    from bot.db.models import IntroState
    from tests.services.test_pack_stats import _seed

    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0

    async def seed() -> None:
        engine = create_engine(cli_env["DATABASE_URL"])
        try:
            async with create_session_factory(engine)() as session:
                accepted, declined = IntroState.ACCEPTED, IntroState.DECLINED
                await _seed(
                    session,
                    with_pack=[accepted] * 8 + [declined] * 2,
                    without_pack=[accepted] * 3 + [declined] * 8,
                )
        finally:
            await engine.dispose()

    asyncio.run(seed())
    result = bottega("stats", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {
        " ".join(line.strip("│ ").split("│")[0].split()): line.split("│")[-2].strip()
        for line in result.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows["Briefs with a pack"] == "12"  # ten with requests, the late one, the waiting one
    assert rows["Ateliers with a portfolio"] == "2"
    assert rows["Acceptance with a pack"] == "80 % of 10 answered"
    assert rows["Acceptance without a pack"] == "25 % of 12 answered"  # 11 and the late one
