"""One fill, end to end: (map + profile) or raw values -> document -> verification -> file.

Everything that writes a file writes it atomically (a temporary file in the same folder, then
rename), so a crash never leaves half a PDF where a good one was expected.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from formfill.docx import templates as docx_fill
from formfill.docx.verify import verify_docx
from formfill.errors import FormChangedError, ProfileIncompleteError
from formfill.fill.catalogue import FormCatalogue, StoredVersion
from formfill.fill.review import map_programs
from formfill.maps.model import FormMap, RowGroup
from formfill.maps.resolve import Resolution, resolve
from formfill.pdf.addendum import (
    Addendum,
    ContinuedTable,
    Overflow,
    append_to_pdf,
    phrase,
    render_pdf,
    verify_pdf_addendum,
)
from formfill.pdf.fill import BlankForm, FillOptions, fill_pdf, flatten_pdf
from formfill.pdf.verify import verify_pdf
from formfill.profile.expressions import (
    ProgramFact,
    expression_context,
)
from formfill.profile.model import Profile, label_of_path
from formfill.programs.model import Catalog
from formfill.programs.screening import screen
from formfill.report import FieldOutcome, FillReport, Status, ToCheck, merge

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
    merge(report, verify_pdf(blank.name, data, landed, blank=blank.data))
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
    # the stored form version filled (None: a Word template, or a map read from form_maps/)
    version: StoredVersion | None = None


def _fold_resolution(report: FillReport, res: Resolution, fmap: FormMap) -> None:
    labels = {f.field: f.label for f in fmap.fields if f.label}
    for m in res.missing:
        why = f"no value in the profile at {m.path}" + (" (required)" if m.required else "")
        report.add(FieldOutcome(m.field, Status.BLANK, None, why, labels.get(m.field, "")))
    for b in res.blank:
        label = labels.get(b.field, "")
        report.add(FieldOutcome(b.field, Status.BLANK, None, b.reason, label, b.hand, b.held))
    for s in res.skipped:
        report.add(FieldOutcome(s.field, Status.SKIPPED, None, s.reason))
    for d in res.dropped:
        report.add(FieldOutcome(d.item, Status.FAILED, None, f"not on the form: {d.reason}"))


def program_facts(
    catalog: Catalog,
    profile: Profile,
    on: date,
    ids: frozenset[str],
    applied: frozenset[str] = frozenset(),
    sent: frozenset[str] = frozenset(),
) -> dict[str, ProgramFact]:
    """The client's screening for ``ids``, as a map's expressions see it; ``applied``: the
    programs the client is applying for now, ``sent``: those applied for already."""
    known = {p.id for p in catalog.programs}
    facts: dict[str, ProgramFact] = {}
    for r in screen(profile, catalog, on, programs=ids & known).results:
        reasons = [f"missing {m}" for m in r.missing]
        reasons += [c.reason for c in r.criteria if c.status == "unknown" and c.reason]
        facts[r.program] = ProgramFact(
            r.program,
            r.status,
            "; ".join(reasons),
            applied=r.program in applied,
            sent=r.program in sent,
        )
    for pid in ids - known:
        facts[pid] = ProgramFact(
            pid,
            "unknown",
            "no such program in the catalog",
            applied=pid in applied,
            sent=pid in sent,
        )
    return facts


def resolve_for(
    forms: FormCatalogue,
    fmap: FormMap,
    profile: Profile,
    on: date,
    applied: frozenset[str] = frozenset(),
    sent: frozenset[str] = frozenset(),
) -> Resolution:
    """Resolve a map for a client, with the screening its expressions need: the one way every
    fill, readiness check and coverage report computes a form's values. ``applied``: the
    programs the client has an open application for (a box 'what do you apply for' ticks)."""
    ids = map_programs(fmap)
    facts = program_facts(forms.catalog(), profile, on, ids, applied, sent) if ids else None
    return resolve(fmap, profile, on, facts)


def fill_form(
    forms: FormCatalogue,
    form_id: str,
    profile: Profile,
    *,
    on: date,
    flatten: bool = False,
    force: bool = False,
    allow_missing: bool = False,
    extras: Mapping[str, object] | None = None,
    version: StoredVersion | None = None,
    letter: Mapping[str, object] | None = None,
    applied: frozenset[str] = frozenset(),
    sent: frozenset[str] = frozenset(),
) -> FormFill:
    """Map + profile -> a verified document. A Word template id renders the template instead
    (``letter``: the next-steps letter's applications, missing proof and dates).

    ``version`` is the stored form version to fill (a batch item's); without it the form's
    current version (the catalogue's). Refuses (typed errors, nothing written) when the blank
    changed since the map was made (unless ``force``) and when required values are missing
    (unless ``allow_missing``). Rows and text the form has no room for go on an addendum at
    the end of the document."""
    if version is None:
        templates = forms.template_ids()
        if form_id not in forms.map_ids() and form_id in templates:
            return render_template_form(
                templates[form_id], profile, on=on, extras=extras, letter=letter
            )
    fmap = forms.map(form_id) if version is None else forms.map_of(version)
    actual = forms.fingerprint(fmap)
    if fmap.fingerprint != actual and not force:
        check = forms.check(fmap)
        details = [str(p) for p in check.problems if p.where != "fingerprint"]
        details += [f"new field not in the map: {check.label(n)}" for n in check.unmapped]
        raise FormChangedError(fmap.id, fmap.fingerprint, actual, details)
    res = resolve_for(forms, fmap, profile, on, applied, sent)
    if res.missing_required and not allow_missing:
        raise ProfileIncompleteError(
            fmap.id, [f"{m.path} (for field {m.field})" for m in res.missing_required]
        )
    if fmap.kind == "pdf":
        data, report = _fill_pdf_form(forms, fmap, profile, on, res, flatten)
        suffix = ".pdf"
    else:
        data, report = docx_fill.fill_docx_data(
            forms.blank_data(fmap), forms.blank_name(fmap), res.values
        )
        verify_docx(data, res.values, report)
        report.to_check += left_but_shown(fmap, docx_fill.read_docx_fields(data), res)
        for c in res.continued:
            for item in c.who:
                why = "this Word form has no addendum yet: add the item by hand"
                report.add(FieldOutcome(item, Status.FAILED, None, why))
        suffix = ".docx"
    report.document = fmap.id
    if force and fmap.fingerprint != actual:
        report.notes.append("filled with --force although the blank's fingerprint differs")
    _fold_resolution(report, res, fmap)
    return FormFill(data, report, suffix, res, forms.version_of(fmap))


def left_but_shown(
    fmap: FormMap, shown: Mapping[str, str | bool], res: Resolution | None = None
) -> list[ToCheck]:
    """Fields of a Word form that show a value of the form's own in ``shown`` (the fields as
    read from the blank or the output) although formfill wrote nothing there: the map leaves
    them (``skip``), or, given the resolution ``res``, the client has no value for them or none
    fits. A legacy dropdown always shows an entry (the bostøtte Boform: Leier), so the document
    says it although nobody chose it. An unticked box says nothing."""
    if fmap.kind != "docx":
        return []
    why = {f.field: f"the map leaves it ({f.skip})" for f in fmap.fields if f.skip}
    if res is not None:
        why |= {s.field: f"the map leaves it ({s.reason})" for s in res.skipped}
        why |= {m.field: f"the client has no {m.path}" for m in res.missing}
        why |= {b.field: f"it is left empty ({b.reason})" for b in res.blank}
        why = {f: w for f, w in why.items() if f not in res.values}
    labels = {f.field: f.label or "" for f in fmap.fields}
    return [
        ToCheck(name, str(shown[name]), reason, labels.get(name, ""))
        for name, reason in why.items()
        if shown.get(name) not in (None, "", False)
    ]


def _section(group: RowGroup) -> str:
    return group.section or label_of_path(group.list)


def _columns(group: RowGroup, fmap: FormMap, report: FillReport) -> tuple[str, ...]:
    if group.columns:
        return group.columns
    labels = {o.field: o.label for o in report.outcomes if o.label}
    specs = {s.field: s for s in fmap.fields}
    return tuple(labels.get(f) or specs[f].label or f for f in group.fields[0])


def _fill_pdf_form(
    forms: FormCatalogue, fmap: FormMap, profile: Profile, on: date, res: Resolution, flatten: bool
) -> tuple[bytes, FillReport]:
    blank = forms.blank(fmap)
    allowed = frozenset(f.field for f in fmap.fields if f.overwrite_read_only)
    options = FillOptions(write_read_only=allowed)
    data, report = fill_and_verify(blank, res.values, options=options)
    addendum = Addendum(
        title=fmap.title,
        language=fmap.language,
        client_name=profile.person.full_name,
        client_id=profile.identifiers.national_id,
        on=on,
    )
    for c in res.continued:
        rows = tuple(c.cells)
        table = ContinuedTable(
            _section(c.group), _columns(c.group, fmap, report), c.start + 1, rows
        )
        addendum.tables.append(table)
    overflowing = [o for o in report.outcomes if o.status is Status.OVERFLOW]
    if overflowing:
        see = phrase("see", fmap.language)
        addendum.overflows = [
            Overflow(o.field, o.label, str(res.values[o.field])) for o in overflowing
        ]
        values = dict(res.values) | {o.field: see for o in overflowing}
        data, report = fill_and_verify(blank, values, options=options)
        moved = {o.field for o in overflowing}
        for o in report.outcomes:
            if o.field in moved and o.status is Status.FILLED:
                o.reason = (
                    "does not fit its box even at the smallest font size: the box says "
                    f"{see!r}, the text is on the addendum"
                )
    if addendum:
        pages = render_pdf(addendum, _page_size(blank), forms.settings.font_path)
        count = _page_count(pages)
        data = append_to_pdf(blank.name, data, pages)
        report.addendum = addendum.entries()
        for text in verify_pdf_addendum(data, addendum, count):
            why = "not found on the addendum when it was read back"
            report.add(FieldOutcome("addendum", Status.FAILED, text, why))
        report.notes.append(f"addendum: {count} page(s) appended")
    if flatten:
        data = flatten_pdf(blank.name, data)
        report.notes.append("flattened: the values are part of the page, the form is removed")
    return data, report


def _page_size(blank: BlankForm) -> tuple[float, float]:
    box = blank.reader.pages[0].mediabox
    return float(box.width), float(box.height)


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_template_form(
    template: Path,
    profile: Profile,
    *,
    on: date,
    extras: Mapping[str, object] | None = None,
    letter: Mapping[str, object] | None = None,
) -> FormFill:
    """Render a Word template with the profile; every placeholder must resolve.

    ``extras`` are facts of this one letter that are not the client's (``fill.recipient``,
    ``fill.enclosures``, ``fill.agencies``): templates see them beside ``fill.date``."""
    context = expression_context(profile, on)
    if extras:
        context["fill"] = {"date": on, **extras}
    if letter is not None:
        context["letter"] = dict(letter)
    data, report = docx_fill.render_template(template, context)
    verify_docx(data, {}, report)
    report.document = template.stem
    return FormFill(data, report, ".docx")
