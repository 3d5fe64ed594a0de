"""A name read whole is split as the client's profile splits it (walk 7: 'Máret Čiekčá Ålund'
on a pay slip proposed the given name 'Maret Ciekéá', the middle name written into it)."""

from __future__ import annotations

from formfill.evidence.names import fit_names
from formfill.evidence.proposals import Proposal


def _given(value: str, path: str = "person.given_name") -> Proposal:
    return Proposal(path, value, 0.89, 1, (0.1, 0.2, 0.3, 0.25), "Ansatt:", False, "", "employee")


MARET = {"person": {"given_name": "Máret", "middle_name": "Čiekčá", "family_name": "Ålund"}}


def test_the_middle_name_is_proposed_apart_even_misread() -> None:
    got = fit_names([_given("Maret Ciekéá")], MARET)
    assert [(p.path, p.value) for p in got] == [
        ("person.given_name", "Maret"),
        ("person.middle_name", "Ciekéá"),  # as read: the specialist sees what the page says
    ]
    assert all(p.confidence == 0.89 and p.box == (0.1, 0.2, 0.3, 0.25) for p in got)


def test_two_given_names_stay_when_the_profile_has_no_middle_name() -> None:
    profile = {"person": {"given_name": "Anna", "family_name": "Berg"}}
    got = fit_names([_given("Anna Maria")], profile)
    assert [(p.path, p.value) for p in got] == [("person.given_name", "Anna Maria")]


def test_a_different_second_word_is_not_taken_for_the_middle_name() -> None:
    got = fit_names([_given("Maret Sofie")], MARET)
    assert [(p.path, p.value) for p in got] == [("person.given_name", "Maret Sofie")]


def test_a_given_name_alone_is_left_alone() -> None:
    got = fit_names([_given("Máret")], MARET)
    assert [(p.path, p.value) for p in got] == [("person.given_name", "Máret")]


def test_other_paths_and_other_people_pass_through() -> None:
    profile = {
        **MARET,
        "household": {"partner": {"given_name": "Ánde", "middle_name": "Niillas"}},
    }
    family = _given("Ålund", "person.family_name")
    partner = _given("Ánde Niillas", "household.partner.given_name")
    got = fit_names([family, partner], profile)
    assert [(p.path, p.value) for p in got] == [
        ("person.family_name", "Ålund"),
        ("household.partner.given_name", "Ánde"),
        ("household.partner.middle_name", "Niillas"),
    ]


def test_a_whole_name_is_split_again_as_the_profile_splits_it() -> None:
    """Walk 10: 'Fatima el Amrani-de Wit' on a loonstrook was split into the given name
    'Fatima el Amrani-de' and the family name 'Wit'; accepting either overwrote the profile's
    right value. The same words as the profile's names are split as the profile splits them."""
    given = _given("Fatima el Amrani-de")
    family = _given("Wit", "person.family_name")
    dutch = {"person": {"given_name": "Fatima", "family_name": "el Amrani-de Wit"}}
    got = fit_names([given, family], dutch)
    assert [(p.path, p.value) for p in got] == [
        ("person.given_name", "Fatima"),
        ("person.family_name", "el Amrani-de Wit"),
    ]
    with_middle = {"person": {"given_name": "Fatima", "middle_name": "el",
                              "family_name": "Amrani-de Wit"}}  # fmt: skip
    got = fit_names([given, family], with_middle)
    assert [p.path for p in got] == [
        "person.given_name", "person.middle_name", "person.family_name",
    ]  # fmt: skip
    # other words than the profile's: the reader's split stands (another person's document)
    other = fit_names([_given("Anna Maria"), _given("Berg", "person.family_name")], dutch)
    assert [(p.path, p.value) for p in other] == [
        ("person.given_name", "Anna Maria"),
        ("person.family_name", "Berg"),
    ]
