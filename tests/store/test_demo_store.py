"""The demo store: users, synthetic clients on two caseloads, applications with deadlines;
seeding twice adds nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from stdnum.nl import bsn
from stdnum.no import fodselsnummer

from formfill.cases.demo_seed import DEFAULT_PASSWORD, seed
from formfill.cli.main import cli
from formfill.config import Settings
from formfill.errors import ConfigError
from formfill.store import applications, clients, deadlines, open_store, session_scope, users
from formfill.store.models import Client, User
from tests.store.conftest import base_settings

REPO = Path(__file__).resolve().parents[2]


def _numbers(data: dict[str, object]) -> list[str]:
    """Every identifier value in a profile's JSON (the client's and the household's)."""
    found: list[str] = []

    def walk(v: object, key: str = "") -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)
        elif key in ("no_fnr", "nl_bsn", "us_ssn"):
            found.append(f"{key}:{v}")

    walk(data)
    return found


def test_seed_users_clients_applications_once(tmp_path: Path) -> None:
    settings = replace(base_settings(tmp_path), demo_password="pw-from-env")
    result = seed(settings, clients=10)
    assert result.created and result.clients == 10 and result.password == "pw-from-env"
    assert result.users == [
        ("specialist@example.org", "specialist"),
        ("supervisor@example.org", "supervisor"),
        ("admin@example.org", "admin"),
        ("specialist2@example.org", "specialist"),
        ("maintainer@example.org", "form_maintainer"),
    ]
    engine, sessions = open_store(settings)  # migrated to head
    today = date.today()
    try:
        with session_scope(sessions) as s:
            teams = {e: t for e, t in s.execute(sa.select(User.email, User.team))}
            assert teams["specialist@example.org"] == teams["supervisor@example.org"] == "nord"
            assert teams["specialist2@example.org"] == "sor" and teams["admin@example.org"] is None
            assert users.authenticate(s, "admin@example.org", "pw-from-env") is not None
            one = users.caseload(s, users.user_by_email(s, "specialist@example.org").id)
            two = users.caseload(s, users.user_by_email(s, "specialist2@example.org").id)
            assert len(one) == len(two) == 5 and not {c.id for c in one} & {c.id for c in two}
            numbers: list[str] = []
            names = []
            for c in s.scalars(sa.select(Client)):
                version = clients.latest_version(s, c.id)
                assert version is not None
                clients.load_profile(s, clients.Actor.system("t"), c.id)  # validates
                numbers += _numbers(version.data)
                names.append(clients.client_label(version, c.id))
            assert len(numbers) == len(set(numbers)) > 10  # unique, with the households'
            for n in numbers:
                kind, value = n.split(":")
                if kind == "no_fnr":
                    assert fodselsnummer.is_valid(value)
                if kind == "nl_bsn":
                    assert bsn.is_valid(value)
            assert len(set(names)) >= 8 and any(not n.isascii() for n in names)
            apps = applications.list_applications(s)
            assert len(apps) == 10
            assert len(Counter(a.status for a in apps)) >= 7
            assert {a.decision for a in apps} >= {"approved", "denied"}
            assert any(a.submission and a.submission.reference for a in apps)
            due = deadlines.due(s, today, timedelta(days=14))
            assert {state for _row, state in due} == {"overdue", "due"}
    finally:
        engine.dispose()

    again = seed(settings, clients=10, password="other")
    assert not again.created and again.clients == 10 and len(again.users) == 5
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(User)) == 5
            assert s.scalar(sa.select(sa.func.count()).select_from(Client)) == 10
    finally:
        engine.dispose()


def test_password_default_in_development_refused_in_production(tmp_path: Path) -> None:
    dev = base_settings(tmp_path / "dev")
    assert seed(dev, clients=0).password == DEFAULT_PASSWORD
    prod = replace(base_settings(tmp_path / "prod"), environment="production")
    with pytest.raises(ConfigError, match="FORMFILL_DEMO_PASSWORD"):
        seed(prod, clients=0)
    assert seed(prod, clients=0, password="s3cret").password == "s3cret"
    env = {"FORMFILL_DEMO_PASSWORD": "from-env", "FORMFILL_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).demo_password == "from-env"


def test_cli_demo_clients_seeds_and_fills(tmp_path: Path) -> None:
    """`formfill demo --clients N`: logins and password, then the sample forms as before."""
    env = {
        "FORMFILL_HOME": str(REPO),
        "FORMFILL_DATA_DIR": str(tmp_path),
        "FORMFILL_DATABASE_URL": "",
        "FORMFILL_DEMO_PASSWORD": "cli-pw",
    }
    out = tmp_path / "out"
    args = ["demo", "--clients", "3", "--out", str(out), "--date", "2026-01-05"]
    r = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "demo store seeded: 3 synthetic clients" in r.output
    assert "specialist2@example.org" in r.output and "password cli-pw" in r.output
    assert "documents written under" in r.output and list(out.glob("*/*.pdf"))
    r = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert r.exit_code == 0 and "nothing added (3 clients)" in r.output
