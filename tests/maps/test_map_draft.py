"""`formfill map new`: labels, lexicon suggestions, drafts that load as maps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from formfill.maps.draft.lexicon import load_lexicon
from formfill.maps.draft.passes import draft_map
from formfill.maps.draft.render import render_toml
from formfill.maps.loader import load_map
from formfill.pdf.inspect import inspect_pdf
from formfill.pdf.labels import label_fields, norm, readable_name
from formfill.profile.expressions import FILL_PATHS
from formfill.profile.model import check_path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_forms"


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("topmostSubform[0].Page1[0].FirstName[0]", "First Name"),
        ("form1[0].Page1[0].BeforeYouBegin[0].BusinessInfo[0].BusinessNumber_RT2[0]",
         "Business Number RT 2"),
        ("plaintiff1_address_city", "plaintiff 1 address city"),
        ("topmostSubform[0].Page1[0].f1_01[0]", ""),
        ("Tekstveld 12", ""),
    ],
)  # fmt: skip
def test_readable_name(name: str, want: str) -> None:
    """XFA-style paths reduce to their last meaningful part, split into words; generic
    names (f1_01, Tekstveld 12) give nothing rather than noise."""
    assert readable_name(name) == want


def test_labels_come_from_printed_text_beside_the_widget() -> None:
    """A field without tooltip still gets the printed caption next to it (pdfplumber)."""
    form = SAMPLES / "nav" / "nav-barnetrygd.pdf"
    inv = inspect_pdf(form)
    labels = label_fields(form, inv.fields)
    assert "Fornavn" in labels["Fornavn"].above
    assert labels["Sivilstand"].right[0] == "Ugift"


def test_lexicon_targets_are_real_profile_paths() -> None:
    """Every path and condition in the lexicon names the profile's vocabulary (or fill.date);
    a term that names a value only once a qualifier says whose (a member's relation) names one
    once it is a household member's. No qualifier moves a value to household.members[i], the
    order the household was entered in."""
    lex = load_lexicon()
    for t in lex.terms:
        if t.qualified_only:
            check_path(t.target.replace("person.", "household.children[0].", 1))
        elif t.target not in FILL_PATHS:
            check_path(t.target)
    for q in lex.qualifiers:
        assert not any("household.members" in repl for _prefix, repl in q.mapping), q.words
    for c in lex.conditions:
        check_path(c.target.split(" ")[0].split("==")[0])
    assert norm("Fødselsnummer (11 siffer)") == "fødselsnummer 11 siffer"


def _draft(form: Path) -> dict[str, object]:
    return {s.field.name: s for s in draft_map(form).suggestions}


def test_draft_of_our_norwegian_form() -> None:
    """The Norwegian sample: names, identifiers, address, the sivilstand radio as options of
    person.marital_status, child rows as the children; signature and read-only skipped."""
    d = _draft(SAMPLES / "nav" / "nav-barnetrygd.pdf")
    expect = {
        "Fornavn": "person.given_name",
        "Etternavn": "person.family_name",
        "Fodselsnummer": "identifiers.no_fnr",
        "Postnummer": "address.current.postal_code",
        "Poststed": "address.current.city",
        "Kontonummer": "bank.no_account",
        "Barn1_fornavn": "household.children[0].given_name",
        "Barn2_fodselsnummer": "household.children[1].identifiers.no_fnr",
        "Dato": "fill.date",
    }
    for name, path in expect.items():
        s = d[name]
        assert s.kind == "profile" and s.target == path, (name, s.kind, s.target, s.why)  # type: ignore[attr-defined]
    sivil = d["Sivilstand"]
    assert sivil.kind == "options" and sivil.target == "person.marital_status"  # type: ignore[attr-defined]
    assert sivil.options["married"] == "Gift"  # type: ignore[attr-defined]
    assert d["Underskrift"].kind == "skip" and d["Saksnummer"].kind == "skip"  # type: ignore[attr-defined]


def test_draft_of_our_english_form_numbers_household_rows() -> None:
    """'Member2 First Name' is the second of the whole household (the form asks for no partner
    apart), not a second client name; 'Employer' is the client's employer."""
    d = _draft(SAMPLES / "county" / "housing-assistance.pdf")
    assert d["Member2 First Name"].target == "household.everyone[1].given_name"  # type: ignore[attr-defined]
    rel = d["Member3 Relationship"]
    assert (rel.kind, rel.target) == ("options", "household.everyone[2].relation")  # type: ignore[attr-defined]
    assert rel.options["spouse"] == "SPOUSE"  # type: ignore[attr-defined]
    assert d["State"].options == {s: s for s in ("IL", "IN", "MI", "OH", "WI")}  # type: ignore[attr-defined]
    assert d["Employer"].target == "employment.employer"  # type: ignore[attr-defined]
    assert d["Interpreter"].kind == "when"  # type: ignore[attr-defined]
    assert d["SSN"].target == "identifiers.us_ssn"  # type: ignore[attr-defined]


def test_a_drafted_language_field_writes_the_languages_name() -> None:
    """'Foretrukket språk' on the barnetrygd v2 blank was filled with "nb": the draft gives a
    language field the transform that writes its name (norsk bokmål)."""
    d = _draft(SAMPLES / "nav" / "nav-barnetrygd-v2.pdf")
    sprak = d["Sprak"]
    assert sprak.target == "contact.preferred_language"  # type: ignore[attr-defined]
    assert sprak.transforms == ["language"]  # type: ignore[attr-defined]


def test_an_english_forms_currency_is_drafted_from_its_amount_labels() -> None:
    """The US sample's income box says "($)": the draft states currency = "USD", which an
    English form must say before any amount is written; a Dutch form needs no line."""
    en = render_toml(
        draft_map(SAMPLES / "county" / "housing-assistance.pdf"),
        form_id="housing-assistance", agency="county", source="x.pdf",
    )  # fmt: skip
    assert '\ncurrency = "USD"' in en
    nl = render_toml(
        draft_map(SAMPLES / "toeslagen" / "toeslag-aanvraag.pdf"),
        form_id="toeslag-aanvraag", agency="toeslagen", source="x.pdf",
    )  # fmt: skip
    assert "currency" not in nl.split("[[fields]]")[0]


def test_low_confidence_is_left_unmapped_and_flagged(tmp_path: Path) -> None:
    """A repeated label (the same path twice) is never silently guessed: the second field is
    a TODO for a person, and the rendered draft keeps it commented out."""
    draft = draft_map(SAMPLES / "toeslagen" / "toeslag-aanvraag.pdf")
    text = render_toml(draft, form_id="toeslag-aanvraag", agency="toeslagen",
                       source="sample_forms/toeslagen/toeslag-aanvraag.pdf")  # fmt: skip
    unmapped = [s for s in draft.suggestions if s.todo]
    assert unmapped
    for s in unmapped:
        assert f'# field = "{s.field.name}"' in text
    path = tmp_path / "form_maps" / "toeslagen" / "toeslag-aanvraag.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    fmap = load_map(path)
    assert fmap.language == "nl"
    assert len(fmap.fields) + len(unmapped) == len(draft.suggestions)


def test_cli_map_new_writes_a_draft(tmp_path: Path) -> None:
    """`formfill map new FORM -o MAP` writes the draft and says what it found."""
    out = tmp_path / "draft.toml"
    form = SAMPLES / "nav" / "nav-yrkesskade.pdf"
    r = subprocess.run(
        [sys.executable, "-m", "formfill", "map", "new", str(form),
         "--agency", "nav", "--id", "nav-yrkesskade", "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "fields:" in r.stderr
    assert 'id = "nav-yrkesskade"' in out.read_text()


@pytest.mark.parametrize(
    ("tooltip", "want"),
    [
        # a block about the spouse and the children that counts its people: in household order
        (
            "Part 7. Information About the Spouse and All Children. Person One. Enter Given Name.",
            "household.everyone[0].given_name",
        ),
        (
            "Gegevens van uw partner en kinderen. Persoon 3. Voornaam",
            "household.everyone[2].given_name",
        ),
        (
            "Information About the Spouse and All Children. Person Two. Enter Date of Birth.",
            "household.everyone[1].birth_date",
        ),
        # no count: whose it is stays for a person to decide (never the client's by default)
        ("Information About the Spouse and All Children. Enter Given Name.", ""),
        # 'the person to contact' counts no one, and a block about one kind of person is not
        # a household list: the client's own first name
        ("Name of the person to contact. Given Name", "person.given_name"),
    ],
)
def test_a_counted_person_in_a_family_block_is_that_member(tooltip: str, want: str) -> None:
    from formfill.maps.draft.suggest import suggest
    from formfill.pdf.inspect import FieldInfo
    from formfill.pdf.labels import FieldLabel

    f = FieldInfo(name="f1", kind="text", tooltip=tooltip)
    s = suggest(f, FieldLabel(name="f1", tooltip=tooltip), load_lexicon())
    assert (s.target if s.mapped else "") == want, s.why


def test_a_lone_box_is_labelled_by_its_caption_on_the_right() -> None:
    """'[ ] Deutsch [ ] English': the text left of a box is the box before's caption; the
    editor's title of each box is its own caption (a maintainer mapped by these titles)."""
    from formfill.pdf.labels import FieldLabel

    box = FieldLabel(name="Language 4 Check Box", left="Français", right=["Esperanto"])
    assert box.best == "Esperanto"
    group = FieldLabel(name="Sex", above="Sex", right=["Male", "Female"])
    assert group.best == "Sex"  # a group of several: its question, not its first choice
    assert FieldLabel(name="t", tooltip="Your language", right=["Latin"]).best == "Your language"
