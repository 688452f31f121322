"""Quantities per style, colourway and size; what an atelier's minimum applies to.

Briefs: `quantity` and `quantity_high` become the two ends of what the designer asked for,
counted per `quantity_per` (style, colour or size); `colourways` per style and `sizes` per
colourway (1 is one size) join `styles`, and `size_range` keeps the sizes as written
("XS-XL", "one size"). Until now a brief stored the midpoint of a range in `quantity`: the
low end is recovered from it (2 x midpoint - high; a range whose ends add up to an odd number
comes back one piece higher at the low end) and the midpoint is restored on the way down.
Every existing brief asked "how many pieces per style", so `quantity_per` is "style" for them,
with one colourway and sizes unstated (one size), which is what matching assumed.

Ateliers: `moq_per` says what the minimum counts; every existing minimum was matched per
style, so it is "style" for them. Downgrading drops the unit (a minimum per colour or per size
then reads as one per style, as before).

The columns are added with ALTER TABLE on SQLite too: batch mode would recreate `ateliers` and
`briefs`, and with foreign keys on, dropping the old table would cascade into introductions,
feedback and the registry's change triggers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNITS = "('style', 'colour', 'size')"
# (table, column, type, SQL default, check constraint name, check)
COLUMNS = (
    ("ateliers", "moq_per", "VARCHAR(8)", "'style'", "moq_per", f"moq_per IN {UNITS}"),
    ("briefs", "quantity_per", "VARCHAR(8)", "'style'", "quantity_per", f"quantity_per IN {UNITS}"),
    ("briefs", "colourways", "INTEGER", None, "colourways_positive", "colourways >= 1"),
    ("briefs", "sizes", "INTEGER", None, "sizes_positive", "sizes >= 1"),
    ("briefs", "size_range", "VARCHAR(64)", None, None, None),
)

TYPES = {"VARCHAR(8)": sa.String(8), "VARCHAR(64)": sa.String(64), "INTEGER": sa.Integer()}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, type_, default, check_name, check in COLUMNS:
        constraint = f"ck_{table}_{check_name}" if check_name else None
        if sqlite:
            spec = f"ALTER TABLE {table} ADD COLUMN {column} {type_}"
            if default is not None:
                spec += f" DEFAULT {default} NOT NULL"
            if constraint:
                spec += f" CONSTRAINT {constraint} CHECK ({check})"
            op.execute(spec)
            continue
        op.add_column(
            table,
            sa.Column(
                column,
                TYPES[type_],
                nullable=default is None,
                server_default=sa.text(default) if default is not None else None,
            ),
        )
        if constraint and check:
            op.create_check_constraint(constraint, table, check)
    # The low end of a range, from the midpoint stored until now.
    op.execute(
        "UPDATE briefs SET quantity = CASE WHEN 2 * quantity - quantity_high >= 1 "
        "THEN 2 * quantity - quantity_high ELSE 1 END "
        "WHERE quantity IS NOT NULL AND quantity_high IS NOT NULL"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE briefs SET quantity = (quantity + quantity_high + 1) / 2 "
        "WHERE quantity IS NOT NULL AND quantity_high IS NOT NULL"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, _type, _default, check_name, _check in reversed(COLUMNS):
        if not sqlite and check_name:
            op.drop_constraint(f"ck_{table}_{check_name}", table, type_="check")
        # SQLite (3.35 and later) drops a column whose only CHECK is its own.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
