"""Parsing and checking a client profile: :func:`parse_profile` reports every problem at once,
each under its dotted path and saying whose value it is (``household.members[1] (child Ola
Nordmann): fødselsnummer: invalid check digit``); :func:`load_profile` reads a JSON file;
:func:`profile_warnings` lists values that are possible but unlikely.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from formfill.errors import Problem, ProfileError
from formfill.profile.household import HouseholdMember
from formfill.profile.model import Profile, label_of_path, vocabulary
from formfill.profile.paths import age_on, dotted, problem_code, problem_message
from formfill.profile.types import account_mismatch, birth_date_mismatch, number_birth_date

__all__ = [
    "Owner", "described", "load_profile", "owner", "parse_profile", "profile_warnings", "whose",
]  # fmt: skip


# -- parsing --------------------------------------------------------------------------------------


def _get(item: Any, key: str) -> Any:
    """A key of raw data or an attribute of a parsed model; None when absent."""
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _name(item: Any, *keys: str) -> str:
    """The name parts of a (raw or parsed) person, joined."""
    return " ".join(str(v) for k in keys if isinstance(v := _get(item, k), str) and v.strip())


_NAMES = ("given_name", "family_name")
_MEMBER = re.compile(r"household\.members\[(\d+)\]")


@dataclass(frozen=True)
class Owner:
    """Whose value a profile path holds, for a shell to word in the reader's language:
    ``kind`` client | member | representative; ``number`` the member's one-based number
    (household member 3 is ``members[2]``); ``role`` the member's relation or the
    representative's role (a code); ``name`` as typed, empty when not known."""

    kind: str
    number: int = 0
    role: str = ""
    name: str = ""


def owner(path: str, data: Any) -> Owner:
    """Whose value ``path`` holds in ``data`` (the profile, or the raw data being parsed)."""
    m = _MEMBER.match(path)
    if m:
        members = _get(_get(data, "household") or {}, "members") or []
        i = int(m.group(1))
        member = members[i] if isinstance(members, list) and i < len(members) else {}
        relation = _get(member, "relation")
        return Owner("member", i + 1, str(relation or ""), _name(member, *_NAMES))
    if path.startswith("representative"):
        rep = _get(data, "representative") or {}
        return Owner("representative", 0, str(_get(rep, "role") or ""),
                     _name(rep, *_NAMES, "organisation"))  # fmt: skip
    return Owner("client", 0, "", _name(_get(data, "person") or {}, *_NAMES))


def whose(path: str, data: Any) -> str:
    """Whose value a path holds, in English, members numbered from one as a person counts:
    ``household member 3 (child Biret Somby)`` for ``household.members[2]``, ``client (Kari
    Nordmann)``, ``representative (guardian Margaret Whitfield)``."""
    o = owner(path, data)
    head = {"member": f"household member {o.number}", "representative": "representative"}.get(
        o.kind, "client"
    )
    words = " ".join(w for w in (o.role.replace("_", " "), o.name) if w)
    return f"{head} ({words})" if words else head


def described(
    path: str, reason: str, data: Any, code: str = "", args: Mapping[str, Any] | None = None
) -> Problem:
    """A profile problem that says whose value it is and what the value is
    (``household member 3 (child Biret Somby): fødselsnummer: invalid check digit``), with the
    code and parameters a shell words in the reader's language."""
    if not path:
        return Problem(path, reason, code=code, args=dict(args or {}))
    subject = f"{whose(path, data)}: {label_of_path(path)}" if "." in path else whose(path, data)
    return Problem(path, reason, subject, code, dict(args or {}))


Found = tuple[str, str, str, dict[str, Any]]  # path, English reason, code, parameters


def _member_list(profile: Profile, indices: list[int]) -> str:
    return " and ".join(whose(f"household.members[{i}]", profile) for i in indices)


def _cross_checks(profile: Profile, today: date) -> list[Problem]:
    """Agreement between values: identifiers and birth dates, account number and IBAN, no
    birth date after today, at most one partner living with the client."""
    people = [("", profile.identifiers, profile.person.birth_date)] + [
        (f"household.members[{i}].", m.identifiers, m.birth_date)
        for i, m in enumerate(profile.household.members)
    ]
    found: list[Found] = []
    for where, ids, birth in people:
        for name in ("no_fnr", "no_dnr"):
            number = getattr(ids, name)
            if reason := birth_date_mismatch(number, birth):
                said = number_birth_date(number)
                found.append((f"{where}identifiers.{name}", reason, "id_birth_mismatch",
                              {"number_date": said, "birth": birth}))  # fmt: skip
    found += [
        (f"{where or 'person.'}birth_date", f"in the future ({birth.isoformat()})",
         "birth_in_future", {"birth": birth})
        for where, _ids, birth in people
        if birth is not None and birth > today
    ]  # fmt: skip
    partners = profile.household.partners()
    if len(partners) > 1:
        indices = [i for i, _m in partners]
        found.append(
            (
                "household.members",
                f"more than one spouse or partner lives with the client: "
                f"{_member_list(profile, indices)}; only one can (set lives_with_client = false "
                "on the other)",
                "partners",
                {"members": tuple(indices)},
            )
        )
    reason = account_mismatch(profile.bank.no_account, profile.bank.iban)
    found += [("bank.iban", reason, "iban_mismatch", {})] if reason else []
    return [described(where, why, profile, code, args) for where, why, code, args in found]


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
            described(
                dotted(tuple(err["loc"])), problem_message(err, vocab), data, *problem_code(err)
            )
            for err in e.errors()
        ]
        # the checks between values too, on the rest: a person fixing one error must not
        # meet the next (a birth date in the future) only on the next save
        said = {p.where for p in problems}
        partial = _valid_rest(data, e)
        if partial is not None:
            problems += [
                p for p in _cross_checks(partial, today or date.today()) if p.where not in said
            ]
        raise ProfileError(source, problems) from None
    problems = _cross_checks(profile, today or date.today())
    if problems:
        raise ProfileError(source, problems)
    return profile


def _valid_rest(data: Mapping[str, Any], error: ValidationError) -> Profile | None:
    """The profile without the values ``error`` found wrong, for the checks between the rest;
    taking a value out can uncover another (a member's shape), so a few rounds; None when it
    does not come out valid."""
    rest = _without(data, [tuple(err["loc"]) for err in error.errors()])
    for _round in range(4):
        if rest is None:
            return None
        try:
            return Profile.model_validate(rest)
        except ValidationError as again:
            rest = _without(rest, [tuple(err["loc"]) for err in again.errors()])
    return None


# the sections the checks between values read (birth dates, identifiers, partners, accounts)
_CROSS_SECTIONS = ("person", "identifiers", "household", "bank")


def _without(data: Mapping[str, Any], locations: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    """A deep copy of ``data`` without the values at ``locations`` (pydantic error locations),
    or None when one of them cannot be taken out (an error about the whole profile)."""
    out: dict[str, Any] = copy.deepcopy(dict(data))
    for loc in locations:
        keys = [k for k in loc if isinstance(k, (str, int))]
        if keys and keys[0] not in _CROSS_SECTIONS:  # the checks between values never read it
            out.pop(str(keys[0]), None)
            continue
        node: Any = out
        for key in keys[:-1]:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if not keys or node is None:
            return None
        last = keys[-1]
        if isinstance(node, dict) and isinstance(last, str):
            node.pop(last, None)
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = None if not isinstance(node[last], dict) else {}
        else:
            return None
    return out


#: marital statuses that say the client lives with no spouse or partner
_ALONE = ("single", "separated", "divorced", "widowed")


def profile_warnings(profile: Profile, on: date) -> list[Problem]:
    """Values that are possible but unlikely enough that a person should look before a form is
    signed: a child born before its parent or when the client was under 12, an age over 120,
    a marital status that contradicts who lives with the client. Each names whose value it is
    and carries a code and parameters (``age_over_120``, ``child_born_before_client``, ...)."""
    found: list[Found] = []
    client_birth = profile.person.birth_date
    people = [("person.birth_date", client_birth)] + [
        (f"household.members[{i}].birth_date", m.birth_date)
        for i, m in enumerate(profile.household.members)
    ]
    for where, birth in people:
        if (age := age_on(birth, on)) is not None and age > 120:
            found.append((where, f"age {age} on {on.isoformat()}: over 120, check the year",
                          "age_over_120", {"age": age, "on": on}))  # fmt: skip
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
                    "child_born_before_client",
                    {"born": m.birth_date, "client_born": client_birth},
                )
            )
        elif (at := age_on(client_birth, m.birth_date)) is not None and at < 12:
            found.append((where, f"the client was {at} when this child was born",
                          "client_young_at_birth", {"age": at}))  # fmt: skip
    status = profile.person.marital_status
    partner = profile.household.partner
    found += _marital_warnings(profile, status, partner)
    return [described(where, why, profile, code, args) for where, why, code, args in found]


def _marital_warnings(
    profile: Profile, status: str | None, partner: HouseholdMember | None
) -> list[Found]:
    if status is None:
        return []
    if partner is not None and status in _ALONE:
        i = profile.household.members.index(partner)
        return [
            (
                "person.marital_status",
                f"{status}, but {whose(f'household.members[{i}]', profile)} lives with the "
                "client: forms will say the client has a partner",
                "partner_at_home",
                {"status": status, "member": i},
            )
        ]
    if partner is None and status == "cohabiting":
        return [
            (
                "person.marital_status",
                "cohabiting, but no partner lives with the client",
                "cohabiting_alone",
                {},
            )
        ]
    spouses = [
        i
        for i, m in enumerate(profile.household.members)
        if m.relation == "spouse" and status not in ("married", "registered_partner", "separated")
    ]
    return [
        (
            f"household.members[{i}].relation",
            f"spouse, but the client's marital status is {status}",
            "spouse_not_married",
            {"status": status},
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
