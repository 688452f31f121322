"""Run Alembic migrations from the command line or from async code."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command

# Migrations live beside the packages in the source tree (the project is installed editable).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str, *, connection: Connection | None = None) -> Config:
    ini = PROJECT_ROOT / "alembic.ini"
    cfg = Config(str(ini)) if ini.exists() else Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["configure_logging"] = False
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


# Replicas that all run `bottega db upgrade` as they start migrate one after another: the first
# takes this transaction-level advisory lock, the others wait and then find nothing to do.
MIGRATION_LOCK_KEY = 0x626F7474  # "bott"


def upgrade(database_url: str, revision: str = "head") -> None:
    if database_url.startswith("postgresql"):
        asyncio.run(_upgrade_postgres(database_url, revision))
        return
    command.upgrade(alembic_config(database_url), revision)


async def _upgrade_postgres(database_url: str, revision: str) -> None:
    from bot.db.engine import create_engine

    engine = create_engine(database_url)
    try:

        def _run(connection: Connection) -> None:
            command.upgrade(alembic_config(database_url, connection=connection), revision)

        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate through an existing engine; usable inside a running event loop."""
    url = engine.url.render_as_string(hide_password=False)

    def _run(connection: Connection) -> None:
        command.upgrade(alembic_config(url, connection=connection), revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)


async def downgrade_async(engine: AsyncEngine, revision: str) -> None:
    url = engine.url.render_as_string(hide_password=False)

    def _run(connection: Connection) -> None:
        command.downgrade(alembic_config(url, connection=connection), revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)
