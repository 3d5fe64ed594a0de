"""the audit log records denied access (action 'deny': someone asked for a client, or anything of
a client, outside what they may see) and, for each entry, the client it is about (client_id), so
an auditor can read one client's trail without knowing every object's owner.

SQLite rebuilds the table to change its check constraint, which drops its append-only triggers:
they are made again here (test_migrations checks that an update is still refused).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "action IN ('read', 'create', 'update', 'delete', 'export')"
NEW = "action IN ('read', 'create', 'update', 'delete', 'export', 'deny')"


def _sqlite_triggers() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL keeps its triggers through ALTER TABLE
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb.lower()}")
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as t:
        t.drop_constraint(op.f("ck_audit_log_action"), type_="check")
        t.create_check_constraint(op.f("ck_audit_log_action"), NEW)
        t.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        t.create_index(t.f("ix_audit_log_client_id"), ["client_id"], unique=False)
    _sqlite_triggers()


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as t:
        t.drop_index(t.f("ix_audit_log_client_id"))
        t.drop_column("client_id")
        t.drop_constraint(op.f("ck_audit_log_action"), type_="check")
        t.create_check_constraint(op.f("ck_audit_log_action"), OLD)
    _sqlite_triggers()
