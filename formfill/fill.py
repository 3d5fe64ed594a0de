"""One fill, end to end: (map + profile) or raw values -> document -> verification -> file.

Everything that writes a file writes it atomically (a temporary file in the same folder, then
rename), so a crash never leaves half a PDF where a good one was expected.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from formfill import docx_fill
from formfill.config import Settings
from formfill.errors import FormChangedError, ProfileIncompleteError
from formfill.form_check import check_map
from formfill.form_map import FormMap, find_map
from formfill.pdf_fill import BlankForm, FillOptions, fill_pdf, flatten_pdf
from formfill.pdf_inspect import inspect_reader
from formfill.profile import Profile
from formfill.report import FieldOutcome, FillReport, Status
from formfill.resolve import Resolution, expression_context, resolve
from formfill.verify import merge, verify_docx, verify_pdf

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
    # what the fill claims landed whole; a truncated value already fails the report
    landed = {
        o.field: values[o.field]
        for o in report.outcomes
        if o.status in (Status.FILLED, Status.OVERFLOW) and o.field in values
    }
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


# --- map + profile -> verified document ------------------------------------------------------


@dataclass
class FormFill:
    """The result of one form fill: the document, its report, and its file suffix."""

    data: bytes
    report: FillReport
    suffix: str  # ".pdf" | ".docx"
    resolution: Resolution | None = None


class Forms:
    """The form catalogue of one installation: maps, their blanks (parsed once and kept, so a
    batch of one form for many clients parses the blank once) and the Word templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._maps: dict[str, FormMap] = {}
        self._blanks: dict[Path, BlankForm] = {}

    def map(self, form_id: str) -> FormMap:
        if form_id not in self._maps:
            self._maps[form_id] = find_map(self.settings.maps_dir, form_id)
        return self._maps[form_id]

    def blank(self, fmap: FormMap) -> BlankForm:
        path = self.settings.root / fmap.source
        if path not in self._blanks:
            self._blanks[path] = BlankForm.from_path(path)
        return self._blanks[path]

    def template_ids(self) -> dict[str, Path]:
        root = self.settings.templates_dir
        return {p.stem: p for p in sorted(root.glob("**/*.docx"))} if root.is_dir() else {}

    def map_ids(self) -> list[str]:
        root = self.settings.maps_dir
        return sorted(p.stem for p in root.glob("*/*.toml")) if root.is_dir() else []

    def fingerprint(self, fmap: FormMap) -> str:
        if fmap.kind == "pdf":
            blank = self.blank(fmap)
            return inspect_reader(blank.name, blank.reader).fingerprint
        return docx_fill.docx_fingerprint(docx_fill.inspect_docx(self.settings.root / fmap.source))


def _fold_resolution(report: FillReport, res: Resolution) -> None:
    for m in res.missing:
        why = f"no value in the profile at {m.path}" + (" (required)" if m.required else "")
        report.add(FieldOutcome(m.field, Status.BLANK, None, why))
    for b in res.blank:
        report.add(FieldOutcome(b.field, Status.BLANK, None, b.reason))
    for s in res.skipped:
        report.add(FieldOutcome(s.field, Status.SKIPPED, None, s.reason))


def fill_form(
    forms: Forms,
    form_id: str,
    profile: Profile,
    *,
    on: date,
    flatten: bool = False,
    force: bool = False,
    allow_missing: bool = False,
    extras: Mapping[str, object] | None = None,
) -> FormFill:
    """Map + profile -> a verified document. A Word template id renders the template instead.

    Refuses (typed errors, nothing written) when the blank changed since the map was made
    (unless ``force``) and when required values are missing (unless ``allow_missing``)."""
    templates = forms.template_ids()
    if form_id not in forms.map_ids() and form_id in templates:
        return render_template_form(templates[form_id], profile, on=on, extras=extras)
    fmap = forms.map(form_id)
    actual = forms.fingerprint(fmap)
    if fmap.fingerprint != actual and not force:
        check = check_map(forms.settings, fmap.path)
        details = [str(p) for p in check.problems if p.where != "fingerprint"]
        details += [f"new field not in the map: {check.label(n)}" for n in check.unmapped]
        raise FormChangedError(fmap.id, fmap.fingerprint, actual, details)
    res = resolve(fmap, profile, on)
    if res.missing_required and not allow_missing:
        raise ProfileIncompleteError(
            fmap.id, [f"{m.path} (for field {m.field})" for m in res.missing_required]
        )
    if fmap.kind == "pdf":
        allowed = frozenset(f.field for f in fmap.fields if f.overwrite_read_only)
        data, report = fill_and_verify(
            forms.blank(fmap),
            res.values,
            flatten=flatten,
            options=FillOptions(write_read_only=allowed),
        )
        suffix = ".pdf"
    else:
        data, report = docx_fill.fill_docx_fields(forms.settings.root / fmap.source, res.values)
        verify_docx(data, res.values, report)
        suffix = ".docx"
    report.document = fmap.id
    if force and fmap.fingerprint != actual:
        report.notes.append("filled with --force although the blank's fingerprint differs")
    _fold_resolution(report, res)
    return FormFill(data, report, suffix, res)


def render_template_form(
    template: Path, profile: Profile, *, on: date, extras: Mapping[str, object] | None = None
) -> FormFill:
    """Render a Word template with the profile; every placeholder must resolve.

    ``extras`` are facts of this one letter that are not the client's (``fill.recipient``,
    ``fill.enclosures``, ``fill.agencies``): templates see them beside ``fill.date``."""
    context = expression_context(profile, on)
    if extras:
        context["fill"] = {"date": on, **extras}
    data, report = docx_fill.render_template(template, context)
    verify_docx(data, {}, report)
    report.document = template.stem
    return FormFill(data, report, ".docx")
