"""Evidence files and the values proposed from them; accepting one writes a profile version
whose value carries the evidence as its provenance."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.errors import ConflictError, ProfileError
from formfill.evidence.doubt import same_value
from formfill.profile.model import check_path
from formfill.profile.provenance import Provenance, flatten, set_path
from formfill.profile.validation import parse_profile
from formfill.store.audit import Actor, add_created, record
from formfill.store.clients import get_client, latest_version, save_profile
from formfill.store.db import get_row
from formfill.store.models import EvidenceFile, EvidenceProposal, ProfileVersion, utcnow

__all__ = ["add_evidence", "add_proposal", "decide", "pending_proposals"]


def add_evidence(
    session: Session,
    actor: Actor,
    client_id: int,
    artifact_id: str,
    filename: str,
    media_type: str,
    doc_type: str | None = None,
    pages: int | None = None,
) -> EvidenceFile:
    """Record an uploaded file (already saved with artifacts.save) for a client."""
    get_client(session, client_id)
    row = EvidenceFile(
        client_id=client_id,
        artifact_id=artifact_id,
        filename=filename,
        media_type=media_type,
        doc_type=doc_type,
        pages=pages,
        uploaded_by=actor.user_id,
    )
    return add_created(session, actor, row, "evidence")


def add_proposal(
    session: Session,
    actor: Actor,
    evidence_id: int,
    path: str,
    value: Any,
    page: int | None = None,
    box: Sequence[float] | None = None,
    confidence: float | None = None,
    basis: str | None = None,
) -> EvidenceProposal:
    """A value read from evidence, proposed for profile ``path`` (checked against the
    vocabulary: UnknownPathError with suggestions)."""
    evidence = get_row(session, EvidenceFile, evidence_id, "evidence")
    check_path(path)
    row = EvidenceProposal(
        evidence_id=evidence_id,
        path=path,
        value=value,
        page=page,
        box=list(box) if box is not None else None,
        confidence=confidence,
        basis=basis,
    )
    session.add(row)
    session.flush()
    record(session, actor, "create", "proposal", row.id, [path], evidence.client_id)
    return row


def pending_proposals(session: Session, client_id: int) -> list[EvidenceProposal]:
    q = (
        sa.select(EvidenceProposal)
        .join(EvidenceFile)
        .where(EvidenceFile.client_id == client_id, EvidenceProposal.status == "proposed")
        .order_by(EvidenceProposal.id)
    )
    return list(session.scalars(q))


def decide(
    session: Session,
    actor: Actor,
    proposal_id: int,
    status: str,
    corrected_value: Any = None,
) -> ProfileVersion | None:
    """Accept, correct (accept ``corrected_value`` instead) or reject a proposal.

    Accepting or correcting writes a new profile version (ProfileError if the value does not
    fit the profile) and returns it; rejecting returns None. A decided proposal stays decided."""
    proposal = get_row(session, EvidenceProposal, proposal_id, "proposal")
    if proposal.status != "proposed":
        raise ConflictError(f"proposal {proposal_id} is already {proposal.status}")
    if status not in ("accepted", "corrected", "rejected"):
        raise ValueError(f"decision {status!r}: accepted, corrected or rejected")
    proposal.status = status
    proposal.decided_by = actor.user_id
    proposal.decided_at = utcnow()
    record(
        session, actor, "update", "proposal", proposal.id, ["status"], proposal.evidence.client_id
    )
    if status == "rejected":
        return None
    value = corrected_value if status == "corrected" else proposal.value
    proposal.final_value = value
    evidence = proposal.evidence
    current = latest_version(session, evidence.client_id)
    before = flatten(current.data).get(proposal.path) if current else None
    # the same value, now backed by evidence: a version for its provenance, noted as a
    # confirmation, so the history never reads as if the value had changed
    kept = before is not None and same_value(before, value)
    data = set_path(current.data if current else {}, proposal.path, value)
    source = f"proposal {proposal.id} ({proposal.path}) of client {evidence.client_id}"
    together = _new_item_siblings(proposal, flatten(current.data) if current else {})
    try:
        profile = parse_profile(data, source=source)
    except ProfileError:
        if not together:
            raise
        # a new list item (an income source) needs its other values too: the proposals of
        # the same document for that item are accepted with this one, or none is
        for other in together:
            data = set_path(data, other.path, other.value)
        profile = parse_profile(data, source=source)
    else:
        together = []
    origin = _origin(actor, proposal, status == "corrected")
    per_path = {proposal.path: origin}
    for other in together:
        other.status, other.decided_by, other.decided_at = "accepted", actor.user_id, utcnow()
        other.final_value = other.value
        record(session, actor, "update", "proposal", other.id, ["status"], other.evidence.client_id)
        per_path[other.path] = _origin(actor, other, False)
    return save_profile(
        session,
        actor,
        evidence.client_id,
        profile,
        source=origin,
        per_path=per_path,
        note=f"{'confirmed' if kept else status} from evidence {evidence.id}"
        + (f" (with proposals {', '.join(str(o.id) for o in together)})" if together else ""),
    )


_ITEM = re.compile(r"^(.*\[\d+\])\.")


def _new_item_siblings(proposal: EvidenceProposal, before: dict[str, Any]) -> list[Any]:
    """The undecided proposals of the same document for the same list item as ``proposal``,
    when the profile does not have that item yet (nothing in it has a value)."""
    m = _ITEM.match(proposal.path)
    if m is None:
        return []
    prefix = m.group(1) + "."
    if any(k.startswith(prefix) for k in before):
        return []
    return [
        p
        for p in proposal.evidence.proposals
        if p.id != proposal.id and p.status == "proposed" and p.path.startswith(prefix)
    ]


def _origin(actor: Actor, proposal: EvidenceProposal, corrected: bool) -> Provenance:
    box = proposal.box
    return Provenance(
        "evidence",
        user_id=actor.user_id,
        evidence_id=proposal.evidence.id,
        proposal_id=proposal.id,
        page=proposal.page,
        box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])) if box else None,
        corrected=corrected,
    )
