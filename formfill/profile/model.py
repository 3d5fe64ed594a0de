"""The canonical client profile (pydantic v2): its root model, the dotted-path vocabulary over it
and its JSON Schema. The sections live in :mod:`formfill.profile.sections` and
:mod:`formfill.profile.household`; parsing and checking a profile in
:mod:`formfill.profile.validation`.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from pydantic import model_validator

from formfill.profile.household import Household
from formfill.profile.paths import (
    PathInfo,
    build_vocabulary,
    check,
    derived_members,
    label_of,
    value_at,
)
from formfill.profile.sections import (
    Addresses,
    Bank,
    Benefits,
    Contact,
    Employment,
    Housing,
    Identifiers,
    Income,
    Person,
    Representative,
    _f,
    _Model,
)

__all__ = [
    "Profile", "check_path", "json_schema", "label_of_path", "resolve_path", "vocabulary",
]  # fmt: skip


def _home_defaults(data: Any) -> Any:
    """A client living outside Norway: where the profile leaves the employer's and a payer's
    country and an income's currency unsaid, they are the home country's and its currency,
    not the Norwegian defaults (a Dutch client's employer was 'Norway' and their KvK number was
    checked as a Norwegian organisation number; walk 8). A household member's yearly income
    without its currency is in the home country's, wherever home is. Only values not given
    are filled."""
    if not isinstance(data, dict):
        return data
    current = (
        (data.get("address") or {}).get("current")
        if isinstance(data.get("address"), dict)
        else None
    )
    home = current.get("country") if isinstance(current, dict) else None
    out = dict(data)
    work = out.get("employment")
    known_home = home.upper() if isinstance(home, str) and len(home) == 2 else None
    if isinstance(work, dict) and not work.get("employer_country"):
        # an employer's country only where there is an employer: a retired client with no
        # employer showed 'Employer's country: Norway', a default nobody entered (walk 9)
        if work.get("employer") or work.get("employer_org_number"):
            out["employment"] = {**work, "employer_country": known_home or "NO"}
    if known_home is None:
        return out
    home = known_home
    from babel.numbers import get_territory_currencies

    try:
        currencies = get_territory_currencies(home)
    except Exception:  # noqa: BLE001 - an unknown territory: no currency to assume
        currencies = []
    household = out.get("household")
    members = household.get("members") if isinstance(household, dict) else None
    if currencies and isinstance(household, dict) and isinstance(members, list):
        # a member's yearly income (a partner's) without its currency: the home country's
        out["household"] = {
            **household,
            "members": [
                {**m, "income_currency": currencies[0]}
                if isinstance(m, dict)
                and m.get("yearly_gross_income") not in (None, "")
                and not m.get("income_currency")
                else m
                for m in members
            ],
        }
    housing = out.get("housing")
    if (
        currencies
        and isinstance(housing, dict)
        and housing.get("monthly_rent") not in (None, "")
        and not housing.get("rent_currency")
    ):
        out["housing"] = {**housing, "rent_currency": currencies[0]}
    if home == "NO":  # the field defaults are Norway's already
        return out
    income = out.get("income")
    sources = income.get("sources") if isinstance(income, dict) else None
    if isinstance(income, dict) and isinstance(sources, list):
        filled = []
        for source in sources:
            if isinstance(source, dict):
                source = {"payer_country": home, **source}
                if currencies and "currency" not in source:
                    source["currency"] = currencies[0]
            filled.append(source)
        out["income"] = {**income, "sources": filled}
    return out


class Profile(_Model):
    """The canonical client profile."""

    @model_validator(mode="before")
    @classmethod
    def _defaults_of_home(cls, data: Any) -> Any:
        return _home_defaults(data)

    person: Person = _f(..., d="The client", ex={"given_name": "Kari", "family_name": "Nordmann"})
    identifiers: Identifiers = _f(d="National identifiers", ex={}, default_factory=Identifiers)
    contact: Contact = _f(d="Contact details", ex={}, default_factory=Contact)
    address: Addresses = _f(d="Addresses", ex={}, default_factory=Addresses)
    housing: Housing = _f(d="How the client holds the home", ex={}, default_factory=Housing)
    household: Household = _f(d="Family and household", ex={}, default_factory=Household)
    income: Income = _f(d="Incomes", ex={}, default_factory=Income)
    bank: Bank = _f(d="Bank account", ex={}, default_factory=Bank)
    employment: Employment = _f(d="Work", ex={}, default_factory=Employment)
    benefits: Benefits = _f(d="Benefits received", ex={}, default_factory=Benefits)
    representative: Representative | None = _f(d="Guardian, attorney or advocate", ex=None)


# -- the vocabulary -------------------------------------------------------------------------------


@cache
def _vocabulary() -> dict[str, PathInfo]:
    return build_vocabulary(Profile)


def vocabulary() -> dict[str, PathInfo]:
    """Every profile path (``[]`` marks a list index), fields and derived values."""
    return dict(_vocabulary())


def check_path(path: str) -> None:
    """UnknownPathError (with did-you-mean suggestions) unless ``path`` is in the vocabulary;
    indices are normalised: ``household.members[3].birth_date``."""
    check(path, _vocabulary())


def resolve_path(profile: Profile, path: str, on: date) -> Any:
    """The value at a dotted path, derived values computed for the reference date ``on``;
    None when absent (index out of range, optional section missing). UnknownPathError if the
    path is not in the vocabulary."""
    return value_at(profile, path, on, _vocabulary())


def label_of_path(path: str) -> str:
    """The short human name of a path's last part ("fødselsnummer", "birth date")."""
    return label_of(path, _vocabulary())


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a profile file."""
    schema = Profile.model_json_schema()
    member = {"$ref": "#/$defs/HouseholdMember"}
    household = schema["$defs"]["Household"]["properties"]
    for name, info in derived_members(Household).items():
        if info.model is None:
            continue
        shape: dict[str, Any] = (
            {"type": "array", "items": member} if info.type.startswith("list[") else member
        )
        household[name] = {
            **shape,
            "readOnly": True,
            "description": f"Derived, read-only (never in a file): {info.description}.",
        }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
