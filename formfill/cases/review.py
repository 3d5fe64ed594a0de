"""Reviewing what was read from one evidence file: for each proposal the profile's current value
beside the proposed one, whether accepting replaces a different value, and the doubts
(``formfill.evidence.doubt``); then the decision, accept, correct or reject, for the web, the API
and the CLI alike.

A decision may name the current value the person saw (``seen``): when the profile has changed
since (someone typed another value meanwhile), nothing is saved and a ConflictError says what
the value is now, so nobody replaces a value they never saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from formfill.errors import ConflictError, Problem, ProfileError
from formfill.evidence.doubt import Doubt, doubts, same_value
from formfill.profile.provenance import flatten
from formfill.store import proposals as store_proposals
from formfill.store.audit import Actor
from formfill.store.clients import latest_version
from formfill.store.db import get_row
from formfill.store.models import EvidenceFile, EvidenceProposal

__all__ = ["ACTIONS", "Decision", "ReviewItem", "current_value", "decide", "review_items"]

ACTIONS = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
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

    @property
    def preselect(self) -> bool:
        return self.proposal.status == "proposed" and not self.doubts


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


def review_items(session: Session, evidence_id: int) -> list[ReviewItem]:
    """Every proposal of an evidence file beside the profile's current value."""
    row = get_row(session, EvidenceFile, evidence_id, "evidence")
    current = _current_values(session, row.client_id)
    items = []
    for p in sorted(row.proposals, key=lambda p: p.id):  # the order they were read in
        now = current.get(p.path)
        # a value implied by the document type (no box) was read from no words: its
        # confidence is the type's, not the letters'
        confidence = p.confidence if p.box else None
        items.append(
            ReviewItem(
                p,
                now,
                now is not None and not same_value(now, p.value),
                doubts(p.value, confidence, now),
            )
        )
    return items


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def decide(
    session: Session,
    actor: Actor,
    proposal_id: int,
    action: str,
    value: str | None = None,
    seen: Any = UNSEEN,
) -> Decision:
    """Accept (the proposed value), correct (``value`` instead) or reject a proposal.

    ``seen``: the current value the person was shown ("" or None: none); when the profile holds
    another value now, ConflictError and nothing changes. ProfileError when the value does not
    fit the profile or a correction is empty; ConflictError when the proposal was decided."""
    proposal = get_row(session, EvidenceProposal, proposal_id, "proposal")
    status = ACTIONS.get(action)
    if status is None:
        raise ValueError(f"decision {action!r}: one of {', '.join(ACTIONS)}")
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
    final = None if status == "rejected" else (corrected if corrected else proposal.value)
    replaced = now if final is not None and now is not None and not same_value(now, final) else None
    return Decision(proposal_id, proposal.path, status, final, replaced)
