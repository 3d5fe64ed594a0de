"""The program catalog: ``programs/<country>/<program-id>.toml``, loaded strictly.

Loading collects every problem of every file (unknown key with a did-you-mean, a reference to a
source or parameter that is not there, an expression that does not compile, a parameter value
without a source, a text without one of en/nb/nl, ...) into one :class:`ProgramError`. The format
is documented in ``programs/README.md``. Criteria are *typed* (age, children, income, residence,
one_of, expr, assessment); ``expr`` and ``when`` are sandboxed expressions compiled with
:mod:`formfill.maps.resolve`. Parameters are dated: :meth:`Program.params_on` gives the values in
force on a date, so a screening on 2024-09-30 and one on 2024-10-01 can differ.

The model is in :mod:`formfill.programs.model`, the section readers in
:mod:`formfill.programs.reader`; this module builds programs and catalogs from files.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from formfill.errors import Problem, ProgramError
from formfill.programs.model import (
    CRITERION_KINDS,
    LANGUAGES,
    ApplyBy,
    Backdating,
    Catalog,
    Condition,
    Criterion,
    EvidenceItem,
    Parameter,
    ParamValue,
    PeriodRule,
    Program,
    ReportChanges,
    RuleInfo,
    Source,
    Text,
)
from formfill.programs.reader import (
    Reader,
    read_apply_by,
    read_backdating,
    read_criteria,
    read_deadlines,
    read_evidence,
    read_parameters,
    read_periods,
    read_report,
    read_sources,
)

__all__ = [
    "CRITERION_KINDS",
    "LANGUAGES",
    "ApplyBy",
    "Backdating",
    "Catalog",
    "Condition",
    "Criterion",
    "EvidenceItem",
    "ParamValue",
    "Parameter",
    "PeriodRule",
    "Program",
    "ReportChanges",
    "RuleInfo",
    "Source",
    "Text",
    "load_catalog",
    "load_doc_types",
    "load_program",
]

_TOP = (
    "id", "country", "agency", "name", "summary", "links", "forms", "reviewed", "sources",
    "parameters", "criteria", "conditions", "evidence", "deadlines", "apply_by", "backdating",
    "report_changes", "periods", "note",
)  # fmt: skip


def _build(
    data: Mapping[str, Any], path: Path, doc_types: Iterable[str]
) -> tuple[Program, list[Problem]]:
    r = Reader()
    r.keys(data, _TOP, "")
    pid = r.text(data, "id", "")
    if pid and pid != path.stem:
        r.add("id", f"{pid!r} differs from the file name {path.stem!r}")
    country = r.text(data, "country", "")
    if country and country.lower() != path.parent.name:
        r.add("country", f"{country!r} differs from the folder name {path.parent.name!r}")
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, date):
        r.add("reviewed", "missing: the date the entry was last reviewed (YYYY-MM-DD)")
        reviewed = date.min
    forms = data.get("forms", [])
    if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
        r.add("forms", "must be a list of form map ids")
        forms = []
    links = data.get("links", [])
    if not isinstance(links, list) or not all(isinstance(u, str) for u in links) or not links:
        r.add("links", "must be a non-empty list of official https:// addresses")
        links = []
    sources = read_sources(r, data)
    params = read_parameters(r, data, sources)
    criteria = read_criteria(r, data, sources, params)
    conditions = []
    for i, raw in enumerate(r.array(data, "conditions", "")):
        r.keys(raw, ("text", "source", "note"), f"conditions[{i}].")
        conditions.append(
            Condition(
                r.langs(raw, "text", f"conditions[{i}]."),
                r.source_ref(raw, f"conditions[{i}].", sources),
            )
        )
    program = Program(
        id=pid,
        country=country.upper(),
        agency=r.text(data, "agency", ""),
        name=r.langs(data, "name", ""),
        summary=r.langs(data, "summary", ""),
        links=tuple(links),
        forms=tuple(forms),
        reviewed=reviewed,
        sources=sources,
        parameters=params,
        criteria=tuple(criteria),
        conditions=tuple(conditions),
        evidence=tuple(read_evidence(r, data, sources, doc_types)),
        deadlines=tuple(read_deadlines(r, data, sources)),
        apply_by=read_apply_by(r, data, sources),
        backdating=read_backdating(r, data, sources, params),
        report_changes=read_report(r, data, sources),
        path=path,
        note=str(data.get("note", "")),
        periods=read_periods(r, data, sources),
    )
    return program, r.problems


def _read_toml(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), None
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    except UnicodeDecodeError as e:
        return None, f"not UTF-8: {e.reason}"
    except tomllib.TOMLDecodeError as e:
        return None, f"not valid TOML: {e}"


DOC_TYPES_FILE = "document-types.toml"


def load_doc_types(root: Path) -> dict[str, Text]:
    """``programs/document-types.toml``: every evidence document type a checklist may name,
    with its label in en/nb/nl (``[types.<id>]``; ``extractor = true`` when extractors/ reads
    it)."""
    path = root / DOC_TYPES_FILE
    data, err = _read_toml(path)
    if data is None:
        raise ProgramError(str(path), [Problem("", err or "cannot read")])
    r = Reader()
    out: dict[str, Text] = {}
    for tid, raw in r.table(data, "types", "").items():
        if not isinstance(raw, dict):
            r.add(f"types.{tid}", "must be a table")
            continue
        r.keys(raw, (*LANGUAGES, "extractor"), f"types.{tid}.")
        out[tid] = {lang: str(raw.get(lang, "")) for lang in LANGUAGES}
        for lang in LANGUAGES:
            if not raw.get(lang):
                r.add(f"types.{tid}.{lang}", "missing")
    if r.problems:
        raise ProgramError(str(path), r.problems)
    return out


def load_program(path: Path, doc_types: Iterable[str] = ()) -> Program:
    """One program file; ProgramError with every problem if it is wrong."""
    data, err = _read_toml(path)
    if data is None:
        raise ProgramError(str(path), [Problem("", err or "cannot read")])
    program, problems = _build(data, path, doc_types)
    if problems:
        raise ProgramError(str(path), problems)
    return program


def load_catalog(root: Path) -> Catalog:
    """Every ``<country>/<id>.toml`` under ``root`` (programs/). One ProgramError for everything
    wrong in every file; each problem's ``where`` starts with the file. Ids must be unique."""
    if not root.is_dir():
        raise ProgramError(str(root), [Problem("", "not a directory")])
    doc_types = load_doc_types(root)
    problems: list[Problem] = []
    programs: list[Program] = []
    for path in sorted(root.glob("*/*.toml")):
        rel = path.relative_to(root).as_posix()
        data, err = _read_toml(path)
        if data is None:
            problems.append(Problem(rel, err or "cannot read"))
            continue
        program, found = _build(data, path, doc_types)
        problems.extend(Problem(f"{rel}: {p.where}", p.message) for p in found)
        if not found:
            programs.append(program)
    ids = [p.id for p in programs]
    for pid in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(pid, "more than one program has this id"))
    if problems:
        raise ProgramError(str(root), problems)
    return Catalog(tuple(programs), doc_types)
