"""The evidence checklist of an application and the texts of the rules behind deadlines: what
counts as accepted evidence is decided here, once, for the web, the API and the CLI.

Accepted evidence: an evidence file of the client with a document type, read to the end, with at
least one proposal a person accepted or corrected. Its date is the day it was uploaded (the
store keeps no date printed on the document), so freshness counts from the upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.errors import FormfillError
from formfill.lifecycle import add_months
from formfill.profile.model import Profile
from formfill.profile.validation import parse_profile
from formfill.programs.catalog import Catalog, Program, RuleInfo
from formfill.programs.dates import AcceptedEvidence, checklist
from formfill.store.audit import Actor
from formfill.store.clients import latest_version, load_profile
from formfill.store.models import Application, DeadlineRow, EvidenceFile, EvidenceProposal
from formfill.text import localised

__all__ = [
    "Checklist",
    "Row",
    "accepted_files",
    "application_checklist",
    "rule_stops",
    "rule_text",
]


@dataclass(frozen=True)
class Row:
    id: str
    doc_type: str
    label: str
    type_name: str  # the document type's name (may equal the label)
    required: bool  # False: the item's condition is false for this client
    done: bool
    max_age_months: int | None
    oldest: date | None  # evidence dated before this is too old
    file: EvidenceFile | None  # the accepted file that ticks it (or, when too old, the newest)
    dated: date | None
    source: str


@dataclass(frozen=True)
class Checklist:
    program: Program | None
    rows: tuple[Row, ...] = ()
    problem: str | None = None  # why there is no checklist (no program, not in the catalog, ...)
    no_profile: bool = False  # conditions were evaluated on an empty profile


def accepted_files(session: Session, client_id: int) -> list[EvidenceFile]:
    """The client's evidence files that count as accepted, newest first."""
    decided = sa.select(EvidenceProposal.evidence_id).where(
        EvidenceProposal.status.in_(("accepted", "corrected"))
    )
    q = (
        sa.select(EvidenceFile)
        .where(
            EvidenceFile.client_id == client_id,
            EvidenceFile.doc_type.is_not(None),
            EvidenceFile.status == "done",
            EvidenceFile.id.in_(decided),
        )
        .order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
    )
    return list(session.scalars(q))


def _dated(f: EvidenceFile) -> date:
    return f.uploaded_at.date()


def _name(catalog: Catalog, doc_type: str, language: str) -> str:
    names = catalog.doc_types.get(doc_type) or {}
    return localised(names, language, doc_type)


def application_checklist(
    session: Session,
    actor: Actor,
    catalog: Catalog,
    app: Application,
    on: date,
    language: str,
) -> Checklist:
    """Every evidence item of the application's program: required for this client or not,
    ticked by accepted evidence of its type dated within its freshness rule."""
    if not app.program:
        return Checklist(None, problem="no_program")
    try:
        program = catalog.get(app.program)
    except FormfillError:
        return Checklist(None, problem="unknown_program")
    profile: Profile
    no_profile = latest_version(session, app.client_id) is None
    if no_profile:
        profile = parse_profile({}, source="empty profile")
    else:
        profile = load_profile(session, actor, app.client_id)[0]
    files = accepted_files(session, app.client_id)
    accepted = [AcceptedEvidence(str(f.doc_type), _dated(f)) for f in files]
    try:
        items = {i.id: i for i in checklist(program, profile, on, accepted, language)}
    except FormfillError as e:
        return Checklist(program, problem=str(e).splitlines()[0])
    rows = []
    for item in program.evidence:
        type_name = _name(catalog, item.doc_type, language)
        label = localised(item.label, language, type_name)
        got = items.get(item.id)
        of_type = [f for f in files if f.doc_type == item.doc_type and _dated(f) <= on]
        oldest = add_months(on, -item.max_age_months) if item.max_age_months else None
        chosen: EvidenceFile | None = of_type[0] if of_type else None
        if got is not None and got.done:
            chosen = next(f for f in of_type if oldest is None or _dated(f) >= oldest)
        rows.append(
            Row(
                id=item.id,
                doc_type=item.doc_type,
                label=label,
                type_name=type_name,
                required=got is not None,
                done=bool(got and got.done),
                max_age_months=item.max_age_months,
                oldest=oldest,
                file=chosen,
                dated=_dated(chosen) if chosen is not None else None,
                source=program.sources[item.source].url,
            )
        )
    return Checklist(program, tuple(rows), no_profile=no_profile)


def _program(catalog: Catalog, program_id: str | None, row: DeadlineRow) -> Program | None:
    """The program a computed deadline's rule comes from (None: no program, no rule)."""
    if not program_id or not row.rule:
        return None
    try:
        return catalog.get(program_id)
    except FormfillError:
        return None


def _rule_info(program: Program, row: DeadlineRow) -> RuleInfo | None:
    return next((i for i in program.deadlines if i.rule.describe() == row.rule), None)


def rule_stops(catalog: Catalog, program_id: str | None, row: DeadlineRow, language: str) -> str:
    """What missing the deadline stops, in the catalog's words ("" when it says nothing)."""
    program = _program(catalog, program_id, row)
    info = _rule_info(program, row) if program is not None else None
    return localised(info.stops, language) if info is not None and info.stops else ""


def rule_text(catalog: Catalog, program_id: str | None, row: DeadlineRow, language: str) -> str:
    """The catalog's plain-language text of the rule a deadline came from ("" if none)."""
    program = _program(catalog, program_id, row)
    if program is None:
        return ""
    if str(row.rule).startswith("apply_by ") and program.apply_by is not None:
        return localised(program.apply_by.text, language)
    info = _rule_info(program, row)
    return localised(info.text, language) if info is not None else ""
