"""`formfill map new` never writes a file that TOML or `map check` rejects: every real and
sample form drafts to a map that loads and checks against its blank; labels with control
characters stay out of the TOML raw; a choice field on a code-valued path gets options built
from its own export values, or is left to a person; a draft that maps nothing still loads."""

from __future__ import annotations

import io
import shutil
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from formfill.config import Settings
from formfill.fill import FormCatalogue, review_map
from formfill.maps.check import check_map
from formfill.maps.draft.passes import Draft, draft_fields, draft_map
from formfill.maps.draft.render import render_toml
from formfill.maps.loader import load_map
from formfill.maps.model import FormMap
from formfill.pdf.inspect import FieldInfo, FormInventory
from formfill.pdf.labels import FieldLabel, readable_name

REPO = Path(__file__).resolve().parents[2]
CORPUS_FORMS = REPO.parent / "shared" / "corpus" / "forms"
SAMPLE_PDFS = sorted((REPO / "sample_forms").rglob("*.pdf"))


def _check_draft(form: Path, home: Path) -> tuple[str, list[str]]:
    """Draft ``form`` into a map tree under ``home`` beside a copy of its blank, then run what
    `formfill map check` runs: the draft's text and every problem found (none expected)."""
    blank = home / "blanks" / form.name
    blank.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(form, blank)
    form_id = form.stem.lower().replace("_", "-")
    text = render_toml(draft_map(blank), form_id=form_id, agency="drafts",
                       source=f"blanks/{form.name}")  # fmt: skip
    path = home / "form_maps" / "drafts" / f"{form_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = check_map(Settings(root=home, data_dir=home / "data", font_path=None), path)
    problems = [str(p) for p in result.problems]
    if result.fmap is not None:
        assert result.fingerprint == result.fmap.fingerprint, form.name
        problems += [str(p) for p in review_map(FormCatalogue(Settings.from_env()), result.fmap)[0]]
    return text, problems


@pytest.mark.parametrize("form", SAMPLE_PDFS, ids=lambda p: p.name)
def test_every_sample_form_drafts_to_a_map_that_checks(tmp_path: Path, form: Path) -> None:
    """Each of our sample forms drafts to a map that loads, matches its blank's fingerprint and
    has no problem; none reads household.members[i]."""
    text, problems = _check_draft(form, tmp_path)
    assert problems == [], problems
    assert "household.members[" not in text


@pytest.mark.corpus
def test_every_corpus_form_drafts_to_a_map_that_checks(tmp_path: Path) -> None:
    """Every real form of the corpus (PDF: `map new` drafts PDFs) drafts to a map that loads and
    checks, the ones with nothing the lexicon is sure of included ("0 mapped")."""
    if not CORPUS_FORMS.is_dir():
        pytest.skip("../shared/corpus is absent")
    forms = sorted(CORPUS_FORMS.glob("*.pdf"))
    assert forms
    failed = {}
    for form in forms:
        text, problems = _check_draft(form, tmp_path)
        if problems or "household.members[" in text:
            failed[form.name] = problems
        else:
            problems = _decided_in_the_editor(form, text)
            if problems:
                failed[form.name] = ["once decided in the editor:", *problems]
    assert failed == {}


def _decided_in_the_editor(form: Path, text: str) -> list[str]:
    """The draft as the editor shows it, every field still to do skipped in one go (the
    editor's "Skip them"): it must load and pass ``map check`` against its blank."""
    from formfill.maps.check import blank_views, check_against
    from formfill.maps.edit import FieldEdit, set_fields
    from formfill.maps.editor import sheet
    from formfill.maps.loader import load_map_text

    data = form.read_bytes()
    kind = form.suffix[1:]
    shown = sheet(kind, form.name, data, text)
    todo = [f.name for f in shown.fields if f.status == "todo"]
    decided = set_fields(
        text, [FieldEdit(n, "skip", skip="not asked of our clients") for n in todo]
    )
    fmap = load_map_text(decided, Path("drafts") / f"{form.stem.lower().replace('_', '-')}.toml")
    views, fingerprint = blank_views(kind, form.name, data)
    result = check_against(fmap, views, fingerprint)
    left = [f.name for f in sheet(kind, form.name, data, decided).fields if f.status == "todo"]
    return [str(p) for p in result.problems] + [f"still to do: {n}" for n in left]


@pytest.mark.corpus
def test_every_corpus_word_form_loads_in_the_editor_and_checks_once_decided() -> None:
    """The corpus's Word forms: a first draft with every field to do; once skipped, it checks.
    A Word file whose own {{ }} template syntax is broken is refused with the reason."""
    from formfill.errors import FormfillError
    from formfill.store.forms import draft_text

    if not CORPUS_FORMS.is_dir():
        pytest.skip("../shared/corpus is absent")
    failed, refused = {}, {}
    for form in sorted(CORPUS_FORMS.glob("*.docx")):
        try:
            text = draft_text(form.read_bytes(), form.name, form.stem.lower().replace("_", "-"),
                              "drafts", form.stem)  # fmt: skip
        except FormfillError as e:
            refused[form.name] = str(e)
            continue
        problems = _decided_in_the_editor(form, text)
        if problems:
            failed[form.name] = problems
    assert failed == {}
    assert all(form in why for form, why in refused.items()), refused  # named, with the reason


# --- control characters ---------------------------------------------------------------------

_NASTY = "Fornavn\r\n(som i\tpasset)\x00\x0c\x1b\x7f\x85 slutt"


def _form_with_tooltips(path: Path, tips: dict[str, str]) -> Path:
    """A PDF whose fields carry these tooltips exactly (control characters included)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(40, 810, "Skjema")
    for i, name in enumerate(tips):
        c.acroForm.textfield(name=name, tooltip="x", x=100, y=760 - 40 * i, width=160,
                             height=16, borderWidth=0)  # fmt: skip
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(path.read_bytes())))
    for annot in writer.pages[0]["/Annots"]:
        field = annot.get_object()
        field[NameObject("/TU")] = TextStringObject(tips[str(field["/T"])])
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_control_characters_in_tooltips_never_reach_the_toml_raw(tmp_path: Path) -> None:
    """Tooltips with CR, LF, tab, NUL, form feed, ESC, DEL and a C1 control: the draft still
    maps the field, and its comments and strings hold none of them raw."""
    form = _form_with_tooltips(tmp_path / "f.pdf", {"fornavn": _NASTY, "etternavn": "Etter\nnavn"})
    draft = draft_map(form)
    assert draft.suggestions[0].field.tooltip == _NASTY.strip()
    text = render_toml(draft, form_id="f", agency="a", source=str(form))
    assert not any(c in text for c in "\r\t\x00\x0c\x1b\x7f\x85")
    assert all(line == "" or not line[0].isspace() or line.startswith("  [") for line in
               text.splitlines())  # fmt: skip
    tomllib.loads(text)
    path = tmp_path / "a" / "f.toml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    assert {f.field: f.profile for f in load_map(path).fields}["fornavn"] == "person.given_name"


def _synthetic(fields: list[FieldInfo]) -> Draft:
    """A draft of fields that exist only here: labelled by their tooltips alone."""
    labels = {
        f.name: FieldLabel(name=f.name, tooltip=f.tooltip, from_name=readable_name(f.name))
        for f in fields
    }
    inv = FormInventory("x.pdf", fields, "sha256:" + "0" * 64, 1, False, False)
    return draft_fields(Path("x.pdf"), inv, labels)


def test_field_names_with_control_characters_round_trip(tmp_path: Path) -> None:
    """A field's name is written exactly (escaped), so the map names the real field; a name no
    TOML file can hold (a lone surrogate) is left a comment, saying why."""
    odd = "Fornavn\x00\r\n\t\x7f\x9f"
    draft = _synthetic([
        FieldInfo(odd, "text", tooltip="Fornavn"),
        FieldInfo("Etternavn\ud800", "text", tooltip="Etter\ud800navn\u2028"),
    ])  # fmt: skip
    text = render_toml(draft, form_id="x", agency="a", source="x.pdf")
    text.encode("utf-8")  # no lone surrogate reached the file
    data = tomllib.loads(text)
    assert [f["field"] for f in data["fields"]] == [odd]
    assert "cannot be written in a map" in text and "lone surrogate" in text


# --- choice fields on code-valued paths -------------------------------------------------------


def _combo(name: str, tooltip: str, exports: list[str]) -> FieldInfo:
    return FieldInfo(name, "combo", options=[(e, e) for e in exports], tooltip=tooltip)


@pytest.mark.parametrize(
    ("exports", "want"),
    [
        (["NO", "NL", "SE"], {"NO": "NO", "NL": "NL", "SE": "SE"}),
        (["Norge", "Nederland", "Sverige"], {"NO": "Norge", "NL": "Nederland", "SE": "Sverige"}),
        (["Nord", "Sør", "NL"], None),  # two name no country: a person decides
    ],
)
def test_a_country_choice_gets_options_from_its_export_values(
    tmp_path: Path, exports: list[str], want: dict[str, str] | None
) -> None:
    """On a Norwegian form, a 'Land' combo of codes, or of country names in Norwegian, is
    mapped with options ISO code -> export value; one whose values name no country is a TODO
    that says which; either way the draft loads."""
    draft = _synthetic([FieldInfo("Fornavn", "text", tooltip="Fornavn"),
                        FieldInfo("Etternavn", "text", tooltip="Etternavn"),
                        _combo("Land", "Land", [" ", *exports])])  # fmt: skip
    assert draft.language == "nb"
    s = draft.suggestions[2]
    if want is None:
        assert s.kind == "unmapped" and "'Nord', 'Sør' name no country" in s.why, s.why
        assert s.options == {"NL": "NL"}  # kept for the person, commented out
    text = render_toml(draft, form_id="x", agency="a", source="x.pdf")
    path = tmp_path / "a" / "x.toml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    fmap = load_map(path)
    land = [f for f in fmap.fields if f.field == "Land"]
    assert [dict(f.options or {}) for f in land] == ([want] if want else [])
    assert want is not None or '# field = "Land"' in text


def _land_form(path: Path, values: list[str]) -> Path:
    """A Norwegian form: names, and a 'Land' combo offering ``values``."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    for y, name in ((780, "Fornavn"), (750, "Etternavn")):
        c.drawString(40, y + 4, name)
        c.acroForm.textfield(name=name, x=140, y=y, width=160, height=16, borderWidth=0)
    c.drawString(40, 724, "Land")
    c.acroForm.choice(name="Land", x=140, y=720, width=160, height=16, tooltip="Land",
                      options=values, value=values[0])  # fmt: skip
    c.save()
    return path


@pytest.mark.parametrize(
    ("values", "want"),
    [(["Norge", "Nederland", "Sverige"], {"NO": "Norge", "NL": "Nederland", "SE": "Sverige"}),
     (["Nord", "Sør"], None)],
)  # fmt: skip
def test_a_drafted_country_combo_has_options_or_is_a_todo(
    tmp_path: Path, values: list[str], want: dict[str, str] | None
) -> None:
    """Through `map new` on a real PDF: a Norwegian form's 'Land' combo of country names gets
    options; one whose values name no country ('Nord', 'Sør') is a TODO saying which values;
    either way the file loads and checks."""
    form = _land_form(tmp_path / "land.pdf", values)
    land = {s.field.name: s for s in draft_map(form).suggestions}["Land"]
    text, problems = _check_draft(form, tmp_path / "home")
    assert problems == []
    if want is None:
        assert land.kind == "unmapped" and "'Nord', 'Sør' name no country" in land.why, land.why
        assert '# field = "Land"' in text
    else:
        assert (land.kind, land.options) == ("options", want), land.why
        assert '[[fields]]\nfield = "Land"' in text


# --- a draft that maps nothing ------------------------------------------------------------------


def test_a_draft_that_maps_nothing_still_loads_and_checks(tmp_path: Path) -> None:
    """A form none of whose labels the lexicon knows: every field is a TODO, and the file is
    still a map that loads and checks ('0 mapped')."""
    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(40, 810, "Quux")
    c.acroForm.textfield(name="Xyzzy1", tooltip="Plugh", x=100, y=760, width=160, height=16)
    c.acroForm.textfield(name="Xyzzy2", tooltip="Frobozz", x=100, y=720, width=160, height=16)
    c.save()
    text, problems = _check_draft(path, tmp_path / "home")
    assert "0 mapped" in text and "\n[[fields]]" not in text
    assert problems == []
    fmap = load_map(tmp_path / "home" / "form_maps" / "drafts" / "blank.toml")
    assert fmap.fields == ()


# --- tables of repeated rows ------------------------------------------------------------------


def _children(rows: dict[int, list[str]]) -> list[FieldInfo]:
    """Child rows as a Norwegian form names them: Barn<n>_fornavn, tooltip 'Fornavn'."""
    tips = {"fornavn": "Fornavn", "etternavn": "Etternavn", "fodselsnummer": "Fødselsnummer"}
    fields = [FieldInfo("Fornavn", "text", tooltip="Fornavn")]
    for n, columns in rows.items():
        fields += [FieldInfo(f"Barn{n}_{c}", "text", tooltip=tips[c]) for c in columns]
    return fields


def _load(tmp_path: Path, draft: Draft) -> tuple[str, FormMap]:
    text = render_toml(draft, form_id="x", agency="a", source="x.pdf")
    path = tmp_path / "a" / "x.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text, load_map(path)


def test_numbered_child_rows_are_declared_as_rows(tmp_path: Path) -> None:
    """Three child rows mapped alike: one [[rows]] of household.children, the rows in order,
    each row's fields in the same column order; the draft loads with it."""
    cols = ["fornavn", "etternavn", "fodselsnummer"]
    _text, fmap = _load(tmp_path, _synthetic(_children({1: cols, 2: cols, 3: cols})))
    assert [g.list for g in fmap.rows] == ["household.children"]
    assert fmap.rows[0].fields == tuple(
        tuple(f"Barn{n}_{c}" for c in cols) for n in (1, 2, 3)
    )  # fmt: skip
    assert fmap.rows[0].section == "Barn"
    assert fmap.rows[0].columns == ("Fornavn", "Etternavn", "Fødselsnummer")


def test_rows_hold_only_what_every_row_fills_alike(tmp_path: Path) -> None:
    """A column the second row lacks is no column of the table (its first-row field stays
    mapped); a row after a gap is not declared, and its fields are left to a person, since the
    addendum would list that child a second time."""
    draft = _synthetic(_children({1: ["fornavn", "etternavn"], 2: ["fornavn"], 4: ["fornavn"]}))
    text, fmap = _load(tmp_path, draft)
    assert fmap.rows[0].fields == (("Barn1_fornavn",), ("Barn2_fornavn",))
    mapped = {f.field: f.profile for f in fmap.fields}
    assert mapped["Barn1_etternavn"] == "household.children[0].family_name"
    assert "Barn4_fornavn" not in mapped
    assert '# field = "Barn4_fornavn"' in text and "declare it in [[rows]]" in text


def test_one_row_is_no_table(tmp_path: Path) -> None:
    """A single child row declares no [[rows]]: one row is no repeated table."""
    _text, fmap = _load(tmp_path, _synthetic(_children({1: ["fornavn", "etternavn"]})))
    assert fmap.rows == ()
    assert {f.field for f in fmap.fields} >= {"Barn1_fornavn", "Barn1_etternavn"}
