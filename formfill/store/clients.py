"""Clients and their profile history: append-only versions, each value with its provenance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.errors import ConflictError, NotFoundError
from formfill.profile.model import Profile
from formfill.profile.provenance import Provenance, carry_forward, flatten
from formfill.profile.validation import parse_profile
from formfill.store.audit import Actor, add_created, record
from formfill.store.db import get_row
from formfill.store.models import Caseload, Client, ProfileVersion, User, utcnow
from formfill.text import sort_key

__all__ = [
    "client_label",
    "count_clients",
    "create_client",
    "get_client",
    "latest_version",
    "list_clients",
    "load_profile",
    "profile_history",
    "reference_taken",
    "save_profile",
    "set_reference",
    "visible_client_ids",
]


def create_client(session: Session, actor: Actor, reference: str | None = None) -> Client:
    client = Client(
        reference=reference,
        created_by=actor.user_id,
        search=reference.lower() if reference else None,
    )
    return add_created(session, actor, client, "client")


def reference_taken(session: Session, reference: str, client_id: int | None = None) -> bool:
    """Whether another client than ``client_id`` has our case reference ``reference``."""
    q = sa.select(Client.id).where(Client.reference == reference)
    if client_id is not None:
        q = q.where(Client.id != client_id)
    return session.scalar(q.limit(1)) is not None


def set_reference(session: Session, actor: Actor, client_id: int, reference: str | None) -> bool:
    """Change our case reference of a client (a typo at intake); False when it is unchanged.
    ConflictError when another client has it (references are unique)."""
    client = get_client(session, client_id)
    reference = (reference or "").strip()[:64] or None
    if reference == client.reference:
        return False
    if reference is not None and reference_taken(session, reference, client_id):
        raise ConflictError(f"our reference {reference!r} is another client's")
    client.reference = reference
    client.search = " ".join(p for p in (client.name, client.reference) if p).lower() or None
    session.flush()
    record(session, actor, "update", "client", client_id, ["reference"])
    return True


def get_client(session: Session, client_id: int) -> Client:
    client = get_row(session, Client, client_id, "client")
    return client


def latest_version(session: Session, client_id: int) -> ProfileVersion | None:
    q = (
        sa.select(ProfileVersion)
        .where(ProfileVersion.client_id == client_id)
        .order_by(ProfileVersion.version.desc())
        .limit(1)
    )
    return session.scalar(q)


def profile_json(profile: Profile) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def save_profile(
    session: Session,
    actor: Actor,
    client_id: int,
    profile: Profile,
    source: Provenance,
    per_path: Mapping[str, Provenance] | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> ProfileVersion:
    """Append a new version. Changed and new values get ``per_path[path]`` or ``source``;
    unchanged values keep the provenance they had. Returns the new version (numbered from 1)."""
    get_client(session, client_id)
    now = at or utcnow()
    stamp = now.isoformat()
    previous = latest_version(session, client_id)
    data = profile_json(profile)
    provenance = carry_forward(
        previous.data if previous else {},
        previous.provenance if previous else {},
        data,
        source.with_time(stamp),
        {k: v.with_time(stamp) for k, v in (per_path or {}).items()},
    )
    version = ProfileVersion(
        client_id=client_id,
        version=(previous.version + 1) if previous else 1,
        data=data,
        provenance=provenance,
        note=note,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(version)
    client = get_client(session, client_id)
    client.name = display_name(data) or None
    client.search = " ".join(p for p in (client.name, client.reference) if p).lower() or None
    session.flush()
    changed = _changed_paths(previous.data if previous else {}, data)
    record(
        session, actor, "create" if previous is None else "update", "profile", client_id, changed
    )
    return version


def _changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    a, b = flatten(before), flatten(after)
    return sorted(p for p in set(a) | set(b) if a.get(p) != b.get(p))


def load_profile(session: Session, actor: Actor, client_id: int) -> tuple[Profile, ProfileVersion]:
    """The client's current profile (validated) and its version row; audited as a read."""
    version = latest_version(session, client_id)
    if version is None:
        raise NotFoundError("profile of client", client_id)
    record(session, actor, "read", "profile", client_id)
    return parse_profile(version.data, source=f"client {client_id} v{version.version}"), version


def profile_history(session: Session, actor: Actor, client_id: int) -> list[ProfileVersion]:
    """Every version, oldest first; audited as a read."""
    get_client(session, client_id)
    record(session, actor, "read", "profile_history", client_id)
    q = (
        sa.select(ProfileVersion)
        .where(ProfileVersion.client_id == client_id)
        .order_by(ProfileVersion.version)
    )
    return list(session.scalars(q))


def display_name(data: Mapping[str, Any]) -> str:
    """ "Máret Čiekčá Ålund" from a profile's JSON, middle name included as forms print it
    ("" without a name)."""
    person = data.get("person") or {}
    parts = ("given_name", "middle_name", "family_name")
    return " ".join(str(person[k]) for k in parts if person.get(k))


def client_label(version: ProfileVersion | None, client_id: int) -> str:
    """A short display name ("Kari Nordmann") from a version's JSON, else "client N"."""
    name = display_name(version.data) if version else ""
    return name or f"client {client_id}"


def visible_client_ids(user: User) -> sa.Select[int]:
    """The ids of the clients ``user`` may see: a specialist their caseload, a supervisor the
    caseloads of their team (and their own), an admin none (admins manage users and forms)."""
    if user.role == "specialist" or (user.role == "supervisor" and not user.team):
        return sa.select(Caseload.client_id).where(Caseload.user_id == user.id)
    if user.role == "supervisor":
        team = sa.select(User.id).where(User.team == user.team)
        return sa.select(Caseload.client_id).where(
            sa.or_(Caseload.user_id.in_(team), Caseload.user_id == user.id)
        )
    return sa.select(Caseload.client_id).where(sa.false())


def _listing(user: User, query: str | None) -> sa.Select[Client]:
    q = sa.select(Client).where(Client.archived.is_(False), Client.id.in_(visible_client_ids(user)))
    for word in (query or "").lower().split()[:5]:
        if word.isdigit():
            q = q.where(
                sa.or_(Client.id == int(word), Client.search.contains(word, autoescape=True))
            )
        else:
            q = q.where(Client.search.contains(word, autoescape=True))
    return q


def list_clients(
    session: Session,
    user: User,
    query: str | None = None,
    offset: int = 0,
    limit: int = 50,
    language: str = "en",
) -> list[Client]:
    """A page of the clients ``user`` may see, by name in ``language``'s alphabetical order
    (Øystein after Zara in nb, beside Olsen in nl; clients without a name last), matching every
    word of ``query`` (in the name or our reference; a number also matches the client id). Not
    audited: names only.

    The order is computed here, not by the database: SQLite and PostgreSQL collate by code
    point or by the server's locale, never by the reader's. Only ids and names of the
    matching clients are read to sort; whole rows only for the page."""
    key = sort_key(language)
    rows = session.execute(_listing(user, query).with_only_columns(Client.id, Client.name))
    names = sorted(rows, key=lambda row: (row.name is None, key(row.name or ""), row.id))
    page = [row.id for row in names[max(offset, 0) : max(offset, 0) + max(limit, 0)]]
    if not page:
        return []
    found = {c.id: c for c in session.scalars(sa.select(Client).where(Client.id.in_(page)))}
    return [found[i] for i in page if i in found]


def count_clients(session: Session, user: User, query: str | None = None) -> int:
    sub = _listing(user, query).with_only_columns(Client.id).subquery()
    return int(session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0)
