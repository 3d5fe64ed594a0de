"""From screening to work: create applications for chosen programs with their due dates.

Uses the store's public API only (``applications.create_application``,
``deadlines.add_computed``). The application's form is the program's first form map, or
``program:<id>`` when the agency has no form we map. The claim deadline (``apply_by``) is added
as an ``application`` deadline; later deadlines (expected decision, appeal, meldekort) come from
``Program.rules`` when the application is advanced (``applications.advance(rules=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from formfill.lifecycle import Deadline, DeadlineKind
from formfill.programs.catalog import Program
from formfill.programs.dates import apply_by
from formfill.store import Actor
from formfill.store.applications import create_application
from formfill.store.deadlines import add_computed
from formfill.store.models import Application, DeadlineRow
from formfill.text import localised

__all__ = ["Created", "form_for", "open_application"]


@dataclass(frozen=True)
class Created:
    application: Application
    deadlines: tuple[DeadlineRow, ...]


def form_for(program: Program) -> str:
    return program.forms[0] if program.forms else f"program:{program.id}"


def open_application(
    session: Session,
    actor: Actor,
    client_id: int,
    program: Program,
    entitlement_start: date,
    note: str | None = None,
) -> Created:
    """A draft application for ``program`` with its claim deadline computed from the start of
    the right (for yearly allowances, any day of the year applied for)."""
    app = create_application(
        session, actor, client_id, form_for(program), program=program.id, note=note
    )
    rows: list[DeadlineRow] = []
    due = apply_by(program, entitlement_start)
    if due is not None and program.apply_by is not None:
        text = localised(program.apply_by.text, "en")
        rule = f"apply_by {program.apply_by.rule} from {entitlement_start.isoformat()}"
        deadline = Deadline(DeadlineKind.APPLICATION, due, rule, text)
        rows.append(add_computed(session, actor, client_id, app.id, deadline))
    return Created(app, tuple(rows))
