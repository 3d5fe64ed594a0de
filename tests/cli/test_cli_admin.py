"""`formfill user ...` and `formfill doctor`: the first admin of a production store, and what a
deployment still lacks, with secrets never printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from formfill.artifacts import new_key
from formfill.cli.main import cli
from formfill.config import Settings
from formfill.store import migrate, open_store, session_scope
from formfill.store.users import authenticate

SECRET = "a-production-secret-that-is-long-enough"
PASSWORD = "synthetic password 2026"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    env = {"FORMFILL_DATA_DIR": str(data)}
    migrate.upgrade(Settings.from_env(env))
    return env


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def _signs_in(env: dict[str, str], email: str, password: str) -> bool:
    engine, sessions = open_store(Settings.from_env(env))
    try:
        with session_scope(sessions) as s:
            return authenticate(s, email, password) is not None
    finally:
        engine.dispose()


def test_user_add_list_disable_enable_password(env: dict[str, str]) -> None:
    r = run(env, "user", "add", "Åse.Admin@Example.org", "--name", "Åse Ådne",
            "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert _signs_in(env, "åse.admin@example.org", PASSWORD)
    listed = json.loads(run(env, "user", "list", "--json").output)
    assert [(u["email"], u["name"], u["role"], u["active"]) for u in listed] == [
        ("åse.admin@example.org", "Åse Ådne", "admin", True)
    ]
    assert run(env, "user", "disable", "åse.admin@example.org").exit_code == 0
    assert not _signs_in(env, "åse.admin@example.org", PASSWORD)
    assert run(env, "user", "enable", "åse.admin@example.org").exit_code == 0
    r = run(env, "user", "password", "åse.admin@example.org", "--password-stdin",
            stdin="a brand new passphrase\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert _signs_in(env, "åse.admin@example.org", "a brand new passphrase")
    assert not _signs_in(env, "åse.admin@example.org", PASSWORD)
    assert PASSWORD not in r.output


def test_user_add_refuses_a_short_password_a_taken_email_and_an_unknown_user(
    env: dict[str, str],
) -> None:
    r = run(env, "user", "add", "a@example.org", "--name", "A", "--role", "admin",
            "--password-stdin", stdin="short\n")  # fmt: skip
    assert r.exit_code == 2 and "at least 12 characters" in r.output
    ok = run(env, "user", "add", "a@example.org", "--name", "A", "--role", "specialist",
             "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert ok.exit_code == 0
    again = run(env, "user", "add", "A@example.org", "--name", "A", "--role", "admin",
                "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 2 and "a@example.org exists" in again.output
    missing = run(env, "user", "disable", "nobody@example.org")
    assert missing.exit_code == 2 and "nobody@example.org" in missing.output


def test_doctor_in_development_is_ready_and_lists_what_production_lacks(
    env: dict[str, str],
) -> None:
    run(env, "user", "add", "admin@example.org", "--name", "Ada", "--role", "admin",
        "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    r = run(env, "doctor", "--json")
    report = json.loads(r.output)
    assert r.exit_code == 0, r.output
    assert report["environment"] == "development" and report["ready"] is True
    checks = {c["name"]: c["level"] for c in report["checks"]}
    assert checks["database"] == "ok" and checks["users"] == "ok"
    lacking = {g["name"]: g["level"] for g in report["production"]}
    assert lacking["FORMFILL_SECRET_KEY"] == "fail" and lacking["FORMFILL_ARTIFACT_KEY"] == "fail"


def test_doctor_in_production_fails_on_a_gap_and_never_prints_a_secret(
    env: dict[str, str],
) -> None:
    key = new_key()
    prod = {**env, "FORMFILL_ENV": "production", "FORMFILL_ARTIFACT_KEY": key}
    r = run(prod, "doctor")
    assert r.exit_code == 1
    assert "production lacks:" in r.output and "FORMFILL_SECRET_KEY" in r.output
    ready = {**prod, "FORMFILL_SECRET_KEY": SECRET}
    run(ready, "user", "add", "admin@example.org", "--name", "Ada", "--role", "admin",
        "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    r = run(ready, "doctor")
    assert r.exit_code == 0, r.output
    assert SECRET not in r.output and key not in r.output
    assert "set (39 characters, masked)" in r.output


def test_doctor_names_a_missing_ocr_language_and_a_schema_behind(tmp_path: Path) -> None:
    env = {"FORMFILL_DATA_DIR": str(tmp_path / "fresh"), "FORMFILL_OCR_LANG": "nor+xqz"}
    report = json.loads(run(env, "doctor", "--json").output)
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["database"]["level"] == "fail"
    assert "formfill db upgrade" in checks["database"]["detail"]
    assert not (tmp_path / "fresh" / "formfill.db").exists()  # the doctor changes nothing
    assert checks["tesseract"]["level"] == "fail" and "xqz" in checks["tesseract"]["detail"]
    assert report["ready"] is False


def test_doctor_flags_demo_users_in_production(env: dict[str, str]) -> None:
    from formfill.cases.demo_seed import seed

    seed(Settings.from_env(env), clients=0)
    prod = {**env, "FORMFILL_ENV": "production", "FORMFILL_ARTIFACT_KEY": new_key(),
            "FORMFILL_SECRET_KEY": SECRET}  # fmt: skip
    report = json.loads(run(prod, "doctor", "--json").output)
    demo = next(c for c in report["checks"] if c["name"] == "demo users")
    assert demo["level"] == "fail" and demo["detail"].startswith("5 user(s)")
    assert report["ready"] is False


def test_up_seeds_nothing_in_production(env: dict[str, str]) -> None:
    from web.server import _user_count, seed

    prod = Settings.from_env({**env, "FORMFILL_ENV": "production"})
    assert seed(prod) == ([], None, False)
    assert _user_count(prod) == 0
