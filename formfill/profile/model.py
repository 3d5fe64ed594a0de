"""The canonical client profile (pydantic v2), its dotted-path vocabulary and JSON Schema.

Every model forbids unknown keys, so a typo is an error. Identifiers are checked with
python-stdnum and stored compact. :func:`parse_profile` reports every problem at once, each
under its dotted path (``household.members[1].identifiers.no_fnr: invalid check digit``).
Derived values (full names, ages, monthly income, address lines) are model properties, or
methods taking the reference date ``on``, registered in the vocabulary with ``derived``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from formfill.errors import Problem, ProfileError
from formfill.profile.paths import (
    PathInfo,
    age_on,
    build_vocabulary,
    cents,
    check,
    derived,
    derived_members,
    dotted,
    initials,
    label_of,
    monthly,
    postal_line,
    problem_message,
    resolve,
    street_line,
    yearly,
)
from formfill.profile.types import (
    Bic,
    Country,
    Currency,
    Email,
    EmploymentStatus,
    Iban,
    IncomeKind,
    Language,
    MaritalStatus,
    NlBsn,
    NoAccount,
    NoDnr,
    NoFnr,
    Period,
    Phone,
    Relation,
    Role,
    Sex,
    UsSsn,
    account_mismatch,
    birth_date_mismatch,
    org_number,
    postal_code,
    us_state,
)

__all__ = [
    "Address", "Addresses", "Bank", "Benefit", "Benefits", "Contact", "Employment", "Household",
    "HouseholdMember", "Identifiers", "Income", "IncomeSource", "OtherIdentifier", "PathInfo",
    "Person", "Profile", "Representative", "ResidencePermit", "check_path", "json_schema",
    "label_of_path", "load_profile", "parse_profile", "profile_warnings", "resolve_path",
    "vocabulary", "whose",
]  # fmt: skip


def _f(
    default: Any = None,
    *,
    d: str,
    ex: Any,
    ac: str | None = None,
    t: str | None = None,
    **kw: Any,
) -> Any:
    """A Field with a description, one example, if any its WHATWG autocomplete token, and a
    short human name ``t`` where the field's name in words is not one ("fødselsnummer")."""
    extra: dict[str, Any] | None = {"autocomplete": ac} if ac else None
    if "default_factory" in kw:
        return Field(description=d, examples=[ex], json_schema_extra=extra, title=t, **kw)
    return Field(default, description=d, examples=[ex], json_schema_extra=extra, title=t, **kw)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# -- person and identifiers -----------------------------------------------------------------------


class ResidencePermit(_Model):
    """A residence permit."""

    kind: str | None = _f(d="Kind of permit, as the agency names it", ex="permanent")
    number: str | None = _f(d="Permit or card number", ex="NOR1234567")
    valid_from: date | None = _f(d="First day of validity", ex=date(2021, 3, 1))
    valid_until: date | None = _f(d="Last day of validity", ex=date(2026, 2, 28))


class Person(_Model):
    """The client."""

    given_name: str = _f(..., d="Given name(s)", ex="Kari", ac="given-name")
    middle_name: str | None = _f(d="Middle name(s)", ex="Ånes", ac="additional-name")
    family_name: str = _f(
        ..., d="Family name, with any prefix (van der)", ex="Nordmann", ac="family-name"
    )
    former_names: list[str] = _f(
        d="Earlier family or full names", ex=["Kari Hansen"], default_factory=list
    )
    birth_date: date | None = _f(d="Date of birth", ex=date(1988, 3, 14), ac="bday")
    birth_place: str | None = _f(d="Place of birth", ex="Bodø")
    birth_country: Country | None = _f(d="Country of birth (ISO 3166 alpha-2)", ex="NO")
    sex: Sex | None = _f(d="Sex", ex="female", ac="sex")
    marital_status: MaritalStatus | None = _f(d="Marital status", ex="single")
    marital_status_since: date | None = _f(d="Date the marital status began", ex=date(2019, 8, 1))
    citizenship: Country | None = _f(d="Citizenship (ISO 3166 alpha-2)", ex="NO")
    residence_permit: ResidencePermit | None = _f(
        d="Residence permit, for non-citizens", ex={"kind": "permanent"}
    )

    @property
    @derived(
        "str",
        "Full name in local order: Given Middle Family",
        "Kari Ånes Nordmann",
        autocomplete="name",
    )
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)

    @property
    @derived("str", "Family name first: Family, Given Middle", "Nordmann, Kari Ånes")
    def full_name_family_first(self) -> str:
        given = " ".join(p for p in (self.given_name, self.middle_name) if p)
        return f"{self.family_name}, {given}"

    @property
    @derived(
        "str",
        "Initials of the given and middle names (Dutch voorletters; IJ kept together)",
        "K.Å.",
    )
    def initials(self) -> str:
        return initials(self.given_name, self.middle_name)

    @derived("int", "Age in completed years on the reference date", 38, takes_date=True)
    def age(self, on: date) -> int | None:
        return age_on(self.birth_date, on)


class OtherIdentifier(_Model):
    """An identifier of another country or kind."""

    country: Country = _f(..., d="Issuing country (ISO 3166 alpha-2)", ex="SE")
    kind: str = _f(..., d="Kind of identifier", ex="personnummer")
    value: str = _f(..., d="The identifier as written", ex="19880314-1234")


class Identifiers(_Model):
    """National identifiers, stored compact (digits only)."""

    no_fnr: NoFnr | None = _f(
        d="Norwegian fødselsnummer (11 digits)", ex="14038812468", t="fødselsnummer"
    )
    no_dnr: NoDnr | None = _f(
        d="Norwegian D-number (fødselsnummer with day + 40)", ex="54038812451", t="D-number"
    )
    nl_bsn: NlBsn | None = _f(
        d="Dutch burgerservicenummer (9 digits, 11-test)", ex="999990019", t="BSN"
    )
    us_ssn: UsSsn | None = _f(
        d="US social security number (9 digits)", ex="123456789", t="social security number"
    )
    other: list[OtherIdentifier] = _f(
        d="Other identifiers",
        default_factory=list,
        ex=[{"country": "SE", "kind": "personnummer", "value": "X"}],
    )

    @property
    @derived("str", "The first of no_fnr, no_dnr, nl_bsn, us_ssn that is set", "14038812468")
    def national_id(self) -> str | None:
        return self.no_fnr or self.no_dnr or self.nl_bsn or self.us_ssn


# -- contact and address --------------------------------------------------------------------------


class Contact(_Model):
    """How to reach the client."""

    phone_mobile: Phone | None = _f(d="Mobile phone", ex="+47 412 34 567", ac="mobile tel")
    phone_home: Phone | None = _f(d="Home phone", ex="+47 22 12 34 56", ac="home tel")
    email: Email | None = _f(d="E-mail address", ex="kari@example.com", ac="email")
    preferred_language: Language | None = _f(
        d="Preferred language (nb, nn, nl, en, ...)", ex="nb", ac="language"
    )
    interpreter_needed: bool | None = _f(d="Whether an interpreter is needed", ex=False)
    interpreter_language: Language | None = _f(d="Language for the interpreter", ex="ar")


class Address(_Model):
    """A postal address. Postal codes are checked by country: NO 4 digits, NL "1234 AB",
    US 5 or 9 digits (stored "12345" or "12345-6789")."""

    care_of: str | None = _f(d="Care of (c/o)", ex="c/o Hansen")
    street: str | None = _f(d="Street name", ex="Storgata")
    house_number: str | None = _f(d="House number", ex="5")
    house_letter: str | None = _f(d="House letter", ex="B")
    addition: str | None = _f(d="Addition: Dutch toevoeging, US apartment", ex="H0101")
    country: Country = _f("NO", d="Country (ISO 3166 alpha-2)", ex="NO", ac="country")
    postal_code: str | None = _f(d="Postal code", ex="0150", ac="postal-code")
    city: str | None = _f(d="City or post town", ex="Oslo", ac="address-level2")
    municipality: str | None = _f(d="Municipality (kommune, gemeente, county)", ex="Oslo")
    state: str | None = _f(d="State or province (US: two letters)", ex="IL", ac="address-level1")
    valid_from: date | None = _f(d="Lived here from", ex=date(2020, 1, 1))
    valid_to: date | None = _f(d="Lived here until", ex=date(2022, 6, 30))

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else postal_code(value, info.data.get("country"))

    @field_validator("state")
    @classmethod
    def _state(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else us_state(value, info.data.get("country"))

    @property
    @derived(
        "str",
        "Street line in the country's format (NO Storgata 5 B, NL Kerkstraat "
        "12-A, US 123 Main St Apt 4)",
        "Storgata 5 B",
        autocomplete="address-line1",
    )
    def street_line(self) -> str | None:
        return street_line(
            self.country, self.street, self.house_number, self.house_letter, self.addition
        )

    @property
    @derived(
        "str",
        "Postal line in the country's format (NO 0150 OSLO, NL 1012 AB "
        "Amsterdam, US Springfield, IL 62701)",
        "0150 OSLO",
    )
    def postal_line(self) -> str | None:
        return postal_line(self.country, self.postal_code, self.city, self.state)


_ADDRESS_EX = {"street": "Storgata", "house_number": "5", "postal_code": "0150", "city": "Oslo"}


class Addresses(_Model):
    """Where the client lives and receives mail."""

    current: Address | None = _f(d="Registered home address", ex=_ADDRESS_EX)
    postal: Address | None = _f(d="Postal address, if not the home address", ex=_ADDRESS_EX)
    previous: list[Address] = _f(d="Earlier addresses", ex=[_ADDRESS_EX], default_factory=list)


# -- household ------------------------------------------------------------------------------------


class HouseholdMember(_Model):
    """Someone in the client's family or household."""

    relation: Relation = _f(..., d="Relation to the client", ex="child")
    given_name: str | None = _f(d="Given name(s)", ex="Ola", ac="given-name")
    family_name: str | None = _f(d="Family name", ex="Nordmann", ac="family-name")
    birth_date: date | None = _f(d="Date of birth", ex=date(2021, 6, 2), ac="bday")
    identifiers: Identifiers = _f(
        d="National identifiers", ex={"no_fnr": "02062151318"}, default_factory=Identifiers
    )
    lives_with_client: bool = _f(True, d="Lives with the client", ex=True)
    custody_share: int | None = _f(d="Custody share, percent (0-100)", ex=50, ge=0, le=100)

    @property
    @derived("str", "Given and family name", "Ola Nordmann")
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @derived("int", "Age in completed years on the reference date", 5, takes_date=True)
    def age(self, on: date) -> int | None:
        return age_on(self.birth_date, on)


#: relations of a member who is the client's partner when living with the client
PARTNER_RELATIONS = ("spouse", "partner")
_MEMBER_EX = {"relation": "child", "given_name": "Ola", "birth_date": "2021-06-02"}


def _oldest_first(members: list[HouseholdMember]) -> list[HouseholdMember]:
    """By birth date, oldest first; ties and unknown dates (last) keep entry order."""
    return sorted(members, key=lambda m: (m.birth_date is None, m.birth_date or date.min))


class Household(_Model):
    """The client's family and household. Members are entered in any order; forms address them
    by relation (``partner``, ``children``, ``others``), never by their place in the list."""

    members: list[HouseholdMember] = _f(
        d="Members other than the client, in the order they were entered (the only writable "
        "list; forms read household.partner, household.children and household.others)",
        ex=[{"relation": "child", "given_name": "Ola"}],
        default_factory=list,
    )

    def partners(self) -> list[tuple[int, HouseholdMember]]:
        """(index, member) of every spouse or partner living with the client (more than one
        is a profile error)."""
        return [
            (i, m)
            for i, m in enumerate(self.members)
            if m.relation in PARTNER_RELATIONS and m.lives_with_client
        ]

    @property
    @derived(
        "object",
        "The spouse, registered partner or cohabitant (samboer, toeslagpartner) who lives with "
        "the client; empty when there is none",
        {"relation": "partner", "given_name": "Per"},
        model=HouseholdMember,
    )
    def partner(self) -> HouseholdMember | None:
        found = self.partners()
        return found[0][1] if found else None

    @property
    @derived(
        "list[object]",
        "Members whose relation is child (living with the client or not), oldest first; "
        "ties and unknown birth dates keep the order they were entered in",
        [_MEMBER_EX],
        model=HouseholdMember,
    )
    def children(self) -> list[HouseholdMember]:
        return _oldest_first([m for m in self.members if m.relation == "child"])

    @property
    @derived(
        "list[object]",
        "Everyone else: parents, siblings, others, and a spouse or partner who does not live "
        "with the client, oldest first",
        [{"relation": "parent", "given_name": "Eva"}],
        model=HouseholdMember,
    )
    def others(self) -> list[HouseholdMember]:
        partner = self.partner
        return _oldest_first(
            [m for m in self.members if m.relation != "child" and m is not partner]
        )

    @property
    @derived(
        "list[object]",
        "Every member, in the order a form that lists the whole household wants them: the "
        "partner, then the children oldest first, then the others (never the entry order)",
        [_MEMBER_EX],
        model=HouseholdMember,
    )
    def everyone(self) -> list[HouseholdMember]:
        partner = self.partner
        return ([partner] if partner else []) + self.children + self.others

    def children_under(self, n: int, on: date) -> int:
        """Children younger than ``n`` years on ``on`` (children without a birth date are not
        counted)."""
        return sum(1 for c in self.children if (a := c.age(on)) is not None and a < n)

    @property
    @derived("int", "Number of children (relation child)", 2)
    def children_count(self) -> int:
        return len(self.children)

    @property
    @derived("int", "Members living with the client, plus the client", 3)
    def size(self) -> int:
        return 1 + sum(1 for m in self.members if m.lives_with_client)


# -- money ----------------------------------------------------------------------------------------


class IncomeSource(_Model):
    """One income: salary, benefit, pension, ..."""

    kind: IncomeKind = _f(..., d="Kind of income", ex="salary")
    payer: str | None = _f(d="Who pays", ex="Fjordkraft Testbedrift AS")
    payer_country: Country = _f("NO", d="Country of the payer (ISO 3166 alpha-2)", ex="NO")
    payer_org_number: str | None = _f(
        d="Payer's organisation number (checked for NO and US)", ex="987654325"
    )
    amount: Decimal = _f(..., d="Amount per period", ex=Decimal("42500.00"), ge=0)
    currency: Currency = _f("NOK", d="Currency (ISO 4217)", ex="NOK")
    basis: Literal["gross", "net"] = _f("gross", d="Before (gross) or after (net) tax", ex="gross")
    period: Period = _f(..., d="Period the amount is paid for", ex="month")
    since: date | None = _f(d="Received since", ex=date(2019, 1, 1))
    until: date | None = _f(d="Received until (last day)", ex=date(2027, 12, 31))

    @field_validator("payer_org_number")
    @classmethod
    def _payer_org(cls, value: str | None, info: ValidationInfo) -> str | None:
        return org_number(value, info.data.get("payer_country"))

    def active_on(self, on: date) -> bool:
        """Received on ``on`` (since and until inclusive, absent = open)."""
        return (self.since is None or self.since <= on) and (self.until is None or on <= self.until)

    @property
    @derived(
        "Decimal",
        "This amount per month (week 52/12, fortnight 26/12, year 1/12), rounded to cents",
        Decimal("42500.00"),
    )
    def monthly_amount(self) -> Decimal:
        return cents(monthly(self.amount, self.period))


class Income(_Model):
    """The client's incomes. The monthly and yearly sums count the sources received on the
    reference date; they are None when there is none, when the currencies differ, or when a
    source is on the other basis (gross cannot be computed from net)."""

    sources: list[IncomeSource] = _f(
        d="Income sources",
        default_factory=list,
        ex=[{"kind": "salary", "amount": "42500.00", "period": "month"}],
    )

    def _sum(self, basis: str, on: date, per: Callable[[Decimal, str], Decimal]) -> Decimal | None:
        active = [s for s in self.sources if s.active_on(on)]
        if not active or any(s.basis != basis for s in active):
            return None
        if len({s.currency for s in active}) > 1:
            return None
        return cents(sum((per(s.amount, s.period) for s in active), Decimal(0)))

    @derived("Decimal", "Sum of gross incomes per month", Decimal("45100.00"), takes_date=True)
    def monthly_gross(self, on: date) -> Decimal | None:
        return self._sum("gross", on, monthly)

    @derived("Decimal", "Sum of net incomes per month", Decimal("33800.00"), takes_date=True)
    def monthly_net(self, on: date) -> Decimal | None:
        return self._sum("net", on, monthly)

    @derived("Decimal", "Sum of gross incomes per year", Decimal("541200.00"), takes_date=True)
    def yearly_gross(self, on: date) -> Decimal | None:
        return self._sum("gross", on, yearly)


class Bank(_Model):
    """Where payments go."""

    iban: Iban | None = _f(d="IBAN, compact", ex="NO1898765400007", t="IBAN")
    bic: Bic | None = _f(d="BIC (SWIFT code)", ex="TESTNOKK", t="BIC")
    no_account: NoAccount | None = _f(
        d="Norwegian account number (11 digits)", ex="98765400007", t="Norwegian account number"
    )
    account_holder: str | None = _f(d="Name of the account holder", ex="Kari Nordmann")
    bank_name: str | None = _f(d="Name of the bank", ex="Testbanken ASA")


class Employment(_Model):
    """The client's work."""

    status: EmploymentStatus | None = _f(d="Employment status", ex="employed")
    employer: str | None = _f(d="Employer", ex="Fjordkraft Testbedrift AS", ac="organization")
    employer_country: Country = _f("NO", d="Country of the employer (ISO 3166 alpha-2)", ex="NO")
    employer_org_number: str | None = _f(
        d="Employer's organisation number (checked for NO and US)", ex="987654325"
    )
    occupation: str | None = _f(
        d="Occupation or job title", ex="Helsefagarbeider", ac="organization-title"
    )
    start_date: date | None = _f(d="Employed since", ex=date(2019, 1, 1))
    end_date: date | None = _f(d="Employed until", ex=date(2027, 12, 31))
    hours_per_week: Decimal | None = _f(
        d="Contract hours per week", ex=Decimal("37.5"), ge=0, le=168
    )

    @field_validator("employer_org_number")
    @classmethod
    def _employer_org(cls, value: str | None, info: ValidationInfo) -> str | None:
        return org_number(value, info.data.get("employer_country"))


class Benefit(_Model):
    """A benefit the client receives now."""

    name: str = _f(..., d="Name of the benefit", ex="Barnetrygd")
    agency: str | None = _f(d="Agency paying it", ex="NAV")
    amount: Decimal | None = _f(d="Amount per period", ex=Decimal("1766.00"), ge=0)
    period: Period | None = _f(d="Period the amount is paid for", ex="month")
    since: date | None = _f(d="Received since", ex=date(2021, 7, 1))
    until: date | None = _f(d="Received until", ex=date(2039, 6, 30))
    reference: str | None = _f(d="Case or decision reference", ex="SAK-2021-004711")


class Benefits(_Model):
    """Benefits the client receives."""

    current: list[Benefit] = _f(
        d="Benefits received now", ex=[{"name": "Barnetrygd"}], default_factory=list
    )


class Representative(_Model):
    """Someone who acts for the client."""

    role: Role = _f(..., d="Role", ex="guardian")
    given_name: str | None = _f(d="Given name(s)", ex="Margaret", ac="given-name")
    family_name: str | None = _f(d="Family name", ex="Whitfield", ac="family-name")
    organisation: str | None = _f(
        d="Organisation acting", ex="Springfield Guardianship Services", ac="organization"
    )
    phone: Phone | None = _f(d="Phone", ex="+1 217 555 0142", ac="tel")
    email: Email | None = _f(d="E-mail address", ex="guardian@example.org", ac="email")
    address: Address | None = _f(d="Address", ex=_ADDRESS_EX)
    identifiers: Identifiers = _f(
        d="National identifiers", ex={"us_ssn": "123456789"}, default_factory=Identifiers
    )
    since: date | None = _f(d="Acting since", ex=date(2023, 5, 2))

    @property
    @derived("str", "Given and family name, or the organisation", "Margaret Whitfield")
    def full_name(self) -> str | None:
        return " ".join(p for p in (self.given_name, self.family_name) if p) or self.organisation


class Profile(_Model):
    """The canonical client profile."""

    person: Person = _f(..., d="The client", ex={"given_name": "Kari", "family_name": "Nordmann"})
    identifiers: Identifiers = _f(d="National identifiers", ex={}, default_factory=Identifiers)
    contact: Contact = _f(d="Contact details", ex={}, default_factory=Contact)
    address: Addresses = _f(d="Addresses", ex={}, default_factory=Addresses)
    household: Household = _f(d="Family and household", ex={}, default_factory=Household)
    income: Income = _f(d="Incomes", ex={}, default_factory=Income)
    bank: Bank = _f(d="Bank account", ex={}, default_factory=Bank)
    employment: Employment = _f(d="Work", ex={}, default_factory=Employment)
    benefits: Benefits = _f(d="Benefits received", ex={}, default_factory=Benefits)
    representative: Representative | None = _f(d="Guardian, attorney or advocate", ex=None)


# -- parsing --------------------------------------------------------------------------------------


def _get(item: Any, key: str) -> Any:
    """A key of raw data or an attribute of a parsed model; None when absent."""
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _name(item: Any, *keys: str) -> str:
    """The name parts of a (raw or parsed) person, joined."""
    return " ".join(str(v) for k in keys if isinstance(v := _get(item, k), str) and v.strip())


def whose(path: str, data: Any) -> str:
    """Whose value a path holds, for a message a person reads: ``household.members[2] (child
    Biret Somby)``, ``client (Kari Nordmann)``, ``representative (guardian Margaret
    Whitfield)``. ``data`` is the profile or the raw data being parsed."""
    m = re.match(r"household\.members\[(\d+)\]", path)
    if m:
        members = _get(_get(data, "household") or {}, "members") or []
        i = int(m.group(1))
        member = members[i] if isinstance(members, list) and i < len(members) else {}
        relation = _get(member, "relation")
        words = " ".join(
            w for w in (str(relation) if relation else "", _name(member, *_NAMES)) if w
        )
        return f"{m.group(0)} ({words})" if words else m.group(0)
    if path.startswith("representative"):
        rep = _get(data, "representative") or {}
        words = " ".join(
            w for w in (str(_get(rep, "role") or ""), _name(rep, *_NAMES, "organisation")) if w
        )
        return f"representative ({words})" if words else "representative"
    name = _name(_get(data, "person") or {}, "given_name", *_NAMES[1:])
    return f"client ({name})" if name else "client"


_NAMES = ("given_name", "family_name")


def described(path: str, reason: str, data: Any) -> Problem:
    """A profile problem that says whose value it is and what the value is:
    ``household.members[2] (child Biret Somby): fødselsnummer: invalid check digit``."""
    if not path:
        return Problem(path, reason)
    subject = f"{whose(path, data)}: {label_of(path, _vocabulary())}"
    return Problem(path, reason, subject)


def _cross_checks(profile: Profile, today: date) -> list[Problem]:
    """Agreement between values: identifiers and birth dates, account number and IBAN, no
    birth date after today, at most one partner living with the client."""
    people = [("", profile.identifiers, profile.person.birth_date)] + [
        (f"household.members[{i}].", m.identifiers, m.birth_date)
        for i, m in enumerate(profile.household.members)
    ]
    found = [
        (f"{where}identifiers.{name}", reason)
        for where, ids, birth in people
        for name in ("no_fnr", "no_dnr")
        if (reason := birth_date_mismatch(getattr(ids, name), birth))
    ]
    found += [
        (f"{where or 'person.'}birth_date", f"in the future ({birth.isoformat()})")
        for where, _ids, birth in people
        if birth is not None and birth > today
    ]
    partners = profile.household.partners()
    if len(partners) > 1:
        names = " and ".join(f"household.members[{i}] ({whose_words(m)})" for i, m in partners)
        found.append(
            (
                "household.members",
                f"more than one spouse or partner lives with the client: {names}; "
                "only one can (set lives_with_client = false on the other)",
            )
        )
    reason = account_mismatch(profile.bank.no_account, profile.bank.iban)
    found += [("bank.iban", reason)] if reason else []
    return [described(where, why, profile) for where, why in found]


def whose_words(member: HouseholdMember) -> str:
    """'partner Per Hansen': a member's relation and name."""
    return " ".join(w for w in (member.relation, member.full_name) if w)


def parse_profile(
    data: Mapping[str, Any], source: str = "<profile>", *, today: date | None = None
) -> Profile:
    """Validate ``data`` into a Profile; ProfileError lists every problem by dotted path, each
    saying whose value it is. A birth date after ``today`` (default: the system date) and two
    partners living with the client are errors."""
    try:
        profile = Profile.model_validate(dict(data))
    except ValidationError as e:
        vocab = _vocabulary()
        problems = [
            described(dotted(tuple(err["loc"])), problem_message(err, vocab), data)
            for err in e.errors()
        ]
        raise ProfileError(source, problems) from None
    problems = _cross_checks(profile, today or date.today())
    if problems:
        raise ProfileError(source, problems)
    return profile


#: marital statuses that say the client lives with no spouse or partner
_ALONE = ("single", "separated", "divorced", "widowed")


def profile_warnings(profile: Profile, on: date) -> list[Problem]:
    """Values that are possible but unlikely enough that a person should look before a form is
    signed: a child born before its parent or when the client was under 12, an age over 120,
    a marital status that contradicts who lives with the client. Each names whose value it is."""
    found: list[tuple[str, str]] = []
    client_birth = profile.person.birth_date
    people = [("person.birth_date", client_birth)] + [
        (f"household.members[{i}].birth_date", m.birth_date)
        for i, m in enumerate(profile.household.members)
    ]
    for where, birth in people:
        if (age := age_on(birth, on)) is not None and age > 120:
            found.append((where, f"age {age} on {on.isoformat()}: over 120, check the year"))
    for i, m in enumerate(profile.household.members):
        if m.relation != "child" or m.birth_date is None or client_birth is None:
            continue
        where = f"household.members[{i}].birth_date"
        if m.birth_date <= client_birth:
            found.append(
                (
                    where,
                    f"born {m.birth_date.isoformat()}, before the client "
                    f"({client_birth.isoformat()})",
                )
            )
        elif (at := age_on(client_birth, m.birth_date)) is not None and at < 12:
            found.append((where, f"the client was {at} when this child was born"))
    status = profile.person.marital_status
    partner = profile.household.partner
    found += _marital_warnings(profile, status, partner)
    return [described(where, why, profile) for where, why in found]


def _marital_warnings(
    profile: Profile, status: str | None, partner: HouseholdMember | None
) -> list[tuple[str, str]]:
    if status is None:
        return []
    if partner is not None and status in _ALONE:
        i = profile.household.members.index(partner)
        return [
            (
                "person.marital_status",
                f"{status}, but household.members[{i}] ({whose_words(partner)}) lives with the "
                "client: forms will say the client has a partner",
            )
        ]
    if partner is None and status == "cohabiting":
        return [("person.marital_status", "cohabiting, but no partner lives with the client")]
    spouses = [
        i
        for i, m in enumerate(profile.household.members)
        if m.relation == "spouse" and status not in ("married", "registered_partner", "separated")
    ]
    return [
        (
            f"household.members[{i}].relation",
            f"spouse, but the client's marital status is {status}",
        )
        for i in spouses
    ]


def load_profile(path: Path) -> Profile:
    """Load a profile from a JSON file (UTF-8); bad JSON names the file, line and column."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except OSError as e:
        raise ProfileError(str(path), [Problem("", f"cannot read: {e.strerror}")]) from None
    except UnicodeDecodeError as e:
        raise ProfileError(str(path), [Problem("", f"not UTF-8 text: {e.reason}")]) from None
    except json.JSONDecodeError as e:
        raise ProfileError(
            str(path), [Problem(f"line {e.lineno}, column {e.colno}", f"not valid JSON: {e.msg}")]
        ) from None
    if not isinstance(data, dict):
        raise ProfileError(str(path), [Problem("", "the top level must be a JSON object")])
    return parse_profile(data, source=str(path))


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
    return resolve(profile, path, on, _vocabulary())


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
