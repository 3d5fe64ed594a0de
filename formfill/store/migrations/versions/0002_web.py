"""web: session versions and interface language of users, display name and search text of
clients (backfilled from the latest profile), reading status of evidence files.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
        t.add_column(sa.Column("locale", sa.String(10), nullable=True))
    with op.batch_alter_table("clients") as t:
        t.add_column(sa.Column("name", sa.String(200), nullable=True))
        t.add_column(sa.Column("search", sa.String(300), nullable=True))
        t.create_index("ix_clients_name", ["name"])
    with op.batch_alter_table("evidence_files") as t:
        t.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="done"))
        t.add_column(sa.Column("error", sa.Text(), nullable=True))
        t.create_check_constraint("status", "status IN ('queued', 'running', 'done', 'failed')")
    _backfill_names()


def _backfill_names() -> None:
    conn = op.get_bind()
    clients = sa.table(
        "clients",
        sa.column("id", sa.Integer),
        sa.column("reference", sa.String),
        sa.column("name", sa.String),
        sa.column("search", sa.String),
    )
    versions = sa.table(
        "profile_versions",
        sa.column("client_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("data", sa.JSON),
    )
    latest = (
        sa.select(versions.c.client_id, sa.func.max(versions.c.version).label("v"))
        .group_by(versions.c.client_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(clients.c.id, clients.c.reference, versions.c.data)
        .join(latest, latest.c.client_id == clients.c.id)
        .join(
            versions,
            sa.and_(versions.c.client_id == clients.c.id, versions.c.version == latest.c.v),
        )
    ).all()
    for client_id, reference, data in rows:
        person = (data or {}).get("person") or {}
        name = " ".join(str(person[k]) for k in ("given_name", "family_name") if person.get(k))
        search = " ".join(p for p in (name, reference or "") if p).lower()
        conn.execute(
            sa.update(clients)
            .where(clients.c.id == client_id)
            .values(name=name or None, search=search or None)
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_files") as t:
        t.drop_constraint("status", type_="check")
        t.drop_column("error")
        t.drop_column("status")
    with op.batch_alter_table("clients") as t:
        t.drop_index("ix_clients_name")
        t.drop_column("search")
        t.drop_column("name")
    with op.batch_alter_table("users") as t:
        t.drop_column("locale")
        t.drop_column("session_version")
