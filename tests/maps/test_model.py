"""Tests of formfill.maps.model and formfill.maps.loader: strict loading that reports every
problem at once, and checking a map against the fields of its form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from formfill.errors import FormMapError, Problem
from formfill.maps.loader import find_map, load_map, load_maps
from formfill.maps.model import FormMap, unmapped_fields, validate_against_form

HEADER = """\
id = "{id}"
agency = "{agency}"
title = "Søknad om barnetrygd"
kind = "pdf"
source = "sample_forms/{agency}/{id}.pdf"
language = "nb"
"""

GOOD_FIELDS = """
[[fields]]
field = "Fornavn"
profile = "person.given_name"
required = true

[[fields]]
field = "Fodselsdato"
profile = "person.birth_date"
transform = "date:%d.%m.%Y"

[[fields]]
field = "Sivilstand"
profile = "person.marital_status"
options = { married = "Gift", single = "Ugift" }

[[fields]]
field = "Navn"
expr = "{{ person.given_name }} {{ person.family_name }}"

[[fields]]
field = "Barn_under_6"
when = "household.children_under(6, fill.date) > 0"

[[fields]]
field = "Etat"
value = "NAV"

[[fields]]
field = "Underskrift"
skip = "signature"
"""


def write_map(root: Path, body: str, agency: str = "nav", form_id: str = "nav-33-00-07") -> Path:
    path = root / "form_maps" / agency / f"{form_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(FormMapError) as e:
        load_map(path)
    assert e.value.source == str(path)
    return e.value.problems


def where_has(problems: list[Problem], where: str, text: str) -> bool:
    return any(p.where == where and text in p.message for p in problems)


def test_good_map_loads_with_typed_fields(tmp_path: Path) -> None:
    """A correct map loads into a FormMap whose fields carry their source and parsed parts."""
    path = write_map(tmp_path, HEADER.format(id="nav-33-00-07", agency="nav") + GOOD_FIELDS)
    fmap = load_map(path)
    assert isinstance(fmap, FormMap)
    assert (fmap.id, fmap.agency, fmap.kind, fmap.language) == ("nav-33-00-07", "nav", "pdf", "nb")
    assert fmap.fingerprint is None  # optional at load; a map check reports its absence
    by_name = {f.field: f for f in fmap.fields}
    assert by_name["Fornavn"].source == "profile" and by_name["Fornavn"].required
    assert [t.spec for t in by_name["Fodselsdato"].transforms] == ["date:%d.%m.%Y"]
    assert by_name["Sivilstand"].options == {"married": "Gift", "single": "Ugift"}
    assert by_name["Barn_under_6"].source == "when"
    assert by_name["Underskrift"].skip == "signature"
    assert fmap.field_names()[0] == "Fornavn"


def test_broken_map_reports_every_problem_at_once(tmp_path: Path) -> None:
    """One FormMapError lists all problems of a file, each with where it is."""
    body = """\
id = "wrong-id"
agency = "nav"
kind = "xls"
source = "x.pdf"
language = "nb"
colour = "blue"

[[fields]]
field = "Fornavn"
profile = "person.given_nme"

[[fields]]
field = "Etternavn"
profile = "person.family_name"
value = "x"

[[fields]]
field = "Dato"
profile = "person.birth_date"
transform = ["date:%d.%m.%Y", "shout"]

[[fields]]
field = "Gift"
expr = "{{ person.given_name "

[[fields]]
field = "Sivilstand"
profile = "person.marital_status"
options = { married = 1 }

[[fields]]
field = "Fornavn"
value = "dup"

[[fields]]
field = "Kryss"
value = true
state = "Ja"

[[fields]]
field = "Ekstra"
profil = "person.family_name"
"""
    problems = problems_of(write_map(tmp_path, body))
    assert where_has(problems, "colour", "unknown key")
    assert where_has(problems, "title", "missing")
    assert where_has(problems, "id", "differs from the file name 'nav-33-00-07'")
    assert where_has(problems, "kind", "'xls' is not one of pdf, docx")
    assert where_has(problems, "fields[Fornavn].profile", "did you mean person.given_name")
    assert where_has(problems, "fields[Etternavn]", "exactly one of")
    assert where_has(problems, "fields[Dato].transform", "unknown transform 'shout'")
    assert where_has(problems, "fields[Gift].expr", "expression")
    assert where_has(problems, "fields[Sivilstand].options.married", "must be a string")
    assert where_has(problems, "fields[Fornavn]", "duplicate field")
    assert where_has(problems, "fields[Kryss].state", "only goes with when")
    assert where_has(problems, "fields[Ekstra].profil", "did you mean profile")
    assert where_has(problems, "fields[Ekstra]", "found: none")
    assert len(problems) >= 13
    assert "problem(s)" in str(FormMapError("x", problems))


def test_agency_must_match_folder(tmp_path: Path) -> None:
    """The agency key equals the folder the map lives in."""
    path = write_map(tmp_path, HEADER.format(id="f1", agency="duo") + GOOD_FIELDS, "nav", "f1")
    assert where_has(problems_of(path), "agency", "differs from the folder name 'nav'")


def test_misspelt_profile_path_suggests(tmp_path: Path) -> None:
    """An unknown profile path names close vocabulary paths (person.given_nme -> given_name)."""
    body = HEADER.format(id="f1", agency="nav") + (
        '[[fields]]\nfield = "A"\nprofile = "person.given_nme"\n'
        '[[fields]]\nfield = "B"\nprofile = "household.members[1].birth_dat"\n'
    )
    problems = problems_of(write_map(tmp_path, body, "nav", "f1"))
    assert where_has(problems, "fields[A].profile", "did you mean person.given_name")
    assert where_has(problems, "fields[B].profile", "household.members[1].birth_date")


def test_expression_names_and_paths_are_checked_at_load(tmp_path: Path) -> None:
    """Unknown names, paths outside the vocabulary and private attributes in expressions are
    load problems; methods and attributes of values are allowed."""
    body = (
        HEADER.format(id="f1", agency="nav")
        + """
[[fields]]
field = "A"
expr = "{{ persn.given_name }}"
[[fields]]
field = "B"
when = "person.maritl_status == 'married'"
[[fields]]
field = "C"
expr = "{{ ''.__class__.__mro__ }}"
[[fields]]
field = "D"
expr = "{{ person.birth_date.year }} {{ person.given_name.upper() }} {{ fill.date }}"
[[fields]]
field = "E"
expr = "{{ household.members[0].given_name }} {{ address.current.street_line }}"
[[fields]]
field = "F"
when = "fill.dato"
[[fields]]
field = "G"
when = "person.age(fill.date) >= 18 and household.children() | length > 0"
"""
    )
    problems = problems_of(write_map(tmp_path, body, "nav", "f1"))
    assert where_has(problems, "fields[A].expr", "unknown name 'persn' (did you mean person")
    assert where_has(problems, "fields[B].when", "person.marital_status")
    assert where_has(problems, "fields[C].expr", "private attribute '__class__'")
    assert where_has(problems, "fields[F].when", "fill has only .date")
    assert not [p for p in problems if p.where.startswith(("fields[D]", "fields[E]", "fields[G]"))]


def test_field_key_rules(tmp_path: Path) -> None:
    """options must be a table of strings, required a bool, value str/bool, skip not required,
    and transforms on when/skip are flagged."""
    body = (
        HEADER.format(id="f1", agency="nav")
        + """
[[fields]]
field = "A"
profile = "person.sex"
options = "female"
[[fields]]
field = "B"
value = 3
[[fields]]
field = "C"
skip = "office use"
required = true
[[fields]]
field = "D"
when = "true"
transform = "upper"
[[fields]]
profile = "person.given_name"
[[fields]]
field = "E"
profile = "person.given_name"
required = "yes"
"""
    )
    problems = problems_of(write_map(tmp_path, body, "nav", "f1"))
    assert where_has(problems, "fields[A].options", "must be a table")
    assert where_has(problems, "fields[B].value", "string or true/false")
    assert where_has(problems, "fields[C].required", "cannot be required")
    assert where_has(problems, "fields[D].transform", "no effect with when")
    assert where_has(problems, "fields[4].field", "missing")
    assert where_has(problems, "fields[E].required", "true or false")


def test_radio_by_when_and_state_may_repeat_a_field(tmp_path: Path) -> None:
    """Several when + state entries may set one radio group (distinct states), not the same."""
    ok = (
        HEADER.format(id="f1", agency="nav")
        + """
[[fields]]
field = "Sivil"
when = "person.marital_status == 'married'"
state = "Gift"
[[fields]]
field = "Sivil"
when = "person.marital_status != 'married'"
state = "Annet"
"""
    )
    assert len(load_map(write_map(tmp_path, ok, "nav", "f1")).fields) == 2
    bad = ok.replace('state = "Annet"', 'state = "Gift"')
    problems = problems_of(write_map(tmp_path, bad, "nav", "f1"))
    assert where_has(problems, "fields[Sivil]", "same state")


def test_bad_toml_and_unreadable_file(tmp_path: Path) -> None:
    """A TOML syntax error or a missing file is a FormMapError, not a raw exception."""
    path = write_map(tmp_path, 'id = "f1\n', "nav", "f1")
    assert "not valid TOML" in problems_of(path)[0].message
    assert "cannot read" in problems_of(tmp_path / "nope.toml")[0].message


def test_map_language_checks_locale_transforms(tmp_path: Path) -> None:
    """A locale-dependent transform without a locale needs a map language it knows."""
    body = HEADER.format(id="f1", agency="nav").replace('"nb"', '"de"') + (
        '[[fields]]\nfield = "A"\nprofile = "income.sources[0].amount"\ntransform = "money"\n'
    )
    problems = problems_of(write_map(tmp_path, body, "nav", "f1"))
    assert where_has(problems, "fields[A].transform", "language 'de'")


def test_load_maps_collects_problems_of_all_files(tmp_path: Path) -> None:
    """load_maps returns every map, or one error naming the problems of every bad file."""
    write_map(tmp_path, HEADER.format(id="a1", agency="nav") + GOOD_FIELDS, "nav", "a1")
    write_map(tmp_path, HEADER.format(id="b1", agency="duo") + GOOD_FIELDS, "duo", "b1")
    root = tmp_path / "form_maps"
    assert [m.id for m in load_maps(root)] == ["b1", "a1"]
    write_map(tmp_path, HEADER.format(id="c1", agency="x") + GOOD_FIELDS, "duo", "c1")
    write_map(tmp_path, "kind = 1\n", "nav", "d1")
    write_map(tmp_path, HEADER.format(id="a1", agency="duo") + GOOD_FIELDS, "duo", "a1")
    with pytest.raises(FormMapError) as e:
        load_maps(root)
    wheres = [p.where for p in e.value.problems]
    assert "duo/c1.toml: agency" in wheres
    assert "nav/d1.toml: kind" in wheres and "nav/d1.toml: id" in wheres
    assert any(w.endswith(": id") and "also the id" in p.message
               for w, p in zip(wheres, e.value.problems, strict=True))  # fmt: skip


def test_find_map(tmp_path: Path) -> None:
    """find_map finds by id across agencies, suggests close ids and refuses path tricks."""
    write_map(tmp_path, HEADER.format(id="nav-33-00-07", agency="nav") + GOOD_FIELDS)
    root = tmp_path / "form_maps"
    assert find_map(root, "nav-33-00-07").agency == "nav"
    with pytest.raises(FormMapError, match="did you mean nav-33-00-07"):
        find_map(root, "nav-33-00-08")
    with pytest.raises(FormMapError, match="not a valid form id"):
        find_map(root, "../../etc/passwd")


@dataclass
class View:
    """A stand-in for pdf_inspect.FieldInfo (the FieldView protocol)."""

    name: str
    kind: str = "text"
    states: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    read_only: bool = False


def test_validate_against_form(tmp_path: Path) -> None:
    """Map fields are checked against the real form: missing fields with did-you-mean, wrong
    export values, when on a text field, a value for a push button or a read-only field; form
    fields the map does not mention are listed."""
    body = (
        HEADER.format(id="f1", agency="nav")
        + """
[[fields]]
field = "Fornavnn"
profile = "person.given_name"
[[fields]]
field = "Sivilstand"
profile = "person.marital_status"
options = { married = "Gift", single = "Singel" }
[[fields]]
field = "Kommentar"
when = "true"
[[fields]]
field = "Send"
profile = "person.family_name"
[[fields]]
field = "Barn"
when = "household.children_count > 0"
state = "Kanskje"
[[fields]]
field = "Saksnr"
value = "x"
[[fields]]
field = "Radio"
when = "true"
"""
    )
    fmap = load_map(write_map(tmp_path, body, "nav", "f1"))
    form = {
        v.name: v
        for v in [
            View("Fornavn"),
            View("Sivilstand", "radio", states=["Gift", "Ugift"]),
            View("Kommentar"),
            View("Send", "push"),
            View("Barn", "checkbox", states=["Ja"]),
            View("Saksnr", read_only=True),
            View("Radio", "radio", states=["A", "B"]),
            View("Etternavn"),
        ]
    }
    problems = validate_against_form(fmap, form)
    assert where_has(problems, "fields[Fornavnn]", "did you mean Fornavn")
    assert where_has(problems, "fields[Sivilstand]", "['Singel']")
    assert where_has(problems, "fields[Kommentar]", "when needs a checkbox or radio")
    assert where_has(problems, "fields[Send]", "push field cannot take a value")
    assert where_has(problems, "fields[Barn]", "state 'Kanskje'")
    assert where_has(problems, "fields[Saksnr]", "read-only")
    assert where_has(problems, "fields[Radio]", "needs state")
    assert unmapped_fields(fmap, form) == ["Fornavn", "Etternavn"]


def test_validate_accepts_a_correct_map(tmp_path: Path) -> None:
    """A map that fits its form yields no problems."""
    fmap = load_map(write_map(tmp_path, HEADER.format(id="f1", agency="nav") + GOOD_FIELDS,
                              "nav", "f1"))  # fmt: skip
    form = {
        "Fornavn": View("Fornavn"),
        "Fodselsdato": View("Fodselsdato"),
        "Sivilstand": View("Sivilstand", "combo", options=[("Gift", "Gift"), ("Ugift", "Ugift")]),
        "Navn": View("Navn"),
        "Barn_under_6": View("Barn_under_6", "checkbox", states=["Yes"]),
        "Etat": View("Etat"),
        "Underskrift": View("Underskrift", "signature"),
    }
    assert validate_against_form(fmap, form) == []
    assert unmapped_fields(fmap, form) == []


def test_validate_profile_value_suits_the_field(tmp_path: Path) -> None:
    """A profile value used as it is must fit the field: a bool on a text field, text on a
    checkbox, or enum values that are not a radio's states are reported; a bool on a single
    checkbox is fine."""
    body = HEADER.format(id="f1", agency="nav") + (
        '[[fields]]\nfield = "Tolk"\nprofile = "contact.interpreter_needed"\n'
        '[[fields]]\nfield = "Kjonn"\nprofile = "person.sex"\n'
        '[[fields]]\nfield = "Kryss"\nprofile = "person.given_name"\n'
        '[[fields]]\nfield = "TolkBoks"\nprofile = "contact.interpreter_needed"\n'
        '[[fields]]\nfield = "Sivil"\nprofile = "person.marital_status"\n'
        'options = { married = "Gift", single = "Ugift" }\n'
    )
    fmap = load_map(write_map(tmp_path, body, "nav", "f1"))
    form = {
        "Tolk": View("Tolk"),
        "Kjonn": View("Kjonn", "radio", states=["K", "M"]),
        "Kryss": View("Kryss", "checkbox", states=["Yes"]),
        "TolkBoks": View("TolkBoks", "checkbox", states=["On"]),
        "Sivil": View("Sivil", "combo", options=[("Gift", "Gift"), ("Ugift", "Ugift")]),
    }
    problems = validate_against_form(fmap, form)
    assert where_has(problems, "fields[Tolk]", "transform yesno")
    assert where_has(problems, "fields[Kjonn]", "['female', 'male', 'unspecified']")
    assert where_has(problems, "fields[Kryss]", "checkbox needs true/false")
    assert [p.where for p in problems] == ["fields[Tolk]", "fields[Kjonn]", "fields[Kryss]"]
