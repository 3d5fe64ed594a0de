"""proposal basis: whether a proposed value was read from words on a page, implied by the
document type, or assumed from the document's language (a currency the text never names), so
the review can say an assumed value is a guess and never preselect it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_proposals") as t:
        t.add_column(sa.Column("basis", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence_proposals") as t:
        t.drop_column("basis")
