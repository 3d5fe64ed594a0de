"""Settings: the only reader of the environment. Built once per process, passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from formfill.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]

Environment = Literal["development", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")


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
    # send the session cookie over HTTPS only (FORMFILL_COOKIE_SECURE; default: production)
    cookie_secure: bool = False
    # password of the demo users `formfill demo --clients N` seeds (FORMFILL_DEMO_PASSWORD)
    demo_password: str | None = None

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
        secure = env.get("FORMFILL_COOKIE_SECURE", "")
        if secure.lower() not in ("", "0", "1", "true", "false", "yes", "no"):
            raise ConfigError("FORMFILL_COOKIE_SECURE", "must be 1 or 0")
        return cls(
            root=root,
            data_dir=data,
            font_path=env.get("FORMFILL_FONT") or None,
            database_url=env.get("FORMFILL_DATABASE_URL", ""),
            artifact_key=env.get("FORMFILL_ARTIFACT_KEY") or None,
            environment=environment,
            ocr_languages=env.get("FORMFILL_OCR_LANG") or "nor+nld+eng",
            redis_url=env.get("FORMFILL_REDIS_URL") or None,
            demo_password=env.get("FORMFILL_DEMO_PASSWORD") or None,
        )
