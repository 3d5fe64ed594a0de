"""The form catalogue of one installation: its maps, their blanks (parsed once and kept), the
Word templates and the program catalog the maps read."""

from __future__ import annotations

from pathlib import Path

from formfill.config import Settings
from formfill.docx import templates as docx_fill
from formfill.maps.loader import find_map
from formfill.maps.model import FormMap
from formfill.pdf.fill import BlankForm
from formfill.pdf.inspect import inspect_reader
from formfill.programs.catalog import load_catalog
from formfill.programs.model import Catalog

__all__ = ["FormCatalogue"]


class FormCatalogue:
    """The form catalogue of one installation: maps, their blanks (parsed once and kept, so a
    batch of one form for many clients parses the blank once) and the Word templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._maps: dict[str, FormMap] = {}
        self._blanks: dict[Path, BlankForm] = {}
        self._catalog: Catalog | None = None

    def catalog(self) -> Catalog:
        """The program catalog whose screening a map's ``programs[...]`` reads."""
        if self._catalog is None:
            self._catalog = load_catalog(self.settings.programs_dir)
        return self._catalog

    def map(self, form_id: str) -> FormMap:
        if form_id not in self._maps:
            self._maps[form_id] = find_map(self.settings.maps_dir, form_id)
        return self._maps[form_id]

    def blank(self, fmap: FormMap) -> BlankForm:
        path = self.settings.root / fmap.source
        if path not in self._blanks:
            self._blanks[path] = BlankForm.from_path(path)
        return self._blanks[path]

    def template_ids(self) -> dict[str, Path]:
        root = self.settings.templates_dir
        return {p.stem: p for p in sorted(root.glob("**/*.docx"))} if root.is_dir() else {}

    def map_ids(self) -> list[str]:
        root = self.settings.maps_dir
        return sorted(p.stem for p in root.glob("*/*.toml")) if root.is_dir() else []

    def fingerprint(self, fmap: FormMap) -> str:
        if fmap.kind == "pdf":
            blank = self.blank(fmap)
            return inspect_reader(blank.name, blank.reader).fingerprint
        return docx_fill.docx_fingerprint(docx_fill.inspect_docx(self.settings.root / fmap.source))
