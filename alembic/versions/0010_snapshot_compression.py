"""The match index snapshot's parts compressed with LZ4 on PostgreSQL.

PostgreSQL compresses a large `bytea` with pglz by default: storing a 78 MB snapshot of
100 000 ateliers cost the server about a second, a tenth of an import's time, and reading it
back at every start a further 0.1 s. LZ4 writes the same parts in a fifth of that, reads them
in half, and keeps them smaller on disk (20 MB against pglz's 26 MB). A server built without
LZ4 (or older than PostgreSQL 14) stores the parts uncompressed instead, which is as fast and
takes the parts' own size on disk. Parts already stored keep their compression until the next
snapshot replaces them. SQLite stores blobs as they are: nothing to do there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMN = "ALTER TABLE match_index_snapshots ALTER COLUMN data"


def _on_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if _on_postgresql():
        op.execute(
            f"DO $$ BEGIN {_COLUMN} SET COMPRESSION lz4; "
            f"EXCEPTION WHEN OTHERS THEN {_COLUMN} SET STORAGE EXTERNAL; END $$"
        )


def downgrade() -> None:
    if _on_postgresql():
        op.execute(f"{_COLUMN} SET STORAGE EXTENDED")
        op.execute(
            f"DO $$ BEGIN {_COLUMN} SET COMPRESSION DEFAULT; EXCEPTION WHEN OTHERS THEN END $$"
        )
