"""Household members chosen by relation (partner, children oldest first, others), whose value a
profile message is about, and the plausibility warnings shown before a form is signed."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from formfill.errors import ProfileError
from formfill.profile.model import json_schema, resolve_path, vocabulary
from formfill.profile.validation import parse_profile, profile_warnings

ON = date(2026, 11, 23)

PARTNER = {"relation": "partner", "given_name": "Per", "family_name": "Hansen",
           "birth_date": "1985-02-01"}  # fmt: skip
CHILDREN = [
    {"relation": "child", "given_name": n, "family_name": "Somby", "birth_date": b}
    for n, b in (("Ánne", "2014-05-02"), ("Biret", "2017-09-30"), ("Máhtte", "2020-01-15"))
]
GRANDMA = {"relation": "parent", "given_name": "Elle", "family_name": "Somby",
           "birth_date": "1950-03-03"}  # fmt: skip


def profile_of(members: list[dict[str, Any]], **person: Any) -> Any:
    data = {
        "person": {"given_name": "Márjá", "family_name": "Somby", "birth_date": "1988-03-14",
                   **person},
        "household": {"members": members},
    }  # fmt: skip
    return parse_profile(data, today=ON)


@pytest.mark.parametrize("order", list(itertools.permutations(range(5))))
def test_relation_paths_do_not_depend_on_entry_order(order: tuple[int, ...]) -> None:
    """Whatever order the household was entered in, the partner is the partner, children come
    oldest first and the parent is among the others."""
    people = [PARTNER, *CHILDREN, GRANDMA]
    p = profile_of([people[i] for i in order])
    assert resolve_path(p, "household.partner.given_name", ON) == "Per"
    names = [resolve_path(p, f"household.children[{i}].given_name", ON) for i in range(4)]
    assert names == ["Ánne", "Biret", "Máhtte", None]
    assert resolve_path(p, "household.others[0].given_name", ON) == "Elle"
    assert resolve_path(p, "household.others[1].given_name", ON) is None
    assert resolve_path(p, "household.children_count", ON) == 3


def test_children_ties_and_unknown_birth_dates_keep_entry_order() -> None:
    """Twins keep the order they were entered in; a child without a birth date comes last."""
    twins = [
        {"relation": "child", "given_name": "Nils", "birth_date": "2019-04-04"},
        {"relation": "child", "given_name": "Unknown"},
        {"relation": "child", "given_name": "Lasse", "birth_date": "2019-04-04"},
        {"relation": "child", "given_name": "Eldest", "birth_date": "2010-01-01"},
    ]
    p = profile_of(twins)
    assert [c.given_name for c in p.household.children] == ["Eldest", "Nils", "Lasse", "Unknown"]


def test_partner_must_live_with_the_client() -> None:
    """A spouse who lives elsewhere is not the partner of the forms but one of the others."""
    away = {**PARTNER, "relation": "spouse", "lives_with_client": False}
    p = profile_of([away, *CHILDREN], marital_status="separated")
    assert p.household.partner is None
    assert resolve_path(p, "household.partner.given_name", ON) is None
    assert [o.given_name for o in p.household.others] == ["Per"]


def test_two_partners_at_home_is_an_error_naming_both() -> None:
    """Two spouses or partners living with the client cannot both be 'the partner'."""
    second = {"relation": "spouse", "given_name": "Jon", "family_name": "Eira"}
    with pytest.raises(ProfileError) as info:
        profile_of([*CHILDREN, PARTNER, second])
    text = str(info.value)
    assert "household member 4 (partner Per Hansen)" in text
    assert "household member 5 (spouse Jon Eira)" in text


def test_relation_paths_are_read_only_and_documented() -> None:
    """The vocabulary marks relation paths derived; members[] stays the writable list; the
    JSON Schema documents them as readOnly."""
    vocab = vocabulary()
    for path in ("household.partner.given_name", "household.children[].identifiers.no_fnr",
                 "household.others[].birth_date"):  # fmt: skip
        assert vocab[path].derived, path
    assert not vocab["household.members[].given_name"].derived
    props = json_schema()["$defs"]["Household"]["properties"]
    assert props["partner"]["readOnly"] and props["children"]["type"] == "array"
    assert "members" in props and not props["members"].get("readOnly")


def test_a_relation_path_cannot_be_a_profile_key() -> None:
    """A file cannot write household.partner: it is derived from members."""
    data = {"person": {"given_name": "A", "family_name": "B"}, "household": {"partner": PARTNER}}
    with pytest.raises(ProfileError, match="unknown key 'partner'"):
        parse_profile(data)


# -- whose value a message is about ------------------------------------------------------------


def test_member_problem_names_whose_value() -> None:
    """A member's invalid number says which member, their relation and name, and the field's
    name in words (not 'No fnr')."""
    bad = {**CHILDREN[1], "identifiers": {"no_fnr": "30051553168"}}
    with pytest.raises(ProfileError) as info:
        profile_of([PARTNER, CHILDREN[0], bad])
    (problem,) = info.value.problems
    assert problem.where == "household.members[2].identifiers.no_fnr"
    assert str(problem) == (
        "household member 3 (child Biret Somby): fødselsnummer: invalid check digit"
    )


def test_two_invalid_numbers_give_two_different_messages() -> None:
    """Two people with a bad fødselsnummer get a message each that tells them apart."""
    bad = {"identifiers": {"no_fnr": "30051553168"}}
    with pytest.raises(ProfileError) as info:
        profile_of([{**CHILDREN[0], **bad}, {**CHILDREN[1], **bad}])
    texts = [str(p) for p in info.value.problems]
    assert len(set(texts)) == 2
    assert "Ánne Somby" in texts[0] and "Biret Somby" in texts[1]


def test_birth_date_in_the_future_is_refused() -> None:
    """A birth date after today is an error for the client and for a member."""
    with pytest.raises(ProfileError) as info:
        profile_of([{**CHILDREN[0], "birth_date": "2027-01-01"}], birth_date="2030-05-05")
    found = {p.where: str(p) for p in info.value.problems}
    assert "in the future (2030-05-05)" in found["person.birth_date"]
    assert found["household.members[0].birth_date"].startswith(
        "household member 1 (child Ánne Somby): birth date: in the future"
    )


def test_every_problem_at_once_a_bad_number_does_not_hide_a_future_birth_date() -> None:
    """A check digit (a value error) and a birth date in the future (a check between values)
    are both reported by the same save, each once, so nobody meets the second on the next."""
    bad = {"identifiers": {"no_fnr": "30051553168"}, "birth_date": "2027-01-01"}
    with pytest.raises(ProfileError) as info:
        profile_of([{**CHILDREN[0], **bad}], birth_date="2030-05-05")
    wheres = [p.where for p in info.value.problems]
    assert sorted(wheres) == sorted(
        [
            "household.members[0].identifiers.no_fnr",
            "person.birth_date",
            "household.members[0].birth_date",
        ]
    )


def test_a_broken_income_does_not_hide_a_childs_future_birth_date() -> None:
    """An income missing its period (another section) and a bad date of a second child still
    leave the first child's future birth date reported in the same round."""
    from formfill.profile.validation import parse_profile

    data = {
        "person": {"given_name": "Máret", "family_name": "Søbakken", "birth_date": "1990-01-01"},
        "household": {"members": [
            {"relation": "child", "given_name": "Čiekčá", "birth_date": "2030-09-12"},
            {"relation": "child", "given_name": "Åse", "birth_date": "52015-02-20"},
        ]},
        "income": {"sources": [{"kind": "salary", "amount": "x"}]},
    }  # fmt: skip
    with pytest.raises(ProfileError) as info:
        parse_profile(data, today=date(2026, 12, 3))
    codes = {(p.where, p.code) for p in info.value.problems}
    assert ("household.members[0].birth_date", "birth_in_future") in codes
    assert ("household.members[1].birth_date", "not_date") in codes
    assert ("income.sources[0].period", "required") in codes


# -- plausibility ---------------------------------------------------------------------------------


def test_plausible_profile_has_no_warnings() -> None:
    """A single parent with three children and a grandmother raises nothing."""
    assert profile_warnings(profile_of([*CHILDREN, GRANDMA], marital_status="single"), ON) == []


def test_child_born_before_parent_or_parent_under_12() -> None:
    """A child older than the client, or born when the client was 11, is a warning naming the
    child."""
    old = {"relation": "child", "given_name": "Old", "birth_date": "1980-01-01"}
    young = {"relation": "child", "given_name": "Young", "birth_date": "1999-01-01"}
    warnings = {p.where: str(p) for p in profile_warnings(profile_of([old, young]), ON)}
    assert "before the client" in warnings["household.members[0].birth_date"]
    assert "(child Old)" in warnings["household.members[0].birth_date"]
    assert "the client was 10" in warnings["household.members[1].birth_date"]


def test_age_over_120_is_a_warning() -> None:
    """A birth year typed wrong (1899) shows up before a form is signed."""
    warnings = profile_warnings(profile_of([], birth_date="1899-03-14"), ON)
    assert [p.where for p in warnings] == ["person.birth_date"]
    assert "over 120" in warnings[0].message


@pytest.mark.parametrize(
    ("status", "members", "expect"),
    [
        ("single", [PARTNER], "person.marital_status"),
        ("divorced", [{**PARTNER, "relation": "spouse"}], "person.marital_status"),
        ("cohabiting", [], "person.marital_status"),
        ("single", [{**PARTNER, "relation": "spouse", "lives_with_client": False}],
         "household.members[0].relation"),
    ],
)  # fmt: skip
def test_marital_status_contradicting_the_household(
    status: str, members: list[dict[str, Any]], expect: str
) -> None:
    """A marital status that says 'alone' with a partner at home (the single mother whose
    samboer was entered first), or 'cohabiting' with nobody, is a warning."""
    warnings = profile_warnings(profile_of(members, marital_status=status), ON)
    assert [p.where for p in warnings] == [expect]


@pytest.mark.parametrize(
    ("status", "members"),
    [("married", [{**PARTNER, "relation": "spouse"}]), ("cohabiting", [PARTNER]),
     ("separated", [{**PARTNER, "relation": "spouse", "lives_with_client": False}])],
)  # fmt: skip
def test_marital_status_agreeing_with_the_household(
    status: str, members: list[dict[str, Any]]
) -> None:
    """Married with a spouse at home, cohabiting with a partner: no warning."""
    assert profile_warnings(profile_of(members, marital_status=status), ON) == []
