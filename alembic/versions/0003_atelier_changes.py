"""The registry's change log: one row per atelier change, written by the database itself.

Every insert, update or delete of an atelier, and every feedback row (it moves the atelier's
rating), appends the atelier's id to `atelier_changes` through triggers, in the same
transaction as the change. Every process keeps its match index fresh by reading the log past
the last id it applied (its watermark), so no writer — the bot, the CLI, another process, a
hand-written SQL statement — has to remember to announce a change.

SQLite drops a table's triggers when batch mode recreates the table: a later migration that
uses `batch_alter_table("ateliers")` or `("feedback")` must create them again
(`create_change_triggers()`); tests/registry/test_changes.py checks they exist at head.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The registry's change lock (the two-key form: its key space is apart from single-key locks).
LOCK_KEYS = "hashtext('bottega'), hashtext('atelier_changes')"
# (table, the column holding the atelier's id)
WATCHED = (("ateliers", "id"), ("feedback", "atelier_id"))


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, column in WATCHED:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"atelier_changes_{table}_{event.lower()}"
            moved = (
                f"INSERT INTO atelier_changes (atelier_id) VALUES (OLD.{column}); "
                if event == "UPDATE" and table == "feedback"
                else ""
            )
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                f"{moved}INSERT INTO atelier_changes (atelier_id) VALUES ({row}.{column}); END"
            )
    return statements


def _postgres_triggers() -> list[str]:
    # Statement-level triggers with transition tables: an import of 100 000 rows logs them
    # with one INSERT ... SELECT, not 100 000 trigger calls. NOTIFY lets listeners wake early.
    #
    # The advisory lock, taken before a statement touches a row and held until commit, makes
    # change ids grow in commit order (a sequence alone hands them out at insert time), so a
    # reader past id W never misses a change committed later with a smaller id. Taking it
    # before any row lock keeps two writers from waiting on each other.
    statements = [
        "CREATE FUNCTION atelier_changes_lock() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_advisory_xact_lock({LOCK_KEYS}); RETURN NULL; END $$"
    ]
    for table, _ in WATCHED:
        statements.append(
            f"CREATE TRIGGER atelier_changes_{table}_lock BEFORE INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION atelier_changes_lock()"
        )
    for table, column in WATCHED:
        for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            function = f"atelier_changes_{table}_{event.lower()}"
            source = f"SELECT {column} FROM changed_rows"
            if event == "UPDATE" and table == "feedback":
                source += f" UNION SELECT {column} FROM previous_rows"
            statements.append(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO atelier_changes (atelier_id) {source}; "
                "PERFORM pg_notify('atelier_changes', ''); RETURN NULL; END $$"
            )
            referencing = f"{rows} TABLE AS changed_rows"
            if event == "UPDATE":
                referencing = "OLD TABLE AS previous_rows NEW TABLE AS changed_rows"
            statements.append(
                f"CREATE TRIGGER {function} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    return statements


def create_change_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _postgres_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)


def drop_change_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table, _ in WATCHED:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS atelier_changes_{table}_lock ON {table}")
        for event in ("insert", "update", "delete"):
            name = f"atelier_changes_{table}_{event}"
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS atelier_changes_lock()")


def upgrade() -> None:
    op.create_table(
        "atelier_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        # Not a foreign key: a deleted atelier's change must stay in the log.
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atelier_changes")),
        sqlite_autoincrement=True,
    )
    create_change_triggers()


def downgrade() -> None:
    drop_change_triggers()
    op.drop_table("atelier_changes")
