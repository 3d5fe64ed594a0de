"""The next-steps letter for a client: what was applied for, the proof still missing and the dates
that matter, in the client's language (nb, nl or en), rendered from
``templates/programs/next-steps-<lang>.docx`` through
:func:`formfill.docx.templates.render_template`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from formfill.docx.templates import render_template
from formfill.profile.expressions import FillContext
from formfill.profile.model import Profile
from formfill.programs.catalog import Catalog
from formfill.programs.dates import AcceptedEvidence, checklist, key_dates, lifecycle_deadlines
from formfill.programs.periods import benefit_periods
from formfill.programs.screening import client_language
from formfill.report import FillReport
from formfill.text import localised

__all__ = ["Applied", "letter_context", "render_next_steps", "template_for"]

STATUS = {
    "en": {"draft": "being prepared", "submitted": "sent", "decided": "decided"},
    "nb": {"draft": "under arbeid", "submitted": "sendt", "decided": "avgjort"},
    "nl": {"draft": "in voorbereiding", "submitted": "verstuurd", "decided": "besloten"},
}
DATE_FORMAT = {"en": "%d %B %Y", "nb": "%d.%m.%Y", "nl": "%d-%m-%Y"}
PERIOD = {  # a benefit period's first day and its first payment still to come
    "en": ("{name} is covered from this day", "first payment expected for {name}"),
    "nb": ("{name} har rett fra denne dagen", "første utbetaling ventes for {name}"),
    "nl": ("{name} heeft recht vanaf deze dag", "eerste betaling verwacht voor {name}"),
}
CHILD = {"en": "the child", "nb": "barnet", "nl": "het kind"}
# the agencies as the client knows them (the catalog's codes are lower case ids)
AGENCY_NAMES = {
    "nav": "NAV", "husbanken": "Husbanken", "toeslagen": "Dienst Toeslagen",
    "svb": "Sociale Verzekeringsbank (SVB)",
}  # fmt: skip


@dataclass(frozen=True)
class Applied:
    """An application in the letter: its program, status and the dates known for it."""

    program: str
    status: str = "draft"  # draft | submitted | decided
    entitlement_start: date | None = None
    submitted_on: date | None = None


def template_for(templates_dir: Path, language: str) -> Path:
    return templates_dir / "programs" / f"next-steps-{language}.docx"


def letter_context(
    profile: Profile,
    catalog: Catalog,
    applied: Sequence[Applied],
    accepted: list[AcceptedEvidence],
    on: date,
    language: str | None = None,
) -> dict[str, Any]:
    """The template's context: ``person``, ``fill`` and ``letter`` (texts in the language)."""
    lang = language or client_language(profile)
    fmt = DATE_FORMAT[lang]
    rows: list[dict[str, str]] = []
    missing: list[dict[str, str]] = []
    dates: list[tuple[date, dict[str, str]]] = []
    for a in applied:
        program = catalog.get(a.program)
        name = localised(program.name, lang, program.id)
        status = STATUS[lang].get(a.status, a.status)
        agency = AGENCY_NAMES.get(program.agency, program.agency.upper())
        rows.append({"name": name, "agency": agency, "status": status})
        for item in checklist(program, profile, on, accepted, lang):
            if not item.done:
                missing.append({"label": item.label, "program": name})
        start = a.entitlement_start
        for d in key_dates(program, lang, entitlement_start=start, received=a.submitted_on):
            if d.kind == "apply_by" and a.submitted_on is not None:
                continue
            dates.append((d.due, {"text": d.text, "program": name}))
        # a period and its payments are promised only for an application the agency has: a
        # draft's letter says what to send, not when money comes (a walk read it as a promise)
        periods = benefit_periods(program, profile, on) if a.status != "draft" else []
        for period in periods:
            child = period.name or CHILD[lang]
            starts, paid = PERIOD[lang]
            if period.start >= on:
                dates.append((period.start, {"text": starts.format(name=child), "program": name}))
            if period.payments:
                text = paid.format(name=child)
                dates.append((period.payments[0], {"text": text, "program": name}))
        if a.submitted_on is not None:
            for dl in lifecycle_deadlines(program, "submitted", a.submitted_on):
                text = next(
                    (
                        localised(r.text, lang, dl.label)
                        for r in program.deadlines
                        if r.rule.label == dl.label
                    ),
                    dl.label,
                )
                dates.append((dl.due, {"text": text, "program": name}))
    dates.sort(key=lambda pair: pair[0])
    letter = {
        "applied": rows,
        "missing": missing,
        "dates": [{"date": d.strftime(fmt), **info} for d, info in dates],
    }
    return {"person": profile.person, "fill": FillContext(date=on), "letter": letter}


def render_next_steps(
    templates_dir: Path, context: dict[str, Any], language: str
) -> tuple[bytes, FillReport]:
    """The letter as .docx bytes (sandboxed docxtpl) and its fill report."""
    return render_template(template_for(templates_dir, language), context)
