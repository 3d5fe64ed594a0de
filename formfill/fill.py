"""One fill, end to end: (map + profile) or raw values -> document -> verification -> file.

Everything that writes a file writes it atomically (a temporary file in the same folder, then
rename), so a crash never leaves half a PDF where a good one was expected.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from formfill.pdf_fill import BlankForm, FillOptions, fill_pdf, flatten_pdf
from formfill.report import FillReport, Status
from formfill.verify import merge, verify_pdf

Value = str | bool


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fill_and_verify(
    blank: BlankForm,
    values: Mapping[str, Value],
    *,
    flatten: bool = False,
    options: FillOptions | None = None,
) -> tuple[bytes, FillReport]:
    """Fill, then read the result back and fold the verification into the report.

    With ``flatten`` the verified form is flattened afterwards (values read back first)."""
    data, report = fill_pdf(blank, values, options)
    landed = {
        o.field: values[o.field]
        for o in report.outcomes
        if o.status in (Status.FILLED, Status.OVERFLOW, Status.TRUNCATED) and o.field in values
    }
    for o in report.outcomes:
        if o.status is Status.TRUNCATED and o.value is not None:
            landed[o.field] = o.value
    merge(report, verify_pdf(blank.name, data, landed))
    if flatten:
        data = flatten_pdf(blank.name, data)
        report.notes.append("flattened: the values are part of the page, the form is removed")
    return data, report


def fill_pdf_values(
    form: Path, values: Mapping[str, Value], output: Path, *, flatten: bool = False
) -> FillReport:
    """Engine-level fill of one PDF from field values (``formfill fill-pdf``)."""
    blank = BlankForm.from_path(form)
    data, report = fill_and_verify(blank, values, flatten=flatten)
    write_atomic(output, data)
    report.document = str(output)
    return report
