"""History rows for pages: who (a user's name, never ``user:3``) and what a note means, in the
reader's language. The core reads the notes (formfill.cases.history); this only translates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from formfill.cases.history import EventNote, Who, actors, read_notes, who
from formfill.store.models import ApplicationEvent, EvidenceFile, ProfileVersion
from web.labels import doc_type_name, enum_label

__all__ = ["HistoryRow", "event_rows", "version_rows"]


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    what: str  # the step or the version ("draft → ready", "v3")
    note: str


def who_text(w: Who) -> str:
    if w.kind == "user":
        return w.name
    if w.kind == "unknown":
        return _("a former user")
    labels = {
        "worker": _("formfill (batch worker)"),
        "cli": _("formfill (command line)"),
        "demo": _("formfill (demo data)"),
    }
    return labels.get(w.name, w.name) or _("formfill")


def note_text(n: EventNote | None, form_title: str) -> str:
    if n is None:
        return ""
    if n.kind == "batch_fill":
        return _("%(form)s filled in batch %(batch)s", form=form_title, batch=n.batch)
    if n.kind == "batch_track":
        return _("tracked from batch %(batch)s", batch=n.batch)
    known = {"screening": _("from the screening"), "demo": _("demo data")}
    return known.get(n.text, n.text)


_FROM_EVIDENCE = re.compile(r"(accepted|corrected|confirmed) from evidence (\d+)")


def _profile_note(note: str | None, doc_types: dict[int, str | None]) -> str:
    """A profile version's note as people read it; "corrected from evidence 4" names the
    document's type ("corrected from a pay slip"), never the file's id."""
    known = {
        "intake": _("intake"),
        "edited": _("edited"),
        "api": _("through the API"),
        "demo": _("demo data"),
    }
    if m := _FROM_EVIDENCE.fullmatch(note or ""):
        kind = doc_type_name(doc_types.get(int(m.group(2)))) or _("an evidence file")
        if m.group(1) == "accepted":
            return _("accepted from evidence: %(kind)s", kind=kind)
        if m.group(1) == "confirmed":
            return _("confirmed by evidence, unchanged: %(kind)s", kind=kind)
        return _("corrected from evidence: %(kind)s", kind=kind)
    return known.get(note or "", note or "")


def _doc_types(session: Session, versions: Sequence[ProfileVersion]) -> dict[int, str | None]:
    ids = {int(m.group(2)) for v in versions if (m := _FROM_EVIDENCE.fullmatch(v.note or ""))}
    if not ids:
        return {}
    q = sa.select(EvidenceFile.id, EvidenceFile.doc_type).where(EvidenceFile.id.in_(ids))
    return {i: t for i, t in session.execute(q)}


def event_rows(
    session: Session, events: Sequence[ApplicationEvent], form_title: str
) -> list[HistoryRow]:
    """An application's events, oldest first, as people read them."""
    names = actors(session, events)
    notes = read_notes(session, (e.note for e in events))
    rows = []
    for e in events:
        before = enum_label(e.from_status, "app_status") if e.from_status else _("created")
        step = f"{before} → {enum_label(e.to_status, 'app_status')}"
        rows.append(
            HistoryRow(
                e.at,
                who_text(who(names, e.actor_id, e.actor_label)),
                step,
                note_text(notes.get(e.note or ""), form_title),
            )
        )
    return rows


def version_rows(session: Session, versions: Sequence[ProfileVersion]) -> list[HistoryRow]:
    """A client's profile versions, newest first."""
    names = actors(session, versions)
    doc_types = _doc_types(session, versions)
    return [
        HistoryRow(
            v.created_at,
            who_text(who(names, v.created_by)),
            f"v{v.version}",
            _profile_note(v.note, doc_types),
        )
        for v in sorted(versions, key=lambda v: v.version, reverse=True)
    ]
