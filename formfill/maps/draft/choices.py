"""Options for a choice field drafted onto a code-valued profile path: the field's own export
values matched to the codes the profile holds.

A profile keeps codes (``NO``, ``nb``, ``IL``, ``female``, ``child``); a combo or list box offers
its own export values ("Nederland", "Inglés", "Illinois", "Woman", "CHILD"). The draft writes
``options = { code = "export value" }`` only when every real export value names a code:
countries by ISO code or by their name in the form's language or English (Babel's CLDR names),
languages likewise, US states by code or name, enumerations (sex, marital status, relation) by
the value itself or a word of the lexicon. Anything else is left to a person, with the values
that matched nothing.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel
from pydantic.fields import FieldInfo as ModelField

from formfill.pdf.labels import norm
from formfill.profile.model import Profile, vocabulary
from formfill.profile.paths import derived_members, normalise
from formfill.profile.types import Country, Language

# codes CLDR lists among its territories that are not a country of anyone's address
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})

# USPS codes: the states, DC, the territories and freely associated states, the armed forces
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands", "UM": "U.S. Minor Outlying Islands",
    "FM": "Federated States of Micronesia", "MH": "Marshall Islands", "PW": "Palau",
    "AA": "Armed Forces Americas", "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}  # fmt: skip


@dataclass(frozen=True)
class ChoiceMatch:
    """The options a field's export values give, and the export values that named no code."""

    kind: str  # country | language | us_state | choices | "" (the path holds no code)
    options: dict[str, str]
    unmatched: list[str]

    @property
    def complete(self) -> bool:
        return bool(self.kind) and bool(self.options) and not self.unmatched


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _field_of(path: str) -> ModelField | None:
    """The model field a profile path ends in (None for derived values and unknown paths)."""
    model: type[BaseModel] | None = Profile
    field: ModelField | None = None
    for part in normalise(path).split("."):
        if model is None:
            return None
        name = part.removesuffix("[]")
        if name in model.model_fields:
            field = model.model_fields[name]
            model = _model_in(field.annotation)
            continue
        info = derived_members(model).get(name)
        if info is None:
            return None
        field, model = None, info.model
    return field


def _has_type(field: ModelField, alias: Any) -> bool:
    """Whether the field is declared with ``alias`` (an Annotated code type), optional or not."""
    if field.annotation == alias or alias in typing.get_args(field.annotation):
        return True
    return list(typing.get_args(alias)[1:]) == list(field.metadata)


@lru_cache(maxsize=256)
def code_kind(path: str) -> str:
    """What kind of code the path holds: country, language, us_state, choices, or ''."""
    info = vocabulary().get(normalise(path))
    if info is None:
        return ""
    if info.choices:
        return "choices"
    field = _field_of(path)
    if field is not None and _has_type(field, Country):
        return "country"
    if field is not None and _has_type(field, Language):
        return "language"
    parts = normalise(path).split(".")
    if parts[-1] == "state" and ("address" in parts[-2] or parts[0] == "address"):
        return "us_state"
    return ""


def value_key(path: str) -> str:
    """Which of the lexicon's words name this path's codes: every language path shares the
    language words, an enumeration has its own ('sex', 'marital_status', 'relation')."""
    kind = code_kind(path)
    return kind if kind in ("country", "language", "us_state") else normalise(path).split(".")[-1]


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def _names(table: Mapping[str, str], codes: Iterable[str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for code in codes:
        if code in table:
            out.setdefault(norm(table[code]), set()).add(code)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    codes = (c for c in Locale("en").territories if isinstance(c, str))
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)


@lru_cache(maxsize=1)
def _language_codes() -> frozenset[str]:
    codes = (c for c in Locale("en").languages if isinstance(c, str))
    return frozenset(c for c in codes if c.isalpha() and 2 <= len(c) <= 3)


@lru_cache(maxsize=16)
def _by_name(kind: str, lang: str) -> dict[str, frozenset[str]]:
    """Normalised name (in ``lang``, then English) -> codes."""
    out: dict[str, frozenset[str]] = {}
    for loc in (Locale("en"), _locale(lang)):  # the form's language wins a clash
        if kind == "country":
            out.update(_names(loc.territories, _country_codes()))
        else:
            out.update(_names(loc.languages, _language_codes()))
    return out


def _codes_of(
    text: str, kind: str, lang: str, choices: tuple[str, ...], words: Mapping[str, frozenset[str]]
) -> frozenset[str]:
    """The codes one export value (or its display text) names."""
    said, raw = norm(text), text.strip()
    if not said:
        return frozenset()
    if said in words:  # the lexicon's words first: 'norsk' is the profile's nb, not CLDR's no
        return words[said]
    if kind == "country":
        if raw.upper() in _country_codes():
            return frozenset({raw.upper()})
        return _by_name("country", lang).get(said, frozenset())
    if kind == "language":
        if raw.lower() in _language_codes():
            return frozenset({raw.lower()})
        return _by_name("language", lang).get(said, frozenset())
    if kind == "us_state":
        if raw.upper() in US_STATES:
            return frozenset({raw.upper()})
        return frozenset(c for c, name in US_STATES.items() if norm(name) == said)
    return frozenset(c for c in choices if norm(c.replace("_", " ")) == said)


def _placeholder(export: str) -> bool:
    """An empty choice ('', ' ', '--'): what the field shows before one is made."""
    return not norm(export)


def match_options(
    path: str,
    exports: Iterable[tuple[str, str]],
    lang: str,
    words: Mapping[str, frozenset[str]] | None = None,
) -> ChoiceMatch:
    """Options for a choice field (its (export, display) pairs) on ``path``; ``words`` are the
    lexicon's words for the path's codes (normalised word -> codes), tried first."""
    kind = code_kind(path)
    if not kind:
        return ChoiceMatch("", {}, [])
    info = vocabulary()[normalise(path)]
    options: dict[str, str] = {}
    unmatched: list[str] = []
    for export, display in exports:
        if _placeholder(export):
            continue
        codes = frozenset[str]()
        for text in dict.fromkeys((export, display)):
            codes = _codes_of(text, kind, lang, info.choices, words or {})
            if codes:
                break
        if kind == "choices":
            codes = frozenset(c for c in codes if c in info.choices)
        if not codes:
            unmatched.append(export)
        for code in sorted(codes):
            options.setdefault(code, export)
    return ChoiceMatch(kind, options, unmatched)
