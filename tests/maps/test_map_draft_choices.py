"""Options for a choice field drafted onto a code-valued profile path, from the field's own
export values: countries and languages by code or by their name in the form's language (CLDR,
through Babel), US states by code or name, enumerations by value or the lexicon's words."""

from __future__ import annotations

import pytest

from formfill.maps.draft.choices import code_kind, match_options
from formfill.maps.draft.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "Netherlands"), ("nb", "Nederland"), ("nn", "Nederland"), ("nl", "Nederland"),
     ("de", "Niederlande"), ("fr", "Pays-Bas"), ("es", "Países Bajos")],
)  # fmt: skip
def test_country_names_are_read_in_the_forms_language(language: str, name: str) -> None:
    """The Netherlands by code or by its name in each language the drafter reads (CLDR)."""
    m = match_options("person.citizenship", [("", "Velg"), ("NL", "NL"), (name, name)], language)
    assert (m.options, m.unmatched) == ({"NL": "NL"}, [])  # the code's export first
    m = match_options("address.current.country", [(name, name)], language)
    assert (m.options, m.unmatched, m.complete) == ({"NL": name}, [], True)


def test_states_languages_and_enumerations_match_by_code_or_name() -> None:
    """US states by code or name; languages by name in the form's language; an enumeration by
    its value or the lexicon's words; what names nothing is reported, not guessed."""
    m = match_options("address.current.state", [("IL", "Illinois"), ("Ohio", "Ohio")], "en")
    assert m.options == {"IL": "IL", "OH": "Ohio"} and m.complete
    m = match_options("address.current.state", [("AB", "Alberta")], "en")
    assert not m.complete and m.unmatched == ["AB"]
    m = match_options("contact.preferred_language", [("Inglés", ""), ("Alemán", "")], "es")
    assert m.options == {"en": "Inglés", "de": "Alemán"}
    m = match_options("household.everyone[1].relation", [("", "Select"), ("CHILD", "Child")], "en")
    assert m.options == {"child": "CHILD"} and m.complete
    m = match_options("person.sex", [("Man", "Man")], "en", {"man": frozenset({"male"})})
    assert m.options == {"male": "Man"}
    assert not match_options("person.given_name", [("Ola", "Ola")], "nb").kind


def test_code_valued_paths_are_known_by_their_type() -> None:
    """Country and Language typed fields, address states and enumerations hold codes, under any
    person of the household too; a name does not."""
    assert code_kind("person.citizenship") == "country"
    assert code_kind("household.children[1].identifiers.other[0].country") == "country"
    assert code_kind("contact.interpreter_language") == "language"
    assert code_kind("address.previous[0].state") == "us_state"
    assert code_kind("household.partner.relation") == "choices"
    assert code_kind("person.marital_status") == "choices"
    assert code_kind("person.given_name") == ""


def test_the_lexicons_words_name_codes_before_cldr() -> None:
    """'Woman' is female and 'Norsk' the profile's nb (not CLDR's 'no'), from the lexicon's
    conditions."""
    values = load_lexicon().values
    m = match_options("person.sex", [("Woman", "Woman"), ("Man", "Man")], "en", values["sex"])
    assert m.options == {"female": "Woman", "male": "Man"} and m.complete
    m = match_options("contact.preferred_language", [("Norsk", "")], "nb", values["language"])
    assert m.options == {"nb": "Norsk"}
