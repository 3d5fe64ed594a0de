"""What a letter to the client says, from the store: the next-steps letter lists the client's
applications (program, status), the proof each still lacks and the dates that matter, the
same rule (:func:`formfill.programs.next_steps.letter_context`) the CLI's letter uses."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from formfill.cases.checklists import accepted_files
from formfill.profile.model import Profile
from formfill.programs.catalog import Catalog
from formfill.programs.dates import AcceptedEvidence
from formfill.programs.next_steps import Applied, letter_context
from formfill.store.applications import list_applications

__all__ = ["next_steps_letter"]

# the letter's three words for where an application stands
_STAGE = {
    "draft": "draft", "ready": "draft", "filled": "draft", "reviewed": "draft",
    "submitted": "submitted", "acknowledged": "submitted", "decided": "decided",
}  # fmt: skip


def next_steps_letter(
    session: Session, catalog: Catalog, client_id: int, profile: Profile, on: date, language: str
) -> dict[str, Any]:
    """The ``letter`` of the next-steps template for this client: every application of a
    program in the catalog that is still open or decided (withdrawn and closed ones left out)."""
    known = {p.id for p in catalog.programs}
    applied = [
        Applied(
            str(a.program),
            _STAGE[a.status],
            None,
            a.submission.submitted_on if a.submission is not None else None,
        )
        for a in reversed(list_applications(session, client_ids=[client_id]))
        if a.program in known and a.status in _STAGE
    ]
    accepted = [
        AcceptedEvidence(str(f.doc_type), f.uploaded_at.date())
        for f in accepted_files(session, client_id)
    ]
    context = letter_context(profile, catalog, applied, accepted, on, language)
    letter: dict[str, Any] = context["letter"]
    return letter
