"""`formfill map diff`: two versions of one form, and the migrated map."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from formfill.config import Settings
from formfill.errors import FormChangedError
from formfill.fill import FormCatalogue, fill_form
from formfill.maps.diff import diff_forms, migrate_map
from formfill.maps.loader import load_map
from formfill.profile.validation import load_profile

REPO = Path(__file__).resolve().parents[2]
V1 = REPO / "sample_forms" / "nav" / "nav-barnetrygd.pdf"
V2 = REPO / "sample_forms" / "nav" / "nav-barnetrygd-v2.pdf"
MAP = REPO / "form_maps" / "nav" / "nav-barnetrygd.toml"


def test_diff_finds_every_kind_of_change() -> None:
    """v1 -> v2: Telefon renamed Mobilnummer, Epost moved, the third child row removed, Sprak
    added, the Utvidet_barnetrygd on-state changed; everything else kept unchanged."""
    d = diff_forms(V1, V2)
    renamed = {(c.old.name, c.new.name) for c in d.of_kind("renamed")}  # type: ignore[union-attr]
    assert renamed == {("Telefon", "Mobilnummer")}
    assert {c.old.name for c in d.of_kind("removed")} == {  # type: ignore[union-attr]
        "Barn3_fornavn", "Barn3_etternavn", "Barn3_fodselsnummer", "Barn3_bor_sammen"
    }  # fmt: skip
    assert {c.new.name for c in d.of_kind("added")} == {"Sprak"}  # type: ignore[union-attr]
    changed = {c.name: c.changes for c in d.changed}
    assert set(changed) == {"Epost", "Utvidet_barnetrygd"}
    assert any(x.startswith("moved") for x in changed["Epost"])
    assert any("on-states" in x for x in changed["Utvidet_barnetrygd"])
    assert d.old.fingerprint != d.new.fingerprint


def test_migrated_map_carries_the_sure_and_flags_the_rest(tmp_path: Path) -> None:
    """The migrated map keeps every unchanged mapping, moves the renamed one to its new name,
    and leaves the removed, the changed and the new fields to a person (TODO)."""
    text, todo = migrate_map(
        load_map(MAP), diff_forms(V1, V2), "sample_forms/nav/nav-barnetrygd-v2.pdf"
    )
    path = tmp_path / "form_maps" / "nav" / "nav-barnetrygd.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    new = load_map(path)
    names = {f.field for f in new.fields}
    assert "Mobilnummer" in names and "Telefon" not in names
    assert {"Fornavn", "Epost", "Barn2_fornavn", "Sivilstand"} <= names
    assert not any(n.startswith("Barn3_") for n in names)
    assert "Utvidet_barnetrygd" not in names
    assert any("Utvidet_barnetrygd" in t for t in todo)
    assert any("Sprak" in t for t in todo)
    assert sum("Barn3_" in t for t in todo) == 4
    mob = next(f for f in new.fields if f.field == "Mobilnummer")
    assert mob.profile == "contact.phone_mobile"


def test_migrated_rows_keep_the_rows_still_on_the_form(tmp_path: Path) -> None:
    """v2 lost the third child row: the migrated [[rows]] declares the two left (children
    beyond go on the addendum), a TODO says so, and the map loads with them."""
    text, todo = migrate_map(
        load_map(MAP), diff_forms(V1, V2), "sample_forms/nav/nav-barnetrygd-v2.pdf"
    )
    path = tmp_path / "form_maps" / "nav" / "nav-barnetrygd.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    (group,) = load_map(path).rows
    assert group.list == "household.children"
    assert [row[0] for row in group.fields] == ["Barn1_fornavn", "Barn2_fornavn"]
    assert any("lost row 3" in t for t in todo)


def test_migrated_rows_follow_a_renamed_field_and_drop_when_a_row_goes(tmp_path: Path) -> None:
    """A field of a row renamed on the new form is renamed in [[rows]] too; when the first
    row's field is not carried, the whole declaration is a TODO (commented out)."""
    # as if the new form called Barn1_etternavn Barn1_surname (a sure rename)
    diff = diff_forms(V1, V2)
    for c in diff.fields:
        if c.old is not None and c.old.name == "Barn1_etternavn" and c.new is not None:
            c.kind, c.score = "renamed", 0.99
            c.new = replace(c.new, name="Barn1_surname")
    text, todo = migrate_map(load_map(MAP), diff, "sample_forms/nav/nav-barnetrygd-v2.pdf")
    assert '["Barn1_fornavn", "Barn1_surname", "Barn1_fodselsnummer", "Barn1_bor_sammen"]' in text
    for c in diff.fields:
        if c.old is not None and c.old.name == "Barn1_fornavn":
            c.changes.append("type text -> combo")
    text, todo = migrate_map(load_map(MAP), diff, "sample_forms/nav/nav-barnetrygd-v2.pdf")
    assert "\n# [[rows]]\n" in text and "\n[[rows]]\n" not in text
    assert any("rows of household.children are no longer all on the form" in t for t in todo)


def test_a_map_reading_members_by_position_is_not_carried(tmp_path: Path) -> None:
    """An old map that reads household.members[i] (the entry order) is never carried as it is:
    each such entry becomes a TODO that says to name the person by relation."""
    old = tmp_path / "form_maps" / "nav" / "nav-barnetrygd.toml"
    old.parent.mkdir(parents=True)
    old.write_text(MAP.read_text().replace("household.children", "household.members"))
    text, todo = migrate_map(load_map(old), diff_forms(V1, V2), "v2.pdf")
    active = [line for line in text.splitlines() if not line.startswith("#")]
    assert not any("household.members[" in line for line in active)
    assert any("Barn1_fornavn" in t and "household.partner" in t for t in todo)


def test_fill_with_changed_blank_is_refused_with_the_report(tmp_path: Path) -> None:
    """When the agency replaces the blank under a map, the fill is refused and the message
    lists what the map no longer matches."""
    home = tmp_path / "home"
    shutil.copytree(REPO / "form_maps", home / "form_maps")
    shutil.copytree(REPO / "sample_forms", home / "sample_forms")
    shutil.copy(V2, home / "sample_forms" / "nav" / "nav-barnetrygd.pdf")
    settings = Settings.from_env({"FORMFILL_HOME": str(home)})
    profile = load_profile(REPO / "personas/nb_single_parent.json")
    with pytest.raises(FormChangedError) as e:
        fill_form(FormCatalogue(settings), "nav-barnetrygd", profile, on=date(2026, 11, 23))
    msg = str(e.value)
    assert "Telefon" in msg and "Barn3_fornavn" in msg and "Sprak" in msg


def test_cli_map_diff_writes_the_migrated_map(tmp_path: Path) -> None:
    """`formfill map diff MAP NEW -o OUT` prints the changes, writes the map, exits 1 because
    some entries need a person."""
    out = tmp_path / "new.toml"
    r = subprocess.run(
        [sys.executable, "-m", "formfill", "map", "diff", str(MAP), str(V2), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert "renamed" in r.stdout and "needs a person" in r.stdout
    assert "Mobilnummer" in out.read_text()
