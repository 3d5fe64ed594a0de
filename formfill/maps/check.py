"""Check a form map against its blank form, and stamp the blank's fingerprint into the map.

The rot test runs ``check_map`` on every map at every test run, so a map that drifts from its
form (renamed field, changed states, a changed profile vocabulary) fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from formfill.config import Settings
from formfill.docx import templates as docx_fill
from formfill.errors import FormfillError, FormMapError, Problem
from formfill.maps.loader import load_map
from formfill.maps.model import FormMap, unmapped_fields, validate_against_form
from formfill.pdf.inspect import FieldInfo, inspect_pdf, inspect_reader, open_pdf


@dataclass(frozen=True)
class DocxFieldView:
    """A Word field seen as a map field: dropdowns are choices, the rest text or checkbox."""

    name: str
    kind: str
    states: list[str]
    options: list[tuple[str, str]]
    read_only: bool = False


@dataclass
class MapCheck:
    path: Path
    fmap: FormMap | None = None
    fingerprint: str | None = None
    problems: list[Problem] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    labels: dict[str, str] = field(default_factory=dict)  # field name -> human label

    @property
    def ok(self) -> bool:
        return not self.problems

    def label(self, name: str) -> str:
        """'Fornavn (og eventuelle mellomnavn)' [Fornavn]: what a person reads, then the name."""
        lab = self.labels.get(name, "")
        return f"{lab} [{name}]" if lab and lab != name else name

    def summary(self) -> str:
        if self.fmap is None:
            return f"{len(self.problems)} problem(s)"
        kinds = [f.source for f in self.fmap.fields]
        mapped = sum(k != "skip" for k in kinds)
        return f"{mapped} mapped, {kinds.count('skip')} skipped, {len(self.unmapped)} unmapped" + (
            f", {len(self.problems)} problem(s)" if self.problems else ""
        )


def _views(settings: Settings, fmap: FormMap) -> tuple[dict[str, object], str]:
    source = settings.root / fmap.source
    if fmap.kind == "pdf":
        inv = inspect_pdf(source)
        views: dict[str, FieldInfo] = inv.by_name()
        return dict(views), inv.fingerprint
    return docx_views(docx_fill.inspect_docx(source))


def docx_views(fields: list[docx_fill.DocxField]) -> tuple[dict[str, object], str]:
    """A Word form's fields as map fields, and its fingerprint."""
    dviews: dict[str, object] = {}
    for f in fields:
        kind = {"dropdown": "combo", "combo": "combo", "checkbox": "checkbox"}.get(f.kind, "text")
        dviews[f.name] = DocxFieldView(f.name, kind, [], list(f.options))
    return dviews, docx_fill.docx_fingerprint(fields)


def blank_views(kind: str, name: str, data: bytes) -> tuple[dict[str, object], str]:
    """The fields of a blank held in memory (a stored version's), and its fingerprint."""
    if kind == "pdf":
        inv = inspect_reader(name, open_pdf(name, data))
        return dict(inv.by_name()), inv.fingerprint
    return docx_views(docx_fill.inspect_docx_data(data, name))


def check_map(settings: Settings, path: Path) -> MapCheck:
    """Every problem of one map: loading, its blank, field names and states, fingerprint."""
    result = MapCheck(path)
    try:
        fmap = load_map(path)
    except FormMapError as e:
        result.problems.extend(e.problems)
        return result
    try:
        views, fp = _views(settings, fmap)
    except FormfillError as e:
        result.fmap = fmap
        result.problems.append(Problem("source", f"{fmap.source}: {e}"))
        return result
    return check_against(fmap, views, fp)


def check_against(fmap: FormMap, views: dict[str, object], fp: str) -> MapCheck:
    """Every problem of a loaded map against its blank's fields ``views`` and fingerprint
    ``fp``: the check of a file (:func:`check_map`) and of a version in the store alike."""
    result = MapCheck(fmap.path, fmap)
    result.fingerprint = fp
    result.labels = {
        name: (getattr(v, "tooltip", "") or getattr(v, "alias", "") or "")
        for name, v in views.items()
    }
    for spec in fmap.fields:
        if spec.label and not result.labels.get(spec.field):
            result.labels[spec.field] = spec.label
    result.problems.extend(validate_against_form(fmap, views))  # type: ignore[arg-type]
    result.unmapped = unmapped_fields(fmap, views)  # type: ignore[arg-type]
    if fmap.fingerprint is None:
        result.problems.append(
            Problem("fingerprint", "missing: run `formfill map stamp` once the map is checked")
        )
    elif fmap.fingerprint != fp:
        result.problems.append(
            Problem("fingerprint", f"the blank changed: map has {fmap.fingerprint}, form is {fp}")
        )
    return result


_FP_LINE = re.compile(r'^fingerprint\s*=\s*"[^"]*"\s*$', re.M)


def stamp_map(settings: Settings, path: Path) -> str:
    """Write the blank's current fingerprint into the map file (keeping everything else)."""
    fmap = load_map(path)
    _, fp = _views(settings, fmap)
    text = path.read_text(encoding="utf-8")
    line = f'fingerprint = "{fp}"'
    if _FP_LINE.search(text):
        text = _FP_LINE.sub(line, text, count=1)
    else:
        text = re.sub(
            r"^(source\s*=.*)$", lambda m: m.group(1) + "\n" + line, text, count=1, flags=re.M
        )
    path.write_text(text, encoding="utf-8")
    return fp
