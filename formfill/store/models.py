"""The tables. Portable types only (SQLite and PostgreSQL): strings with CHECK constraints for
enumerations, sqlalchemy.JSON for documents, timestamps stored as naive UTC and read back aware.

Append-only tables (profile_versions, application_events, audit_log) are guarded twice: the ORM
refuses updates and deletes of their rows (store/guards.py) and database triggers refuse them
too (created by the migrations).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from formfill.lifecycle import CHANNELS, AppStatus, DeadlineKind, Decision

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("specialist", "supervisor", "admin", "form_maintainer")
PROPOSAL_STATUSES = ("proposed", "accepted", "corrected", "rejected")
DEADLINE_SOURCES = ("rule", "manual")
REFERRAL_STATUSES = ("sent", "accepted", "declined", "closed")
BATCH_STATES = ("queued", "running", "done")
ITEM_STATUSES = ("queued", "running", "done", "failed")
EVIDENCE_STATUSES = ("queued", "running", "done", "failed")  # reading (OCR, extraction)
FORM_STATUSES = ("draft", "published", "retired")
AUDIT_ACTIONS = ("read", "create", "update", "delete", "export", "deny")
APP_STATUSES = tuple(s.value for s in AppStatus)
DECISIONS = tuple(d.value for d in Decision)
DEADLINE_KINDS = tuple(k.value for k in DeadlineKind)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in Python, a naive UTC timestamp in every database."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> sa.CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name or column)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON(),
    }


def _fk(target: str, **kw: Any) -> Any:
    return mapped_column(sa.ForeignKey(target, **kw), index=True)


def _created() -> Any:
    return mapped_column(default=utcnow)


# -- people ---------------------------------------------------------------------------------------


class User(Base):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    team: Mapped[str | None] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(200))  # argon2id, PHC string
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = _created()
    # bumped on sign-out and password change: every session issued before is void
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    locale: Mapped[str | None] = mapped_column(sa.String(10))  # interface language: en, nb, nl
    # SHA-256 of the secret in the user's calendar feed address; None: no feed
    feed_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)


TOKEN_SCOPES = ("read", "write")


class ApiToken(Base):
    """A personal token for the JSON API (``Authorization: Bearer ff_...``): its SHA-256 only
    (the token is shown once, when it is made), a scope (read: GET only; write: everything the
    user may do), an expiry, and when it was last used and revoked."""

    __tablename__ = "api_tokens"
    __table_args__ = (one_of("scope", TOKEN_SCOPES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _fk("users.id")
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = _created()
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # our case number
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[int | None] = _fk("users.id")
    archived: Mapped[bool] = mapped_column(default=False)
    # the latest profile's display name and its lower-cased search text (name and reference),
    # kept by clients.save_profile so that lists and search never read profile JSON
    name: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    search: Mapped[str | None] = mapped_column(sa.String(300))


class Caseload(Base):
    """Which specialist works with which client."""

    __tablename__ = "caseload"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    assigned_at: Mapped[datetime] = _created()


class ProfileVersion(Base):
    """Append-only: one row per saved profile, with per-path provenance."""

    __tablename__ = "profile_versions"
    __table_args__ = (sa.UniqueConstraint("client_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _fk("clients.id")
    version: Mapped[int]
    data: Mapped[dict[str, Any]]  # Profile.model_dump(mode="json", exclude_none=True)
    provenance: Mapped[dict[str, Any]]  # leaf path -> Provenance.to_dict()
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[int | None] = _fk("users.id")


# -- evidence -------------------------------------------------------------------------------------


class EvidenceFile(Base):
    __tablename__ = "evidence_files"
    __table_args__ = (one_of("status", EVIDENCE_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _fk("clients.id")
    artifact_id: Mapped[str] = mapped_column(sa.String(64))
    doc_type: Mapped[str | None] = mapped_column(sa.String(64))  # an extractors/ id
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    pages: Mapped[int | None]
    uploaded_at: Mapped[datetime] = _created()
    uploaded_by: Mapped[int | None] = _fk("users.id")
    # reading it into proposals (a queue job): queued -> running -> done | failed
    status: Mapped[str] = mapped_column(sa.String(20), default="done", server_default="done")
    error: Mapped[str | None] = mapped_column(sa.Text)  # the user-facing message of a failure
    # the queue job reading it, and how often a worker started reading it (reconciliation:
    # a read whose job the queue lost is queued again; one that stopped its worker too often
    # is failed)
    job_id: Mapped[str | None] = mapped_column(sa.String(100))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    proposals: Mapped[list[EvidenceProposal]] = relationship(
        back_populates="evidence", order_by="EvidenceProposal.id"
    )


class EvidenceProposal(Base):
    """A value read from evidence, proposed for a profile path, then decided by a person."""

    __tablename__ = "evidence_proposals"
    __table_args__ = (one_of("status", PROPOSAL_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = _fk("evidence_files.id")
    path: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[Any] = mapped_column(sa.JSON)
    page: Mapped[int | None]
    box: Mapped[Any | None] = mapped_column(sa.JSON)  # [x0, y0, x1, y1]
    confidence: Mapped[float | None]
    # read (from words on a page), implied (by the document type), assumed (from its language)
    basis: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="proposed")
    final_value: Mapped[Any | None] = mapped_column(sa.JSON)  # accepted or corrected value
    created_at: Mapped[datetime] = _created()
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = _fk("users.id")

    evidence: Mapped[EvidenceFile] = relationship(back_populates="proposals")


# -- agency forms ---------------------------------------------------------------------------------


class Form(Base):
    """An agency form (``nav-barnetrygd``): a record with versions."""

    __tablename__ = "forms"

    id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)  # the map's id
    agency: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10))  # pdf | docx
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[int | None] = _fk("users.id")

    versions: Mapped[list[FormVersion]] = relationship(
        back_populates="form", order_by="FormVersion.version"
    )


class FormVersion(Base):
    """One version of a form: its blank (an artifact), the blank's fingerprint, the map (TOML
    text) and its status: draft -> published -> retired. A published or retired version never
    changes but for published -> retired (store/guards.py and database triggers)."""

    __tablename__ = "form_versions"
    __table_args__ = (
        one_of("status", FORM_STATUSES),
        sa.UniqueConstraint("form_id", "version", name="uq_form_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = _fk("forms.id")
    version: Mapped[int]  # 1, 2, ... per form
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    fingerprint: Mapped[str] = mapped_column(sa.String(80), index=True)  # of the blank's fields
    map_text: Mapped[str] = mapped_column(sa.Text)
    map_sha256: Mapped[str] = mapped_column(sa.String(64))
    blank_artifact: Mapped[str] = mapped_column(sa.String(64))
    blank_name: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[int | None] = _fk("users.id")
    published_at: Mapped[datetime | None]
    published_by: Mapped[int | None] = _fk("users.id")
    retired_at: Mapped[datetime | None]
    retired_by: Mapped[int | None] = _fk("users.id")

    form: Mapped[Form] = relationship(back_populates="versions")


# the columns of a form version that never change once it is published
FORM_VERSION_CONTENT = (
    "form_id", "version", "fingerprint", "map_text", "map_sha256", "blank_artifact",
    "blank_name", "created_at", "created_by", "published_at", "published_by",
)  # fmt: skip


# -- applications ---------------------------------------------------------------------------------


class Application(Base):
    """A client x form version, grouped per program, moving through the lifecycle."""

    __tablename__ = "applications"
    __table_args__ = (
        one_of("status", APP_STATUSES),
        sa.CheckConstraint(
            "(status = 'decided' OR status = 'closed') OR decision IS NULL", name="decision_only"
        ),
        one_of("decision", DECISIONS, name="decision_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _fk("clients.id")
    form_id: Mapped[str] = mapped_column(sa.String(100), index=True)
    form_fingerprint: Mapped[str | None] = mapped_column(sa.String(80))
    # the stored form version it was filled with (its latest fill), else the one current when
    # it was made; NULL for rows made before forms were in the store, and for Word letters
    form_version_id: Mapped[int | None] = _fk("form_versions.id")
    program: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    decision: Mapped[str | None] = mapped_column(sa.String(20))
    output_artifact: Mapped[str | None] = mapped_column(sa.String(64))  # latest filled document
    fill_report: Mapped[dict[str, Any] | None]  # FillReport.to_dict() of that fill
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[int | None] = _fk("users.id")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[ApplicationEvent]] = relationship(order_by="ApplicationEvent.id")
    submission: Mapped[Submission | None] = relationship(back_populates="application")
    deadlines: Mapped[list[DeadlineRow]] = relationship(order_by="DeadlineRow.due")


class ApplicationEvent(Base):
    """Append-only: every transition (and the creation, from_status NULL)."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _fk("applications.id")
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = _created()
    actor_id: Mapped[int | None] = _fk("users.id")
    actor_label: Mapped[str] = mapped_column(sa.String(100))  # "user:3", "cli", "worker"


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (one_of("channel", CHANNELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    submitted_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(sa.String(200))  # the agency's reference
    receipt_artifact: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = _created()
    recorded_by: Mapped[int | None] = _fk("users.id")

    application: Mapped[Application] = relationship(back_populates="submission")


class DeadlineRow(Base):
    __tablename__ = "deadlines"
    __table_args__ = (one_of("kind", DEADLINE_KINDS), one_of("source", DEADLINE_SOURCES))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _fk("clients.id")
    application_id: Mapped[int | None] = _fk("applications.id")
    kind: Mapped[str] = mapped_column(sa.String(30))
    due: Mapped[date] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(sa.String(10))
    rule: Mapped[str | None] = mapped_column(sa.String(200))  # the rule's description
    label: Mapped[str | None] = mapped_column(sa.String(200))
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[datetime] = _created()


class Note(Base):
    """A follow-up note on a client (and optionally one application)."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _fk("clients.id")
    application_id: Mapped[int | None] = _fk("applications.id")
    body: Mapped[str] = mapped_column(sa.Text)
    follow_up_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = _created()
    author_id: Mapped[int | None] = _fk("users.id")


class Referral(Base):
    """A referral of a client to another service."""

    __tablename__ = "referrals"
    __table_args__ = (one_of("status", REFERRAL_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _fk("clients.id")
    service: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="sent")
    referred_on: Mapped[date]
    created_at: Mapped[datetime] = _created()
    referred_by: Mapped[int | None] = _fk("users.id")


# -- batches --------------------------------------------------------------------------------------


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (one_of("state", BATCH_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(20), default="queued")
    label: Mapped[str | None] = mapped_column(sa.String(200))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # flatten, on-date, ...
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[int | None] = _fk("users.id")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    items: Mapped[list[BatchItem]] = relationship(back_populates="batch", order_by="BatchItem.id")


class BatchItem(Base):
    __tablename__ = "batch_items"
    __table_args__ = (
        one_of("status", ITEM_STATUSES),
        sa.UniqueConstraint("batch_id", "client_id", "form_id", name="uq_batch_items_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = _fk("batches.id")
    client_id: Mapped[int] = _fk("clients.id")
    form_id: Mapped[str] = mapped_column(sa.String(100))
    # the stored form version the item fills (the current one when the batch was made); NULL
    # for items made before forms were in the store, and for Word templates
    form_version_id: Mapped[int | None] = _fk("form_versions.id")
    application_id: Mapped[int | None] = _fk("applications.id")
    status: Mapped[str] = mapped_column(sa.String(20), default="queued", index=True)
    output_artifact: Mapped[str | None] = mapped_column(sa.String(64))
    error: Mapped[str | None] = mapped_column(sa.Text)  # the user-facing message
    attempts: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[str | None] = mapped_column(sa.String(100))
    report: Mapped[dict[str, Any] | None]  # FillReport.to_dict()
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    batch: Mapped[Batch] = relationship(back_populates="items")


# -- audit ----------------------------------------------------------------------------------------


class AuditEntry(Base):
    """Append-only: who read, changed or was denied what. Object type and id only, never
    values."""

    __tablename__ = "audit_log"
    __table_args__ = (one_of("action", AUDIT_ACTIONS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = _fk("users.id")
    actor_label: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(10))
    object_type: Mapped[str] = mapped_column(sa.String(50))
    object_id: Mapped[str] = mapped_column(sa.String(64))
    fields: Mapped[list[str] | None] = mapped_column(sa.JSON)  # names of changed paths/columns
    # the client the entry is about, when it is about one (no foreign key: the trail of an
    # erased client keeps its number and nothing else)
    client_id: Mapped[int | None] = mapped_column(index=True)


APPEND_ONLY_TABLES = ("profile_versions", "application_events", "audit_log")
