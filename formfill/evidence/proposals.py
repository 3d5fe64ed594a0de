"""Proposals: values read from evidence, waiting for a specialist to accept, correct or reject.

Extraction never writes a profile. ``accept_proposals`` (pure) returns a new, validated profile
and one ``EvidenceRecord`` per accepted value: which evidence, page and box it came from, who
accepted it and when, and whether they corrected it. The store persists the record (as a
``provenance.Provenance`` of source "evidence") beside the new profile version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from formfill.errors import Problem, ProfileError
from formfill.profile.model import Profile, check_path
from formfill.profile.provenance import set_path
from formfill.profile.validation import parse_profile

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Proposal:
    """One value for one profile path, read from one place in one piece of evidence.

    ``confidence`` is 0-1. ``box`` is (x0, y0, x1, y1) as fractions of the page's width and
    height (top left origin), so it fits any rendering of the page; None for values implied by
    the document type. ``needs_review`` says the specialist must look closely (low OCR
    confidence, a failed check digit, two different values for the path); ``note`` says why."""

    path: str
    value: str
    confidence: float
    page: int | None
    box: Box | None
    context: str
    needs_review: bool
    evidence_id: str = ""
    field: str = ""  # the extractor field that produced it
    note: str = ""
    # read: from words on a page; implied: by the document type (a pay slip's income is a
    # salary); assumed: guessed from the document's language (a currency the text never names)
    basis: str = "read"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "page": self.page,
            "box": [round(v, 4) for v in self.box] if self.box else None,
            "context": self.context,
            "needs_review": self.needs_review,
            "evidence_id": self.evidence_id,
            "field": self.field,
            "note": self.note,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class EvidenceRecord:
    """Where an accepted value came from and who let it in."""

    path: str
    value: str  # the value accepted (the proposal's, or the specialist's correction)
    proposed: str
    evidence_id: str
    page: int | None
    box: Box | None
    accepted_by: str
    accepted_at: datetime
    corrected: bool


def accept_proposal(
    profile: Profile,
    proposal: Proposal,
    accepted_by: str,
    when: datetime,
    corrected_value: str | None = None,
) -> tuple[Profile, EvidenceRecord]:
    """A new profile with the proposal's value (or ``corrected_value``) at its path, and the
    record of it. ProfileError when the result is not a valid profile (a bad check digit, an
    income without an amount: accept those together with ``accept_proposals``)."""
    new, records = accept_proposals(
        profile, [(proposal, corrected_value)], accepted_by=accepted_by, when=when
    )
    return new, records[0]


def accept_proposals(
    profile: Profile,
    accepted: Sequence[tuple[Proposal, str | None]],
    accepted_by: str,
    when: datetime,
) -> tuple[Profile, list[EvidenceRecord]]:
    """Accept several (proposal, corrected value or None) at once: the profile is validated
    once, after all of them, so an income source can be built from its amount, period and kind."""
    data = profile.model_dump(mode="json", exclude_none=True)
    # lower list indices first, so members[0] exists before members[1] is set
    for proposal, corrected in sorted(accepted, key=lambda pc: pc[0].path):
        check_path(proposal.path)
        value = proposal.value if corrected is None else corrected
        try:
            data = set_path(data, proposal.path, value)
        except ValueError as e:
            raise ProfileError("accepted proposals", [Problem(proposal.path, str(e))]) from e
    records = [
        EvidenceRecord(
            proposal.path,
            proposal.value if corrected is None else corrected,
            proposal.value,
            proposal.evidence_id,
            proposal.page,
            proposal.box,
            accepted_by,
            when,
            corrected is not None and corrected != proposal.value,
        )
        for proposal, corrected in accepted
    ]
    return parse_profile(data, source="accepted proposals"), records
