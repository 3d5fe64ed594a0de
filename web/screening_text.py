"""A screening criterion's explanation in the reader's language: the catalog's own text for that
language (programs/<country>/<id>.toml), its figures filled in as the locale writes them
(Babel: "39 719" in nb, "39.719" in nl; dates likewise), a country by its name, a profile choice
by its label, and a figure the catalog lacks for the day named with the last one it has.

The core (formfill.programs.screening) gives each criterion result its facts and the figures
it lacks; this only words them. Used by the ``criterion_text`` Jinja filter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from formfill.errors import FormfillError
from formfill.programs.catalog import Criterion
from formfill.programs.criteria import Lacking
from formfill.programs.screening import CriterionResult
from formfill.text import date_locale, localised
from web.form_labels import CHOICES
from web.labels import country_name

#: facts that hold a country code (a residence criterion's country and the client's)
_COUNTRY_KINDS = frozenset({"residence"})


def _lang() -> str:
    return str(get_locale() or "en")


def number(value: Any) -> str:
    """A figure as the reader's locale writes it, whole numbers without decimals."""
    if isinstance(value, Decimal | float) and value == int(value):
        value = int(value)
    return format_decimal(value, format="#,##0.##", locale=_lang())


def _fact(key: str, value: Any, kind: str) -> str:
    if value is None:
        return _("not given")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return number(value)
    if isinstance(value, date):
        return format_date(value, "medium", locale=date_locale(_lang()))
    if isinstance(value, str):
        if kind in _COUNTRY_KINDS and key in ("value", "country") and len(value) == 2:
            return country_name(value)
        if value in CHOICES:
            return _(CHOICES[value]).lower()
    return str(value)


def missing_figure(gap: Lacking) -> str:
    """ "39 719 (the 2025 figure; the catalog has none for 2026)", or that there is none."""
    if not gap.last_year:
        return _("(the catalog has no figure for %(year)s)", year=gap.year)
    figure = gap.last_value
    shown = number(figure) if isinstance(figure, int | float | Decimal) else str(figure)
    return _(
        "%(figure)s (the %(last_year)s figure; the catalog has none for %(year)s)",
        figure=shown,
        last_year=gap.last_year,
        year=gap.year,
    )


class _Filled(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return _("not given")


def explanation(result: CriterionResult, criterion: Criterion | None) -> str:
    """The criterion's explanation in the reader's language (the core's text when the
    catalog no longer holds the criterion)."""
    if criterion is None:
        return result.explanation
    text = localised(criterion.explain, _lang(), "")
    if not text:
        return result.explanation
    filled = _Filled({k: _fact(k, v, criterion.kind) for k, v in result.facts.items()})
    for gap in result.lacking:
        for key, value in criterion.spec.items():
            if value == gap.parameter:
                filled[key] = missing_figure(gap)
    try:
        return text.format_map(filled)
    except (ValueError, IndexError):  # a malformed text: the core's words rather than none
        return result.explanation


def _criterion(program_id: str, criterion_id: str) -> Criterion | None:
    from web.services import services

    try:
        catalog = services().catalog
    except FormfillError:
        return None
    program = next((p for p in catalog.programs if p.id == program_id), None)
    if program is None:
        return None
    return next((c for c in program.criteria if c.id == criterion_id), None)


def criterion_text(result: CriterionResult, program_id: str) -> str:
    """The Jinja filter: ``{{ c|criterion_text(r.program) }}``."""
    return explanation(result, _criterion(program_id, result.id))


def init(app: Flask) -> None:
    app.jinja_env.filters["criterion_text"] = criterion_text
