"""The match index's snapshot: the index as last built, read at start instead of rebuilding it.

A process that starts loads the registry's understood ateliers from here when the snapshot was
taken at a change-log id the log still covers and by the same matching code and data, then
applies the few changes made since, as a running process does. Nothing else reads the table;
emptying it only makes the next start build the index from the ateliers again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_index_snapshots",
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("part", name=op.f("pk_match_index_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("match_index_snapshots")
