"""A portfolio being sent during a registration: photos kept for their owner before the atelier
exists, and given to the atelier when the registration is confirmed.

Only `ck_file_refs_one_home` changes: a portfolio photo belongs to an atelier, or, while there
is none yet, to the person registering it. Nothing references `file_refs`, so SQLite's batch
mode may recreate the table. Downgrading forgets the photos of unfinished registrations.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = (
    "(purpose = 'portfolio' AND atelier_id IS NOT NULL AND brief_id IS NULL) OR "
    "(purpose = 'brief' AND atelier_id IS NULL)"
)
NEW = (
    "(purpose = 'portfolio' AND brief_id IS NULL AND "
    "(atelier_id IS NOT NULL OR owner_id IS NOT NULL)) OR "
    "(purpose = 'brief' AND atelier_id IS NULL)"
)


def _replace_check(check: str) -> None:
    with op.batch_alter_table("file_refs") as batch:
        batch.drop_constraint(op.f("ck_file_refs_one_home"), type_="check")
        batch.create_check_constraint(op.f("ck_file_refs_one_home"), check)


def upgrade() -> None:
    _replace_check(NEW)


def downgrade() -> None:
    file_refs = sa.table(
        "file_refs", sa.column("purpose", sa.String), sa.column("atelier_id", sa.Integer)
    )
    op.execute(
        file_refs.delete().where(
            (file_refs.c.purpose == "portfolio") & file_refs.c.atelier_id.is_(None)
        )
    )
    _replace_check(OLD)
