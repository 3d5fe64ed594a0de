"""Map drafts that read a form's layout: a value split over boxes, table rows under column
headings, a row's owner carried to its neighbours, and a client's values asked again."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from formfill.maps.draft.passes import draft_map
from formfill.maps.draft.suggest import Suggestion
from formfill.pdf.inspect import inspect_pdf
from formfill.pdf.labels import label_fields

H = 14  # box height
REPO = Path(__file__).resolve().parents[2]


def _box(c: canvas.Canvas, name: str, x: float, y: float, w: float, maxlen: int = 0) -> None:
    c.acroForm.textfield(name=name, x=x, y=y, width=w, height=H, borderWidth=0,
                         maxlen=maxlen or 100, fontSize=9)  # fmt: skip


def _us_form(path: Path, *, spouse: bool = True, table: str = "Dependents:") -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 7)
    # the client's row, then the spouse's: only the first box of the spouse's row says whose
    c.drawString(42, 792, "Your first name and middle initial")
    c.drawString(204, 792, "Last name")
    _box(c, "f1", 40, 776, 160)
    _box(c, "f2", 202, 776, 160)
    if spouse:
        c.drawString(42, 766, "If joint return, spouse's first name and middle initial")
        c.drawString(204, 766, "Last name")
        _box(c, "f3", 40, 750, 160)
        _box(c, "f4", 202, 750, 160)
    # an SSN in 3-2-4 boxes under one caption that spans them
    c.drawString(42, 730, "Social security")
    c.drawString(80, 722, "number")
    _box(c, "s1", 40, 706, 30, maxlen=3)
    c.drawString(74, 710, "–")
    _box(c, "s2", 84, 706, 20, maxlen=2)
    c.drawString(108, 710, "–")
    _box(c, "s3", 118, 706, 40, maxlen=4)
    # a table of dependents: headings over columns, rows with no caption of their own
    c.drawString(10, 676, table)
    c.drawString(96, 668, "(1) First name Last name")
    c.drawString(262, 674, "(2) Social security")
    c.drawString(270, 668, "number")
    c.drawString(352, 674, "(3) Relationship")
    c.drawString(356, 668, "to you")
    for row in range(3):
        y = 652 - row * H
        _box(c, f"t{row}a", 94, y, 166)
        _box(c, f"t{row}b", 262, y, 86)
        _box(c, f"t{row}c", 350, y, 64)
    # someone else's row: the employer's name, then a phone that does not say whose
    c.drawString(42, 560, "Employer's name")
    c.drawString(254, 560, "Phone number")
    _box(c, "e1", 40, 544, 200)
    _box(c, "e2", 252, 544, 120)
    c.save()
    return path


def _by_name(form: Path) -> dict[str, Suggestion]:
    return {s.field.name: s for s in draft_map(form).suggestions}


def test_split_value_gets_one_caption_and_each_box_its_characters(tmp_path: Path) -> None:
    """Three boxes joined by dashes under 'Social security number' are one SSN: each box is
    the client's, with the characters its MaxLen holds."""
    form = _us_form(tmp_path / "f.pdf")
    labels = label_fields(form, inspect_pdf(form).fields)
    assert labels["s2"].split == "s1" and labels["s3"].split_at == (2, 3)
    assert labels["s3"].above == "Social security number"
    d = _by_name(form)
    slices = [d[n].transforms for n in ("s1", "s2", "s3")]
    assert all(d[n].kind == "profile" and d[n].target == "identifiers.us_ssn"
               for n in ("s1", "s2", "s3"))  # fmt: skip
    assert slices == [["digits", "chars:0:3"], ["digits", "chars:3:5"], ["digits", "chars:5:9"]]


def test_table_rows_are_numbered_household_members(tmp_path: Path) -> None:
    """Cells under '(1) First name Last name' in a 'Dependents' table are one person per row;
    the form asks for the spouse apart, so its dependents are the children, oldest first, and
    a row's relationship is that child's."""
    form = _us_form(tmp_path / "f.pdf")
    labels = label_fields(form, inspect_pdf(form).fields)
    assert [labels[f"t{r}b"].row for r in range(3)] == [1, 2, 3]
    assert "Dependents" in labels["t2c"].table
    d = _by_name(form)
    for r in range(3):
        assert d[f"t{r}a"].target == f"household.children[{r}].full_name", d[f"t{r}a"].why
        assert d[f"t{r}b"].target == f"household.children[{r}].identifiers.us_ssn"
        assert d[f"t{r}c"].target == f"household.children[{r}].relation"
        assert d[f"t{r}a"].kind == "profile"


@pytest.mark.parametrize(
    ("spouse", "table", "want"),
    [
        (False, "Dependents:", "household.everyone"),  # no partner apart: the whole household
        (False, "Household members:", "household.everyone"),
        (True, "Household members:", None),  # the partner apart: who else? a person decides
    ],
)
def test_a_table_of_the_household_is_everyone_unless_the_partner_is_asked_apart(
    tmp_path: Path, spouse: bool, table: str, want: str | None
) -> None:
    """Rows of dependents or household members list the whole household (partner, children,
    others: household.everyone) on a form that asks for no partner of its own; beside a
    spouse's block they are not everyone, and members are left to a person."""
    d = _by_name(_us_form(tmp_path / "f.pdf", spouse=spouse, table=table))
    for r in range(3):
        s = d[f"t{r}a"]
        if want is None:
            assert s.kind == "unmapped" and "a person decides" in s.why, s.why
        else:
            assert (s.kind, s.target) == ("profile", f"{want}[{r}].full_name"), s.why
            assert d[f"t{r}c"].target == f"{want}[{r}].relation"


def test_row_owner_carries_to_boxes_that_do_not_say_whose(tmp_path: Path) -> None:
    """'Last name' after the spouse's first name is the spouse's; after the client's it stays
    the client's; a phone beside the employer's name is not the client's."""
    d = _by_name(_us_form(tmp_path / "f.pdf"))
    assert (d["f1"].target, d["f2"].target) == ("person.given_name", "person.family_name")
    assert d["f3"].target == "household.partner.given_name"
    assert d["f4"].target == "household.partner.family_name"
    assert d["f4"].kind == "profile"
    assert d["e2"].kind == "unmapped" and d["e2"].no_value and "employer" in d["e2"].why


def _nl_form(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    c.drawString(40, 800, "2. Verzoeker")
    c.drawString(40, 784, "Naam")
    _box(c, "Tekstveld 1", 150, 780, 300)
    c.drawString(150, 740, "3. Persoon ten behoeve van wie het verzoek wordt gedaan")
    for i, (label, y) in enumerate((("Naam", 720), ("Geboortedatum", 696),
                                    ("Telefoonnummer", 672), ("Telefoonnummer", 600))):  # fmt: skip
        c.drawString(40, y + 4, label)
        _box(c, f"betrokkene {i + 1}", 150, y, 300)
    c.drawString(40, 560, "Naam")
    _box(c, "users1_name", 150, 556, 300)
    c.drawString(40, 520, "Naam (herhaald)")
    _box(c, "users1_name__2", 150, 516, 300)
    c.save()
    return path


def test_block_about_the_client_may_ask_again_once(tmp_path: Path) -> None:
    """The client's name asked first for the requester and again under 'Persoon ten behoeve
    van wie...' is the client's both times; a second phone in that block is for a person to
    decide. A name repeated as 'users1_name__2' is the same person's."""
    d = _by_name(_nl_form(tmp_path / "nl.pdf"))
    assert d["Tekstveld 1"].target == "person.family_name"
    assert d["betrokkene 1"].kind == "profile", d["betrokkene 1"].why
    assert d["betrokkene 1"].target == "person.family_name"
    assert (d["betrokkene 3"].kind, d["betrokkene 3"].target) == ("profile", "contact.phone_mobile")
    assert d["betrokkene 4"].kind == "unmapped", d["betrokkene 4"].why
    assert d["users1_name__2"].target == d["users1_name"].target


def test_long_tooltip_is_read_from_its_last_clauses(tmp_path: Path) -> None:
    """A USCIS-style tooltip walks from the part's heading down to the box: the box is
    'Enter Street Number and Name', not the 'Mailing Address' heading before it. A box
    captioned on its right is not labelled by the caption of the box before it."""
    path = tmp_path / "t.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    c.acroForm.textfield(name="Line2b[0]", x=40, y=780, width=300, height=H,
                         tooltip="Part 3. Information About You. Mailing Address. 2. B. "
                         "Enter Street Number and Name.")  # fmt: skip
    c.drawString(40, 744, "I speak and understand:")
    for i, lang in enumerate(("Deutsch", "Esperanto")):
        c.acroForm.checkbox(name=f"Lang{i}", x=40 + i * 90, y=720, size=10)
        c.drawString(54 + i * 90, 722, lang)
    c.save()
    d = _by_name(path)
    assert d["Line2b[0]"].target == "address.current.street_line", d["Line2b[0]"].why
    assert d["Lang0"].kind == "when" and d["Lang0"].target == "contact.preferred_language == 'de'"
    assert d["Lang1"].kind == "unmapped", d["Lang1"].why


CORPUS_FORMS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "forms"


def test_labels_of_a_file_pdfminer_finds_no_pages_in() -> None:
    """pdfminer sees no pages in the IRS 1040 of 2010 (object streams it cannot parse); the
    labels come from pypdf's rewrite of it instead of being silently empty."""
    form = CORPUS_FORMS / "us_irs_f1040_2010_prefilled.pdf"
    if not form.exists():
        pytest.skip("../shared/corpus is absent")
    inv = inspect_pdf(form)
    labels = label_fields(form, inv.fields)
    captions = sum(1 for lab in labels.values() if lab.above or lab.left)
    assert captions > len(inv.fields) // 2


@pytest.mark.corpus
@pytest.mark.slow
def test_draft_quality_on_the_labelled_corpus_does_not_fall() -> None:
    """bench/map_suggest.py's scoring of the hand-labelled corpus forms, each set apart:
    precision and recall stay at or above what was measured (development set 0.975 and 0.873
    on 11 forms; the 4 labelled later 0.923 and 0.516). The held-out set is never a test."""
    if not CORPUS_FORMS.is_dir():
        pytest.skip("../shared/corpus is absent")
    spec = importlib.util.spec_from_file_location("map_suggest", REPO / "bench" / "map_suggest.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    floors = {"development": (0.96, 0.86), "corpus-held": (0.90, 0.50)}
    for name, (forms, truths) in bench.sets().items():
        if name not in floors:
            continue
        rows = [bench.score_form(t, forms, False) for t in truths]
        mapped, right = sum(r[0] for r in rows), sum(r[1] for r in rows)
        total, hit = sum(r[2] for r in rows), sum(r[3] for r in rows)
        assert right / mapped >= floors[name][0], (name, right, mapped)
        assert hit / total >= floors[name][1], (name, hit, total)


def test_a_child_row_keeps_its_child(tmp_path: Path) -> None:
    """'Last name' after 'Child 2: first name' is the same child's, not the client's and not
    the first child's."""
    path = tmp_path / "c.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 7)
    c.drawString(42, 792, "Your last name")
    _box(c, "f1", 40, 776, 160)
    c.drawString(42, 760, "Child 2: first name")
    c.drawString(204, 760, "Last name")
    _box(c, "f2", 40, 744, 160)
    _box(c, "f3", 202, 744, 160)
    c.save()
    d = _by_name(path)
    assert d["f1"].target == "person.family_name"
    assert d["f2"].target == "household.children[1].given_name", d["f2"].why
    assert (d["f3"].kind, d["f3"].target) == ("profile", "household.children[1].family_name")


def test_country_and_place_of_a_birth_are_the_birth_ones(tmp_path: Path) -> None:
    """'País' beside a field named PAIS_NAC (nacimiento) and 'Land' beside GEBOORTE_LAND are
    where the client was born; a plain 'Land' is where the client lives."""
    path = tmp_path / "b.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    for y, name, caption in (
        (780, "PAIS_NAC", "País"),
        (750, "CIUDAD_NACIMIENTO", "Ciudad"),
        (720, "Land", "Land"),
    ):
        c.drawString(40, y + 4, caption)
        _box(c, name, 120, y, 160)
    c.save()
    d = _by_name(path)
    assert d["PAIS_NAC"].target == "person.birth_country", d["PAIS_NAC"].why
    assert d["CIUDAD_NACIMIENTO"].target == "person.birth_place", d["CIUDAD_NACIMIENTO"].why
    assert d["Land"].target == "address.current.country", d["Land"].why
