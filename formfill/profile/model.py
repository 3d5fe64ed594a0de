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


@cache
def _currency_of(country: str) -> str | None:
    """The currency of a country now (Babel's territory data), None for one Babel lacks."""
    from babel.numbers import get_territory_currencies

    try:
        found = get_territory_currencies(country)
    except Exception:  # noqa: BLE001 - an unknown territory: no currency to assume
        return None
    return found[0] if found else None


def _with_currency(part: Any, amount: str, currency_key: str, currency: str | None) -> Any:
    """``part`` with ``currency`` under ``currency_key`` where it gives ``amount`` without one."""
    if (
        currency is None
        or not isinstance(part, dict)
        or part.get(amount) in (None, "")
        or part.get(currency_key)
    ):
        return part
    return {**part, currency_key: currency}


def _home_defaults(data: Any) -> Any:
    """A client living outside Norway: where the profile leaves the employer's and a payer's
    country and an income's currency unsaid, they are the home country's and its currency,
    not the Norwegian defaults (a Dutch client's employer was 'Norway' and their KvK number was
    checked as a Norwegian organisation number; walk 8). A household member's yearly income
    and the rent without their currency are in the home country's, wherever home is. An
    employer's country is set only where there is an employer (walk 9). Only values not given
    are filled."""
    if not isinstance(data, dict):
        return data
    addresses = data.get("address")
    current = addresses.get("current") if isinstance(addresses, dict) else None
    country = current.get("country") if isinstance(current, dict) else None
    home = country.upper() if isinstance(country, str) and len(country) == 2 else None
    out = dict(data)
    work = out.get("employment")
    if isinstance(work, dict) and not work.get("employer_country"):
        if work.get("employer") or work.get("employer_org_number"):
            out["employment"] = {**work, "employer_country": home or "NO"}
    if home is None:
        return out
    currency = _currency_of(home)
    household = out.get("household")
    if isinstance(household, dict) and isinstance(household.get("members"), list):
        members = [
            _with_currency(m, "yearly_gross_income", "income_currency", currency)
            for m in household["members"]
        ]
        out["household"] = {**household, "members": members}
    if "housing" in out:
        out["housing"] = _with_currency(out["housing"], "monthly_rent", "rent_currency", currency)
    income = out.get("income")
    if home != "NO" and isinstance(income, dict) and isinstance(income.get("sources"), list):
        # Norway's are the fields' own defaults
        sources = [
            {"payer_country": home, **_with_currency(src, "amount", "currency", currency)}
            if isinstance(src, dict)
            else src
            for src in income["sources"]
        ]
        out["income"] = {**income, "sources": sources}
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
