"""forms in the store: each agency form a record with versions (blank artifact, fingerprint, map
TOML text, status draft/published/retired, who made and published it and when); applications and
batch items record the version they used. A published version never changes but to be retired:
database triggers refuse the rest (the ORM refuses too: store/guards.py).

The folder's maps and blanks are imported by ``formfill db upgrade`` after the migrations
(formfill.store.forms.import_folder), not here: a migration only shapes tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTENT = (
    "form_id", "version", "fingerprint", "map_text", "map_sha256", "blank_artifact",
    "blank_name", "created_at", "created_by", "published_at", "published_by",
)  # fmt: skip
MESSAGE = "form_versions: a published form version never changes (only published -> retired)"
PG_FUNCTION = f"""
CREATE FUNCTION formfill_form_version_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        OLD.status = 'retired' OR NEW.status <> 'retired' OR
        {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT)}
    ) THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END
$$
"""
SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT)


def upgrade() -> None:
    op.create_table(
        "forms",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_forms_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forms")),
    )
    op.create_index(op.f("ix_forms_created_by"), "forms", ["created_by"])
    op.create_table(
        "form_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("map_text", sa.Text(), nullable=False),
        sa.Column("map_sha256", sa.String(length=64), nullable=False),
        sa.Column("blank_artifact", sa.String(length=64), nullable=False),
        sa.Column("blank_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("retired_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'retired')", name=op.f("ck_form_versions_status")
        ),
        sa.ForeignKeyConstraint(
            ["form_id"], ["forms.id"], name=op.f("fk_form_versions_form_id_forms")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_form_versions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_form_versions_published_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["retired_by"], ["users.id"], name=op.f("fk_form_versions_retired_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_versions")),
        sa.UniqueConstraint("form_id", "version", name="uq_form_versions_number"),
    )
    for column in ("form_id", "fingerprint", "created_by", "published_by", "retired_by"):
        op.create_index(op.f(f"ix_form_versions_{column}"), "form_versions", [column])
    for table in ("applications", "batch_items"):
        with op.batch_alter_table(table) as t:
            t.add_column(sa.Column("form_version_id", sa.Integer(), nullable=True))
            t.create_foreign_key(
                op.f(f"fk_{table}_form_version_id_form_versions"),
                "form_versions",
                ["form_version_id"],
                ["id"],
            )
            t.create_index(op.f(f"ix_{table}_form_version_id"), ["form_version_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER form_versions_fixed BEFORE UPDATE OR DELETE ON form_versions "
            "FOR EACH ROW EXECUTE FUNCTION formfill_form_version_fixed()"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER form_versions_fixed_update BEFORE UPDATE ON form_versions "
            "WHEN OLD.status <> 'draft' AND (OLD.status = 'retired' OR NEW.status <> 'retired' "
            f"OR {SQLITE_CHANGED}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER form_versions_fixed_delete BEFORE DELETE ON form_versions "
            f"WHEN OLD.status <> 'draft' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS form_versions_fixed ON form_versions")
        op.execute("DROP FUNCTION IF EXISTS formfill_form_version_fixed()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS form_versions_fixed_update")
        op.execute("DROP TRIGGER IF EXISTS form_versions_fixed_delete")
    for table in ("batch_items", "applications"):
        with op.batch_alter_table(table) as t:
            t.drop_index(op.f(f"ix_{table}_form_version_id"))
            t.drop_constraint(op.f(f"fk_{table}_form_version_id_form_versions"), type_="foreignkey")
            t.drop_column("form_version_id")
    op.drop_table("form_versions")
    op.drop_table("forms")
