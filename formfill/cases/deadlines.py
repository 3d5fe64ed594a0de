"""Which deadline rules an application follows, and advancing it with them: the one place the
CLI, the web and the JSON API call, so that the same transition gives the same deadlines.

An application's rules are its program's rules in the catalog when it has a program the
catalog knows, else the ``[[deadlines]]`` of its form's map.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from formfill.errors import ConflictError, DeadlineRuleError, Problem, TransitionDateError
from formfill.lifecycle import AppStatus, DeadlineKind, DeadlineRule, parse_rules
from formfill.programs.model import Catalog
from formfill.store import applications as store_apps
from formfill.store import deadlines as store_deadlines
from formfill.store.audit import Actor
from formfill.store.db import get_row
from formfill.store.models import Application, DeadlineRow, FormVersion, Submission
from formfill.store.notes import add_note

__all__ = [
    "Advanced",
    "advance_application",
    "complete_deadline",
    "rules_for_application",
    "rules_for_form",
]


def rules_for_form(
    maps_dir: Path, form_id: str, version: FormVersion | None = None
) -> list[DeadlineRule]:
    """Deadline rules from the ``[[deadlines]]`` array of the form's map, if it has one: the
    stored ``version``'s map text when the application records one, else the map file."""
    if version is not None:
        text, where = version.map_text, f"{version.form_id}@{version.version}"
    else:
        paths = sorted(maps_dir.glob(f"*/{form_id}.toml"))
        if len(paths) != 1:
            return []
        where = str(paths[0])
        try:
            text = paths[0].read_text(encoding="utf-8")
        except OSError as e:
            raise DeadlineRuleError(where, [Problem("", str(e))]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DeadlineRuleError(where, [Problem("", str(e))]) from None
    raw = data.get("deadlines", [])
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise DeadlineRuleError(where, [Problem("deadlines", "an array of tables")])
    return parse_rules(raw, source=where)


def rules_for_application(
    catalog: Catalog | None,
    maps_dir: Path,
    form_id: str,
    program: str | None,
    version: FormVersion | None = None,
) -> tuple[list[DeadlineRule], str]:
    """The deadline rules of an application and where they come from (for the user)."""
    if program and catalog is not None and any(p.id == program for p in catalog.programs):
        return list(catalog.get(program).rules), f"program {program}"
    rules = rules_for_form(maps_dir, form_id, version)
    if program:
        return rules, f"form map {form_id} (program {program} is not in the catalog)"
    return rules, f"form map {form_id}"


@dataclass(frozen=True)
class Advanced:
    application: Application
    before: str
    rules_from: str


def advance_application(
    session: Session,
    actor: Actor,
    application_id: int,
    to: str,
    on: date,
    *,
    catalog: Catalog | None,
    maps_dir: Path,
    note: str | None = None,
    decision: str | None = None,
    submission: store_apps.SubmissionDetails | None = None,
    today: date | None = None,
) -> Advanced:
    """Move an application to ``to`` as one event, adding the deadlines its rules anchor on
    that status (InvalidTransitionError / TransitionDetailsError when the lifecycle forbids
    it; nothing is written then). With ``today``, a step dated after it, or before the
    application's submission, is refused (TransitionDateError): deadlines count from it."""
    app = store_apps.get_application(session, application_id)
    if today is not None and on > today:
        raise TransitionDateError(to, on, "future", today)
    sent = session.query(Submission).filter_by(application_id=application_id).one_or_none()
    if sent is not None and on < sent.submitted_on:
        raise TransitionDateError(to, on, "before_submission", sent.submitted_on)
    before = app.status
    version = (
        session.get(FormVersion, app.form_version_id) if app.form_version_id is not None else None
    )
    rules, rules_from = rules_for_application(catalog, maps_dir, app.form_id, app.program, version)
    app = store_apps.advance(
        session,
        actor,
        application_id,
        to,
        on,
        note=note,
        decision=decision,
        submission=submission,
        rules=rules,
    )
    if to in _ANSWERED:  # the agency answered (or the case ended): no decision is awaited
        awaited = store_deadlines.open_for(session, application_id, DeadlineKind.EXPECTED_DECISION)
        for row in awaited:
            store_deadlines.mark_done(session, actor, row.id)
    return Advanced(app, before, rules_from)


_ANSWERED = {AppStatus.DECIDED, AppStatus.CLOSED, AppStatus.WITHDRAWN}


def complete_deadline(
    session: Session,
    actor: Actor,
    deadline_id: int,
    *,
    catalog: Catalog | None,
    maps_dir: Path,
    note: str | None = None,
) -> DeadlineRow | None:
    """Mark a deadline met (a meldekort sent, a renewal filed); a recurring one gets its next
    occurrence from the application's rules, which is returned. ``note`` (what was done: "sent
    on paper") is kept as a note on the client and the application, never in the audit log."""
    row = get_row(session, DeadlineRow, deadline_id, "deadline")
    if row.done:
        raise ConflictError(f"deadline {deadline_id} is already met")
    rules: list[DeadlineRule] = []
    if row.application_id is not None:
        app = store_apps.get_application(session, row.application_id)
        version = (
            session.get(FormVersion, app.form_version_id)
            if app.form_version_id is not None
            else None
        )
        rules, _from = rules_for_application(catalog, maps_dir, app.form_id, app.program, version)
    nxt = store_deadlines.mark_done(session, actor, deadline_id, rules)
    text = " ".join((note or "").split())[:500]
    if text:
        add_note(session, actor, row.client_id, text, application_id=row.application_id)
    return nxt
