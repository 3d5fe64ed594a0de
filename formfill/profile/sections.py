"""The sections of the client profile: person and identifiers, contact and addresses, money
(income, bank, work, benefits) and the representative, with the base every profile model shares.

Every model forbids unknown keys, so a typo is an error. Identifiers are checked with
python-stdnum and stored compact. Derived values (full names, ages, monthly income, address
lines) are model properties, or methods taking the reference date ``on``, registered in the
vocabulary with ``derived``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from formfill.profile.paths import (
    age_on,
    cents,
    derived,
    initials,
    monthly,
    postal_line,
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
    Role,
    Sex,
    Tenure,
    UsSsn,
    org_number,
    postal_code,
    us_state,
)

__all__ = [
    "Address", "Addresses", "Bank", "Benefit", "Benefits", "Contact", "Employment", "Housing",
    "Identifiers", "Income", "IncomeSource", "OtherIdentifier", "Person", "Representative",
    "ResidencePermit",
]  # fmt: skip

# _f and _Model are the package's own: formfill.profile.household and .model build on them too


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


class Housing(_Model):
    """The client's home: how they hold it. Forms ask it as a choice (the bostøtte form's
    Boform: Leier, Eier, Borettslag, Kommunal bolig); a Dutch huurtoeslag implies renting."""

    tenure: Tenure | None = _f(
        d="How the client holds the home: rent (nb leier, nl huurwoning), municipal_rent "
        "(rents from the municipality: nb kommunal bolig, nl gemeentewoning), own (nb eier, "
        "nl koopwoning), cooperative (a share in a housing co-operative: nb borettslag, nl "
        "wooncoöperatie), other (lodging, institution, no fixed home)",
        ex="rent",
        t="housing tenure",
    )
    # huurtoeslag's rent limit: the rent of the contract, which the screening checks
    monthly_rent: Decimal | None = _f(
        d="Monthly rent: the basic rent plus service costs (nl kale huur plus servicekosten)",
        ex=Decimal("725.50"),
        ge=0,
    )
    rent_currency: Currency | None = _f(
        d="Currency of the rent (ISO 4217; unsaid: the home country's)", ex="EUR"
    )


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
    # unsaid: the client's home country where there is an employer (profile/model.py)
    employer_country: Country | None = _f(
        d="Country of the employer (ISO 3166 alpha-2; unsaid: the home country's)", ex="NO"
    )
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
    currency: Currency | None = _f(d="Currency of the amount (ISO 4217)", ex="NOK")
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
