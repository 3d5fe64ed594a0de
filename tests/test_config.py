"""Configuration: every variable the README lists is read by Settings.from_env (and only there),
and each one changes what formfill does. Production starts with its keys and refuses without."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formfill import artifacts
from formfill.config import REPO_ROOT, VARIABLES, Settings
from formfill.errors import ArtifactError, ConfigError, ConversionError

NAMES = {v.name for v in VARIABLES}
SOURCES = [p for d in ("formfill", "web", "worker") for p in (REPO_ROOT / d).rglob("*.py")]


def test_readme_lists_exactly_the_variables_formfill_reads() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"FORMFILL_[A-Z_]+", readme)) == NAMES


def test_no_module_but_config_reads_a_formfill_variable() -> None:
    reads = re.compile(r"""(environ(\.get)?|getenv)\s*[\[(]\s*["']FORMFILL_""")
    offenders = [
        str(p.relative_to(REPO_ROOT))
        for p in SOURCES
        if p.name != "config.py" and reads.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_settings_field_has_its_variable() -> None:
    """A field added to Settings without a variable (or the reverse) fails here."""
    env = {
        "FORMFILL_ENV": "production",
        "FORMFILL_HOME": "/srv/ff-home",
        "FORMFILL_DATA_DIR": "/srv/ff-data",
        "FORMFILL_DATABASE_URL": "postgresql+psycopg://u@db/ff",
        "FORMFILL_REDIS_URL": "redis://queue:6379/0",
        "FORMFILL_SECRET_KEY": "s" * 40,
        "FORMFILL_ARTIFACT_KEY": artifacts.new_key(),
        "FORMFILL_COOKIE_SECURE": "1",
        "FORMFILL_TRUSTED_PROXIES": "2",
        "FORMFILL_OCR_LANG": "nor",
        "FORMFILL_FONT": "/srv/font.ttf",
        "FORMFILL_SOFFICE": "/opt/lo/soffice",
        "FORMFILL_DEMO_PASSWORD": "demo-pw-123456",
        "FORMFILL_SMTP_URL": "smtp://mail.example.org:587?from=ff@example.org&starttls=1",
    }
    assert set(env) == NAMES
    s = Settings.from_env(env)
    default = Settings.from_env({})
    got = {
        "FORMFILL_ENV": s.environment,
        "FORMFILL_HOME": str(s.root),
        "FORMFILL_DATA_DIR": str(s.data_dir),
        "FORMFILL_DATABASE_URL": s.database_url,
        "FORMFILL_REDIS_URL": s.redis_url,
        "FORMFILL_SECRET_KEY": s.secret_key,
        "FORMFILL_ARTIFACT_KEY": s.artifact_key,
        "FORMFILL_COOKIE_SECURE": "1" if s.cookie_secure else "0",
        "FORMFILL_TRUSTED_PROXIES": str(s.trusted_proxies),
        "FORMFILL_OCR_LANG": s.ocr_languages,
        "FORMFILL_FONT": s.font_path,
        "FORMFILL_SOFFICE": s.soffice,
        "FORMFILL_DEMO_PASSWORD": s.demo_password,
        "FORMFILL_SMTP_URL": s.smtp_url,
    }
    assert got == env
    for name in env:  # and each differs from its default: the variable did something
        assert (
            got[name]
            != {
                "FORMFILL_ENV": default.environment,
                "FORMFILL_HOME": str(default.root),
                "FORMFILL_DATA_DIR": str(default.data_dir),
                "FORMFILL_DATABASE_URL": default.database_url,
                "FORMFILL_REDIS_URL": default.redis_url,
                "FORMFILL_SECRET_KEY": default.secret_key,
                "FORMFILL_ARTIFACT_KEY": default.artifact_key,
                "FORMFILL_COOKIE_SECURE": "1" if default.cookie_secure else "0",
                "FORMFILL_TRUSTED_PROXIES": str(default.trusted_proxies),
                "FORMFILL_OCR_LANG": default.ocr_languages,
                "FORMFILL_FONT": default.font_path,
                "FORMFILL_SOFFICE": default.soffice,
                "FORMFILL_DEMO_PASSWORD": default.demo_password,
                "FORMFILL_SMTP_URL": default.smtp_url,
            }[name]
        ), name


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("FORMFILL_ENV", "staging", "FORMFILL_ENV: must be one of"),
        ("FORMFILL_COOKIE_SECURE", "maybe", "FORMFILL_COOKIE_SECURE: must be 1 or 0"),
        ("FORMFILL_TRUSTED_PROXIES", "x", "FORMFILL_TRUSTED_PROXIES: must be the number"),
        ("FORMFILL_TRUSTED_PROXIES", "9", "0 to 5"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        Settings.from_env({name: value})


def test_cookie_secure_follows_the_environment_and_cannot_be_off_in_production() -> None:
    assert Settings.from_env({}).cookie_secure is False
    assert Settings.from_env({"FORMFILL_COOKIE_SECURE": "1"}).cookie_secure is True
    assert Settings.from_env({"FORMFILL_ENV": "production"}).cookie_secure is True
    with pytest.raises(ConfigError, match="cannot be off in production"):
        Settings.from_env({"FORMFILL_ENV": "production", "FORMFILL_COOKIE_SECURE": "0"})


def test_production_names_every_missing_requirement_and_starts_with_them() -> None:
    bare = Settings.from_env({"FORMFILL_ENV": "production"})
    with pytest.raises(ConfigError) as e:
        bare.require_production_ready()
    assert "FORMFILL_SECRET_KEY" in str(e.value) and "FORMFILL_ARTIFACT_KEY" in str(e.value)
    # a worker signs no session: only the artifact key is its business
    with pytest.raises(ConfigError) as e:
        bare.require_production_ready(web=False)
    assert "FORMFILL_ARTIFACT_KEY" in str(e.value) and "SECRET" not in str(e.value)
    short = Settings.from_env(
        {"FORMFILL_ENV": "production", "FORMFILL_SECRET_KEY": "short", "FORMFILL_ARTIFACT_KEY": "x"}
    )
    assert [v for v, _ in short.production_problems()] == [
        "FORMFILL_SECRET_KEY",
        "FORMFILL_ARTIFACT_KEY",
    ]
    ready = Settings.from_env(
        {
            "FORMFILL_ENV": "production",
            "FORMFILL_SECRET_KEY": "k" * 32,
            "FORMFILL_ARTIFACT_KEY": artifacts.new_key(),
        }
    )
    assert ready.production_problems() == []
    ready.require_production_ready()  # does not raise


def test_the_artifact_key_is_the_one_that_encrypts(tmp_path: Path) -> None:
    key = artifacts.new_key()
    mine = Settings.from_env({"FORMFILL_DATA_DIR": str(tmp_path), "FORMFILL_ARTIFACT_KEY": key})
    other = Settings.from_env(
        {"FORMFILL_DATA_DIR": str(tmp_path), "FORMFILL_ARTIFACT_KEY": artifacts.new_key()}
    )
    aid = artifacts.save(mine, b"synthetic pay slip", "upload")
    assert artifacts.read(mine, aid) == b"synthetic pay slip"
    with pytest.raises(ArtifactError):
        artifacts.read(other, aid)
    assert not mine.artifact_key_file.exists()  # the variable, not a generated key file


def test_the_data_dir_holds_the_database(tmp_path: Path) -> None:
    from formfill.store import migrate

    settings = Settings.from_env({"FORMFILL_DATA_DIR": str(tmp_path / "data")})
    migrate.upgrade(settings)
    assert (tmp_path / "data" / "formfill.db").is_file()


def test_the_database_url_is_the_engine_s(tmp_path: Path) -> None:
    from formfill.store import make_engine

    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    engine = make_engine(Settings.from_env({"FORMFILL_DATABASE_URL": url}))
    try:
        assert str(engine.url) == url
    finally:
        engine.dispose()


def test_the_home_holds_maps_and_programs(tmp_path: Path) -> None:
    s = Settings.from_env({"FORMFILL_HOME": str(tmp_path)})
    assert s.maps_dir == tmp_path / "form_maps" and s.programs_dir == tmp_path / "programs"


def test_the_redis_url_is_the_queue_s() -> None:
    from worker import connection

    s = Settings.from_env({"FORMFILL_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert connection.redis_url(s) == "redis://127.0.0.1:1/0"
    assert connection.answers(s) is False  # asked there (nothing listens on port 1)


def test_the_soffice_variable_chooses_the_converter() -> None:
    s = Settings.from_env({"FORMFILL_SOFFICE": "no-such-office"})
    with pytest.raises(ConversionError, match="FORMFILL_SOFFICE='no-such-office'"):
        from formfill.docx.convert import docx_to_pdf

        docx_to_pdf(b"PK\x03\x04synthetic", "letter.docx", executable=s.soffice)


def test_the_font_variable_chooses_the_fallback_font(tmp_path: Path) -> None:
    from formfill.pdf.font import FONT_CANDIDATES, find_font_file

    installed = next(p for p in FONT_CANDIDATES if Path(p).exists())
    copy = tmp_path / "house-font.ttf"
    copy.write_bytes(Path(installed).read_bytes())
    s = Settings.from_env({"FORMFILL_FONT": str(copy)})
    assert find_font_file(s.font_path) == str(copy)


def test_the_demo_password_is_the_seeded_users_password() -> None:
    from formfill.cases.demo_seed import DEFAULT_PASSWORD, demo_password

    assert demo_password(Settings.from_env({})) == DEFAULT_PASSWORD
    s = Settings.from_env({"FORMFILL_DEMO_PASSWORD": "synthetic-demo-pw"})
    assert demo_password(s) == "synthetic-demo-pw"
