"""Initial schema: users, ateliers, briefs, intro requests, the delivery outbox, feedback and
conversation states.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    # Always timezone-aware; SQLite stores UTC text (see bot.db.base.UTCDateTime).
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _ck_in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("contact", sa.String(length=256), nullable=True),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("digest_opt_in", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("last_seen_at", nullable=True),
        sa.CheckConstraint(
            "role IS NULL OR " + _ck_in("role", ["designer", "atelier"]), name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_users_telegram_id")),
    )

    op.create_table(
        "ateliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("specialties", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("techniques", sa.JSON(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=False),
        sa.Column("max_batch", sa.Integer(), nullable=False),
        sa.Column("monthly_capacity", sa.Integer(), nullable=False),
        sa.Column("lead_time_weeks", sa.Integer(), nullable=False),
        sa.Column("handwork_share", sa.Integer(), nullable=False),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("contact", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("available_capacity", sa.Integer(), nullable=True),
        _timestamp("capacity_confirmed_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint(_ck_in("source", ["import", "bot"]), name=op.f("ck_ateliers_source")),
        sa.CheckConstraint(
            "handwork_share BETWEEN 0 AND 100", name=op.f("ck_ateliers_handwork_share_percent")
        ),
        sa.CheckConstraint("lead_time_weeks >= 1", name=op.f("ck_ateliers_lead_time_positive")),
        sa.CheckConstraint("max_batch >= moq", name=op.f("ck_ateliers_max_batch_ge_moq")),
        sa.CheckConstraint("monthly_capacity >= 0", name=op.f("ck_ateliers_capacity_non_negative")),
        sa.CheckConstraint("moq >= 1", name=op.f("ck_ateliers_moq_positive")),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"],
            ["users.id"],
            name=op.f("fk_ateliers_claimed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_ateliers_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ateliers")),
        sa.UniqueConstraint("ref", name=op.f("uq_ateliers_ref")),
    )
    op.create_index(op.f("ix_ateliers_owner_id"), "ateliers", ["owner_id"])

    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("designer_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("product_text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("quantity_high", sa.Integer(), nullable=True),
        sa.Column("styles", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("budget_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("budget_currency", sa.String(length=3), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("min_handwork_share", sa.Integer(), nullable=True),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("confirmed_at", nullable=True),
        _timestamp("closed_at", nullable=True),
        sa.CheckConstraint(
            _ck_in("state", ["draft", "open", "matched", "paused", "closed"]),
            name=op.f("ck_briefs_state"),
        ),
        sa.CheckConstraint(
            "quantity IS NULL OR quantity >= 1", name=op.f("ck_briefs_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["designer_id"],
            ["users.id"],
            name=op.f("fk_briefs_designer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
    )
    op.create_index(op.f("ix_briefs_designer_id"), "briefs", ["designer_id"])
    op.create_index("ix_briefs_state_confirmed_at", "briefs", ["state", "confirmed_at"])

    op.create_table(
        "intro_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("initiated_by", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("decline_reason", sa.String(length=32), nullable=True),
        _timestamp("requested_at"),
        _timestamp("answered_at", nullable=True),
        sa.CheckConstraint(
            _ck_in("initiated_by", ["designer", "atelier"]),
            name=op.f("ck_intro_requests_initiated_by"),
        ),
        sa.CheckConstraint(
            _ck_in("state", ["requested", "accepted", "declined", "expired", "cancelled"]),
            name=op.f("ck_intro_requests_state"),
        ),
        sa.ForeignKeyConstraint(
            ["atelier_id"],
            ["ateliers.id"],
            name=op.f("fk_intro_requests_atelier_id_ateliers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["briefs.id"],
            name=op.f("fk_intro_requests_brief_id_briefs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_requests")),
        sa.UniqueConstraint("brief_id", "atelier_id", name="uq_intro_requests_brief_atelier"),
    )
    op.create_index(op.f("ix_intro_requests_atelier_id"), "intro_requests", ["atelier_id"])
    op.create_index(op.f("ix_intro_requests_brief_id"), "intro_requests", ["brief_id"])

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=True),
        _timestamp("due_at"),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("lease_until", nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("sent_at", nullable=True),
        _timestamp("created_at"),
        sa.CheckConstraint(
            _ck_in("state", ["pending", "claimed", "sent", "failed", "cancelled"]),
            name=op.f("ck_deliveries_state"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_deliveries_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_deliveries_dedupe_key")),
    )
    op.create_index(op.f("ix_deliveries_recipient_id"), "deliveries", ["recipient_id"])
    # The sweeper's query: due pending rows, oldest first.
    op.create_index("ix_deliveries_state_due_at", "deliveries", ["state", "due_at"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _timestamp("created_at"),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_feedback_stars_range")),
        sa.ForeignKeyConstraint(
            ["atelier_id"],
            ["ateliers.id"],
            name=op.f("fk_feedback_atelier_id_ateliers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["users.id"],
            name=op.f("fk_feedback_from_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["intro_id"],
            ["intro_requests.id"],
            name=op.f("fk_feedback_intro_id_intro_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("intro_id", "from_user_id", name="uq_feedback_intro_from_user"),
    )
    op.create_index(op.f("ix_feedback_atelier_id"), "feedback", ["atelier_id"])

    op.create_table(
        "conversation_states",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("name", "key", name=op.f("pk_conversation_states")),
    )


def downgrade() -> None:
    op.drop_table("conversation_states")
    op.drop_index(op.f("ix_feedback_atelier_id"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_deliveries_state_due_at", table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_recipient_id"), table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index(op.f("ix_intro_requests_brief_id"), table_name="intro_requests")
    op.drop_index(op.f("ix_intro_requests_atelier_id"), table_name="intro_requests")
    op.drop_table("intro_requests")
    op.drop_index("ix_briefs_state_confirmed_at", table_name="briefs")
    op.drop_index(op.f("ix_briefs_designer_id"), table_name="briefs")
    op.drop_table("briefs")
    op.drop_index(op.f("ix_ateliers_owner_id"), table_name="ateliers")
    op.drop_table("ateliers")
    op.drop_table("users")
