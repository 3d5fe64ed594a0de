"""Settings: the only reader of the environment. Built once per process, passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    root: Path  # where form_maps/, templates/ and sample_forms/ live (map sources are relative)
    data_dir: Path  # runtime data: outputs, later the database, Redis and artifacts
    font_path: str | None  # Unicode fallback font for letters outside WinAnsi

    @property
    def maps_dir(self) -> Path:
        return self.root / "form_maps"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def out_dir(self) -> Path:
        return self.data_dir / "out"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        root = Path(env.get("FORMFILL_HOME", str(REPO_ROOT))).resolve()
        data = Path(env.get("FORMFILL_DATA_DIR", str(root / "instance")))
        return cls(root=root, data_dir=data, font_path=env.get("FORMFILL_FONT") or None)
