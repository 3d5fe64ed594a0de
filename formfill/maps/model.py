"""Form maps: what a loaded map is (its ``[[fields]]`` as FieldSpec, its ``[[rows]]`` as
RowGroup, the FormMap), and the checks of a map against the real fields of its form.

A map file is read and validated strictly by :mod:`formfill.maps.loader`; the format is
described in ``form_maps/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from formfill.errors import Problem
from formfill.maps.transforms import Transform
from formfill.profile.model import vocabulary
from formfill.suggest import close_matches, did_you_mean

__all__ = [
    "SOURCES",
    "FieldSpec",
    "FieldView",
    "FormMap",
    "RowGroup",
    "SourceKind",
    "unmapped_fields",
    "validate_against_form",
]

SourceKind = Literal["profile", "value", "expr", "when", "skip"]
SOURCES: tuple[SourceKind, ...] = ("profile", "value", "expr", "when", "skip")


# --- the map ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One ``[[fields]]`` entry: the form field and exactly one source."""

    field: str
    source: SourceKind
    profile: str | None = None
    value: str | bool | None = None
    expr: str | None = None
    when: str | None = None
    skip: str | None = None
    transforms: tuple[Transform, ...] = ()
    options: Mapping[str, str] | None = None
    state: str | None = None
    required: bool = False
    overwrite_read_only: bool = False  # the map says: fill this read-only field anyway
    label: str = ""
    index: int = 0  # position in the file's [[fields]], 0-based


@dataclass(frozen=True)
class RowGroup:
    """A ``[[rows]]`` declaration: the form fields of each row of a table that repeats one list
    of the profile (row 1 holds ``list[0]``, row 2 ``list[1]``, ...). People or items beyond the
    last row are continued on the addendum with the same columns, never dropped."""

    list: str  # household.children, household.everyone, address.previous, income.sources ...
    fields: tuple[tuple[str, ...], ...]  # per row, its fields in column order
    section: str = ""  # the form's name for the table ("2. Barn"), for "continued from"
    columns: tuple[str, ...] = ()  # column headings for the addendum; empty: the labels

    @property
    def capacity(self) -> int:
        return len(self.fields)


@dataclass(frozen=True)
class FormMap:
    """A loaded, validated map (``fingerprint`` may be None: a map check reports that)."""

    id: str
    agency: str
    title: str
    kind: Literal["pdf", "docx"]
    source: str
    language: str
    fingerprint: str | None
    fields: tuple[FieldSpec, ...]
    path: Path
    rows: tuple[RowGroup, ...] = ()
    # the store's version number when the map was loaded from a stored form version (None: a
    # file in form_maps/); the catalogue keys its blank by it
    version: int | None = None
    # the currency the form asks its amounts in (the map's ``currency``, else its language's);
    # None: not known, and an amount is never written (formfill.profile.money)
    currency: str | None = None

    def field_names(self) -> list[str]:
        """The form fields the map mentions, once each, in map order."""
        return list(dict.fromkeys(f.field for f in self.fields))


# --- the map against its form -----------------------------------------------------------------


class FieldView(Protocol):
    """What validation needs to know of a form field (pdf_inspect.FieldInfo fits)."""

    name: str
    kind: str  # text | checkbox | radio | combo | list | push | signature
    states: list[str]
    options: list[tuple[str, str]]
    read_only: bool


def _exports(view: FieldView) -> list[str]:
    if view.kind in ("checkbox", "radio"):
        return list(view.states)
    if view.kind in ("combo", "list"):
        return [export for export, _display in view.options]
    return []


def _check_field(spec: FieldSpec, view: FieldView) -> list[str]:
    out: list[str] = []
    if spec.source == "skip":
        return out
    if view.kind in ("push", "signature"):
        out.append(f"a {view.kind} field cannot take a value; use skip")
        return out
    if view.read_only and not spec.overwrite_read_only:
        out.append("the field is read-only; use skip, or overwrite_read_only = true")
    exports = _exports(view)
    if spec.source == "when" and view.kind not in ("checkbox", "radio"):
        out.append(f"when needs a checkbox or radio, this is a {view.kind} field")
    if spec.source == "when" and spec.state is None and len(exports) > 1:
        out.append(f"when on a field with several states needs state (one of {exports})")
    if spec.state is not None and exports and spec.state not in exports:
        out.append(f"state {spec.state!r} is not one of {exports}")
    if spec.options and exports:
        wrong = sorted({v for v in spec.options.values() if v not in exports})
        if wrong:
            out.append(f"options {wrong} are not export values of the field ({exports})")
    if spec.source == "value" and isinstance(spec.value, bool) and view.kind not in ("checkbox",):
        out.append(f"a true/false value needs a checkbox, this is a {view.kind} field")
    if spec.source == "profile" and spec.profile and not spec.options and not spec.transforms:
        out.extend(_check_profile_kind(spec.profile, view, exports))
    return out


def _check_profile_kind(path: str, view: FieldView, exports: list[str]) -> list[str]:
    """A profile value used as it is must suit the field: bool for a single checkbox, text for a
    text field, an export value for a radio, group or choice."""
    info = vocabulary().get(re.sub(r"\[\d*\]", "[]", path))
    if info is None:
        return []
    if info.type == "bool" and view.kind == "text":
        return ["a true/false profile value on a text field: add options or transform yesno"]
    if view.kind == "checkbox" and len(exports) <= 1 and info.type != "bool":
        return [f"a checkbox needs true/false, {path} is {info.type}: use when or options"]
    if len(exports) > 1 or view.kind in ("combo", "list"):
        wrong = [c for c in info.choices if c not in exports]
        if wrong or not info.choices:
            values = f"the values {wrong}" if wrong else f"the {info.type} value"
            return [f"{values} of {path} are not export values ({exports}): add options"]
    return []


def validate_against_form(fmap: FormMap, fields: Mapping[str, FieldView]) -> list[Problem]:
    """Problems of the map against the real form's fields (name -> field): unknown fields (with
    did-you-mean), options or states that are not export values, ``when`` on a text field,
    a value for a push button or signature, a value for a read-only field."""
    out: list[Problem] = []
    for spec in fmap.fields:
        where = f"fields[{spec.field}]"
        view = fields.get(spec.field)
        if view is None:
            hint = did_you_mean(close_matches(spec.field, fields, cutoff=75, loose=True))
            out.append(Problem(where, f"no such field in the form{hint}"))
            continue
        out.extend(Problem(where, msg) for msg in _check_field(spec, view))
    return out


def unmapped_fields(fmap: FormMap, fields: Mapping[str, FieldView]) -> list[str]:
    """Form fields the map does not mention, in form order."""
    mentioned = {f.field for f in fmap.fields}
    return [name for name in fields if name not in mentioned]
