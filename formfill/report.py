"""The report every fill returns: per field, what happened and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    FILLED = "filled"  # the value landed and shows
    BLANK = "blank"  # deliberately left empty (no value in the profile, condition false, ...)
    SKIPPED = "skipped"  # never filled: signature, office use, read-only, hidden
    OVERFLOW = "overflow"  # stored, but does not fit its box even at the minimum font size
    TRUNCATED = "truncated"  # longer than MaxLen: reported, not stored whole
    FAILED = "failed"  # did not land, or verification could not find it


@dataclass
class FieldOutcome:
    field: str  # full field name (PDF), content-control tag or placeholder (Word)
    status: Status
    value: str | None = None  # the value as written (None when blank)
    reason: str = ""  # why blank / skipped / failed, in words a specialist understands
    label: str = ""  # the field's human label when known (tooltip)
    # blank, but the client has something for it a person must write by hand (maps.resolve's
    # Blank.hand: currency | value | undecided) and what that is (the value, or "NOK>EUR")
    hand: str = ""
    held: str = ""


@dataclass
class ToCheck:
    """What the document says that nobody chose: a field the map leaves shows a value of the
    form's own (a Word dropdown always shows an entry, "Leier"). A person checks it before
    signing; the packet's cover lists it."""

    field: str
    shown: str  # what the document shows
    reason: str  # why nothing was written: "the map leaves it (...)", "the client has no ..."
    label: str = ""

    def __str__(self) -> str:
        return (
            f"{self.field}: the form shows {self.shown!r} by itself although {self.reason}: "
            "check it before signing"
        )


@dataclass
class FillReport:
    document: str  # output path or name
    outcomes: list[FieldOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "XFA packet removed"
    # what went to the addendum pages: "Barn: rows 4-5 continued on the addendum"
    addendum: list[str] = field(default_factory=list)
    to_check: list[ToCheck] = field(default_factory=list)  # shown, but chosen by nobody

    def add(self, outcome: FieldOutcome) -> None:
        self.outcomes.append(outcome)

    def by_status(self, status: Status) -> list[FieldOutcome]:
        return [o for o in self.outcomes if o.status is status]

    @property
    def ok(self) -> bool:
        """True when nothing failed and nothing was cut short."""
        return not any(o.status in (Status.FAILED, Status.TRUNCATED) for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for o in self.outcomes:
            out[o.status.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "ok": self.ok,
            "counts": self.counts(),
            "notes": list(self.notes),
            "addendum": list(self.addendum),
            "to_check": [asdict(t) for t in self.to_check],
            "fields": [asdict(o) | {"status": o.status.value} for o in self.outcomes],
        }


def merge(fill: FillReport, check: FillReport) -> FillReport:
    """Fold verification into the fill report: a value the fill claims but the check cannot find
    becomes FAILED with the check's reason."""
    checked = {o.field: o for o in check.outcomes}
    for o in fill.outcomes:
        c = checked.get(o.field)
        if c is None or o.status not in (Status.FILLED, Status.OVERFLOW):
            continue
        if c.status is Status.FAILED:
            o.status = Status.FAILED
            o.reason = f"verification: {c.reason}"
    return fill
