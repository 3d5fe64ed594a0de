"""Read a filled Word document back: each filled value reads back, and no template placeholder
is left unresolved."""

from __future__ import annotations

from collections.abc import Mapping

from formfill.docx import templates as docx_fill  # the one module that opens Word files
from formfill.report import FieldOutcome, FillReport, Status

Value = str | bool


def verify_docx(data: bytes, values: Mapping[str, Value], report: FillReport) -> FillReport:
    """Word: each filled value reads back, and no template placeholder is left unresolved."""
    got = docx_fill.read_docx_fields(data) if values else {}
    for o in report.outcomes:
        if o.status is not Status.FILLED or o.field not in values:
            continue
        want = values[o.field]
        have = got.get(o.field)
        same = have == want if isinstance(want, bool) else str(have or "") == str(want)
        if not same:
            o.status = Status.FAILED
            o.reason = f"verification: reads back {have!r}, expected {want!r}"
    left = docx_fill.unresolved_placeholders(data)
    for p in left:
        report.add(FieldOutcome(p, Status.FAILED, None, "placeholder left unresolved"))
    return report
