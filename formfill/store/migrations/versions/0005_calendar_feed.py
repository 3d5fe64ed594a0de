"""calendar feeds: each user's secret feed address, kept as its SHA-256 (the address is shown
once when it is made; revoking clears it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.add_column(sa.Column("feed_token_hash", sa.String(64), nullable=True))
        t.create_index("ix_users_feed_token_hash", ["feed_token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.drop_index("ix_users_feed_token_hash")
        t.drop_column("feed_token_hash")
