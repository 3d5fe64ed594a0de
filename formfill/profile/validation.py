"""Parsing and checking a client profile: :func:`parse_profile` reports every problem at once,
each under its dotted path and saying whose value it is (``household.members[1] (child Ola
Nordmann): fødselsnummer: invalid check digit``); :func:`load_profile` reads a JSON file;
:func:`profile_warnings` lists values that are possible but unlikely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from formfill.errors import Problem, ProfileError
from formfill.profile.household import HouseholdMember
from formfill.profile.model import Profile, label_of_path, vocabulary
from formfill.profile.paths import age_on, dotted, problem_message
from formfill.profile.types import account_mismatch, birth_date_mismatch

__all__ = ["described", "load_profile", "parse_profile", "profile_warnings", "whose"]


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
    subject = f"{whose(path, data)}: {label_of_path(path)}"
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
        vocab = vocabulary()
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
