"""Benchmark: the atelier registry at 1e4, 1e5 and 1e6 rows, each figure beside its floor.

    nice -n 10 .venv/bin/python benchmarks/bench_registry.py [--sizes 10000 100000]
        [--databases sqlite postgresql] [--postgres-url postgresql+asyncpg://…/test]
        [--portfolio N] [--import-only] [--startup-runs N]

Registries are generated like the development set (`shared/data/dev/ateliers.csv`): its rows
are the templates, with a ref, name, contact and description of their own, quantities jittered
and one main specialty in twenty misspelt by one edit (a few thousand distinct specialty
strings at 1e5, as real registries have). Every figure is measured in a process of its own,
wall-clock from spawn to exit (interpreter start and imports included) with the process's peak
RSS from the kernel (`wait4`):

- `bottega ateliers import FILE` into a fresh database (which then builds and stores the match
  index), then again with the same file (which must report every row unchanged), and with
  `--no-index` into another fresh database (the import alone); floor: stdlib `csv` + `sqlite3.executemany` in one
  transaction on SQLite, `csv` + asyncpg `COPY` on PostgreSQL, into a table of the same columns;
- bot start: the application built and its match index loaded (`MatchIndexCache.get()`), and
  `bottega match` of one brief, start-up included, each twice: with no stored snapshot of the
  index (built from the ateliers, the snapshot then stored, which the figure includes) and
  from the snapshot; floors: a plain SELECT of the columns the matcher needs, and a plain
  SELECT of the snapshot's bytes (sqlite3 / asyncpg, into lists); with `--startup-runs N`
  each start from the snapshot again N times, interleaved with its floors and a third one,
  importing the libraries that start cannot do without (and nothing of ours): median CPU;
- the index build (wall and CPU) and the p50/p95 match latency over the development briefs;
  floor for latency: a plain Python scan of the hard constraints over every row.

With `--users N` it also seeds N users (designers with open briefs, and atelier owners) and
measures digest planning, the follow-up planning and `bottega stats`, each in its own process,
against a floor of a plain SELECT counting the same rows.

PostgreSQL databases are created as `bottega_registry_bench_<pid>_*` (two runs on one server
never drop each other's) and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV_ATELIERS = ROOT.parent / "shared" / "data" / "dev" / "ateliers.csv"
DEV_BRIEFS = ROOT.parent / "shared" / "data" / "dev" / "briefs.jsonl"
DEFAULT_POSTGRES = os.environ.get(
    "BOTTEGA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# The columns the matcher reads (bot/registry/profiles.py), for the load floor.
MATCHED_COLUMNS = (
    "id, ref, name, country, region, city, moq, max_batch, monthly_capacity, lead_time_weeks, "
    "handwork_share, description, verified, paused, listed, available_capacity, specialties, "
    "materials, techniques, certifications, languages"
)
CSV_HEADER = (
    "ref",
    "name",
    "country",
    "region",
    "city",
    "specialties",
    "materials",
    "techniques",
    "moq",
    "max_batch",
    "monthly_capacity",
    "lead_time_weeks",
    "handwork_share",
    "certifications",
    "languages",
    "contact",
    "description",
)
_LETTERS = "abcdefghilmnoprstuvz"


# --- the registry file ---------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # a letter dropped
        return word[:at] + word[at + 1 :]
    if kind == 1:  # two letters swapped
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice(_LETTERS) + word[at + 1 :]  # a letter replaced


def generate_registry(path: Path, size: int, seed: int = 15, portfolio: int = 0) -> None:
    """`size` rows shaped like the development set, written as the import format; with
    `portfolio`, each row has a `portfolio` column of that many pictures (an https address for
    the cover, Telegram-shaped file ids for the rest)."""
    rng = random.Random(seed)
    with DEV_ATELIERS.open(encoding="utf-8", newline="") as stream:
        templates = list(csv.DictReader(stream))
    header = (*CSV_HEADER, "portfolio") if portfolio else CSV_HEADER
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for number in range(size):
            row = dict(templates[rng.randrange(len(templates))])
            row["ref"] = f"R{number:07d}"
            row["name"] = f"{row['name']} {number}"
            row["contact"] = f"info{number}@atelier{number % 997}.example"
            moq = max(1, int(int(row["moq"]) * rng.uniform(0.6, 1.4)))
            row["moq"] = str(moq)
            row["max_batch"] = str(max(moq, int(int(row["max_batch"]) * rng.uniform(0.6, 1.4))))
            row["monthly_capacity"] = str(int(int(row["monthly_capacity"]) * rng.uniform(0.5, 1.5)))
            row["lead_time_weeks"] = str(max(1, int(row["lead_time_weeks"]) + rng.randint(-2, 2)))
            row["handwork_share"] = str(
                min(100, max(0, int(row["handwork_share"]) + rng.randint(-10, 10)))
            )
            if rng.random() < 0.05:
                specialties = row["specialties"].split(";")
                specialties[0] = _typo(specialties[0], rng)
                row["specialties"] = ";".join(specialties)
            row["description"] = f"{row['description']} Workshop number {number}."
            row["portfolio"] = " ".join(
                f"https://atelier{number}.example/cover.jpg"
                if picture == 0
                else f"AgACAgQAAxkBAAI{number:09d}x{picture:02d}ZxQ0l2kz7bLhZ1Q9T3"
                for picture in range(portfolio)
            )
            writer.writerow([row[column] for column in header])


def write_briefs(path: Path, count: int | None = None) -> list[dict[str, Any]]:
    briefs = [json.loads(line) for line in DEV_BRIEFS.read_text(encoding="utf-8").splitlines()]
    chosen = briefs if count is None else briefs[:count]
    path.write_text("".join(json.dumps(b) + "\n" for b in chosen), encoding="utf-8")
    return chosen


# --- measuring a process -------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float  # user + system seconds of the process: what the machine's load does not inflate
    peak_mb: float
    stdout: str
    load: float = 0.0  # the machine's 1-minute load average when the process started

    def cell(self) -> str:
        return f"{self.seconds:.2f} s ({self.cpu:.2f} CPU) / {self.peak_mb:.0f} MB"

    def cell_with_load(self) -> str:
        return f"{self.cell()}, load {self.load:.1f}"


def measure(argv: list[str], env: dict[str, str]) -> Measured:
    """Wall time from spawn to exit and the child's peak RSS as the kernel counted it."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, env={**os.environ, **env}, stdout=out, stderr=errors, text=True, cwd=ROOT
        )
        # Reaped with wait4 for the child's own resource usage (its peak RSS).
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errors.seek(0)
        stdout, stderr = out.read(), errors.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{stdout}\n{stderr}")
    return Measured(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, load)


def _child(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args]


def _bottega(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


# --- what the children do -------------------------------------------------------------------


def _sqlite_path(url: str) -> str:
    return url.split("///", 1)[1]


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def child_import_floor(url: str, csv_path: str) -> None:
    """The import done the simplest fast way: parse with csv, write in one transaction."""
    with open(csv_path, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        columns = ", ".join(header)
        if url.startswith("sqlite"):
            import sqlite3

            connection = sqlite3.connect(_sqlite_path(url))
            connection.execute(f"CREATE TABLE floor_ateliers ({columns})")
            with connection:
                connection.executemany(
                    f"INSERT INTO floor_ateliers VALUES ({', '.join('?' * len(header))})", reader
                )
            connection.close()
            return

        import asyncpg

        async def copy() -> None:
            connection = await asyncpg.connect(_pg_dsn(url))
            try:
                await connection.execute(
                    f"CREATE TABLE floor_ateliers ({', '.join(f'{c} text' for c in header)})"
                )
                async with connection.transaction():
                    await connection.copy_records_to_table(
                        "floor_ateliers", records=[tuple(row) for row in reader], columns=header
                    )
            finally:
                await connection.close()

        asyncio.run(copy())


def child_load_floor(url: str, what: str = "columns") -> None:
    """The columns the matcher needs, or the stored snapshot's parts, read with one plain
    SELECT."""
    query = (
        f"SELECT {MATCHED_COLUMNS} FROM ateliers WHERE listed"
        if what == "columns"
        else "SELECT data FROM match_index_snapshots ORDER BY part"
    )
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(_sqlite_path(url))
        rows = connection.execute(query).fetchall()
        connection.close()
    else:
        import asyncpg

        async def fetch() -> list[Any]:
            connection = await asyncpg.connect(_pg_dsn(url))
            try:
                return list(await connection.fetch(query))
            finally:
                await connection.close()

        rows = asyncio.run(fetch())
    stored = sum(len(row[0]) for row in rows) if what == "snapshot" else 0
    print(json.dumps({"rows": len(rows), "snapshot_bytes": stored}))


# The libraries each start cannot do without, imported alone: the floor of its start-up.
LIBRARIES = {
    "bot": ("telegram", "telegram.ext", "aiohttp"),
    "match": ("typer", "rich.console"),
}
SHARED_LIBRARIES = (
    "sqlalchemy",
    "sqlalchemy.ext.asyncio",
    "numpy",
    "rapidfuzz",
    "simplemma",
    "marisa_trie",
    "pydantic",
    "pydantic_settings",
)


def child_libraries(url: str, start: str) -> None:
    """Import the libraries of the bot's start or of `bottega match`, and nothing of ours."""
    import importlib

    driver = "aiosqlite" if url.startswith("sqlite") else "asyncpg"
    for name in (*SHARED_LIBRARIES, *LIBRARIES[start], driver):
        importlib.import_module(name)
    print(json.dumps({"imported": len(sys.modules)}))


def child_clear_snapshot(url: str) -> None:
    """Forget the stored snapshot of the index, so that the next start builds it."""
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(_sqlite_path(url))
        with connection:
            connection.execute("DELETE FROM match_index_snapshots")
        connection.close()
        return
    import asyncpg

    async def clear() -> None:
        connection = await asyncpg.connect(_pg_dsn(url))
        try:
            await connection.execute("DELETE FROM match_index_snapshots")
        finally:
            await connection.close()

    asyncio.run(clear())


def child_start(url: str) -> None:
    """What the bot does before it can answer a designer's first match: the application
    built, and the match index loaded into it."""
    from bot.app import build_application
    from bot.config import load_settings
    from bot.runtime import runtime_of

    async def main() -> dict[str, Any]:
        settings = load_settings(_env_file=None, database_url=url)
        application = build_application(settings, token="123456:bench")
        runtime = runtime_of(application)
        index = await runtime.match_index.get()
        await runtime.match_index.saved()  # a built index is stored as a snapshot
        await runtime.engine.dispose()
        return {"ateliers": len(index), "from_snapshot": runtime.match_index.from_snapshot}

    print(json.dumps(asyncio.run(main())))


def child_latency(url: str, briefs_path: str) -> None:
    """Index load, build (wall and CPU) and per-brief match latency, in one process."""
    import matching
    from bot.db import create_engine, create_session_factory
    from bot.registry.profiles import load_registry

    briefs = [
        matching.BriefQuery.from_json(json.loads(line))
        for line in Path(briefs_path).read_text(encoding="utf-8").splitlines()
    ]

    async def load() -> list[Any]:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                return await load_registry(session)
        finally:
            await engine.dispose()

    started = time.perf_counter()
    registry = asyncio.run(load())
    loaded = time.perf_counter() - started
    cpu = time.process_time()
    started = time.perf_counter()
    index = matching.AtelierIndex.build(profile for _, profile in registry)
    build = time.perf_counter() - started
    build_cpu = time.process_time() - cpu
    for brief in briefs[:3]:  # warm the lemmatiser and caches, as a running bot has them
        index.match(brief, top=5)
    latencies: list[float] = []
    for _ in range(4):
        for brief in briefs:
            started = time.perf_counter()
            index.match(brief, top=5)
            latencies.append(time.perf_counter() - started)
    latencies.sort()

    # The floor: a plain scan of the hard constraints over every row, per brief.
    rows = [
        (p.moq, p.max_batch, p.lead_time_weeks, p.verified and not p.paused) for _, p in registry
    ]
    floor: list[float] = []
    for brief in briefs:
        quantity = brief.quantity
        deadline = brief.deadline_weeks or 10_000
        started = time.perf_counter()
        hits = [
            i
            for i, (moq, top, lead, live) in enumerate(rows)
            if live and moq <= quantity <= top and lead <= deadline
        ]
        hits.sort()
        floor.append(time.perf_counter() - started)
    floor.sort()
    print(
        json.dumps(
            {
                "load": loaded,
                "build": build,
                "build_cpu": build_cpu,
                "p50": latencies[len(latencies) // 2],
                "p95": latencies[int(len(latencies) * 0.95)],
                "floor_p50": floor[len(floor) // 2],
                "floor_p95": floor[int(len(floor) * 0.95)],
                "ateliers": len(index),
            }
        )
    )


def child_seed_people(url: str, users: str, briefs: str) -> None:
    """`users` people (four designers to one atelier owner, each owner with one atelier of
    the registry) and `briefs` open briefs confirmed two days ago by the first designers."""
    from datetime import timedelta

    from sqlalchemy import bindparam, insert, select, update

    from bot.db import create_engine
    from bot.db.base import utcnow
    from bot.db.models import Atelier, Brief, User

    dev = [json.loads(line) for line in DEV_BRIEFS.read_text(encoding="utf-8").splitlines()]
    count, brief_count = int(users), int(briefs)
    now = utcnow()

    async def main() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                for start in range(0, count, 5000):
                    await connection.execute(
                        insert(User),
                        [
                            {
                                "telegram_id": 10_000_000 + n,
                                "display_name": f"Person {n}",
                                "language": "it" if n % 3 == 0 else "en",
                                "role": "atelier" if n % 5 == 4 else "designer",
                                "timezone": None if n % 2 else "Europe/Rome",
                            }
                            for n in range(start, min(count, start + 5000))
                        ],
                    )
                ids = list(await connection.scalars(select(User.id).order_by(User.id)))
                owners = [ids[n] for n in range(count) if n % 5 == 4]
                designers = [ids[n] for n in range(count) if n % 5 != 4]
                atelier_ids = list(
                    await connection.scalars(select(Atelier.id).order_by(Atelier.id))
                )
                await connection.execute(
                    update(Atelier)
                    .where(Atelier.id == bindparam("_id"))
                    .values(owner_id=bindparam("_owner")),
                    [{"_id": a, "_owner": o} for a, o in zip(atelier_ids, owners, strict=False)],
                )
                await connection.execute(
                    insert(Brief),
                    [
                        {
                            "designer_id": designers[n % len(designers)],
                            "state": "open",
                            "product_text": dev[n % len(dev)]["description"],
                            "quantity": dev[n % len(dev)]["quantity"],
                            "materials": dev[n % len(dev)].get("materials", []),
                            "confirmed_at": now - timedelta(days=2),
                        }
                        for n in range(brief_count)
                    ],
                )
        finally:
            await engine.dispose()

    asyncio.run(main())


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0  # pragma: no cover - Linux only


def child_digest(url: str) -> None:
    """This week's digests planned for everyone (as `bottega digest send-now` does), the index
    built first; RSS after the index and peak RSS after planning."""
    from bot.db import create_engine, create_session_factory
    from bot.digest import service as digest
    from bot.registry.index_cache import MatchIndexCache

    async def main() -> dict[str, Any]:
        engine = create_engine(url)
        try:
            factory = create_session_factory(engine)
            index = await MatchIndexCache(factory).get()
            before = _rss_mb()
            started = time.perf_counter()
            cpu = time.process_time()
            plan = await digest.plan_digests(
                factory, index, default_timezone="Europe/Rome", send_now=True
            )
            return {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "rss_before_mb": before,
                "considered": plan.considered,
                "planned": plan.planned,
            }
        finally:
            await engine.dispose()

    print(json.dumps(asyncio.run(main())))


def child_capacity(url: str) -> None:
    """The monthly capacity checks planned for every owned atelier, a month from now."""
    from datetime import timedelta

    from bot.db import create_engine, create_session_factory
    from bot.db.base import utcnow
    from bot.followups import service as followups

    async def main() -> dict[str, Any]:
        engine = create_engine(url)
        try:
            before = _rss_mb()
            started = time.perf_counter()
            scheduled = await followups.plan_capacity_checks(
                create_session_factory(engine),
                default_timezone="Europe/Rome",
                now=utcnow() + timedelta(days=40),
            )
            return {
                "seconds": time.perf_counter() - started,
                "rss_before_mb": before,
                "scheduled": scheduled,
            }
        finally:
            await engine.dispose()

    print(json.dumps(asyncio.run(main())))


def child_people_floor(url: str) -> None:
    """The rows digest planning and the capacity checks walk, read with plain SELECTs."""
    queries = (
        "SELECT id, timezone, language, digest_week, last_digest_at FROM users "
        "WHERE NOT deleted AND reachable AND digest_opt_in",
        "SELECT a.id, u.id, u.timezone FROM ateliers a JOIN users u ON a.owner_id = u.id",
    )
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(_sqlite_path(url))
        rows = sum(len(connection.execute(q).fetchall()) for q in queries)
        connection.close()
    else:
        import asyncpg

        async def fetch() -> int:
            connection = await asyncpg.connect(_pg_dsn(url))
            try:
                return sum([len(await connection.fetch(q)) for q in queries])
            finally:
                await connection.close()

        rows = asyncio.run(fetch())
    print(json.dumps({"rows": rows}))


CHILDREN = {
    "seed-people": child_seed_people,
    "digest": child_digest,
    "capacity": child_capacity,
    "people-floor": child_people_floor,
    "import-floor": child_import_floor,
    "load-floor": child_load_floor,
    "clear-snapshot": child_clear_snapshot,
    "libraries": child_libraries,
    "start": child_start,
    "latency": child_latency,
}


# --- databases ------------------------------------------------------------------------------


def _admin_dsn(url: str) -> str:
    base = _pg_dsn(url).rsplit("/", 1)[0]
    return f"{base}/postgres"


async def _pg(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_admin_dsn(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def fresh_database(kind: str, name: str, tmp: Path, postgres_url: str) -> str:
    """An empty, migrated database; its URL."""
    from bot.db import create_engine
    from bot.db.migrations import upgrade_async

    if kind == "sqlite":
        path = tmp / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        database = f"bottega_registry_bench_{os.getpid()}_{name}"
        asyncio.run(_pg(postgres_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        asyncio.run(_pg(postgres_url, f'CREATE DATABASE "{database}"'))
        url = f"{postgres_url.rsplit('/', 1)[0]}/{database}"

    async def migrate() -> None:
        engine = create_engine(url)
        try:
            await upgrade_async(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    return url


def drop_database(kind: str, url: str, postgres_url: str) -> None:
    if kind == "postgresql":
        database = url.rsplit("/", 1)[1]
        asyncio.run(_pg(postgres_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


# --- the run --------------------------------------------------------------------------------


# Each start from the snapshot, measured again and again beside its floors (interleaved, so
# that all see the same load): what is reported is the median and the least CPU.
STARTUP_MEASURES = {
    "bot start from snapshot": lambda url, brief: _child("start", url),
    "`bottega match` from snapshot": lambda url, brief: _bottega("match", str(brief)),
    "floor: SELECT of the columns": lambda url, brief: _child("load-floor", url),
    "floor: SELECT of the snapshot": lambda url, brief: _child("load-floor", url, "snapshot"),
    "floor: importing the bot's libraries": lambda url, brief: _child("libraries", url, "bot"),
    "floor: importing `bottega match`'s libraries": lambda url, brief: _child(
        "libraries", url, "match"
    ),
}


def run_startup(url: str, env: dict[str, str], brief: Path, runs: int) -> dict[str, list[Measured]]:
    measured: dict[str, list[Measured]] = {name: [] for name in STARTUP_MEASURES}
    for _ in range(runs):
        for name, argv in STARTUP_MEASURES.items():
            measured[name].append(measure(argv(url, brief), env))
    return measured


def run_size(
    kind: str,
    size: int,
    csv_path: Path,
    tmp: Path,
    postgres_url: str,
    import_only: bool = False,
    startup_runs: int = 0,
) -> dict[str, Any]:
    one_brief = tmp / "one_brief.jsonl"
    write_briefs(one_brief, 1)
    all_briefs = tmp / "briefs.jsonl"
    write_briefs(all_briefs)
    result: dict[str, Any] = {"database": kind, "size": size}

    url = fresh_database(kind, f"floor_{size}", tmp, postgres_url)
    result["import_floor"] = measure(_child("import-floor", url, str(csv_path)), {})
    drop_database(kind, url, postgres_url)

    url = fresh_database(kind, f"bare_{size}", tmp, postgres_url)
    bare = measure(
        _bottega("ateliers", "import", str(csv_path), "--no-index"), {"DATABASE_URL": url}
    )
    assert f"{size} new, 0 updated, 0 unchanged" in bare.stdout, bare.stdout
    result["import_no_index"] = bare
    drop_database(kind, url, postgres_url)

    url = fresh_database(kind, f"main_{size}", tmp, postgres_url)
    env = {"DATABASE_URL": url}
    fresh = measure(_bottega("ateliers", "import", str(csv_path)), env)
    assert f"{size} new, 0 updated, 0 unchanged" in fresh.stdout, fresh.stdout
    assert f"Match index stored for the next start: {size} ateliers." in fresh.stdout
    result["import"] = fresh
    again = measure(_bottega("ateliers", "import", str(csv_path)), env)
    assert f"0 new, 0 updated, {size} unchanged" in again.stdout, again.stdout
    result["reimport"] = again
    if import_only:
        drop_database(kind, url, postgres_url)
        return result

    result["load_floor"] = measure(_child("load-floor", url), {})
    measure(_child("clear-snapshot", url), {})
    result["start_built"] = measure(_child("start", url), env)
    assert '"from_snapshot": false' in result["start_built"].stdout
    result["snapshot_floor"] = measure(_child("load-floor", url, "snapshot"), {})
    result["start"] = measure(_child("start", url), env)
    assert '"from_snapshot": true' in result["start"].stdout, result["start"].stdout
    measure(_child("clear-snapshot", url), {})
    result["match_built"] = measure(_bottega("match", str(one_brief)), env)
    result["match"] = measure(_bottega("match", str(one_brief)), env)
    assert result["match"].stdout == result["match_built"].stdout
    if startup_runs:
        result["startup"] = run_startup(url, env, one_brief, startup_runs)
    latency = measure(_child("latency", url, str(all_briefs)), {})
    result["latency"] = json.loads(latency.stdout.strip().splitlines()[-1])
    result["latency_process"] = latency
    drop_database(kind, url, postgres_url)
    return result


def run_people(
    kind: str, size: int, users: int, briefs: int, csv_path: Path, tmp: Path, postgres_url: str
) -> dict[str, Any]:
    """Digest planning, capacity checks and `bottega stats` with `users` people."""
    url = fresh_database(kind, f"people_{size}_{users}", tmp, postgres_url)
    env = {"DATABASE_URL": url}
    measure(_bottega("ateliers", "import", str(csv_path)), env)
    measure(_child("seed-people", url, str(users), str(briefs)), {})
    result: dict[str, Any] = {"database": kind, "size": size, "users": users, "briefs": briefs}
    result["floor"] = measure(_child("people-floor", url), {})
    digest = measure(_child("digest", url), {})
    result["digest"] = digest
    result["digest_numbers"] = json.loads(digest.stdout.strip().splitlines()[-1])
    capacity = measure(_child("capacity", url), {})
    result["capacity"] = capacity
    result["capacity_numbers"] = json.loads(capacity.stdout.strip().splitlines()[-1])
    result["stats"] = measure(_bottega("stats"), env)
    drop_database(kind, url, postgres_url)
    return result


def print_people(results: list[dict[str, Any]]) -> None:
    print()
    print(
        "| database | ateliers | users | briefs | digest planning (index built first) "
        "| of which planning | RSS after index → peak | capacity checks | `bottega stats` "
        "| floor (plain SELECTs) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        d = r["digest_numbers"]
        print(
            f"| {r['database']} | {r['size']:,} | {r['users']:,} | {r['briefs']:,} "
            f"| {r['digest'].cell()} | {d['seconds']:.2f} s ({d['cpu']:.2f} CPU), "
            f"{d['planned']:,} planned | {d['rss_before_mb']:.0f} → {r['digest'].peak_mb:.0f} MB "
            f"| {r['capacity'].cell()}, {r['capacity_numbers']['scheduled']:,} checks "
            f"| {r['stats'].cell()} | {r['floor'].cell()} |"
        )


def print_tables(results: list[dict[str, Any]]) -> None:
    print()
    print(
        "| database | ateliers | import (index stored) | import `--no-index` "
        "| re-import (all unchanged) | import floor "
        "| bot start (index loaded) | `bottega match` 1 brief | load floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['database']} | {r['size']:,} | {r['import'].cell_with_load()} "
            f"| {r['import_no_index'].cell_with_load()} | {r['reimport'].cell_with_load()} "
            f"| {r['import_floor'].cell_with_load()} | {r['start'].cell()} | {r['match'].cell()} "
            f"| {r['load_floor'].cell()} |"
        )
    print()
    print(
        "| database | ateliers | bot start, built (snapshot stored) | bot start from snapshot "
        "| `bottega match`, built (snapshot stored) | `bottega match` from snapshot "
        "| floor: SELECT of the columns | floor: SELECT of the snapshot |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    cells = ("start_built", "start", "match_built", "match", "load_floor", "snapshot_floor")
    for r in results:
        print(
            f"| {r['database']} | {r['size']:,} | "
            + " | ".join(r[name].cell_with_load() for name in cells)
            + " |"
        )
    print()
    print(
        "| database | ateliers | load in process (s) | build (s) | build CPU (s) "
        "| p50 (ms) | p95 (ms) | floor scan p50 (ms) | floor scan p95 (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        lat = r["latency"]
        print(
            f"| {r['database']} | {r['size']:,} | {lat['load']:.2f} | {lat['build']:.2f} "
            f"| {lat['build_cpu']:.2f} | {lat['p50'] * 1000:.2f} | {lat['p95'] * 1000:.2f} "
            f"| {lat['floor_p50'] * 1000:.2f} | {lat['floor_p95'] * 1000:.2f} |"
        )


def print_startup(results: list[dict[str, Any]]) -> None:
    print()
    print("| database | ateliers | what | CPU s, median (min) | wall s, median | peak MB | load |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in results:
        for name, runs in r.get("startup", {}).items():
            cpu = sorted(m.cpu for m in runs)
            wall = sorted(m.seconds for m in runs)
            loads = [m.load for m in runs]
            print(
                f"| {r['database']} | {r['size']:,} | {name} "
                f"| {cpu[len(cpu) // 2]:.2f} ({cpu[0]:.2f}) | {wall[len(wall) // 2]:.2f} "
                f"| {max(m.peak_mb for m in runs):.0f} | {min(loads):.1f}–{max(loads):.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--keep", type=Path, default=None, help="keep generated files here")
    parser.add_argument(
        "--users",
        type=int,
        nargs="*",
        default=[],
        help="also measure digest planning, capacity checks and stats with this many users "
        "(at the largest size)",
    )
    parser.add_argument("--briefs", type=int, default=1000, help="open briefs, with --users")
    parser.add_argument("--skip-registry", action="store_true", help="only the --users part")
    parser.add_argument(
        "--portfolio", type=int, default=0, help="pictures in each row's portfolio column"
    )
    parser.add_argument(
        "--import-only", action="store_true", help="only the import, its re-import and floor"
    )
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=0,
        help="measure each start from the snapshot this many more times, beside its floors",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_registry_"))
    results: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    try:
        for size in args.sizes:
            csv_path = tmp / f"ateliers_{size}.csv"
            generate_registry(csv_path, size, portfolio=args.portfolio)
            if size == max(args.sizes):
                for users in args.users:
                    for kind in args.databases:
                        people.append(
                            run_people(
                                kind, size, users, args.briefs, csv_path, tmp, args.postgres_url
                            )
                        )
                        print_people(people[-1:])
            if args.skip_registry:
                continue
            for kind in args.databases:
                result = run_size(
                    kind,
                    size,
                    csv_path,
                    tmp,
                    args.postgres_url,
                    args.import_only,
                    args.startup_runs,
                )
                results.append(result)
                if args.import_only:
                    print(
                        f"{kind} {size}: import {result['import'].cell()} "
                        f"(--no-index {result['import_no_index'].cell()}), "
                        f"re-import {result['reimport'].cell()}, "
                        f"floor {result['import_floor'].cell()}",
                        flush=True,
                    )
                    continue
                print(
                    f"{kind} {size}: import {result['import'].cell()} "
                    f"(--no-index {result['import_no_index'].cell()}), "
                    f"re-import {result['reimport'].cell()}, floor {result['import_floor'].cell()}; "
                    f"start {result['start'].cell()} (built {result['start_built'].cell()}), "
                    f"match {result['match'].cell()} (built {result['match_built'].cell()}), "
                    f"load floor {result['load_floor'].cell()}; "
                    f"p95 {result['latency']['p95'] * 1000:.1f} ms, "
                    f"build {result['latency']['build']:.2f} s",
                    flush=True,
                )
    finally:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            for file in tmp.glob("*.csv"):
                shutil.copy(file, args.keep / file.name)
        shutil.rmtree(tmp, ignore_errors=True)
    if results and not args.import_only:
        print_tables(results)
        if args.startup_runs:
            print_startup(results)
    if people:
        print_people(people)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        CHILDREN[sys.argv[2]](*sys.argv[3:])
    else:
        main()
