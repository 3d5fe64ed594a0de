"""The client profile: its model and validation, the path vocabulary (one path grammar),
provenance of each value, and the generated reference docs."""

from __future__ import annotations

from formfill.profile.household import Household, HouseholdMember
from formfill.profile.model import (
    Profile,
    check_path,
    json_schema,
    label_of_path,
    resolve_path,
    vocabulary,
)
from formfill.profile.paths import (
    Step,
    format_path,
    normalise,
    parse_path,
)
from formfill.profile.provenance import (
    Provenance,
    carry_forward,
    set_path,
)
from formfill.profile.sections import Address, Income, IncomeSource, Person
from formfill.profile.validation import load_profile, parse_profile, profile_warnings

__all__ = [
    "Address",
    "Household",
    "HouseholdMember",
    "Income",
    "IncomeSource",
    "Person",
    "Profile",
    "Provenance",
    "Step",
    "carry_forward",
    "check_path",
    "format_path",
    "json_schema",
    "label_of_path",
    "load_profile",
    "normalise",
    "parse_path",
    "parse_profile",
    "profile_warnings",
    "resolve_path",
    "set_path",
    "vocabulary",
]
