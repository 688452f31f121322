"""Drop briefs.answers: an interview in progress lives in the conversation's persisted state
(`conversation_states`), and nothing read this column.

The downgrade brings the column back empty ("{}" on every row), as it was for every brief.
SQLite drops and adds the column in place (ALTER TABLE, SQLite 3.35 or newer) rather than
recreating the table: with foreign keys on, dropping `briefs` to recreate it would delete every
introduction, quote and order of its briefs (ON DELETE CASCADE).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("briefs", recreate="never") as batch:
        batch.drop_column("answers")


def downgrade() -> None:
    with op.batch_alter_table("briefs", recreate="never") as batch:
        batch.add_column(
            sa.Column("answers", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
