"""Profile problems (formfill.errors.Problem with a code and parameters) in the reader's
language: whose value it is ("Husstandsmedlem 3 (Biret Somby)", members counted from one), the
field's label from the client form, and the reason from the catalog. The core says what is
wrong; this only words it. A problem without a code (or with a code not listed here) keeps the
core's English reason."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formfill.errors import Problem
from formfill.profile.validation import owner
from formfill.text import date_locale
from web.form_labels import CHOICES, ITEM, label

#: code -> the reason in the reader's language; %(name)s are the problem's parameters
REASONS: Mapping[str, Any] = {
    "required": _l("required"),
    "unknown_key": _l("not a field of the profile (%(key)s)"),
    "not_date": _l("not a date: %(value)s"),
    "not_amount": _l("not an amount: %(value)s"),
    "not_whole_number": _l("not a whole number: %(value)s"),
    "not_yes_or_no": _l("not yes or no: %(value)s"),
    "not_a_choice": _l("“%(value)s” is not one of the choices"),
    "not_text": _l("must be text"),
    "not_an_object": _l("not valid here"),
    "not_a_list": _l("not valid here"),
    "out_of_range": _l("out of range: %(value)s"),
    "check_digit": _l("invalid check digit"),
    "length": _l("wrong number of digits or characters"),
    "format": _l("wrong format"),
    "component": _l("not a valid number"),
    "invalid": _l("not a valid number"),
    "fnr_is_dnr": _l("this is a D-number (day + 40): enter it as the D-number"),
    "not_dnr": _l("not a D-number: the first digit must be 4 to 7"),
    "country": _l("not a country"),
    "currency": _l("not a currency code (such as EUR or NOK)"),
    "email": _l("not an e-mail address"),
    "phone": _l(
        "not a phone number: digits, with + and the country code if abroad (+47 912 34 567)"
    ),
    "language": _l("not a language"),
    "postal_code_no": _l("not a Norwegian postal code (4 digits)"),
    "postal_code_us": _l("not a US ZIP code (5 or 9 digits)"),
    "us_state": _l("not a two-letter US state code"),
    "id_birth_mismatch": _l("the number says born %(number_date)s, not %(birth)s"),
    "birth_in_future": _l("in the future (%(birth)s)"),
    "partners": _l(
        "more than one spouse or partner lives with the client: %(members)s; only one can "
        "(untick “Lives with the client” for the other)"
    ),
    "iban_mismatch": _l("does not match the Norwegian account number"),
    "age_over_120": _l("age %(age)s on %(on)s: over 120, check the year"),
    "child_born_before_client": _l("born %(born)s, before the client (%(client_born)s)"),
    "client_young_at_birth": _l("the client was %(age)s when this child was born"),
    "partner_at_home": _l(
        "%(status)s, but %(member)s lives with the client: forms will say the client has a partner"
    ),
    "cohabiting_alone": _l("cohabiting, but no partner lives with the client"),
    "spouse_not_married": _l("spouse, but the client's marital status is %(status)s"),
}

_ROW = re.compile(r"(income\.sources|address\.previous)\[(\d+)\]")


def _lang() -> str:
    return str(get_locale() or "en")


def person(path: str, data: Any) -> str:
    """Whose value ``path`` holds, as the reader names it: "Household member 3 (Biret Somby)",
    "Client (Kari Nordmann)", "Representative (Margaret Whitfield)"; a member without a name
    is named by relation."""
    o = owner(path, data)
    if o.kind == "member":
        head = f"{_(ITEM['household.members'])} {o.number}"
        words = o.name or (_(CHOICES[o.role]).lower() if o.role in CHOICES else "")
    else:
        head = _("Representative") if o.kind == "representative" else _("Client")
        words = o.name
    return f"{head} ({words})" if words else head


def subject(path: str, data: Any) -> str:
    """Whose value and which field: "Husstandsmedlem 3 (Biret Somby): Fødselsnummer (Norge)",
    "Klient (Kari): Inntektskilde 2: Beløp"."""
    head = person(path, data)
    if m := _ROW.match(path):
        head = f"{head}: {_(ITEM[m.group(1)])} {int(m.group(2)) + 1}"
    generic = re.sub(r"\[\d+\]", "[]", path)
    if "." not in path or generic.endswith("[]") or re.fullmatch(r"household\.members", path):
        return head
    if path.startswith("address.") and not _ROW.match(path):
        # the form asks for several addresses: the section says which "Land" or "Poststed"
        # it is ("Nåværende adresse: Land")
        from web.labels import path_label

        return f"{head}: {path_label(path)}"
    return f"{head}: {_(label(generic))}"


def _arg(key: str, value: Any, data: Any) -> str:
    if isinstance(value, date):
        return format_date(value, "medium", locale=date_locale(_lang()))
    if key == "member" and isinstance(value, int):
        return person(f"household.members[{value}]", data)
    if key == "members" and isinstance(value, tuple | list):
        people = [person(f"household.members[{i}]", data) for i in value]
        if len(people) == 2:
            return _("%(first)s and %(second)s", first=people[0], second=people[1])
        return ", ".join(people)
    if key == "status" and isinstance(value, str) and value in CHOICES:
        return _(CHOICES[value]).lower()
    return "" if value is None else str(value)


def reason(problem: Problem, data: Any) -> str:
    """The problem's reason in the reader's language (the core's English without a code)."""
    text = REASONS.get(problem.code)
    if text is None:
        return problem.message
    args = {k: _arg(k, v, data) for k, v in problem.args.items()}
    try:
        return str(text) % args if args else str(text)
    except (KeyError, TypeError, ValueError):  # a translation naming a missing parameter
        return problem.message


def problem_text(problem: Problem, data: Any) -> str:
    """ "Husstandsmedlem 3 (Biret Somby): Fødselsnummer (Norge): ugyldig kontrollsiffer"."""
    if not problem.where or (not problem.code and not problem.subject):
        return str(problem)
    return f"{subject(problem.where, data)}: {reason(problem, data)}"
