"""What ``formfill programs check`` finds in the catalog: files that do not load, forms and
extractors it names that do not exist, unverified sources and stale money figures."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from formfill.config import Settings
from formfill.errors import Problem
from formfill.programs.catalog import load_catalog

__all__ = ["STALE_DAYS", "catalog_problems"]

STALE_DAYS = 400  # a money parameter whose newest value is older than this is reported


def _root() -> Path:
    from formfill.config import Settings

    return Settings.from_env().root


def catalog_problems(settings: Settings, today: date) -> tuple[list[Problem], list[str]]:
    """Everything ``programs check`` finds: (problems, warnings). Problems: a file that does not
    load (every expression compiles, every parameter value has a source and a date), a form
    map that does not exist, an evidence type without its extractor. Warnings: unverified
    figures and money parameters whose newest value is old."""
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
