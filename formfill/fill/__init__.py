"""One fill end to end: the form catalogue, a client's values for a form (with the screening
its expressions read), filling a PDF or Word form and verifying it, the addendum; the map
review and coverage as dry runs; the demo."""

from __future__ import annotations

from formfill.fill.catalogue import FormCatalogue, StoredVersion, VersionSource
from formfill.fill.coverage import ProfileCoverage, profile_coverage
from formfill.fill.form import (
    FormFill,
    fill_and_verify,
    fill_form,
    fill_pdf_values,
    left_but_shown,
    program_facts,
    resolve_for,
    write_atomic,
)
from formfill.fill.review import map_programs, review_map

__all__ = [
    "FormCatalogue",
    "FormFill",
    "ProfileCoverage",
    "StoredVersion",
    "VersionSource",
    "fill_and_verify",
    "fill_form",
    "fill_pdf_values",
    "left_but_shown",
    "map_programs",
    "profile_coverage",
    "program_facts",
    "resolve_for",
    "review_map",
    "write_atomic",
]
