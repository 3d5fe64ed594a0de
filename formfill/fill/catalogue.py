"""The form catalogue of one installation: its maps, their blanks (parsed once and kept), the
Word templates and the program catalog the maps read."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from formfill.config import Settings
from formfill.docx import templates as docx_fill
from formfill.errors import FormfillError
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
        self._titles: dict[str, str] = {}
        self._encloses: dict[str, bool] = {}

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

    def title(self, form_id: str) -> str:
        """What a person calls the form: the map's title, a Word template's document title (its
        core properties), else its file name made readable; never needs the form to load."""
        if form_id not in self._titles:
            self._titles[form_id] = self._title(form_id)
        return self._titles[form_id]

    def _title(self, form_id: str) -> str:
        if form_id in self.map_ids():
            try:
                return self.map(form_id).title
            except FormfillError:
                pass
        path = self.template_ids().get(form_id)
        if path is not None:
            title = docx_title(path)
            if title:
                return title
        return re.sub(r"[-_]+", " ", form_id).strip().capitalize() or form_id

    def encloses(self, form_id: str) -> bool:
        """True for a Word template that lists what goes with it (``fill.enclosures``: the
        cover letter): a batch gives it the titles of the client's other documents."""
        if form_id not in self._encloses:
            path = self.template_ids().get(form_id) if form_id not in self.map_ids() else None
            names = {f.name for f in docx_fill.inspect_docx(path)} if path is not None else set()
            self._encloses[form_id] = "fill.enclosures" in names
        return self._encloses[form_id]

    def map_ids(self) -> list[str]:
        root = self.settings.maps_dir
        return sorted(p.stem for p in root.glob("*/*.toml")) if root.is_dir() else []

    def fingerprint(self, fmap: FormMap) -> str:
        if fmap.kind == "pdf":
            blank = self.blank(fmap)
            return inspect_reader(blank.name, blank.reader).fingerprint
        return docx_fill.docx_fingerprint(docx_fill.inspect_docx(self.settings.root / fmap.source))


_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def docx_title(path: Path) -> str:
    """The document title a Word file carries (docProps/core.xml), or ""."""
    try:
        with zipfile.ZipFile(path) as z:
            root = ElementTree.fromstring(z.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return ""
    node = root.find(_DC_TITLE)
    return (node.text or "").strip() if node is not None else ""
