"""`formfill map diff`: two versions of one form, and the migrated map."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from formfill.config import Settings
from formfill.errors import FormChangedError
from formfill.fill import Forms, fill_form
from formfill.form_map import load_map
from formfill.map_diff import diff_forms, migrate_map
from formfill.profile import load_profile

REPO = Path(__file__).resolve().parents[1]
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


def test_fill_with_changed_blank_is_refused_with_the_report(tmp_path: Path) -> None:
    """When the agency replaces the blank under a map, the fill is refused and the message
    lists what the map no longer matches."""
    home = tmp_path / "home"
    shutil.copytree(REPO / "form_maps", home / "form_maps")
    shutil.copytree(REPO / "sample_forms", home / "sample_forms")
    shutil.copy(V2, home / "sample_forms" / "nav" / "nav-barnetrygd.pdf")
    settings = Settings.from_env({"FORMFILL_HOME": str(home)})
    profile = load_profile(REPO / "tests/data/clients/nb_single_parent.json")
    with pytest.raises(FormChangedError) as e:
        fill_form(Forms(settings), "nav-barnetrygd", profile, on=date(2026, 11, 23))
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
