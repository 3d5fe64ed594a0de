"""The forms CLI: `forms list | import | export | publish | retire` over the store, and the
clear messages (exit 2) for an unknown form, bad TOML and a missing blank."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from formfill.artifacts import new_key
from formfill.cli.forms import register as register_forms
from formfill.cli.store import register as register_store
from formfill.config import Settings
from formfill.store import Actor, open_store, session_scope
from formfill.store.users import create_user

REPO = Path(__file__).resolve().parents[2]
FORM = "nav-yrkesskade"
MAP = REPO / "form_maps" / "nav" / f"{FORM}.toml"
BLANK = REPO / "sample_forms" / "nav" / f"{FORM}.pdf"
FOLDER_FORMS = sorted(p.stem for p in (REPO / "form_maps").glob("*/*.toml"))


@click.group()
def cli() -> None:
    """A stand-in for formfill's group."""


register_store(cli)
register_forms(cli)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A store upgraded (the checkout's forms imported) in a fresh data dir."""
    environ = {
        "FORMFILL_HOME": str(REPO),
        "FORMFILL_DATA_DIR": str(tmp_path / "data"),
        "FORMFILL_DATABASE_URL": "",
        "FORMFILL_ARTIFACT_KEY": new_key(),
        "FORMFILL_ENV": "development",
    }
    r = run(environ, "db", "upgrade")
    assert r.exit_code == 0, r.output
    return environ


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _listed(env: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    r = run(env, "forms", "list", "--json")
    assert r.exit_code == 0, r.output
    return {f["id"]: f["versions"] for f in json.loads(r.output)}


def test_list_import_export_round_trip(env: dict[str, str], tmp_path: Path) -> None:
    """db upgrade published each folder form as version 1 (list shows them); export writes the
    map byte for byte with its blank; the exported map, changed and imported --by a user, is
    version 2 (made and published by them) and the current one; importing it again adds
    nothing; version 1 still exports as it was."""
    first = _listed(env)
    assert sorted(first) == FOLDER_FORMS
    assert [(v["version"], v["status"]) for v in first[FORM]] == [(1, "published")]
    out = tmp_path / "out"
    r = run(env, "forms", "export", FORM, "-o", str(out))
    assert r.exit_code == 0, r.output
    exported = out / "nav" / f"{FORM}.toml"
    assert exported.read_text(encoding="utf-8") == MAP.read_text(encoding="utf-8")
    assert (out / "nav" / BLANK.name).read_bytes() == BLANK.read_bytes()

    engine, sessions = open_store(Settings.from_env(env))
    with session_scope(sessions) as s:
        user_id = create_user(
            s, Actor.system("test"), "maint@example.test", "Maintainer", "admin", "x" * 12
        ).id
    engine.dispose()
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text.replace("(eksempelskjema)", "(eksempelskjema, v2)"), "utf-8")
    r = run(env, "forms", "import", str(exported), "--by", "maint@example.test")
    assert r.exit_code == 0, r.output
    assert f"{FORM}@2: published" in r.output
    r = run(env, "forms", "import", str(exported), "--by", "maint@example.test")
    assert r.exit_code == 0 and f"{FORM}@2" in r.output  # the same version, not a third
    versions = _listed(env)[FORM]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "published"), (2, "published")]
    assert versions[1]["created_by"] == user_id and versions[1]["published_by"] == user_id
    assert versions[0]["published_by"] is None  # db upgrade's
    table = run(env, "forms", "list")
    assert table.exit_code == 0 and f"{FORM}" in table.output and "current @2" in table.output

    again = tmp_path / "again"
    assert run(env, "forms", "export", FORM, "-o", str(again)).exit_code == 0
    assert "v2)" in (again / "nav" / f"{FORM}.toml").read_text(encoding="utf-8")
    old = tmp_path / "old"
    assert run(env, "forms", "export", f"{FORM}@1", "-o", str(old)).exit_code == 0
    assert (old / "nav" / f"{FORM}.toml").read_text(encoding="utf-8") == MAP.read_text("utf-8")


def test_draft_publish_and_retire(env: dict[str, str], tmp_path: Path) -> None:
    """A draft is imported with --draft and published later; a draft whose map does not fit
    its blank is refused publication with the check's problem; retire leaves the form with
    the older published version current."""
    folder = tmp_path / "drafts" / "nav"
    folder.mkdir(parents=True)
    text = MAP.read_text(encoding="utf-8").replace("(eksempelskjema)", "(utkast)")
    (folder / f"{FORM}.toml").write_text(text, encoding="utf-8")
    (folder / BLANK.name).write_bytes(BLANK.read_bytes())
    r = run(env, "forms", "import", str(folder / f"{FORM}.toml"), "--draft")
    assert r.exit_code == 0 and f"{FORM}@2: draft" in r.output, r.output
    assert run(env, "forms", "publish", f"{FORM}@2").exit_code == 0
    r = run(env, "forms", "publish", f"{FORM}@2")
    assert r.exit_code == 2 and "published, not a draft" in r.output
    assert run(env, "forms", "retire", f"{FORM}@2").exit_code == 0
    assert [v["status"] for v in _listed(env)[FORM]] == ["published", "retired"]

    barnetrygd = tmp_path / "changed" / "nav"
    barnetrygd.mkdir(parents=True)
    (barnetrygd / "nav-barnetrygd.toml").write_bytes(
        (REPO / "form_maps" / "nav" / "nav-barnetrygd.toml").read_bytes()
    )
    new_blank = REPO / "sample_forms" / "nav" / "nav-barnetrygd-v2.pdf"
    args = ("forms", "import", str(barnetrygd / "nav-barnetrygd.toml"), "--blank", str(new_blank))
    r = run(env, *args)
    assert r.exit_code == 2 and "not published" in r.output and "fingerprint" in r.output
    assert run(env, *args, "--draft").exit_code == 0
    r = run(env, "forms", "publish", "nav-barnetrygd@2")
    assert r.exit_code == 2 and "the blank changed" in r.output


def test_bad_input_is_a_clear_message(env: dict[str, str], tmp_path: Path) -> None:
    """An unknown form or version, a version that is not a number, bad TOML, a map that does
    not load and a missing blank each exit 2 with a one-line reason and no traceback."""
    out = str(tmp_path / "out")
    cases = [
        (("forms", "export", "nav-nothing", "-o", out), "no form 'nav-nothing'"),
        (("forms", "export", f"{FORM}@7", "-o", out), f"{FORM}@7"),
        (("forms", "export", f"{FORM}@x", "-o", out), "not a version number"),
        (("forms", "publish", FORM), "name the version"),
    ]
    folder = tmp_path / "maps" / "nav"
    folder.mkdir(parents=True)
    bad_toml = folder / "broken.toml"
    bad_toml.write_text('id = "broken"\nagency = [\n', encoding="utf-8")
    cases.append((("forms", "import", str(bad_toml)), "not valid TOML"))
    unknown_key = folder / f"{FORM}.toml"
    unknown_key.write_text(MAP.read_text("utf-8").replace("language =", "langauge ="), "utf-8")
    cases.append((("forms", "import", str(unknown_key)), "unknown key"))
    lonely = tmp_path / "lonely" / "nav"
    lonely.mkdir(parents=True)
    no_blank = lonely / f"{FORM}.toml"
    no_blank.write_text(
        MAP.read_text("utf-8").replace(f"sample_forms/nav/{FORM}.pdf", "sample_forms/nav/gone.pdf"),
        "utf-8",
    )
    cases.append((("forms", "import", str(no_blank)), "no blank form"))
    cases.append(
        (("forms", "import", str(MAP), "--blank", str(tmp_path / "none.pdf")), "cannot read")
    )
    for args, message in cases:
        r = run(env, *args)
        assert r.exit_code == 2, (args, r.output)
        assert message in r.output and "Traceback" not in r.output, (args, r.output)
    assert [v["version"] for v in _listed(env)[FORM]] == [1]  # nothing was stored
