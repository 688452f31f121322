"""Quotes (versioned), orders and their transition log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER_STATES = (
    "sampling",
    "sample_sent",
    "changes_requested",
    "sample_approved",
    "production_confirmed",
    "in_production",
    "shipped",
    "delivered",
    "cancelled",
)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("sample_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("sample_days", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=False),
        sa.Column("moq_per", sa.String(length=8), nullable=False),
        sa.Column("extra_costs", sa.JSON(), nullable=False),
        sa.Column("lead_time_weeks", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("shortlisted", sa.Boolean(), nullable=False),
        sa.Column("decline_reason", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            _in("state", ("open", "superseded", "accepted", "declined", "withdrawn")),
            name=op.f("ck_quotes_state"),
        ),
        sa.CheckConstraint(
            _in("moq_per", ("style", "colour", "size")), name=op.f("ck_quotes_moq_per")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_quotes_version_positive")),
        sa.CheckConstraint(
            "unit_price > 0 AND sample_price > 0", name=op.f("ck_quotes_prices_positive")
        ),
        sa.CheckConstraint(
            "sample_days >= 1 AND lead_time_weeks >= 1", name=op.f("ck_quotes_times_positive")
        ),
        sa.CheckConstraint(
            "quantity >= 1 AND moq >= 1", name=op.f("ck_quotes_quantities_positive")
        ),
        sa.ForeignKeyConstraint(
            ["intro_id"],
            ["intro_requests.id"],
            name=op.f("fk_quotes_intro_id_intro_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["brief_id"], ["briefs.id"], name=op.f("fk_quotes_brief_id_briefs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["atelier_id"],
            ["ateliers.id"],
            name=op.f("fk_quotes_atelier_id_ateliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("intro_id", "version", name="uq_quotes_intro_version"),
    )
    op.create_index(op.f("ix_quotes_intro_id"), "quotes", ["intro_id"])
    op.create_index(op.f("ix_quotes_atelier_id"), "quotes", ["atelier_id"])
    op.create_index("ix_quotes_brief_state", "quotes", ["brief_id", "state"])

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("sample_round", sa.Integer(), nullable=False),
        sa.Column("sample_due", sa.Date(), nullable=True),
        sa.Column("ticket", sa.JSON(), nullable=True),
        sa.Column("confirmed_by", sa.JSON(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        sa.Column("split", sa.Boolean(), nullable=False),
        sa.Column("cancelled_by", sa.String(length=16), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("state", ORDER_STATES), name=op.f("ck_orders_state")),
        sa.CheckConstraint("sample_round >= 1", name=op.f("ck_orders_sample_round_positive")),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_orders_quote_id_quotes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["brief_id"], ["briefs.id"], name=op.f("fk_orders_brief_id_briefs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["atelier_id"],
            ["ateliers.id"],
            name=op.f("fk_orders_atelier_id_ateliers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intro_id"],
            ["intro_requests.id"],
            name=op.f("fk_orders_intro_id_intro_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("quote_id", name=op.f("uq_orders_quote_id")),
    )
    op.create_index("ix_orders_brief_id", "orders", ["brief_id"])
    op.create_index(op.f("ix_orders_atelier_id"), "orders", ["atelier_id"])

    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=False),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_events_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    op.create_index(op.f("ix_order_events_order_id"), "order_events", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_order_events_order_id"), table_name="order_events")
    op.drop_table("order_events")
    op.drop_index(op.f("ix_orders_atelier_id"), table_name="orders")
    op.drop_index("ix_orders_brief_id", table_name="orders")
    op.drop_table("orders")
    op.drop_index("ix_quotes_brief_state", table_name="quotes")
    op.drop_index(op.f("ix_quotes_atelier_id"), table_name="quotes")
    op.drop_index(op.f("ix_quotes_intro_id"), table_name="quotes")
    op.drop_table("quotes")
