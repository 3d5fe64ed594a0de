"""Applications: create, advance through the lifecycle (tracking.py holds the rules), record
submissions, and compute deadlines from rules when a status is reached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from formfill.lifecycle import (
    AppStatus,
    DeadlineRule,
    check_transition,
    compute_deadlines,
)
from formfill.store.audit import Actor, record
from formfill.store.clients import get_client
from formfill.store.db import get_row
from formfill.store.deadlines import add_computed
from formfill.store.forms import current_version
from formfill.store.models import (
    Application,
    ApplicationEvent,
    DeadlineRow,
    Submission,
    utcnow,
)

__all__ = [
    "SubmissionDetails",
    "advance",
    "create_application",
    "get_application",
    "list_applications",
    "open_programs",
    "program_stages",
    "record_fill",
    "sent_programs",
]


@dataclass(frozen=True)
class SubmissionDetails:
    """How and when an application was sent, as the agency will refer to it."""

    channel: str  # portal | post | email | in_person
    submitted_on: date
    reference: str | None = None  # the agency's reference or case number
    receipt_artifact: str | None = None  # artifacts.save(..., kind="receipt")


# an application being prepared: not yet with the agency
PREPARING = (AppStatus.DRAFT, AppStatus.READY, AppStatus.FILLED, AppStatus.REVIEWED)
# an application the agency has, or has decided
SENT = (AppStatus.SUBMITTED, AppStatus.ACKNOWLEDGED, AppStatus.DECIDED, AppStatus.CLOSED)


def program_stages(session: Session, client_id: int) -> tuple[frozenset[str], frozenset[str]]:
    """(:func:`open_programs`, :func:`sent_programs`) of ``client_id``, in one query."""
    q = sa.select(Application.program, Application.status).where(
        Application.client_id == client_id, Application.program.is_not(None)
    )
    rows = [(p, AppStatus(s)) for p, s in session.execute(q) if p]
    return (
        frozenset(p for p, s in rows if s in PREPARING),
        frozenset(p for p, s in rows if s in SENT),
    )


def open_programs(session: Session, client_id: int) -> frozenset[str]:
    """The programs ``client_id`` is applying for now (an application being prepared, not yet
    sent): what the specialist chose, which a form's "what do you apply for" boxes follow."""
    return program_stages(session, client_id)[0]


def sent_programs(session: Session, client_id: int) -> frozenset[str]:
    """The programs ``client_id`` has applied for already (submitted, acknowledged, decided or
    closed): a form filled for another application does not ask for them again."""
    return program_stages(session, client_id)[1]


def create_application(
    session: Session,
    actor: Actor,
    client_id: int,
    form_id: str,
    form_fingerprint: str | None = None,
    program: str | None = None,
    note: str | None = None,
) -> Application:
    """A new application in ``draft``; its first event has from_status NULL. It records the
    form's current published version (its fills record the version they used)."""
    get_client(session, client_id)
    current = current_version(session, form_id)
    app = Application(
        client_id=client_id,
        form_id=form_id,
        form_fingerprint=form_fingerprint,
        form_version_id=current.id if current is not None else None,
        program=program,
        status=AppStatus.DRAFT.value,
        created_by=actor.user_id,
    )
    session.add(app)
    session.flush()
    _event(session, actor, app, None, AppStatus.DRAFT.value, note)
    record(session, actor, "create", "application", app.id, client_id=app.client_id)
    return app


def get_application(session: Session, application_id: int) -> Application:
    app = get_row(session, Application, application_id, "application")
    return app


def _event(
    session: Session,
    actor: Actor,
    app: Application,
    from_status: str | None,
    to_status: str,
    note: str | None,
) -> None:
    session.add(
        ApplicationEvent(
            application_id=app.id,
            from_status=from_status,
            to_status=to_status,
            note=note,
            actor_id=actor.user_id,
            actor_label=actor.label,
        )
    )


def advance(
    session: Session,
    actor: Actor,
    application_id: int,
    to: str,
    on: date,
    *,
    note: str | None = None,
    decision: str | None = None,
    submission: SubmissionDetails | None = None,
    rules: Sequence[DeadlineRule] = (),
) -> Application:
    """Move an application to status ``to`` on date ``on``, as one event.

    InvalidTransitionError when the lifecycle forbids the move (nothing is written);
    TransitionDetailsError when ``submitted`` lacks ``submission`` or ``decided`` a decision.
    Deadlines whose rules are anchored on ``to`` are added (computed from ``on``, or from the
    submission date); open deadlines of an application that is withdrawn or closed are done,
    and so are its application deadline once it is submitted and its expected decision once
    it is decided (walk 8: both stayed to do)."""
    app = get_application(session, application_id)
    channel = submission.channel if submission else None
    target = check_transition(app.status, to, decision=decision, channel=channel)
    before = app.status
    anchor = on
    if target is AppStatus.SUBMITTED and submission is not None:
        anchor = submission.submitted_on
        session.add(
            Submission(
                application_id=app.id,
                channel=submission.channel,
                submitted_on=submission.submitted_on,
                reference=submission.reference,
                receipt_artifact=submission.receipt_artifact,
                recorded_by=actor.user_id,
            )
        )
    app.status = target.value
    app.decision = decision if target is AppStatus.DECIDED else app.decision
    if target is AppStatus.WITHDRAWN:
        app.decision = None
    _event(session, actor, app, before, target.value, note)
    for d in compute_deadlines(rules, target.value, anchor, decision=decision):
        add_computed(session, actor, app.client_id, app.id, d)
    if target in (AppStatus.WITHDRAWN, AppStatus.CLOSED):
        _close_open_deadlines(session, actor, app.id)
    elif target is AppStatus.SUBMITTED:  # the deadline to apply is met by applying
        _close_open_deadlines(session, actor, app.id, ("application",))
    elif target is AppStatus.DECIDED:  # the decision expected has come
        _close_open_deadlines(session, actor, app.id, ("expected_decision",))
    session.flush()
    fields = ["status"] + (["decision"] if decision else []) + (["submission"] if channel else [])
    record(session, actor, "update", "application", app.id, fields, app.client_id)
    return app


def _close_open_deadlines(
    session: Session, actor: Actor, application_id: int, kinds: Sequence[str] | None = None
) -> None:
    """Mark the application's open deadlines done (only those of ``kinds`` when given)."""
    q = sa.select(DeadlineRow).where(
        DeadlineRow.application_id == application_id, DeadlineRow.done.is_(False)
    )
    if kinds is not None:
        q = q.where(DeadlineRow.kind.in_(list(kinds)))
    for row in session.scalars(q):
        row.done, row.done_at, row.done_by = True, utcnow(), actor.user_id


def record_fill(
    session: Session,
    actor: Actor,
    application_id: int,
    output_artifact: str,
    report: dict[str, Any] | None,
    form_fingerprint: str | None = None,
    form_version_id: int | None = None,
) -> Application:
    """Keep the latest filled document (artifact id), its fill report and the form version it
    was filled with on the application."""
    app = get_application(session, application_id)
    app.output_artifact = output_artifact
    app.fill_report = report
    changed = ["output_artifact", "fill_report"]
    if form_fingerprint:
        app.form_fingerprint = form_fingerprint
    if form_version_id is not None:
        app.form_version_id = form_version_id
        changed.append("form_version_id")
    record(session, actor, "update", "application", app.id, changed, app.client_id)
    return app


def list_applications(
    session: Session,
    statuses: Sequence[str] | None = None,
    client_ids: Sequence[int] | None = None,
) -> list[Application]:
    """Applications with their submission and deadlines loaded, newest first."""
    q = (
        sa.select(Application)
        .options(selectinload(Application.submission), selectinload(Application.deadlines))
        .order_by(Application.id.desc())
    )
    if statuses:
        q = q.where(Application.status.in_(list(statuses)))
    if client_ids is not None:
        q = q.where(Application.client_id.in_(list(client_ids)))
    return list(session.scalars(q))
