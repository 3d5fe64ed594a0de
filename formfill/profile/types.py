"""Validated scalar types of the client profile: national identifiers, bank and organisation
numbers (all checked with python-stdnum and stored compact), country, currency, language and
contact formats, and postal codes by country.

Each check raises a pydantic error whose message is a plain reason ("invalid check digit");
``formfill.profile.validation`` puts the dotted path in front of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Annotated, Literal

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from stdnum import bic, iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn
from stdnum.nl import postcode as nl_postcode
from stdnum.no import fodselsnummer, kontonr, orgnr
from stdnum.us import ein, ssn


def _plain(error: StdnumError) -> str:
    return str(error).rstrip(".")[:1].lower() + str(error).rstrip(".")[1:]


def stdnum_check(
    module: ModuleType,
    what: str,
    extra: Callable[[str], None] | None = None,
    component: str | None = None,
) -> Callable[[str], str]:
    """A validator running python-stdnum's ``module.validate`` (which returns the compact
    number) with the reason in plain words; ``extra`` checks more; ``component`` replaces
    stdnum's message for an invalid part of the number."""

    def check_number(value: str) -> str:
        try:
            number: str = module.validate(value)
        except InvalidChecksum:
            raise PydanticCustomError("check_digit", "invalid check digit") from None
        except InvalidLength:
            raise PydanticCustomError("length", f"wrong length for a {what}") from None
        except InvalidFormat:
            raise PydanticCustomError("format", f"not a {what}: wrong format") from None
        except InvalidComponent as e:
            reason = component or _plain(e)
            raise PydanticCustomError("component", f"not a valid {what}: {reason}") from None
        except StdnumError as e:
            raise PydanticCustomError("invalid", f"not a valid {what}: {_plain(e)}") from None
        if extra is not None:
            extra(number)
        return number

    return check_number


def _not_dnr(number: str) -> None:
    if int(number[0]) >= 4:
        raise PydanticCustomError("fnr_is_dnr", "this is a D-number (day + 40): put it in no_dnr")


def _is_dnr(number: str) -> None:
    if not 4 <= int(number[0]) <= 7:
        raise PydanticCustomError("not_dnr", "not a D-number: the first digit must be 4 to 7")


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise PydanticCustomError("country", "not a two-letter country code (ISO 3166)")
    return value.upper()


def _pattern(
    regex: str, reason: str, fold: Callable[[str], str] = str.strip, code: str = "pattern"
) -> Callable[[str], str]:
    def check_pattern(value: str) -> str:
        value = fold(value)
        if not re.fullmatch(regex, value):
            raise PydanticCustomError(code, reason)
        return value

    return check_pattern


NoFnr = Annotated[str, AfterValidator(stdnum_check(fodselsnummer, "fødselsnummer", _not_dnr))]
NoDnr = Annotated[str, AfterValidator(stdnum_check(fodselsnummer, "D-number", _is_dnr))]
NlBsn = Annotated[str, AfterValidator(stdnum_check(bsn, "BSN"))]
_SSN_PARTS = "area 000, 666 or 9xx, group 00 and serial 0000 are never issued"
UsSsn = Annotated[
    str, AfterValidator(stdnum_check(ssn, "social security number", component=_SSN_PARTS))
]
Iban = Annotated[str, AfterValidator(stdnum_check(iban, "IBAN"))]
Bic = Annotated[str, AfterValidator(stdnum_check(bic, "BIC"))]
NoAccount = Annotated[str, AfterValidator(stdnum_check(kontonr, "Norwegian account number"))]
Country = Annotated[str, AfterValidator(_country)]
Currency = Annotated[
    str,
    AfterValidator(
        _pattern(
            r"[A-Z]{3}", "not a currency code (ISO 4217)", lambda v: v.strip().upper(), "currency"
        )
    ),
]
Email = Annotated[
    str,
    AfterValidator(_pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+", "not an e-mail address", code="email")),
]
Phone = Annotated[
    str, AfterValidator(_pattern(r"\+?[0-9(][0-9 ()./-]{4,20}", "not a phone number", code="phone"))
]
Language = Annotated[
    str,
    AfterValidator(
        _pattern(
            r"[a-z]{2,3}", "not a language code (ISO 639)", lambda v: v.strip().lower(), "language"
        )
    ),
]
#: the languages a client may prefer or need an interpreter for (ISO 639 codes), offered by the
#: shells as a list; a profile may hold any well-formed code (older data, a rare language)
LANGUAGES: tuple[str, ...] = (
    "nb", "nn", "se", "smj", "sma", "nl", "fy", "pap", "en", "de", "fr", "es", "pt", "it",
    "pl", "lt", "lv", "et", "fi", "sv", "da", "is", "ru", "uk", "be", "ro", "bg", "hu", "cs",
    "sk", "sl", "hr", "sr", "bs", "sq", "mk", "el", "tr", "ku", "ckb", "ar", "fa", "ps", "ur",
    "hi", "pa", "bn", "ta", "si", "so", "ti", "am", "om", "sw", "ha", "yo", "ig", "wo", "zh",
    "vi", "th", "tl", "my", "ne", "ja", "ko", "mn", "ka", "hy", "az", "uz", "kk", "tg", "rom",
)  # fmt: skip
#: the profile fields that hold a language code
LANGUAGE_FIELDS = frozenset({"preferred_language", "interpreter_language"})
Period = Literal["week", "fortnight", "month", "year"]
Sex = Literal["female", "male", "unspecified"]
Relation = Literal["child", "spouse", "partner", "parent", "sibling", "other"]
IncomeKind = Literal["salary", "benefit", "pension", "self_employment", "capital", "other"]
Role = Literal["guardian", "power_of_attorney", "advocate", "other"]
EmploymentStatus = Literal[
    "employed", "self_employed", "unemployed", "student", "retired", "disabled", "other"
]
MaritalStatus = Literal[
    "single", "married", "registered_partner", "cohabiting", "separated", "divorced", "widowed"
]
# how the client holds their home; the options of the bostøtte form's Boform (Leier, Eier,
# Borettslag, Kommunal bolig) and what any other form asks (a Dutch huurtoeslag: renting)
Tenure = Literal["rent", "municipal_rent", "own", "cooperative", "other"]

_ORG_NUMBER = {
    "NO": stdnum_check(orgnr, "Norwegian organisation number"),
    "US": stdnum_check(ein, "US employer identification number"),
}


def org_number(value: str | None, country: str | None) -> str | None:
    """Check an organisation number where the country has a checked format (NO, US)."""
    check_org = _ORG_NUMBER.get(country or "")
    return check_org(value) if value is not None and check_org is not None else value


def postal_code(value: str, country: str | None) -> str:
    """Check a postal code for its country: NO 4 digits, NL "1234 AB" (stored so), US 5 or 9
    digits (stored "12345" or "12345-6789"); other countries are not checked."""
    if country == "NO" and not re.fullmatch(r"\d{4}", value):
        raise PydanticCustomError("postal_code_no", "not a Norwegian postal code (4 digits)")
    if country == "NL":
        return stdnum_check(nl_postcode, "Dutch postcode (1234 AB)")(value)
    if country == "US":
        m = re.fullmatch(r"(\d{5})(?:-?(\d{4}))?", value)
        if m is None:
            raise PydanticCustomError("postal_code_us", "not a US ZIP code (5 or 9 digits)")
        return "-".join(g for g in m.groups() if g)
    return value


def us_state(value: str, country: str | None) -> str:
    """A US state must be two letters (stored upper case); other countries are not checked."""
    if country != "US":
        return value
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise PydanticCustomError("us_state", "not a two-letter US state code")
    return value.upper()


def birth_date_mismatch(number: str | None, birth: date | None) -> str | None:
    """Why a (valid) fødselsnummer or D-number disagrees with the birth date, or None."""
    if not number or not birth or fodselsnummer.get_birth_date(number) == birth:
        return None
    return f"the number says born {fodselsnummer.get_birth_date(number)}, not {birth}"


def number_birth_date(number: str) -> date:
    """The birth date a (valid) fødselsnummer or D-number encodes."""
    born: date = fodselsnummer.get_birth_date(number)
    return born


def account_mismatch(no_account: str | None, iban_number: str | None) -> str | None:
    """Why a Norwegian IBAN disagrees with the Norwegian account number, or None."""
    if not no_account or not iban_number or not iban_number.startswith("NO"):
        return None
    if kontonr.to_iban(no_account).replace(" ", "") == iban_number:
        return None
    return "does not match bank.no_account"
