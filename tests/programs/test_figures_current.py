"""`programs check` fails when a figure screening needs has no value for the day, or runs out
(the catalog marks the next period unknown) within 60 days; each problem names the program,
the figure, the date and the last value known. CI runs the check with today's date
(tests/programs/test_programs.py::test_cli_list_check_and_screen)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from formfill.programs.catalog import Parameter, ParamValue
from formfill.programs.check import figure_problems, needed_figures
from tests.program_fixtures import catalog


def _with_values(program_id: str, name: str, *values: tuple[str, object]) -> object:
    program = catalog().get(program_id)
    param = program.parameters[name]
    vals = tuple(ParamValue(date.fromisoformat(d), v, "src") for d, v in values)
    params = dict(program.parameters) | {name: Parameter(name, param.unit, vals)}
    return replace(program, parameters=params)


def test_the_figures_screening_reads_are_those_its_criteria_name() -> None:
    needed = needed_figures(catalog().get("zorgtoeslag"))
    assert "income_limit_single" in needed and "income_limit_partners" in needed
    assert "min_age" in needed


def test_a_figure_unknown_today_or_running_out_soon_is_a_problem() -> None:
    name = "income_limit_single"
    unknown_now = _with_values(
        "zorgtoeslag", name, ("2025-01-01", 39719), ("2026-01-01", "unknown")
    )
    (p,) = [p for p in figure_problems(unknown_now, date(2026, 12, 3)) if name in p.where]  # type: ignore[arg-type]
    assert p.where == "zorgtoeslag: income_limit_single"
    assert "no known value on 2026-12-03; last known 2025-01-01: 39719" in p.message
    ending = _with_values("zorgtoeslag", name, ("2026-01-01", 40000), ("2027-01-01", "unknown"))
    (p,) = [p for p in figure_problems(ending, date(2026, 12, 3)) if name in p.where]  # type: ignore[arg-type]
    assert "runs out on 2027-01-01 (within 60 days)" in p.message
    # 60 days is the horizon: on 1 October the end of the year is still 92 days away
    assert [p for p in figure_problems(ending, date(2026, 10, 1)) if name in p.where] == []  # type: ignore[arg-type]
    lasting = _with_values("zorgtoeslag", name, ("2026-01-01", 40000))  # no end: a rate
    assert [p for p in figure_problems(lasting, date(2026, 12, 3)) if name in p.where] == []  # type: ignore[arg-type]


def test_screening_with_a_missing_figure_names_it_its_year_and_the_last_value() -> None:
    """Never a "?" where the catalog lacks a figure: the criterion is unknown and says which
    figure and year is missing and what was last known."""
    from formfill.programs.catalog import Catalog
    from formfill.programs.screening import screen
    from tests.program_fixtures import profile

    name = "income_limit_single"
    lacking = _with_values("zorgtoeslag", name, ("2025-01-01", 39719), ("2026-01-01", "unknown"))
    client = profile(country="NL", income=[{"kind": "salary", "amount": "2000", "period": "month"}])
    result = screen(client, Catalog((lacking,)), date(2026, 12, 3), language="en")  # type: ignore[arg-type]
    (res,) = result.results
    unknown = [c for c in res.criteria if c.status == "unknown"]
    assert unknown and res.status == "unknown"
    text = " ".join(c.explanation for c in unknown)
    assert "no 2026 figure" in text and "last known 2025" in text and "39" in text
    assert "?" not in text
