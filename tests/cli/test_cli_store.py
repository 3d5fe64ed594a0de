"""The store's CLI: db upgrade, applications (table and JSON), application advance."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from formfill.artifacts import new_key, read
from formfill.cli.store import register
from formfill.config import Settings
from formfill.profile.provenance import Provenance
from formfill.profile.validation import parse_profile
from formfill.store import Actor, clients, migrate, open_store, session_scope
from formfill.store import applications as apps

MAP = """
id = "test-form"
[[deadlines]]
kind = "expected_decision"
after = "submitted"
weeks = 6
"""


@click.group()
def cli() -> None:
    """A stand-in for formfill's group."""


register(cli)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "form_maps" / "test").mkdir(parents=True)
    (tmp_path / "form_maps" / "test" / "test-form.toml").write_text(MAP, encoding="utf-8")
    return {
        "FORMFILL_HOME": str(tmp_path),
        "FORMFILL_DATA_DIR": str(tmp_path / "data"),
        "FORMFILL_DATABASE_URL": "",
        "FORMFILL_ARTIFACT_KEY": new_key(),
        "FORMFILL_ENV": "development",
    }


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _seed(env: dict[str, str]) -> int:
    settings = Settings.from_env(env)
    engine, sessions = open_store(settings)
    actor = Actor.system("test")
    with session_scope(sessions) as s:
        c = clients.create_client(s, actor)
        profile = parse_profile({"person": {"given_name": "Kari", "family_name": "Nordmann"}})
        clients.save_profile(s, actor, c.id, profile, Provenance("typed"))
        app = apps.create_application(s, actor, c.id, "test-form", program="child-benefit")
        for to in ("ready", "filled", "reviewed"):
            apps.advance(s, actor, app.id, to, date(2026, 1, 5))
        app_id = app.id
    engine.dispose()
    return app_id


def test_not_upgraded_is_a_clear_message(env: dict[str, str]) -> None:
    """Before `db upgrade`, listing says to run it (exit 2, no traceback)."""
    r = run(env, "applications")
    assert r.exit_code == 2
    assert "formfill db upgrade" in r.output and "Traceback" not in r.output


def test_upgrade_list_advance(env: dict[str, str], tmp_path: Path) -> None:
    """Upgrade, then submit with a receipt; the deadline from the map's rule shows as due."""
    r = run(env, "db", "upgrade")
    assert r.exit_code == 0 and f"revision {migrate.head()}" in r.output
    assert run(env, "db", "upgrade").exit_code == 0  # twice is fine
    app_id = _seed(env)
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF receipt NAV-77")
    r = run(
        env,
        "application",
        "advance",
        str(app_id),
        "--to",
        "submitted",
        "--channel",
        "portal",
        "--reference",
        "NAV-77",
        "--receipt",
        str(receipt),
        "--date",
        "2026-01-31",
    )
    assert r.exit_code == 0, r.output
    assert "reviewed -> submitted" in r.output and "2026-03-14 expected_decision" in r.output
    r = run(env, "applications", "--due-within", "14d", "--as-of", "2026-03-05", "--json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.output)
    assert (row["id"], row["client"], row["status"]) == (app_id, "Kari Nordmann", "submitted")
    assert row["submission"]["reference"] == "NAV-77"
    assert read(Settings.from_env(env), row["submission"]["receipt"]) == receipt.read_bytes()
    assert [(d["kind"], d["due"], d["state"]) for d in row["deadlines"]] == [
        ("expected_decision", "2026-03-14", "due")
    ]
    r = run(env, "applications", "--due-within", "2w", "--as-of", "2026-01-31", "--json")
    assert json.loads(r.output) == []
    r = run(env, "applications", "--as-of", "2026-04-01")
    assert "Kari Nordmann" in r.output and "OVERDUE" in r.output and "NAV-77" in r.output


def test_bad_input_is_refused_cleanly(env: dict[str, str]) -> None:
    """An impossible transition, a missing channel, a bad window, an unknown id: exit 2."""
    run(env, "db", "upgrade")
    app_id = _seed(env)
    r = run(env, "application", "advance", str(app_id), "--to", "closed")
    assert r.exit_code == 2 and "cannot go from reviewed to closed" in r.output
    r = run(env, "application", "advance", str(app_id), "--to", "submitted")
    assert r.exit_code == 2 and "channel" in r.output
    r = run(env, "application", "advance", "999", "--to", "ready")
    assert r.exit_code == 2 and "no application 999" in r.output
    r = run(env, "application", "advance", str(app_id), "--to", "ready", "--channel", "post")
    assert r.exit_code == 2 and "--to submitted" in r.output
    r = run(env, "applications", "--due-within", "soon")
    assert r.exit_code == 2 and "like 14d" in r.output and "Traceback" not in r.output


def test_unreachable_database_is_a_message(env: dict[str, str]) -> None:
    """A database that cannot be reached: exit 2, its URL without the password, no traceback."""
    env = env | {"FORMFILL_DATABASE_URL": "postgresql://u:hunter2@127.0.0.1:1/x"}
    for args in (("applications",), ("db", "upgrade")):
        r = run(env, *args)
        assert r.exit_code == 2 and "127.0.0.1:1" in r.output
        assert "hunter2" not in r.output and "Traceback" not in r.output


def _seed_program_app(env: dict[str, str], program: str) -> int:
    settings = Settings.from_env(env)
    engine, sessions = open_store(settings)
    actor = Actor.system("test")
    with session_scope(sessions) as s:
        c = clients.create_client(s, actor)
        app = apps.create_application(s, actor, c.id, "test-form", program=program)
        for to in ("ready", "filled", "reviewed"):
            apps.advance(s, actor, app.id, to, date(2026, 1, 5))
        app_id = app.id
    engine.dispose()
    return app_id


def _submit(env: dict[str, str], app_id: int) -> Result:
    args = ["--channel", "portal", "--date", "2026-01-31", "--json"]
    return run(env, "application", "advance", str(app_id), "--to", "submitted", *args)


def test_advance_takes_the_rules_of_the_program_from_the_catalog(
    env: dict[str, str], tmp_path: Path
) -> None:
    """An application with a program the catalog knows gets the program's deadline rules
    (zorgtoeslag: a decision 5 weeks after submission), not the form map's (6 weeks); an
    unknown program falls back to the map's rules, with a note."""
    import shutil

    from formfill.config import REPO_ROOT
    from formfill.programs.catalog import load_catalog

    shutil.copytree(REPO_ROOT / "programs", tmp_path / "programs")
    rules = load_catalog(tmp_path / "programs").get("zorgtoeslag").rules
    assert [r.describe() for r in rules if r.kind.value == "expected_decision"] == [
        "expected_decision: 5 weeks after submitted"
    ]
    run(env, "db", "upgrade")
    r = _submit(env, _seed_program_app(env, "zorgtoeslag"))
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["rules_from"] == "program zorgtoeslag"
    assert [(d["kind"], d["due"]) for d in out["deadlines"]] == [
        ("expected_decision", "2026-03-07")
    ]
    unknown = _seed_program_app(env, "no-such-program")
    args = ["--to", "submitted", "--channel", "post", "--date", "2026-01-31", "--json"]
    r = CliRunner().invoke(
        cli, ["application", "advance", str(unknown), *args], env=env, catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["rules_from"].startswith("form map test-form")
    assert [(d["kind"], d["due"]) for d in out["deadlines"]] == [
        ("expected_decision", "2026-03-14")
    ]
    assert "not in the catalog" in r.stderr
