"""Shared helpers for the program tests: the catalog and synthetic profiles."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from formfill.profile.model import Profile
from formfill.profile.validation import parse_profile
from formfill.programs.catalog import Catalog, load_catalog

REPO = Path(__file__).resolve().parents[1]
PROGRAMS = REPO / "programs"
ON = date(2025, 6, 2)  # the screening date of the golden files and boundary tests


@cache
def catalog() -> Catalog:
    return load_catalog(PROGRAMS)


def person(birth: date | None = date(1990, 1, 1), **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"given_name": "Test", "family_name": "Person"}
    if birth is not None:
        data["birth_date"] = birth.isoformat()
    return data | extra


def profile(
    *,
    birth: date | None = date(1990, 1, 1),
    country: str | None = "NO",
    members: list[dict[str, Any]] | None = None,
    income: list[dict[str, Any]] | None = None,
    employment: str | None = None,
    marital: str | None = None,
    language: str = "en",
) -> Profile:
    data: dict[str, Any] = {"person": person(birth)}
    if marital:
        data["person"]["marital_status"] = marital
    if country:
        data["address"] = {"current": {"country": country}}
    data["household"] = {"members": members or []}
    data["income"] = {"sources": income or []}
    data["contact"] = {"preferred_language": language}
    if employment:
        data["employment"] = {"status": employment}
    return parse_profile(data)
