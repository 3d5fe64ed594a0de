"""A client's history as people read it: who did it (a name, never ``user:3``) and what the
machine-written notes mean ("filled by batch 4 (item 9)" is the fill of a batch, named by its
label or ``#4``). The shells translate the kinds; the core says which kind and names the parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.store.batches import application_of
from formfill.store.models import ApplicationEvent, Batch, ProfileVersion, User

__all__ = ["EventNote", "Who", "actors", "read_note", "read_notes", "who"]

# notes formfill itself writes on application events (older and newer spellings)
_BATCH_NOTES = (
    ("batch_fill", re.compile(r"filled (?:by|in) batch (\d+)(?: \(item \d+\))?")),
    ("batch_track", re.compile(r"tracked from batch (\d+)")),
    ("batch_track", re.compile(r"batch (\d+)")),
)


@dataclass(frozen=True)
class Who:
    """``kind``: user (``name`` is the user's name), process (``name`` is its label: worker,
    cli, ...) or unknown (a user row since removed; ``name`` is empty)."""

    kind: str
    name: str


@dataclass(frozen=True)
class EventNote:
    """``kind``: batch_fill, batch_track (``batch`` is the batch's label or ``#id``) or text
    (``text`` is what a person typed, shown as it is)."""

    kind: str
    batch: str = ""
    text: str = ""


def actors(session: Session, rows: Iterable[ApplicationEvent | ProfileVersion]) -> dict[int, str]:
    """The names of the users behind ``rows`` (user id -> name)."""
    ids: set[int] = set()
    for r in rows:
        uid = r.actor_id if isinstance(r, ApplicationEvent) else r.created_by
        if uid is not None:
            ids.add(uid)
        if isinstance(r, ApplicationEvent) and r.actor_label.startswith("user:"):
            tail = r.actor_label[5:]
            if tail.isdigit():
                ids.add(int(tail))
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def who(names: dict[int, str], user_id: int | None, label: str | None = None) -> Who:
    """Who a row names: its user by name, else the process that wrote it."""
    if user_id is None and label and label.startswith("user:") and label[5:].isdigit():
        user_id = int(label[5:])
    if user_id is not None:
        name = names.get(user_id, "")
        return Who("user", name) if name else Who("unknown", "")
    return Who("process", label or "")


def _batch_labels(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(sa.select(Batch.id, Batch.label).where(Batch.id.in_(ids))).all()
    return {bid: shown_label(bid, label) for bid, label in rows}


def shown_label(batch_id: int, label: str | None) -> str:
    """A batch as a history line or a packet cover names it: its label, or its number for a
    batch with none, or one launched from an application (stored 'application 14', a code a
    reader in nb or nl would see untranslated)."""
    if not label or application_of(label) is not None:
        return f"#{batch_id}"
    return label


def _match(note: str) -> tuple[str, int] | None:
    for kind, pattern in _BATCH_NOTES:
        m = pattern.fullmatch(note.strip())
        if m:
            return kind, int(m.group(1))
    return None


def read_notes(session: Session, notes: Iterable[str | None]) -> dict[str, EventNote]:
    """Each distinct note read (note -> EventNote), the batches' labels looked up once."""
    distinct = {n for n in notes if n}
    matched = {n: _match(n) for n in distinct}
    labels = _batch_labels(session, {m[1] for m in matched.values() if m})
    out: dict[str, EventNote] = {}
    for note, m in matched.items():
        if m is None:
            out[note] = EventNote("text", text=note)
        else:
            out[note] = EventNote(m[0], batch=labels.get(m[1], f"#{m[1]}"))
    return out


def read_note(session: Session, note: str | None) -> EventNote | None:
    """One note read (None for no note)."""
    return read_notes(session, [note]).get(note) if note else None
