"""What ``formfill programs check`` finds in the catalog: files that do not load, forms and
extractors it names that do not exist, unverified sources and stale money figures."""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

from formfill.config import Settings
from formfill.errors import Problem
from formfill.programs.catalog import ParamValue, Program, load_catalog

__all__ = ["AHEAD_DAYS", "STALE_DAYS", "catalog_problems", "figure_problems", "needed_figures"]

STALE_DAYS = 400  # a money parameter whose newest value is older than this is reported
AHEAD_DAYS = 60  # a figure screening needs must be known this far ahead
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def needed_figures(program: Program) -> list[str]:
    """The parameters screening reads: named by a criterion's limits, or in its expressions."""
    names: list[str] = []
    for c in program.criteria:
        texts = [c.when or ""] + [v for v in c.spec.values() if isinstance(v, str)]
        for text in texts:
            names += [w for w in _WORD.findall(text) if w in program.parameters]
    return list(dict.fromkeys(names))


def _known(value: ParamValue | None) -> bool:
    return value is not None and value.value != "unknown"


def figure_problems(program: Program, today: date, ahead: int = AHEAD_DAYS) -> list[Problem]:
    """A figure screening needs that has no known value today, or whose known value runs out
    (the catalog marks the next period unknown) within ``ahead`` days: named with the program,
    the figure, the date, and the last value known."""
    out = []
    for name in needed_figures(program):
        param = program.parameters[name]
        now = param.on(today)
        known = [v for v in param.values if v.value != "unknown" and v.start <= today]
        last = f"; last known {known[-1].start}: {known[-1].value}" if known else ""
        where = f"{program.id}: {name}"
        if not _known(now):
            out.append(Problem(where, f"no known value on {today}{last}"))
            continue
        later = [v for v in param.values if today < v.start <= today + timedelta(days=ahead)]
        gone = next((v for v in later if not _known(v)), None)
        if gone is not None:
            out.append(
                Problem(where, f"runs out on {gone.start} (within {ahead} days): no value after")
            )
    return out


def _root() -> Path:
    from formfill.config import Settings

    return Settings.from_env().root


def catalog_problems(
    settings: Settings, today: date, ahead: int = AHEAD_DAYS
) -> tuple[list[Problem], list[str]]:
    """Everything ``programs check`` finds: (problems, warnings). Problems: a file that does not
    load (every expression compiles, every parameter value has a source and a date), a form
    map that does not exist, an evidence type without its extractor, a figure screening needs
    without a value today or ``ahead`` days from now. Warnings: unverified figures and money
    parameters whose newest value is old."""
    catalog = load_catalog(settings.programs_dir)
    problems: list[Problem] = []
    warnings: list[str] = []
    maps = {p.stem for p in settings.maps_dir.glob("*/*.toml")}
    extractors = {p.stem for p in settings.extractors_dir.glob("*.toml")}
    raw_types = _extractor_types(settings.programs_dir / "document-types.toml")
    for t in sorted(raw_types - extractors):
        problems.append(
            Problem(f"document-types.toml: {t}", "extractor = true, no extractors/ file")
        )
    for program in catalog.programs:
        for form in program.forms:
            if form not in maps:
                problems.append(Problem(f"{program.id}: forms", f"no form map {form!r}"))
        problems += figure_problems(program, today, ahead)
        unverified = [s.id for s in program.sources.values() if not s.verified]
        if unverified:
            warnings.append(f"{program.id}: unverified sources: {', '.join(unverified)}")
        for param in program.parameters.values():
            newest = param.values[-1]
            money = any(c in param.unit for c in ("NOK", "EUR"))
            if money and (today - newest.start).days > STALE_DAYS:
                warnings.append(
                    f"{program.id}: {param.name} newest value is from {newest.start} "
                    f"({newest.value} {param.unit}): check for a newer one"
                )
    return problems, warnings


def _extractor_types(path: Path) -> set[str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        k for k, v in data.get("types", {}).items() if isinstance(v, dict) and v.get("extractor")
    }
