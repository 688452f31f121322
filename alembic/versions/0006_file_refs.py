"""Files people send, kept as Telegram references: a brief's pack and an atelier's portfolio.

A new table only, so neither `ateliers` nor `feedback` is recreated (their change triggers of
0003 stay as they are).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "file_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("brief_id", sa.Integer(), nullable=True),
        sa.Column("atelier_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=512), nullable=False),
        sa.Column("file_unique_id", sa.String(length=128), nullable=True),
        sa.Column("file_name", sa.String(length=256), nullable=True),
        sa.Column("mime_type", sa.String(length=128), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('photo', 'document')", name=op.f("ck_file_refs_kind")),
        sa.CheckConstraint("purpose IN ('brief', 'portfolio')", name=op.f("ck_file_refs_purpose")),
        sa.CheckConstraint(
            "(purpose = 'portfolio' AND atelier_id IS NOT NULL AND brief_id IS NULL) OR "
            "(purpose = 'brief' AND atelier_id IS NULL)",
            name=op.f("ck_file_refs_one_home"),
        ),
        sa.CheckConstraint(
            "size IS NULL OR size >= 0", name=op.f("ck_file_refs_size_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_file_refs_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["briefs.id"],
            name=op.f("fk_file_refs_brief_id_briefs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["atelier_id"],
            ["ateliers.id"],
            name=op.f("fk_file_refs_atelier_id_ateliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_refs")),
    )
    op.create_index(op.f("ix_file_refs_brief_id"), "file_refs", ["brief_id"])
    op.create_index(op.f("ix_file_refs_atelier_id"), "file_refs", ["atelier_id"])
    op.create_index("ix_file_refs_owner_id_purpose", "file_refs", ["owner_id", "purpose"])


def downgrade() -> None:
    op.drop_index("ix_file_refs_owner_id_purpose", table_name="file_refs")
    op.drop_index(op.f("ix_file_refs_atelier_id"), table_name="file_refs")
    op.drop_index(op.f("ix_file_refs_brief_id"), table_name="file_refs")
    op.drop_table("file_refs")
