"""The doubt rule: low word confidence, or diacritics that differ from the profile's spelling."""

from __future__ import annotations

import unicodedata

import pytest

from formfill.evidence.doubt import (
    DOUBTFUL_BELOW,
    doubts,
    preselect,
    same_value,
    strip_marks,
)


def test_strip_marks_takes_off_diacritics_only():
    assert strip_marks("Čiekčá Máret Åsmund") == "Ciekca Maret Asmund"
    assert strip_marks("Sæther Ødegård") == "Sæther Ødegard"  # æ, ø are letters of their own


def test_low_confidence_is_doubtful_below_the_threshold():
    """0.89 is flagged and not preselected; the threshold itself is not doubtful."""
    (d,) = doubts("Ciekéá", 0.89, None)
    assert d.kind == "low_confidence" and d.confidence == 0.89
    assert str(d) == "the reader was unsure of the letters (confidence 0.89, below 0.95)"
    assert not preselect("Ciekéá", 0.89)
    assert doubts("Ciekéá", DOUBTFUL_BELOW, None) == ()
    assert doubts("text layer", None, None) == ()


@pytest.mark.parametrize(
    ("current", "read", "shown"),
    [
        ("Máret", "Måret", "Máret vs Måret"),
        ("Máret", "Maret", "Máret vs Maret"),  # marks lost
        ("Åsmund", "Asmund", "Åsmund vs Asmund"),
        ("Zoë", "Zoe", "Zoë vs Zoe"),
    ],
)
def test_letters_that_differ_only_in_diacritics_are_doubtful(current, read, shown):
    (d,) = doubts(read, 0.99, current)
    assert d.kind == "letters_differ"
    assert str(d) == f"letters differ from the profile's spelling: {shown}"
    assert not preselect(read, 0.99, current)


def test_letters_compared_word_by_word():
    """Only the word whose marks differ is named; a different word (Ciekéá is not Čiekčá with
    other marks) is not a diacritics doubt, it is another value."""
    got = doubts("Måret Ciekéá", 0.99, "Máret Čiekčá")
    assert [(d.current, d.proposed) for d in got] == [("Máret", "Måret")]
    both = doubts("Måret Ciekéá", 0.89, "Máret Čiekčá")
    assert [d.kind for d in both] == ["low_confidence", "letters_differ"]


def test_not_doubtful_when_same_or_really_different():
    assert doubts("Máret", 0.99, "Máret") == ()
    # NFD input (a decomposed á) is the same spelling as NFC
    assert doubts(unicodedata.normalize("NFD", "Máret"), 0.99, "Máret") == ()
    assert doubts("MÁRET", 0.99, "Máret") == ()  # case is not a diacritic
    assert doubts("Kari", 0.99, "Máret") == ()  # another name altogether
    assert doubts("Máret", 0.99, None) == ()  # nothing in the profile to compare with
    assert doubts("39872.00", 0.99, "38450.00") == ()
    assert preselect("Máret", 0.99, "Máret")


def test_same_value_compares_numbers_as_numbers():
    assert same_value("38500", "38500.00") and same_value("38500.00", "38500.00")
    assert not same_value("38500.00", "39872.00")
    assert same_value(" Oslo ", "Oslo") and not same_value("Máret", "Måret")
    assert not same_value(True, "1")


def test_a_name_or_number_of_someone_else_is_a_doubt_of_its_own() -> None:
    """A letter filed for Máret that names Kari Nordmann: never offered as the default."""
    from formfill.evidence.doubt import doubts

    other = doubts("Kari", 0.96, "Máret", path="person.given_name")
    assert [d.kind for d in other] == ["other_person"] and "Kari" in str(other[0])
    assert [d.kind for d in doubts("Maret", 0.99, "Máret", path="person.given_name")] == [
        "letters_differ"
    ]  # the same name read without its accent is the reader's doubt, not another person
    assert doubts("140388 12468", 0.99, "14038812468", path="identifiers.no_fnr") == ()
    assert doubts("14038812468", 0.99, "01017012345", path="identifiers.no_fnr")[0].kind == (
        "other_person"
    )
    assert doubts("Kari", 0.99, None, path="person.given_name") == ()  # nothing to compare
    assert doubts("Oslo", 0.99, "Bergen", path="address.current.city") == ()  # people move


def test_every_value_of_a_document_naming_someone_else_is_doubtful() -> None:
    """Kari's pay slip filed for Máret: the employer and the amount cannot be compared with
    anything of Máret's, yet they are Kari's; each gets the document's doubt, and the name
    keeps its own. A document that names nobody else changes nothing."""
    from formfill.evidence.doubt import doubts, preselect, whose

    read = [
        doubts("Kari", 0.99, "Máret", path="person.given_name"),
        doubts("Fjordkraft Testbedrift AS", 0.99, None, path="employment.employer"),
        doubts("42500.00", 0.99, None, path="income.sources[0].amount"),
    ]
    marked = whose(read)
    assert [d.kind for d in marked[0]] == ["other_person"]
    assert [[d.kind for d in ds] for ds in marked[1:]] == [["whose_document"]] * 2
    assert "Kari" in str(marked[1][0]) and "Máret" in str(marked[1][0])
    mine = [doubts("Máret", 0.99, "Máret", path="person.given_name"), read[1], read[2]]
    assert whose(mine) == mine and preselect("42500.00", 0.99)


def test_letters_ocr_reads_as_their_look_alikes_do_not_make_another_person() -> None:
    """The client's own slip read "Čuđđá-Østgård" as "Cuddå-Østgård": the same name to the
    question whose document it is (a doubt about its letters), not someone else's."""
    from formfill.evidence.doubt import doubts

    read = doubts("Cuddå-Østgård", 0.97, "Čuđđá-Østgård", path="person.family_name")
    assert "other_person" not in [d.kind for d in read]
    assert "other_person" in [
        d.kind for d in doubts("Nordmann", 0.99, "Čuđđá-Østgård", path="person.family_name")
    ]


def test_the_clients_own_number_on_a_document_makes_it_the_clients() -> None:
    """A document giving the client's fødselsnummer is the client's, whatever the reader made
    of her name: the name keeps a doubt about its letters, no value is flagged as another
    person's and nobody is told to reject the document."""
    from formfill.evidence.doubt import doubts, whose

    read = [
        doubts("Maret Anne X", 0.99, "Máret Ánne Čiekčá", path="person.full_name"),
        doubts("42500.00", 0.99, None, path="income.sources[0].amount"),
    ]
    assert read[0][0].kind == "other_person"  # on its own, the name differs too much
    marked = whose(read, same_id=True)
    assert marked[0] and {d.kind for d in marked[0]} == {"letters_differ"}
    assert marked[1] == ()


def test_an_account_holder_is_compared_as_a_name_in_any_order() -> None:
    """A bank writes the holder family name first, in capitals, often without a middle name:
    that is the client's account; a different person's name is another person's."""
    from formfill.evidence.doubt import doubts

    mine = doubts("SÆTHER TUVA", 0.99, "Tuva Ødegård Sæther", path="bank.account_holder")
    assert "other_person" not in [d.kind for d in mine]
    other = doubts("Kari Nordmann", 0.99, "Tuva Ødegård Sæther", path="bank.account_holder")
    assert [d.kind for d in other] == ["other_person"]
    assert "other_person" in [
        d.kind for d in doubts("TUVA", 0.99, "Tuva Ødegård Sæther", path="bank.account_holder")
    ]
