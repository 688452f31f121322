"""Weekly digest bookkeeping on users: the ISO week last planned and what it covered.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        # e.g. "2026-W48": the week whose digest was planned, so it is planned once.
        batch.add_column(sa.Column("digest_week", sa.String(length=10), nullable=True))
        # Everything new up to this moment has been considered for a digest.
        batch.add_column(sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_digest_at")
        batch.drop_column("digest_week")
