"""The program catalog: it loads strictly (rot test), every rule is sourced and dated, a broken
file reports every problem at once, and parameters change on their dates."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from formfill.config import Settings
from formfill.errors import ProgramError
from formfill.programs.catalog import LANGUAGES, load_catalog
from formfill.programs.check import catalog_problems
from tests.program_fixtures import PROGRAMS, REPO, catalog

NO = {"barnetrygd", "utvidet-barnetrygd", "kontantstotte", "arbeidsavklaringspenger", "dagpenger",
      "bostotte"}  # fmt: skip
NL = {"kinderbijslag", "kindgebonden-budget", "zorgtoeslag", "huurtoeslag", "kinderopvangtoeslag"}


def test_catalog_rot() -> None:
    """Every program loads, every map and extractor it names exists, nothing is unsourced."""
    problems, _warnings = catalog_problems(
        Settings.from_env({"FORMFILL_HOME": str(REPO)}), date(2025, 6, 2)
    )
    assert problems == []
    ids = {p.id for p in catalog().programs}
    assert NO <= ids and NL <= ids


def test_every_rule_is_sourced_and_dated() -> None:
    """Each criterion, parameter value, deadline, checklist item and condition cites a source
    with an https URL and a date; every text is in en, nb and nl; unverified ones say why."""
    for p in catalog().programs:
        assert set(p.name) == set(LANGUAGES) and p.links
        refs = [c.source for c in p.criteria] + [c.source for c in p.conditions]
        refs += [e.source for e in p.evidence] + [d.source for d in p.deadlines]
        refs += [v.source for par in p.parameters.values() for v in par.values]
        for rule in (p.apply_by, p.backdating, p.report_changes):
            if rule is not None:
                refs.append(rule.source)
                assert set(rule.text) == set(LANGUAGES)
        for ref in refs:
            src = p.sources[ref]
            assert src.url.startswith("https://") and src.date > date(1990, 1, 1)
            assert src.verified or src.note
        for c in p.criteria:
            assert set(c.explain) == set(LANGUAGES), (p.id, c.id)
        for par in p.parameters.values():
            assert all(v.verified or v.note for v in par.values), (p.id, par.name)


def test_parameters_change_on_their_date() -> None:
    """Barnetrygd: claims received up to 2024-09-30 go back 36 months, from 2024-10-01 three."""
    p = catalog().get("barnetrygd")
    assert p.params_on(date(2024, 9, 30))["backdating_months"] == 36
    assert p.params_on(date(2024, 10, 1))["backdating_months"] == 3
    assert p.params_on(date(2024, 10, 2))["backdating_months"] == 3
    assert p.parameters["backdating_months"].on(date(2002, 12, 31)) is None


def test_broken_program_reports_every_problem(tmp_path: Path) -> None:
    """Unknown key, bad source reference, unknown parameter, bad expression, missing language
    and a wrong id: all in one ProgramError."""
    root = tmp_path / "programs"
    shutil.copytree(PROGRAMS, root)
    path = root / "no" / "barnetrygd.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('id = "barnetrygd"', 'id = "barnetrygdd"\ncolour = "red"', 1)
    text = text.replace('below = "child_age_limit"', 'below = "child_age_limt"', 1)
    text = text.replace('source = "otprp57"', 'source = "otprp75"', 1)
    text = text.replace("household.children | selectattr", "houshold.children | selectattr", 1)
    text = text.replace('nl = "Kinderbijslag in Noorwegen (barnetrygd)"\n', "", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgramError) as e:
        load_catalog(root)
    msgs = "\n".join(str(p) for p in e.value.problems)
    for expected in ("colour", "differs from the file name", "child_age_limt", "otprp75",
                     "houshold", "name.nl"):  # fmt: skip
        assert expected in msgs, msgs
    assert all(str(p).startswith("no/barnetrygd.toml") for p in e.value.problems)


def test_unknown_program_suggests() -> None:
    with pytest.raises(ProgramError, match="did you mean zorgtoeslag"):
        catalog().get("zorgtoeslg")


def test_cli_list_check_and_screen() -> None:
    """`programs list`, `programs check` and `screen --json` run and agree with the library."""
    import json

    from click.testing import CliRunner

    from formfill.cli.main import cli

    runner = CliRunner()
    listed = runner.invoke(cli, ["programs", "list", "--country", "nl", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {r["id"] for r in json.loads(listed.output)} == NL
    checked = runner.invoke(cli, ["programs", "check"])
    assert checked.exit_code == 0 and "every program loads" in checked.output
    client = REPO / "personas" / "nb_single_parent.json"
    out = runner.invoke(cli, ["screen", str(client), "--on", "2025-06-02", "--json"])
    assert out.exit_code == 0, out.output
    statuses = {r["program"]: r["status"] for r in json.loads(out.output)["results"]}
    assert statuses["barnetrygd"] == "eligible"
    text = runner.invoke(cli, ["screen", str(client), "--on", "2025-06-02", "--country", "NO"])
    assert "Minst ett barn under 18 år bor fast hos deg (2 funnet)." in text.output
    bad = runner.invoke(cli, ["screen", str(client), "--apply", "barnetrygd"])
    assert bad.exit_code == 2 and "CLIENT_ID" in bad.output


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ({"en": "Child benefit", "nb": "Barnetrygd"}, "nb", "Barnetrygd"),
        ({"en": "Child benefit", "nb": "Barnetrygd"}, "nn", "Barnetrygd"),
        ({"en": "Child benefit", "nb": "Barnetrygd", "nn": "Barnetrygd (nn)"}, "nn",
         "Barnetrygd (nn)"),
        ({"en": "Child benefit", "nb": "Barnetrygd"}, "nl", "Child benefit"),
        ({"nb": "Barnetrygd", "en": ""}, "de", "default"),
        (None, "en", "default"),
    ],
)  # fmt: skip
def test_one_fallback_rule_for_localised_text(
    text: dict[str, str] | None, language: str, expected: str
) -> None:
    """The reader's language, bokmål for nynorsk, then English, then the caller's default."""
    from formfill.text import localised

    assert localised(text, language, "default") == expected
