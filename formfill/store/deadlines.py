"""Deadlines: computed from rules (tracking.py) or set by hand; done when met; listed when due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.lifecycle import (
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DueItem,
    list_due,
    next_occurrence,
)
from formfill.store.audit import Actor, add_created, record
from formfill.store.db import get_row
from formfill.store.models import DeadlineRow, utcnow

__all__ = ["add_computed", "add_manual", "due", "mark_done"]


def add_computed(
    session: Session, actor: Actor, client_id: int, application_id: int | None, d: Deadline
) -> DeadlineRow:
    row = DeadlineRow(
        client_id=client_id,
        application_id=application_id,
        kind=d.kind.value,
        due=d.due,
        source="rule",
        rule=d.rule,
        label=d.label or None,
    )
    return add_created(session, actor, row, "deadline")


def add_manual(
    session: Session,
    actor: Actor,
    client_id: int,
    kind: str,
    due_on: date,
    application_id: int | None = None,
    label: str | None = None,
) -> DeadlineRow:
    """A deadline set by hand (ValueError for an unknown kind)."""
    DeadlineKind(kind)
    row = DeadlineRow(
        client_id=client_id,
        application_id=application_id,
        kind=kind,
        due=due_on,
        source="manual",
        label=label,
    )
    return add_created(session, actor, row, "deadline")


def open_for(session: Session, application_id: int, kind: str) -> list[DeadlineRow]:
    """An application's deadlines of one kind that are not met yet."""
    q = sa.select(DeadlineRow).where(
        DeadlineRow.application_id == application_id,
        DeadlineRow.kind == kind,
        DeadlineRow.done.is_(False),
    )
    return list(session.scalars(q.order_by(DeadlineRow.due, DeadlineRow.id)))


def mark_done(
    session: Session, actor: Actor, deadline_id: int, rules: Sequence[DeadlineRule] = ()
) -> DeadlineRow | None:
    """Mark a deadline met; for a recurring rule (matched by its description) add the next
    one and return it."""
    row = get_row(session, DeadlineRow, deadline_id, "deadline")
    row.done, row.done_at, row.done_by = True, utcnow(), actor.user_id
    record(session, actor, "update", "deadline", row.id, ["done"], row.client_id)
    for rule in rules:
        if row.rule == rule.describe() and (nxt := next_occurrence(rule, row.due)):
            return add_computed(session, actor, row.client_id, row.application_id, nxt)
    return None


def due(
    session: Session,
    as_of: date,
    within: timedelta,
    client_ids: Sequence[int] | sa.Select[int] | None = None,
) -> list[tuple[DeadlineRow, str]]:
    """Open deadlines overdue on ``as_of`` or due within ``within``: (row, "overdue"|"due")."""
    q = sa.select(DeadlineRow).where(DeadlineRow.done.is_(False), DeadlineRow.due <= as_of + within)
    if client_ids is not None:
        ids = client_ids if isinstance(client_ids, sa.Select) else list(client_ids)
        q = q.where(DeadlineRow.client_id.in_(ids))
    rows = {r.id: r for r in session.scalars(q)}
    items = [DueItem(r.id, r.due, r.done) for r in rows.values()]
    return [(rows[item.key], state) for item, state in list_due(items, as_of, within)]
