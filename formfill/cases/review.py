"""Reviewing what was read from one evidence file: for each proposal the profile's current value
beside the proposed one, whether accepting replaces a different value, and the doubts
(``formfill.evidence.doubt``); then the decision, accept, correct or reject, for the web, the API
and the CLI alike.

A decision may name the current value the person saw (``seen``): when the profile has changed
since (someone typed another value meanwhile), nothing is saved and a ConflictError says what
the value is now, so nobody replaces a value they never saw.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.errors import ConflictError, Problem, ProfileError
from formfill.evidence.doubt import HOLDER_PATHS, Doubt, doubts, same_value, whose
from formfill.profile.provenance import flatten
from formfill.profile.validation import described
from formfill.store import proposals as store_proposals
from formfill.store.audit import Actor, record
from formfill.store.clients import get_client, latest_version
from formfill.store.db import get_row
from formfill.store.models import PROPOSAL_STATUSES, EvidenceFile, EvidenceProposal
from formfill.store.notes import add_note

__all__ = [
    "ACTIONS",
    "Decision",
    "ReviewItem",
    "client_review_items",
    "current_value",
    "decide",
    "review_items",
]

# a number that names one person: the same one on a document makes it the client's
NATIONAL_IDS = frozenset(
    ("identifiers.national_id", "identifiers.no_fnr", "identifiers.nl_bsn", "identifiers.us_ssn")
)
ACTIONS = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
MAX_REASON = 2000  # characters of a rejection's reason kept in the client's note
UNSEEN = object()  # decide() without a seen value: no check against what the person saw


@dataclass(frozen=True)
class ReviewItem:
    """One proposal as the reviewer sees it. ``current``: the profile's value at the path now
    (None: it has none). ``replaces``: accepting the proposal would change a value the profile
    has. ``doubts``: why to look closely; a doubtful proposal is never preselected."""

    proposal: EvidenceProposal
    current: Any
    replaces: bool
    doubts: tuple[Doubt, ...]
    # whose value and which ("household.members[1] (child Máret Čiekčá): given name")
    label: str = ""

    @property
    def preselect(self) -> bool:
        return self.proposal.status == "proposed" and not self.doubts

    def to_dict(self) -> dict[str, Any]:
        """The item as the CLI and the JSON API give it (one shape for both)."""
        p = self.proposal
        return {
            "id": p.id,
            "path": p.path,
            "label": self.label,
            "current": self.current,
            "proposed": p.value,
            "replaces": self.replaces,
            "source": {
                "evidence_id": p.evidence_id,
                "file": p.evidence.filename,
                "page": p.page,
                "box": p.box,
            },
            "confidence": p.confidence,
            "basis": p.basis or ("read" if p.box else "implied"),
            "doubtful": bool(self.doubts),
            "doubts": [str(d) for d in self.doubts],
            "state": p.status,
            "final": p.final_value,
            "decided_by": p.decided_by,
            "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        }


@dataclass(frozen=True)
class Decision:
    proposal_id: int
    path: str
    status: str  # accepted, corrected, rejected
    value: Any  # what the profile now holds at the path (None: rejected)
    replaced: Any  # the different value it replaced (None: there was none, or it was the same)


def _current_values(session: Session, client_id: int) -> dict[str, Any]:
    latest = latest_version(session, client_id)
    return flatten(latest.data) if latest is not None else {}


def current_value(session: Session, proposal: EvidenceProposal) -> Any:
    """The value the client's profile holds at the proposal's path now (None: none)."""
    return _current_values(session, proposal.evidence.client_id).get(proposal.path)


def _item(p: EvidenceProposal, data: Mapping[str, Any], current: Mapping[str, Any]) -> ReviewItem:
    now = current.get(p.path)
    # a value implied by the document type (no box) was read from no words: its confidence
    # is the type's, not the letters'
    confidence = p.confidence if p.box else None
    # an account in another person's name: with no holder in the profile, the holder is
    # compared with the client's own name (Kari's bank statement on Máret's profile)
    ref = now
    if p.path in HOLDER_PATHS and now in (None, ""):
        ref = (
            " ".join(
                str(current.get(k) or "") for k in ("person.given_name", "person.family_name")
            ).strip()
            or None
        )
    return ReviewItem(
        p,
        now,
        now is not None and not same_value(now, p.value),
        doubts(p.value, confidence, ref, assumed=p.basis == "assumed", path=p.path),
        described(p.path, "", data).subject,
    )


def _profile_data(session: Session, client_id: int) -> dict[str, Any]:
    latest = latest_version(session, client_id)
    return dict(latest.data) if latest is not None else {}


def review_items(session: Session, evidence_id: int) -> list[ReviewItem]:
    """Every proposal of an evidence file beside the profile's current value."""
    row = get_row(session, EvidenceFile, evidence_id, "evidence")
    data = _profile_data(session, row.client_id)
    current = flatten(data)
    # the order they were read in
    return _whose([_item(p, data, current) for p in sorted(row.proposals, key=lambda p: p.id)])


def client_review_items(
    session: Session, actor: Actor, client_id: int, states: Collection[str] | None = None
) -> list[ReviewItem]:
    """Every proposal of every evidence file of a client (``states``: only those, e.g.
    ``{"proposed"}``), oldest first, each beside the profile's current value. The reading of
    each file shown is recorded in the audit log, as the review page records it.
    NotFoundError for an unknown client, ValueError for an unknown state."""
    get_client(session, client_id)
    unknown = sorted(set(states or ()) - set(PROPOSAL_STATUSES))
    if unknown:
        raise ValueError(f"proposal state {unknown[0]!r}: one of {', '.join(PROPOSAL_STATUSES)}")
    q = (
        sa.select(EvidenceProposal)
        .join(EvidenceFile)
        .where(EvidenceFile.client_id == client_id)
        .order_by(EvidenceProposal.id)
    )
    if states:
        q = q.where(EvidenceProposal.status.in_(list(states)))
    rows = list(session.scalars(q))
    data = _profile_data(session, client_id)
    current = flatten(data)
    for evidence_id in sorted({p.evidence_id for p in rows}):
        record(session, actor, "read", "evidence", evidence_id, client_id=client_id)
    return _whose([_item(p, data, current) for p in rows])


def _whose(items: list[ReviewItem]) -> list[ReviewItem]:
    """Every proposal of a document that names someone else carries that doubt (the doubt of
    ``formfill.evidence.doubt.whose``), so none of them is preselected."""
    by_file: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        by_file.setdefault(item.proposal.evidence_id, []).append(i)
    out = list(items)
    for indices in by_file.values():
        same_id = any(
            items[i].proposal.path in NATIONAL_IDS
            and items[i].current not in (None, "")
            and not any(d.kind == "other_person" for d in items[i].doubts)
            for i in indices
        ) and not any(  # ... unless it pays into someone else's account
            items[i].proposal.path in HOLDER_PATHS
            and any(d.kind == "other_person" for d in items[i].doubts)
            for i in indices
        )  # the document gives the client's own number
        found = whose([items[i].doubts for i in indices], same_id)
        for i, ds in zip(indices, found, strict=True):
            if ds != items[i].doubts:
                out[i] = replace(items[i], doubts=ds)
    return out


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def decide(
    session: Session,
    actor: Actor,
    proposal_id: int,
    action: str,
    value: str | None = None,
    seen: Any = UNSEEN,
    reason: str | None = None,
) -> Decision:
    """Accept (the proposed value), correct (``value`` instead) or reject a proposal.

    ``seen``: the current value the person was shown ("" or None: none); when the profile holds
    another value now, ConflictError and nothing changes. ProfileError when the value does not
    fit the profile or a correction is empty; ConflictError when the proposal was decided.
    ``reason`` (rejections only): why, kept as a note on the client naming the proposal (the
    audit log never holds text a person wrote)."""
    proposal = get_row(session, EvidenceProposal, proposal_id, "proposal")
    status = ACTIONS.get(action)
    if status is None:
        raise ValueError(f"decision {action!r}: one of {', '.join(ACTIONS)}")
    if reason is not None and status != "rejected":
        raise ValueError("a reason goes with a rejection only")
    corrected = (value or "").strip() if status == "corrected" else None
    if status == "corrected" and not corrected:
        raise ProfileError(
            f"correction of proposal {proposal_id}",
            [Problem(proposal.path, "type the corrected value")],
        )
    now = current_value(session, proposal)
    if seen is not UNSEEN and status != "rejected" and not same_value(_shown(now), _shown(seen)):
        raise ConflictError(
            f"{proposal.path} changed since the page was shown: it is now "
            f"{_shown(now) or '(empty)'}, not {_shown(seen) or '(empty)'}; look at it again"
        )
    store_proposals.decide(session, actor, proposal_id, status, corrected)
    why = " ".join((reason or "").split())[:MAX_REASON]
    if why:
        add_note(
            session,
            actor,
            proposal.evidence.client_id,
            f"Proposal {proposal_id} ({proposal.path}, from evidence {proposal.evidence_id}) "
            f"rejected: {why}",
        )
    final = None if status == "rejected" else (corrected if corrected else proposal.value)
    replaced = now if final is not None and now is not None and not same_value(now, final) else None
    return Decision(proposal_id, proposal.path, status, final, replaced)
