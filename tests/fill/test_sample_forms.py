"""The synthetic sample forms: reproducible, valid PDFs that carry the traps they claim.

These tests read the forms with pypdf directly (not formfill.pdf.inspect) so that they check the
fixtures themselves, independently of the code the fixtures are meant to test.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_forms"
FORMS = {
    "nav-barnetrygd": SAMPLES / "nav" / "nav-barnetrygd.pdf",
    "nav-yrkesskade": SAMPLES / "nav" / "nav-yrkesskade.pdf",
    "toeslag-aanvraag": SAMPLES / "toeslagen" / "toeslag-aanvraag.pdf",
    "housing-assistance": SAMPLES / "county" / "housing-assistance.pdf",
    "button-states": SAMPLES / "traps" / "button-states.pdf",  # no map: tests fill by name
}
MAPS = {
    "nav-barnetrygd": ROOT / "form_maps" / "nav" / "nav-barnetrygd.toml",
    "nav-yrkesskade": ROOT / "form_maps" / "nav" / "nav-yrkesskade.toml",
    "toeslag-aanvraag": ROOT / "form_maps" / "toeslagen" / "toeslag-aanvraag.toml",
    "housing-assistance": ROOT / "form_maps" / "county" / "housing-assistance.toml",
}

FF_READ_ONLY = 1 << 0
FF_MULTILINE = 1 << 12
FF_RADIO = 1 << 15
FF_COMBO = 1 << 17
FF_COMB = 1 << 24
F_HIDDEN = 1 << 1


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_forms_build", SAMPLES / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _inherited(node: DictionaryObject, key: str) -> Any:
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _full_name(node: DictionaryObject) -> str:
    parts = []
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def inventory(path: Path) -> dict[str, dict[str, Any]]:
    """Every field of a PDF, by full name: type, flags, states, options, widgets (page, flags).

    Fields come from the /AcroForm /Fields tree and from widgets found only in a page's /Annots
    (orphans, marked ``orphan``)."""
    reader = PdfReader(path)
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    fields: dict[str, dict[str, Any]] = {}
    seen_widgets: set[int] = set()

    def add_widget(field: DictionaryObject, widget: DictionaryObject, wid: int, orphan: bool):
        name = _full_name(field)
        entry = fields.setdefault(
            name,
            {
                "type": str(_inherited(field, "/FT")),
                "ff": int(_inherited(field, "/Ff") or 0),
                "max_len": _inherited(field, "/MaxLen"),
                "q": int(_inherited(field, "/Q") or 0),
                "opt": [
                    tuple(str(x) for x in o) if isinstance(o, list) else str(o)
                    for o in (_inherited(field, "/Opt") or [])
                ],
                "tooltip": str(_inherited(field, "/TU") or ""),
                "orphan": orphan,
                "widgets": [],
            },
        )
        ap_n = widget.get("/AP", {}).get("/N")
        states = sorted(str(k)[1:] for k in ap_n.get_object()) if ap_n is not None else []
        if entry["type"] != "/Btn":
            states = []
        page = widget.get("/P")
        entry["widgets"].append(
            {
                "page": page_of.get(page.idnum) if page is not None else None,
                "flags": int(widget.get("/F", 0)),
                "states": states,
                "da": str(widget.get("/DA") or _inherited(field, "/DA") or ""),
            }
        )
        seen_widgets.add(wid)

    def walk(ref: Any) -> None:
        node = ref.get_object()
        kids = node.get("/Kids")
        if kids is None:
            add_widget(node, node, ref.idnum, False)
            return
        for kid_ref in kids:
            kid = kid_ref.get_object()
            if "/T" in kid:
                walk(kid_ref)
            else:  # a pure widget of `node`
                add_widget(node, kid, kid_ref.idnum, False)

    for ref in reader.trailer["/Root"]["/AcroForm"]["/Fields"]:
        walk(ref)
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Widget" and ref.idnum not in seen_widgets:
                add_widget(annot, annot, ref.idnum, True)
    return fields


@pytest.fixture(scope="module")
def forms() -> dict[str, dict[str, dict[str, Any]]]:
    """The inventory of every checked-in sample form."""
    return {key: inventory(path) for key, path in FORMS.items()}


@pytest.fixture(scope="module")
def fresh_builds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two independent builds of every form, in two temporary folders."""
    build = _load_build()
    roots = [tmp_path_factory.mktemp("build_a"), tmp_path_factory.mktemp("build_b")]
    for root in roots:
        build.build_all(root)
    return roots


def _rel(path: Path) -> Path:
    return path.relative_to(SAMPLES)


def test_build_is_deterministic(fresh_builds: list[Path]) -> None:
    """Two builds produce the same field inventory (names, types, flags, states, pages)."""
    a, b = fresh_builds
    for path in FORMS.values():
        assert inventory(a / _rel(path)) == inventory(b / _rel(path)), path.name


def test_checked_in_forms_match_the_build_script(fresh_builds: list[Path]) -> None:
    """The PDFs in sample_forms/ are what build.py makes now (rebuild after editing it)."""
    for path in FORMS.values():
        assert inventory(path) == inventory(fresh_builds[0] / _rel(path)), (
            f"{path.name} is stale: run .venv/bin/python sample_forms/build.py"
        )


@pytest.mark.parametrize(
    ("form", "name", "max_len"),
    [
        ("nav-barnetrygd", "Fodselsnummer", 11),
        ("nav-barnetrygd", "Postnummer", 4),
        ("nav-barnetrygd", "Barn1_fodselsnummer", 11),
        ("nav-barnetrygd", "Kontonummer", 11),
        ("nav-yrkesskade", "Fodselsnummer", 11),
        ("nav-yrkesskade", "Arbeidsgiver_orgnr", 9),
        ("toeslag-aanvraag", "BSN", 9),
        ("housing-assistance", "SSN", 9),
        ("housing-assistance", "ZIP", 5),
    ],
)
def test_comb_fields_have_maxlen(forms: dict, form: str, name: str, max_len: int) -> None:
    """Identifier boxes are comb text fields with the right /MaxLen (one character per cell)."""
    field = forms[form][name]
    assert field["type"] == "/Tx"
    assert field["ff"] & FF_COMB
    assert field["max_len"] == max_len


def test_radio_with_opt(forms: dict) -> None:
    """The Dutch form has a radio group whose states are /0 /1 /2 and whose export values
    (with spaces and punctuation) live in /Opt."""
    field = forms["toeslag-aanvraag"]["Leefsituatie"]
    assert field["ff"] & FF_RADIO
    assert field["opt"] == [
        "Alleenstaand",
        "Gehuwd / geregistreerd partner",
        "Samenwonend (met toeslagpartner)",
    ]
    assert [w["states"] for w in field["widgets"]] == [["0", "Off"], ["1", "Off"], ["2", "Off"]]


@pytest.mark.parametrize(
    ("form", "name", "on_states"),
    [
        ("nav-barnetrygd", "Barn1_bor_sammen", ["Ja", "Nei"]),
        ("nav-barnetrygd", "Barn3_bor_sammen", ["Ja", "Nei"]),
        ("toeslag-aanvraag", "Toeslagpartner", ["Ja", "Nee"]),
        ("housing-assistance", "Household Status", ["Single", "Married", "HoH"]),
    ],
)
def test_checkbox_groups_have_per_widget_states(
    forms: dict, form: str, name: str, on_states: list[str]
) -> None:
    """Ja/Nei pairs and filing-status boxes are ONE checkbox field (not a radio) whose widgets
    each carry their own on-state."""
    field = forms[form][name]
    assert field["type"] == "/Btn"
    assert not field["ff"] & FF_RADIO
    got = [next(s for s in w["states"] if s != "Off") for w in field["widgets"]]
    assert got == on_states


def test_orphan_widget(forms: dict) -> None:
    """The Dutch form has a widget with /T and /FT that /AcroForm /Fields does not reach."""
    field = forms["toeslag-aanvraag"]["Telefoonnummer"]
    assert field["orphan"] is True
    assert field["type"] == "/Tx"
    orphans = [n for f in forms.values() for n, v in f.items() if v["orphan"]]
    assert orphans == ["Telefoonnummer", "Urgente"]


def test_hidden_widget(forms: dict) -> None:
    """The Dutch form has a widget with the Hidden annotation flag (to be skipped)."""
    widgets = forms["toeslag-aanvraag"]["Verwerkingscode"]["widgets"]
    assert all(w["flags"] & F_HIDDEN for w in widgets)


def test_field_with_widgets_on_two_pages(forms: dict) -> None:
    """The work-injury report's fødselsnummer is one field with a widget on page 1 and page 2."""
    field = forms["nav-yrkesskade"]["Fodselsnummer"]
    assert [w["page"] for w in field["widgets"]] == [1, 2]
    assert field["ff"] & FF_COMB and field["max_len"] == 11


@pytest.mark.parametrize(
    ("form", "name"), [("nav-barnetrygd", "Saksnummer"), ("housing-assistance", "Case Number")]
)
def test_read_only_fields(forms: dict, form: str, name: str) -> None:
    """Office-use fields are read-only (a filler must refuse to write them)."""
    assert forms[form][name]["ff"] & FF_READ_ONLY


def test_non_ascii_state_names(forms: dict) -> None:
    """Non-ASCII on-states exist in both encodings: /Særbo (UTF-8 bytes) and /Sí written as
    the single byte /S#ED, as the real Spanish form had it."""
    sivilstand = forms["nav-barnetrygd"]["Sivilstand"]
    assert sivilstand["ff"] & FF_RADIO
    assert "Særbo" in {s for w in sivilstand["widgets"] for s in w["states"]}
    assert forms["housing-assistance"]["Interpreter"]["widgets"][0]["states"] == ["Off", "Sí"]
    raw = FORMS["housing-assistance"].read_bytes()
    assert b"/S#ED" in raw and b"/S#C3#AD" not in raw


def test_single_byte_state_names_in_every_shape(forms: dict) -> None:
    """The button-states form spells its states as single Latin-1 bytes in every widget shape
    (merged, two kids, radio, orphan) and /Sí once in UTF-8, on a per-widget pair."""
    fields = forms["button-states"]
    states = {
        n: [[s for s in w["states"] if s != "Off"] for w in f["widgets"]] for n, f in fields.items()
    }
    assert states == {
        "Interprete": [["Sí"]],
        "Acepta": [["Aceptó"], ["Aceptó"]],
        "Situation": [["Veuf"], ["Marié"], ["Pacsé"], ["Divorcé"]],
        "Urgente": [["Sí"]],
        "Acompanante": [["No"], ["Sí"]],
    }
    assert fields["Situation"]["ff"] & FF_RADIO and not fields["Acepta"]["ff"] & FF_RADIO
    assert fields["Urgente"]["orphan"]
    raw = FORMS["button-states"].read_bytes()
    for name in (b"/S#ED", b"/Acept#F3", b"/Mari#E9", b"/Pacs#E9", b"/Divorc#E9"):
        assert raw.count(name) >= 3, name  # /AP /N, /D and /R of each widget
    assert raw.count(b"/S#C3#AD") == 3  # Acompanante's one widget
    assert b"/Mari#C3#A9" not in raw and b"/Acept#C3#B3" not in raw


def test_other_field_kinds(forms: dict) -> None:
    """Signatures are /Sig fields; the dropdown's export values differ from its display text;
    the list box, multi-line fields and centred / right-aligned fields are present."""
    for form, name in [
        ("nav-barnetrygd", "Underskrift"),
        ("nav-yrkesskade", "Underskrift"),
        ("toeslag-aanvraag", "Handtekening"),
        ("housing-assistance", "Applicant Signature"),
    ]:
        assert forms[form][name]["type"] == "/Sig"
    skadetype = forms["nav-yrkesskade"]["Skadetype"]
    assert skadetype["type"] == "/Ch" and skadetype["ff"] & FF_COMBO
    assert ("BRUDD", "Bruddskade") in skadetype["opt"]
    kroppsdel = forms["nav-yrkesskade"]["Skadet_kroppsdel"]
    assert kroppsdel["type"] == "/Ch" and not kroppsdel["ff"] & FF_COMBO
    assert forms["nav-barnetrygd"]["Tilleggsopplysninger"]["ff"] & FF_MULTILINE
    assert forms["nav-yrkesskade"]["Beskrivelse"]["ff"] & FF_MULTILINE
    assert forms["nav-yrkesskade"]["Klokkeslett"]["q"] == 1
    assert forms["nav-yrkesskade"]["Timer_per_uke"]["q"] == 2
    assert forms["toeslag-aanvraag"]["Inkomen_per_jaar"]["q"] == 2
    assert ("IL", "Illinois") in forms["housing-assistance"]["State"]["opt"]


def test_appearances_fonts_and_tooltips(forms: dict) -> None:
    """Every button widget has /AP /N with its on-state and /Off; text fields say
    /Helv 10 Tf 0 g; /DR holds Helv (WinAnsi) and ZaDb; nearly every field has a tooltip."""
    for key, fields in forms.items():
        for name, field in fields.items():
            for widget in field["widgets"]:
                if field["type"] == "/Btn":
                    assert "Off" in widget["states"] and len(widget["states"]) == 2, name
                if field["type"] == "/Tx":
                    assert widget["da"] == "/Helv 10 Tf 0 g", name
        with_tip = sum(1 for f in fields.values() if f["tooltip"])
        assert with_tip >= 0.9 * len(fields), key
        fonts = PdfReader(FORMS[key]).trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]
        assert fonts["/Helv"]["/Encoding"] == "/WinAnsiEncoding"
        assert fonts["/ZaDb"]["/BaseFont"] == "/ZapfDingbats"


def test_maps_list_every_field(forms: dict) -> None:
    """Each map names exactly the fields of its sample form, and points at that form."""
    for key, map_path in MAPS.items():
        data = tomllib.loads(map_path.read_text(encoding="utf-8"))
        assert data["id"] == map_path.stem
        assert (ROOT / data["source"]).resolve() == FORMS[key].resolve()
        # a Ja/Nee pair set by one when + state per state is one field with several entries
        mapped = [f["field"] for f in data["fields"] if "state" not in f]
        mapped += sorted({f["field"] for f in data["fields"] if "state" in f})
        assert len(mapped) == len(set(mapped)), f"duplicate field in {map_path.name}"
        assert set(mapped) == set(forms[key]), map_path.name


@pytest.mark.parametrize("path", list(FORMS.values()), ids=list(FORMS))
def test_qpdf_check(path: Path) -> None:
    """Every sample form passes `qpdf --check`."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed")
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", list(FORMS.values()), ids=list(FORMS))
def test_pdftk_reads_every_field(path: Path, forms: dict) -> None:
    """pdftk lists every field reachable from /AcroForm /Fields (orphans excluded)."""
    pdftk = shutil.which("pdftk")
    if pdftk is None:
        pytest.skip("pdftk is not installed")
    result = subprocess.run(
        [pdftk, str(path), "dump_data_fields_utf8"], capture_output=True, text=True, check=True
    )
    names = {
        line.split(": ", 1)[1]
        for line in result.stdout.splitlines()
        if line.startswith("FieldName: ")
    }
    key = next(k for k, p in FORMS.items() if p == path)
    assert names == {n for n, f in forms[key].items() if not f["orphan"]}
