"""One fill end to end: the form catalogue, resolving a client's values, filling a PDF or Word
form, verifying it, the addendum; readiness and coverage as dry runs; the demo."""

from __future__ import annotations

from formfill.fill.form import (
    Forms,
    fill_and_verify,
    fill_form,
    fill_pdf_values,
    resolve_for,
    review_map,
    write_atomic,
)

__all__ = [
    "Forms",
    "fill_and_verify",
    "fill_form",
    "fill_pdf_values",
    "resolve_for",
    "review_map",
    "write_atomic",
]
