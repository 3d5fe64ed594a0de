"""From screening and batches to work: create applications for chosen programs with their due
dates, and attach filled documents to them.

Uses the store's public API only (``applications.create_application``,
``deadlines.add_computed``). The application's form is the program's first form map, or
``program:<id>`` when the agency has no form we map. The claim deadline (``apply_by``) is added
as an ``application`` deadline; later deadlines (expected decision, appeal, meldekort) come from
``Program.rules`` when the application is advanced
(:func:`formfill.cases.deadlines.advance_application`).

A batch fills applications, it does not invent them: an item's output goes on an application
only when the item was launched from one or a person tracks it (:func:`track_item`). Filling an
application's form again adds a new version to the same application; letters and cover
documents (Word templates no program lists as its form) are attachments, never applications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.errors import ConflictError, FormfillError
from formfill.lifecycle import AppStatus, Deadline, DeadlineKind
from formfill.programs.catalog import Program
from formfill.programs.dates import apply_by
from formfill.programs.model import Catalog
from formfill.store import Actor
from formfill.store import applications as store_apps
from formfill.store.deadlines import add_computed
from formfill.store.models import Application, BatchItem, DeadlineRow
from formfill.text import localised

__all__ = [
    "FILLABLE",
    "OPEN",
    "AlreadyOpen",
    "ChooseProgram",
    "Created",
    "attach_output",
    "form_for",
    "is_letter",
    "open_application",
    "open_for_program",
    "open_on_form",
    "programs_for_form",
    "track_item",
]

# an application a new fill moves (back) to filled: not yet sent
FILLABLE = (AppStatus.DRAFT, AppStatus.READY, AppStatus.FILLED, AppStatus.REVIEWED)
# an application still being worked on: a new fill or a new screening choice goes to it
OPEN = (*FILLABLE, AppStatus.SUBMITTED, AppStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Created:
    application: Application
    deadlines: tuple[DeadlineRow, ...]


class ChooseProgram(FormfillError):
    """Several programs list this form: the person must say which one the application is for."""

    def __init__(self, form_id: str, programs: Sequence[Program]) -> None:
        self.form_id = form_id
        self.programs = tuple(programs)
        ids = ", ".join(p.id for p in programs)
        super().__init__(f"{form_id} is the form of several programs ({ids}): choose one")


class AlreadyOpen(ConflictError):
    """The client already has an application being worked on for this program and form."""

    def __init__(self, program: str, application_id: int) -> None:
        self.program = program
        self.application_id = application_id
        super().__init__(f"{program}: application {application_id} is already open")


def form_for(program: Program) -> str:
    return program.forms[0] if program.forms else f"program:{program.id}"


def open_application(
    session: Session,
    actor: Actor,
    client_id: int,
    program: Program,
    entitlement_start: date,
    note: str | None = None,
    form_id: str | None = None,
) -> Created:
    """A draft application for ``program`` (on ``form_id``, one of its forms, or its first) with
    its claim deadline computed from the start of the right (for yearly allowances, any day of
    the year applied for). AlreadyOpen if one is still being worked on (draft up to
    acknowledged) for the same program and form: every shell gets the same refusal."""
    if form_id is not None and form_id not in program.forms:
        raise ConflictError(f"{form_id} is not a form of program {program.id}")
    form = form_id or form_for(program)
    existing = open_for_program(session, client_id, program.id, form)
    if existing is not None:
        raise AlreadyOpen(program.id, existing.id)
    app = store_apps.create_application(
        session, actor, client_id, form, program=program.id, note=note
    )
    rows: list[DeadlineRow] = []
    due = apply_by(program, entitlement_start)
    if due is not None and program.apply_by is not None:
        text = localised(program.apply_by.text, "en")
        rule = f"apply_by {program.apply_by.rule} from {entitlement_start.isoformat()}"
        deadline = Deadline(DeadlineKind.APPLICATION, due, rule, text)
        rows.append(add_computed(session, actor, client_id, app.id, deadline))
    return Created(app, tuple(rows))


def open_on_form(session: Session, client_id: int, form_id: str) -> list[Application]:
    """Every application of the client on ``form_id`` still being worked on, oldest first."""
    q = sa.select(Application).where(
        Application.client_id == client_id,
        Application.form_id == form_id,
        Application.status.in_(sorted(s.value for s in OPEN)),
    )
    return list(session.scalars(q.order_by(Application.id)))


def open_for_program(
    session: Session, client_id: int, program: str | None, form_id: str | None = None
) -> Application | None:
    """The client's newest application still being worked on for ``program`` (and ``form_id``
    when given; ``program`` None matches any program)."""
    q = sa.select(Application).where(
        Application.client_id == client_id,
        Application.status.in_(sorted(s.value for s in OPEN)),
    )
    if program is not None:
        q = q.where(Application.program == program)
    if form_id is not None:
        q = q.where(Application.form_id == form_id)
    return session.scalar(q.order_by(Application.id.desc()).limit(1))


def programs_for_form(catalog: Catalog, form_id: str) -> list[Program]:
    """The programs whose catalog entry lists ``form_id`` among its forms."""
    return [p for p in catalog.programs if form_id in p.forms]


def is_letter(catalog: Catalog, template_ids: Sequence[str], form_id: str) -> bool:
    """A Word template that is no program's form: a letter or cover document (an attachment)."""
    return form_id in template_ids and not programs_for_form(catalog, form_id)


def attach_output(
    session: Session,
    actor: Actor,
    app: Application,
    item: BatchItem,
    report: dict[str, Any] | None,
    fingerprint: str | None = None,
    letter: bool = False,
) -> Application:
    """Put a done item's document on ``app``. Its own form: a new version (the latest is the
    application's output); an application not yet sent moves to ``filled`` (draft and ready step
    forward, a reviewed one goes back: the new document needs a new review), one event per step,
    noted with the batch and item. A letter is attached and changes nothing else."""
    if item.output_artifact is None:
        raise ConflictError(f"batch item {item.id} has no output yet")
    item.application_id = app.id
    if letter:
        return app
    if item.form_id != app.form_id:
        raise ConflictError(f"batch item {item.id} is {item.form_id}, not {app.form_id}")
    note = f"filled by batch {item.batch_id} (item {item.id})"
    steps = {
        AppStatus.DRAFT: (AppStatus.READY, AppStatus.FILLED),
        AppStatus.READY: (AppStatus.FILLED,),
        AppStatus.REVIEWED: (AppStatus.FILLED,),
    }
    for to in steps.get(AppStatus(app.status), ()):
        store_apps.advance(session, actor, app.id, to.value, date.today(), note=note)
    store_apps.record_fill(
        session, actor, app.id, item.output_artifact, report, fingerprint, item.form_version_id
    )
    return app


def track_item(
    session: Session,
    actor: Actor,
    catalog: Catalog,
    item: BatchItem,
    on: date,
    *,
    program: str | None = None,
    letter: bool = False,
    attach_to: int | None = None,
) -> Application:
    """Track a done batch item: the application it already belongs to; else the client's open
    application of that form and program (a new version on it); else a new application for the
    program the catalog says the form belongs to (ChooseProgram when several list it and
    ``program`` is None), with that program's claim deadline from ``on``. A letter is never an
    application: it is attached to ``attach_to``, one of the client's applications."""
    if item.status != "done" or not item.output_artifact:
        raise ConflictError(f"batch item {item.id} is not filled yet")
    if letter:
        if attach_to is None:
            raise ConflictError(f"{item.form_id} is a letter: attach it to an application")
        target = store_apps.get_application(session, attach_to)
        if target.client_id != item.client_id:
            raise ConflictError(f"application {attach_to} is another client's")
        return attach_output(session, actor, target, item, item.report, letter=True)
    if item.application_id is not None:
        return store_apps.get_application(session, item.application_id)
    listed = programs_for_form(catalog, item.form_id)
    if program is not None and program not in {p.id for p in listed}:
        raise ConflictError(f"{item.form_id} is not a form of program {program}")
    if program is None and len(listed) > 1:
        raise ChooseProgram(item.form_id, listed)
    chosen = catalog.get(program) if program else (listed[0] if listed else None)
    found = open_for_program(session, item.client_id, chosen.id if chosen else None, item.form_id)
    if found is None and chosen is not None:
        note = f"tracked from batch {item.batch_id}"
        made = open_application(session, actor, item.client_id, chosen, on, note, item.form_id)
        found = made.application
    elif found is None:
        found = store_apps.create_application(session, actor, item.client_id, item.form_id)
    return attach_output(session, actor, found, item, item.report)
