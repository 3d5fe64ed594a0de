"""evidence reading jobs: the queue job reading each evidence file and how often a worker
started reading it, so that reads the queue lost (a Redis restart, a killed worker) are found
and queued again, and a file that keeps stopping its worker is failed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_files") as t:
        t.add_column(sa.Column("job_id", sa.String(100), nullable=True))
        t.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("evidence_files") as t:
        t.drop_column("attempts")
        t.drop_column("job_id")
