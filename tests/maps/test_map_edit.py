"""Editing a map's text one entry at a time (the web editor's saves): only the entry changes,
comments stay, every result loads by the strict loader."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from formfill.errors import FormMapError
from formfill.maps.edit import FieldEdit, Rows, entries, rows_of, set_field, set_rows
from formfill.maps.loader import load_map_text
from formfill.store.forms import draft_text

REPO = Path(__file__).resolve().parents[2]
HAND = REPO / "form_maps" / "nav" / "nav-barnetrygd.toml"


def _changed(a: str, b: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(a.splitlines(), b.splitlines()))
    return [x[2:] for x in diff if x.startswith("- ")], [x[2:] for x in diff if x.startswith("+ ")]


def _loads(text: str, agency: str = "nav", form_id: str = "nav-barnetrygd") -> None:
    load_map_text(text, Path(agency) / f"{form_id}.toml")


def test_a_hand_written_map_keeps_its_comments_and_other_entries() -> None:
    text = HAND.read_text(encoding="utf-8")
    got = entries(text)
    assert got["Fornavn"].label == "Fornavn (og eventuelle mellomnavn)" and got["Fornavn"].active
    new = set_field(text, FieldEdit("Etternavn", "profile", profile="person.family_name",
                                    transforms=["upper"], required=True))  # fmt: skip
    removed, added = _changed(text, new)
    assert removed == [] and added == ['transform = "upper"']
    _loads(new)
    assert new.startswith("# Søknad om barnetrygd")


def test_a_new_field_is_added_and_todo_puts_it_back_commented() -> None:
    text = HAND.read_text(encoding="utf-8")
    new = set_field(text, FieldEdit('Navn "med" anførsel', "value", value="Ja"))
    assert entries(new)['Navn "med" anførsel'].data == {
        "field": 'Navn "med" anførsel',
        "value": "Ja",
    }
    back = set_field(new, FieldEdit('Navn "med" anførsel', "todo"))
    e = entries(back)['Navn "med" anførsel']
    assert not e.active and e.source == "todo"
    assert set_field(back, FieldEdit('Navn "med" anførsel', "skip", skip="x")).count(
        "[[fields]]"
    ) == (text.count("[[fields]]") + 1)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (FieldEdit("Fornavn", "profile"), "profile needs a profile"),
        (FieldEdit("Fornavn", "skip", skip="  "), "skip needs a reason"),
        (FieldEdit("Fornavn", "value"), "value needs the text"),
    ],
)
def test_an_edit_without_what_its_source_needs_is_refused(edit: FieldEdit, message: str) -> None:
    with pytest.raises(FormMapError) as e:
        set_field(HAND.read_text(encoding="utf-8"), edit)
    assert message in str(e.value)


def test_rows_replace_the_table_and_the_drafts_todo() -> None:
    text = draft_text((REPO / "sample_forms/county/housing-assistance.pdf").read_bytes(),
                      "blank.pdf", "ha", "county", "Housing")  # fmt: skip
    (table,) = rows_of(text)
    smaller = Rows(table.list, table.fields[:2], "Members")
    new = set_rows(text + f"\n# TODO the rows of {table.list} are not declared (x)\n", smaller)
    assert rows_of(new) == [smaller] and "# TODO the rows of" not in new
    assert set_rows(new, None, remove=table.list).count("[[rows]]") == 0


def test_a_word_blank_drafts_every_field_as_todo_and_loads() -> None:
    blank = (REPO / "sample_forms/kommune/kommune-bostotte-vedlegg.docx").read_bytes()
    text = draft_text(blank, "blank.docx", "k-test", "kommune", "Vedlegg")
    got = entries(text)
    assert got and all(not e.active for e in got.values())
    _loads(text, "kommune", "k-test")
    name = next(iter(got))
    done = set_field(text, FieldEdit(name, "profile", profile="person.full_name"))
    _loads(done, "kommune", "k-test")
    assert entries(done)[name].active
