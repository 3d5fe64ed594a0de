"""the form maintainer: a role that maps agency forms in the web's map editor and publishes
them, and sees no client (the users.role check admits it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "role IN ('specialist', 'supervisor', 'admin')"
NEW = "role IN ('specialist', 'supervisor', 'admin', 'form_maintainer')"


def upgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.drop_constraint(op.f("ck_users_role"), type_="check")
        t.create_check_constraint(op.f("ck_users_role"), NEW)


def downgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.drop_constraint(op.f("ck_users_role"), type_="check")
        t.create_check_constraint(op.f("ck_users_role"), OLD)
