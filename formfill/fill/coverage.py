"""Coverage of one form for one client: a dry-run fill that tells which mapped fields would come
out empty and which values would not fit their box."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from formfill.fill.catalogue import FormCatalogue
from formfill.fill.form import fill_and_verify, resolve_for
from formfill.maps.model import FormMap
from formfill.profile.model import Profile
from formfill.report import Status

__all__ = ["ProfileCoverage", "profile_coverage"]


@dataclass
class ProfileCoverage:
    """For one client and one form: mapped fields that would come out empty, and values that
    would not fit their box (measured by laying them out in the field's font and size)."""

    empty: list[tuple[str, str]] = field(default_factory=list)  # (field, why)
    overflow: list[tuple[str, str]] = field(default_factory=list)  # (field, why)


def profile_coverage(
    forms: FormCatalogue, fmap: FormMap, profile: Profile, on: date
) -> ProfileCoverage:
    """A dry-run fill of ``fmap`` for one client, with the catalogue's parsed blanks."""
    res = resolve_for(forms, fmap, profile, on)
    cov = ProfileCoverage()
    cov.empty += [(m.field, f"no value at {m.path}") for m in res.missing]
    cov.empty += [(b.field, b.reason) for b in res.blank]
    if fmap.kind == "pdf":
        _data, report = fill_and_verify(forms.blank(fmap), res.values)
        for o in report.outcomes:
            if o.status in (Status.OVERFLOW, Status.TRUNCATED):
                cov.overflow.append((o.field, f"{o.value!r}: {o.reason}"))
    return cov
