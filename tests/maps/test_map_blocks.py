"""Map drafts of blocks about someone: a heading that says whose the block below is (partner,
children, an interpreter, a postal address only if different), a table whose row labels say
whose each row is, labels that hold two values, a date over day/month/year boxes, and a bare
'Name' read as the family name where the given names are asked beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from formfill.maps.draft.passes import draft_map
from formfill.maps.draft.suggest import Suggestion

H = 14  # box height


def _box(c: canvas.Canvas, name: str, x: float, y: float, w: float, maxlen: int = 0) -> None:
    c.acroForm.textfield(name=name, x=x, y=y, width=w, height=H, borderWidth=0,
                         maxlen=maxlen or 100, fontSize=9)  # fmt: skip


def _heading(c: canvas.Canvas, x: float, y: float, text: str) -> None:
    c.setFont("Helvetica-Bold", 10)
    c.drawString(x, y, text)
    c.setFont("Helvetica", 8)


def _block(c: canvas.Canvas, prefix: str, y: float, labels: tuple[str, ...]) -> float:
    for i, label in enumerate(labels):
        c.drawString(40, y + 4, label)
        _box(c, f"{prefix}{i}", 160, y, 200)
        y -= 20
    return y


def _by_name(form: Path) -> dict[str, Suggestion]:
    return {s.field.name: s for s in draft_map(form).suggestions}


def _blocks_form(path: Path) -> Path:
    """A Dutch form: the client's block, the partner's, a postal address only if different,
    an interpreter's block with its date, a children's table, the client's signature date."""
    c = canvas.Canvas(str(path), pagesize=A4)
    _heading(c, 40, 810, "1. Uw gegevens")
    client = ("Achternaam", "Voornamen", "Geboortedatum", "Burgerservicenummer",
              "Straat en huisnummer", "Postcode", "Woonplaats", "Telefoonnummer")  # fmt: skip
    y = _block(c, "a", 790, client)
    _heading(c, 40, y, "2. Gegevens van uw partner")
    y = _block(c, "b", y - 20, ("Achternaam", "Voornamen", "Geboortedatum",
                                "Burgerservicenummer", "Telefoonnummer"))  # fmt: skip
    _heading(c, 40, y, "3. Postadres (alleen als dit afwijkt)")
    y = _block(c, "p", y - 20, ("Straat en huisnummer", "Postcode", "Woonplaats"))
    _heading(c, 40, y, "4. Gegevens tolk")
    y = _block(c, "t", y - 20, ("Naam", "Telefoonnummer", "Datum"))
    _heading(c, 40, y, "5. Kinderen")
    y -= 16
    c.drawString(100, y, "Naam")
    c.drawString(262, y, "Geboortedatum")
    c.drawString(352, y, "BSN")
    y -= 18
    for r in range(3):
        _box(c, f"k{r}a", 98, y, 160)
        _box(c, f"k{r}b", 262, y, 86)
        _box(c, f"k{r}c", 350, y, 80)
        y -= H
    _heading(c, 40, y - 20, "6. Ondertekening")
    _block(c, "s", y - 40, ("Datum",))
    c.save()
    return path


def test_a_heading_says_whose_the_block_below_is(tmp_path: Path) -> None:
    """Under '2. Gegevens van uw partner' the names, birth date and BSN are the partner's and
    the phone is nobody's the profile holds; the client's block before it stays the client's."""
    d = _by_name(_blocks_form(tmp_path / "f.pdf"))
    assert d["a0"].target == "person.family_name" and d["a3"].target == "identifiers.nl_bsn"
    want = ("household.partner.family_name", "household.partner.given_name",
            "household.partner.birth_date", "household.partner.identifiers.nl_bsn")  # fmt: skip
    for i, path in enumerate(want):
        assert (d[f"b{i}"].kind, d[f"b{i}"].target) == ("profile", path), d[f"b{i}"].why
    assert d["b4"].kind == "unmapped" and d["b4"].no_value, d["b4"].why


def test_a_block_about_someone_else_and_its_date_are_not_the_clients(tmp_path: Path) -> None:
    """The interpreter's name, phone and date under 'Gegevens tolk' are not the client's; the
    date under the client's own signing heading is the date signed."""
    d = _by_name(_blocks_form(tmp_path / "f.pdf"))
    for name in ("t0", "t1", "t2"):
        assert d[name].kind == "unmapped" and d[name].no_value, d[name].why
        assert "tolk" in d[name].why
    assert (d["s0"].kind, d["s0"].target) == ("profile", "fill.date"), d["s0"].why


def test_an_address_only_if_different_is_the_postal_one(tmp_path: Path) -> None:
    """'Postadres (alleen als dit afwijkt)' heads the postal address, not the main one."""
    d = _by_name(_blocks_form(tmp_path / "f.pdf"))
    assert d["a4"].target == "address.current.street_line"
    assert [d[f"p{i}"].target for i in range(3)] == [
        "address.postal.street_line",
        "address.postal.postal_code",
        "address.postal.city",
    ]
    assert all(d[f"p{i}"].kind == "profile" for i in range(3))


def test_a_heading_over_a_table_numbers_its_rows(tmp_path: Path) -> None:
    """Rows under '5. Kinderen' are the children, oldest first."""
    d = _by_name(_blocks_form(tmp_path / "f.pdf"))
    for r in range(3):
        assert d[f"k{r}a"].target == f"household.children[{r}].family_name", d[f"k{r}a"].why
        assert d[f"k{r}b"].target == f"household.children[{r}].birth_date"
        assert d[f"k{r}c"].target == f"household.children[{r}].identifiers.nl_bsn"


def test_mailing_address_on_a_form_asking_no_other_is_the_clients(tmp_path: Path) -> None:
    """A form whose only address is under 'Mailing Address' asks for the client's address."""
    path = tmp_path / "m.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    _block(c, "n", 800, ("Last name", "First name"))
    _heading(c, 40, 750, "Mailing Address")
    _block(c, "m", 730, ("Street number and name", "City or town", "ZIP code"))
    c.save()
    d = _by_name(path)
    assert [d[f"m{i}"].target for i in range(3)] == [
        "address.current.street_line",
        "address.current.city",
        "address.current.postal_code",
    ]


def test_a_heading_said_again_numbers_its_blocks(tmp_path: Path) -> None:
    """Two blocks each headed 'Gegevens kind' are the first child and the second."""
    path = tmp_path / "k.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _heading(c, 40, 810, "Gegevens kind")
    _block(c, "x", 790, ("Voornamen", "Geboortedatum"))
    _heading(c, 40, 730, "Gegevens kind")
    _block(c, "y", 710, ("Voornamen", "Geboortedatum"))
    c.save()
    d = _by_name(path)
    assert d["x0"].target == "household.children[0].given_name", d["x0"].why
    assert d["y1"].target == "household.children[1].birth_date", d["y1"].why


def test_a_heading_naming_two_kinds_of_people_leaves_whose_to_a_person(tmp_path: Path) -> None:
    """Under 'Information about your spouse and children' a first name is the partner's or a
    child's: a person decides, it is not the client's and not the partner's by guess."""
    path = tmp_path / "sc.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _heading(c, 40, 810, "Information about your spouse and children")
    _block(c, "z", 790, ("First name", "Date of birth"))
    c.save()
    d = _by_name(path)
    for name in ("z0", "z1"):
        assert d[name].kind == "unmapped" and not d[name].no_value, d[name].why
        assert "a person decides" in d[name].why


def _household_table(path: Path) -> Path:
    """A German table of the household whose rows say whose (Antragsteller/in, Ehepartner/in,
    Kind 1, Kind 2), columns Name, Vorname, Geburtsdatum; then the client's date of birth
    over day, month and year boxes, under a section heading of its own."""
    c = canvas.Canvas(str(path), pagesize=A4)
    _heading(c, 40, 810, "Personen im Haushalt")
    c.drawString(130, 794, "Name")
    c.drawString(262, 794, "Vorname")
    c.drawString(392, 794, "Geburtsdatum")
    y = 776
    for r, who in enumerate(("Antragsteller/in", "Ehepartner/in", "Kind 1", "Kind 2")):
        c.drawString(40, y + 4, who)
        _box(c, f"r{r}a", 128, y, 130)
        _box(c, f"r{r}b", 260, y, 130)
        _box(c, f"r{r}c", 392, y, 90)
        y -= H
    _heading(c, 40, y - 10, "2. Weitere Angaben")
    c.drawString(40, y - 22, "Geburtsdatum")
    for name, x, caption, n in (("gd", 158, "Tag", 2), ("gm", 194, "Monat", 2),
                                ("gy", 230, "Jahr", 4)):  # fmt: skip
        c.drawString(x + 2, y - 22, caption)
        _box(c, name, x, y - 40, 50 if n == 4 else 30, n)
    c.save()
    return path


def test_a_table_whose_row_labels_say_whose_each_row_is(tmp_path: Path) -> None:
    """The row labelled 'Antragsteller/in' is the client's, 'Ehepartner/in' the partner's,
    'Kind 2' the second child's; 'Name' beside 'Vorname' is the family name."""
    d = _by_name(_household_table(tmp_path / "h.pdf"))
    assert [d[f"r0{c}"].target for c in "abc"] == [
        "person.family_name", "person.given_name", "person.birth_date"]  # fmt: skip
    assert d["r1a"].target == "household.partner.family_name", d["r1a"].why
    assert d["r1c"].target == "household.partner.birth_date"
    assert d["r2b"].target == "household.children[0].given_name"
    assert d["r3a"].target == "household.children[1].family_name", d["r3a"].why
    assert all(d[f"r{r}{c}"].kind == "profile" for r in range(4) for c in "abc")


def test_a_date_over_day_month_and_year_boxes(tmp_path: Path) -> None:
    """'Geburtsdatum' over boxes captioned Tag, Monat, Jahr: each box the birth date, with the
    part it holds; the boxes are one value, not the birth date asked three times."""
    d = _by_name(_household_table(tmp_path / "h.pdf"))
    # the client's birth date is asked in the table first: a person decides the repeat, but
    # each box keeps the date and its part
    assert [d[n].target for n in ("gd", "gm", "gy")] == ["person.birth_date"] * 3
    assert [d[n].transforms for n in ("gd", "gm", "gy")] == [
        ["date:%d"], ["date:%m"], ["date:%Y"]]  # fmt: skip
    assert all(d[n].kind == d["gd"].kind for n in ("gm", "gy"))


def test_a_date_over_boxes_split_by_slashes_follows_its_pattern(tmp_path: Path) -> None:
    """'Date of birth (mm/dd/yyyy)' over three boxes joined by slashes is one date: month,
    day, year as the label spells it, all three mapped."""
    path = tmp_path / "d.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    c.drawString(40, 784, "Date of birth (mm/dd/yyyy)")
    _box(c, "bm", 160, 780, 24, 2)
    c.drawString(186, 784, "/")
    _box(c, "bd", 192, 780, 24, 2)
    c.drawString(218, 784, "/")
    _box(c, "byr", 224, 780, 40, 4)
    c.save()
    d = _by_name(path)
    assert all(d[n].kind == "profile" and d[n].target == "person.birth_date"
               for n in ("bm", "bd", "byr")), d["bd"].why  # fmt: skip
    assert [d[n].transforms for n in ("bm", "bd", "byr")] == [
        ["date:%m"], ["date:%d"], ["date:%Y"]]  # fmt: skip


@pytest.mark.parametrize(
    "label",
    ["Apellidos y nombre", "Name, Vorname", "Nom et prénom", "Surname and first name(s)",
     "Achternaam en voornamen", "Etternavn, fornavn"],
)  # fmt: skip
def test_a_label_holding_both_names_family_first(tmp_path: Path, label: str) -> None:
    """A box for both names, the family name first, is the full name written family first,
    not the given or the family name alone."""
    path = tmp_path / "n.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    c.drawString(40, 784, label)
    _box(c, "nm", 200, 780, 200)
    c.save()
    s = _by_name(path)["nm"]
    assert (s.kind, s.target) == ("profile", "person.full_name_family_first"), s.why


def test_a_short_label_naming_whose_beside_what(tmp_path: Path) -> None:
    """'Naam partner' is the partner's name and 'Telefoon werkgever' the employer's phone:
    the word that says whose does not keep the label from naming its value."""
    path = tmp_path / "w.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    _block(c, "q", 800, ("Geboortedatum partner", "Telefoon werkgever"))
    c.save()
    d = _by_name(path)
    assert (d["q0"].kind, d["q0"].target) == ("profile", "household.partner.birth_date")
    assert d["q1"].kind == "unmapped" and d["q1"].no_value, d["q1"].why


def test_a_date_box_under_a_signature_caption_is_the_date_signed(tmp_path: Path) -> None:
    """A box captioned 'Plaats en datum ondertekening', under 'Ondertekening', is the date
    signed; the box captioned 'Handtekening' itself stays a signature, never filled."""
    path = tmp_path / "s.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    c.drawString(202, 798, "Ondertekening")
    c.drawString(40, 784, "Plaats en datum ondertekening")
    _box(c, "Tekstveld 7", 200, 780, 120)
    c.drawString(40, 744, "Handtekening")
    _box(c, "Tekstveld 8", 160, 740, 120)
    c.save()
    d = _by_name(path)
    date, sig = d["Tekstveld 7"], d["Tekstveld 8"]
    assert (date.kind, date.target) == ("profile", "fill.date"), date.why
    assert (sig.kind, sig.target) == ("skip", "signature"), sig.why
