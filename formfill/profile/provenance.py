"""Where each profile value came from (pure): typed by a user, accepted from evidence, imported.

A profile version stores its JSON and, beside it, one provenance record per leaf path
(``person.given_name``, ``household.members[1].birth_date``; a list of plain values such as
``person.former_names`` is one leaf). When a new version is saved, values that did not change
keep the provenance they had; changed and new values get the provenance the caller names.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from formfill.profile.paths import parse_path

__all__ = [
    "DEMO_SOURCE",
    "Provenance",
    "Source",
    "carry_forward",
    "flatten",
    "is_demo",
    "set_path",
]

Source = Literal["typed", "evidence", "imported", "default"]
SOURCES: tuple[Source, ...] = ("typed", "evidence", "imported", "default")

# ``imported_from`` of the demo's synthetic clients: shells name it in the reader's words
# ("demo data (synthetic)"), never a file. Older demo stores said where the seed code was.
DEMO_SOURCE = "demo"
_OLD_DEMO_SOURCES = frozenset({"formfill/cases/demo_seed.py (synthetic)"})


def is_demo(imported_from: str | None) -> bool:
    """True when a value was imported by the demo seed (synthetic data, not a person's)."""
    return imported_from == DEMO_SOURCE or imported_from in _OLD_DEMO_SOURCES


@dataclass(frozen=True)
class Provenance:
    """One value's origin. ``at`` is an ISO 8601 timestamp (UTC) set by the store.

    typed: ``user_id`` typed it. evidence: ``user_id`` accepted (or corrected) proposal
    ``proposal_id`` read from evidence file ``evidence_id`` on ``page`` in ``box`` (x0, y0,
    x1, y1 in PDF points). imported: from ``imported_from`` (a file name or system, never a
    value), by ``user_id`` when a person ran the import. default: nobody gave it; the profile's
    default filled it in (a payer's country NO, an income's basis gross) when a form left the
    field empty, so it is never shown as typed."""

    source: Source
    user_id: int | None = None
    at: str = ""
    evidence_id: int | None = None
    proposal_id: int | None = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    imported_from: str | None = None
    corrected: bool = False  # evidence: the user changed the proposed value before accepting

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"provenance source {self.source!r}: one of {', '.join(SOURCES)}")
        if self.source == "evidence" and (self.evidence_id is None or self.proposal_id is None):
            raise ValueError("evidence provenance needs evidence_id and proposal_id")
        if self.source == "imported" and not self.imported_from:
            raise ValueError("imported provenance needs imported_from")

    def with_time(self, at: str) -> Provenance:
        return self if self.at else replace(self, at=at)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source}
        for name in ("user_id", "at", "evidence_id", "proposal_id", "page", "imported_from"):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = value
        if self.box is not None:
            out["box"] = list(self.box)
        if self.corrected:
            out["corrected"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        box = data.get("box")
        return cls(
            source=data["source"],
            user_id=data.get("user_id"),
            at=data.get("at", ""),
            evidence_id=data.get("evidence_id"),
            proposal_id=data.get("proposal_id"),
            page=data.get("page"),
            box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])) if box else None,
            imported_from=data.get("imported_from"),
            corrected=bool(data.get("corrected", False)),
        )


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Leaf values by dotted path; lists of objects are indexed, lists of plain values are
    leaves; None and empty containers are absent."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        _walk(value, path, out)
    return out


def _walk(value: Any, path: str, out: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        out.update(flatten(value, f"{path}."))
    elif isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            for i, item in enumerate(value):
                out.update(flatten(item, f"{path}[{i}]."))
        elif value:
            out[path] = value
    else:
        out[path] = value


def carry_forward(
    previous: Mapping[str, Any],
    previous_provenance: Mapping[str, Mapping[str, Any]],
    current: Mapping[str, Any],
    default: Provenance,
    per_path: Mapping[str, Provenance] | None = None,
) -> dict[str, dict[str, Any]]:
    """Provenance by leaf path for ``current`` (profile JSON), given the previous version.

    Unchanged values keep their previous provenance; changed and new ones get ``per_path[path]``
    or ``default``. Values no longer present drop out."""
    before = flatten(previous)
    after = flatten(current)
    overrides = per_path or {}
    unknown = sorted(set(overrides) - set(after))
    if unknown:
        raise ValueError(f"provenance given for paths without a value: {', '.join(unknown)}")
    out: dict[str, dict[str, Any]] = {}
    for path, value in after.items():
        if path in overrides:
            out[path] = overrides[path].to_dict()
        elif path in before and before[path] == value and path in previous_provenance:
            out[path] = dict(previous_provenance[path])
        else:
            out[path] = default.to_dict()
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of profile JSON ``data`` with ``value`` at dotted ``path`` (creating the
    objects on the way; a list index may be one past the end, which appends)."""
    out: dict[str, Any] = copy.deepcopy(data)
    steps = parse_path(path)
    node: Any = out
    for n, step in enumerate(steps):
        key, index = step.name, step.index
        last = n == len(steps) - 1
        if index is None:
            if last:
                node[key] = value
            else:
                node = node.setdefault(key, {})
            continue
        items = node.setdefault(key, [])
        i = index
        if i > len(items):
            raise ValueError(f"{path!r}: index {i} is past the end ({len(items)} items)")
        if i == len(items):
            items.append(value if last else {})
        elif last:
            items[i] = value
        node = items[i]
    return out
