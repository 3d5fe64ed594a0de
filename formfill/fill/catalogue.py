"""The form catalogue of one installation: its maps, their blanks (parsed once and kept), the
Word templates and the program catalog the maps read.

Maps and blanks come from the store's published form versions when the catalogue is given a
:class:`VersionSource` (the web and the workers: :class:`formfill.store.forms.StoreVersions`),
else from the checkout's ``form_maps/`` and ``sample_forms/`` (a development checkout, the
stand-alone ``formfill fill`` and ``map`` commands). A stored version is parsed once and kept
under its blank's artifact id and its map text, so a new version is read when it is published
and an unchanged one never again."""

from __future__ import annotations

import hashlib
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree

from formfill import artifacts
from formfill.config import Settings
from formfill.docx import templates as docx_fill
from formfill.docx.fields import load_docx
from formfill.errors import FormfillError, FormMapError, Problem
from formfill.maps.check import MapCheck, blank_views, check_against, check_map
from formfill.maps.loader import find_map, load_map_text
from formfill.maps.model import FormMap
from formfill.pdf.fill import BlankForm
from formfill.pdf.inspect import inspect_reader
from formfill.programs.catalog import load_catalog
from formfill.programs.model import Catalog
from formfill.suggest import close_matches, did_you_mean

__all__ = ["FormCatalogue", "StoredVersion", "VersionSource"]

CURRENT_SECONDS = 2.0  # how long a catalogue trusts the current version it last read


@dataclass(frozen=True)
class StoredVersion:
    """One version of an agency form as the store keeps it: enough to fill it without a
    session (the map's TOML text, the blank's artifact id)."""

    form_id: str
    agency: str
    kind: str
    number: int
    row_id: int
    status: str  # draft | published | retired
    fingerprint: str  # the blank's field inventory (sha256:...)
    map_text: str
    blank_artifact: str  # artifacts id (sha256 of the blank's bytes)
    blank_name: str  # the blank's file name (sample_forms/nav/nav-barnetrygd.pdf -> its name)

    @property
    def label(self) -> str:
        return f"{self.form_id}@{self.number}"

    def map_path(self) -> Path:
        """Where the map would live as a file: the loader checks the id and agency against it."""
        return Path(self.agency) / f"{self.form_id}.toml"


class VersionSource(Protocol):
    """Where a catalogue finds the current version of each form (the store)."""

    def form_ids(self) -> list[str]:
        """Every form with a published version."""
        ...

    def current(self, form_id: str) -> StoredVersion | None:
        """The form's newest published version; None if it has none."""
        ...

    def get(self, form_id: str, number: int) -> StoredVersion:
        """One version by number (any status); FormMapError if there is none."""
        ...


class FormCatalogue:
    """The form catalogue of one installation: maps, their blanks (parsed once and kept, so a
    batch of one form for many clients parses the blank once) and the Word templates."""

    def __init__(self, settings: Settings, versions: VersionSource | None = None) -> None:
        self.settings = settings
        self.versions = versions
        self._maps: dict[str, FormMap] = {}
        self._stored: dict[tuple[str, int, str, str], FormMap] = {}
        self._refs: dict[tuple[str, int], StoredVersion] = {}
        self._current: dict[str, tuple[float, StoredVersion | None]] = {}
        self._blanks: dict[str, BlankForm] = {}
        self._data: dict[str, bytes] = {}
        self._catalog: Catalog | None = None
        self._titles: dict[str, str] = {}
        self._encloses: dict[str, bool] = {}

    def catalog(self) -> Catalog:
        """The program catalog whose screening a map's ``programs[...]`` reads."""
        if self._catalog is None:
            self._catalog = load_catalog(self.settings.programs_dir)
        return self._catalog

    def map(self, form_id: str, version: int | None = None) -> FormMap:
        """The form's map: its current published version (or version ``version``) from the
        store, or the file in form_maps/ for a catalogue without a store."""
        if self.versions is None:
            if version is not None:
                raise FormMapError(
                    form_id, [Problem("version", "form_maps/ holds no versions: use the store")]
                )
            if form_id not in self._maps:
                self._maps[form_id] = find_map(self.settings.maps_dir, form_id)
            return self._maps[form_id]
        if version is not None:
            return self.map_of(self.versions.get(form_id, version))
        ref = self.current(form_id)
        if ref is None:
            hint = did_you_mean(close_matches(form_id, self.versions.form_ids(), limit=3))
            msg = f"no published version of this form in the store{hint}"
            raise FormMapError(form_id, [Problem(form_id, msg)])
        return self.map_of(ref)

    def current(self, form_id: str) -> StoredVersion | None:
        """The form's current version, asked of the store at most every CURRENT_SECONDS (a
        readiness plan asks for each client; a batch item names its own version anyway)."""
        if self.versions is None:
            return None
        now = time.monotonic()
        hit = self._current.get(form_id)
        if hit is None or now - hit[0] > CURRENT_SECONDS:
            hit = (now, self.versions.current(form_id))
            self._current[form_id] = hit
        return hit[1]

    def map_of(self, ref: StoredVersion) -> FormMap:
        """The map of one stored version (loaded by the strict loader, kept while its text and
        blank are the same)."""
        key = (ref.form_id, ref.number, ref.blank_artifact, _sha(ref.map_text))
        if key not in self._stored:
            self._stored[key] = load_map_text(ref.map_text, ref.map_path(), ref.number)
        self._refs[(ref.form_id, ref.number)] = ref
        return self._stored[key]

    def version_of(self, fmap: FormMap) -> StoredVersion | None:
        """The stored version ``fmap`` was loaded from (None for a file)."""
        return None if fmap.version is None else self._refs[(fmap.id, fmap.version)]

    def blank_data(self, fmap: FormMap) -> bytes:
        """The blank's bytes: the stored version's artifact, or the file its ``source`` names."""
        ref = self.version_of(fmap)
        if ref is not None:
            if ref.blank_artifact not in self._data:
                self._data[ref.blank_artifact] = artifacts.read(self.settings, ref.blank_artifact)
            return self._data[ref.blank_artifact]
        if fmap.kind == "pdf":
            return self.blank(fmap).data
        return load_docx(self.settings.root / fmap.source)

    def blank_name(self, fmap: FormMap) -> str:
        ref = self.version_of(fmap)
        return ref.blank_name if ref is not None else Path(fmap.source).name

    def blank(self, fmap: FormMap) -> BlankForm:
        """The parsed PDF blank, kept by its artifact id (a stored version) or path (a file)."""
        ref = self.version_of(fmap)
        key = ref.blank_artifact if ref is not None else str(self.settings.root / fmap.source)
        if key not in self._blanks:
            if ref is not None:
                self._blanks[key] = BlankForm(ref.blank_name, self.blank_data(fmap))
            else:
                self._blanks[key] = BlankForm.from_path(self.settings.root / fmap.source)
        return self._blanks[key]

    def check(self, fmap: FormMap) -> MapCheck:
        """``map check`` of a loaded map against its own blank (a stored version's or a file's)."""
        if fmap.version is None:
            return check_map(self.settings, fmap.path)
        if fmap.kind == "pdf":
            blank = self.blank(fmap)
            inv = inspect_reader(blank.name, blank.reader)
            return check_against(fmap, dict(inv.by_name()), inv.fingerprint)
        views, fp = blank_views(fmap.kind, self.blank_name(fmap), self.blank_data(fmap))
        return check_against(fmap, views, fp)

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

    def to_client(self, form_id: str) -> bool:
        """True for a letter written to the client (templates/programs/: the next-steps letter),
        which goes to the client, never into what a cover letter tells the agency it encloses."""
        path = self.template_ids().get(form_id)
        return path is not None and path.parent.name == "programs"

    def encloses(self, form_id: str) -> bool:
        """True for a Word template that lists what goes with it (``fill.enclosures``: the
        cover letter): a batch gives it the titles of the client's other documents."""
        if form_id not in self._encloses:
            path = self.template_ids().get(form_id) if form_id not in self.map_ids() else None
            names = {f.name for f in docx_fill.inspect_docx(path)} if path is not None else set()
            self._encloses[form_id] = "fill.enclosures" in names
        return self._encloses[form_id]

    def map_ids(self) -> list[str]:
        if self.versions is not None:
            return self.versions.form_ids()
        root = self.settings.maps_dir
        return sorted(p.stem for p in root.glob("*/*.toml")) if root.is_dir() else []

    def fingerprint(self, fmap: FormMap) -> str:
        """The fingerprint of the blank's field inventory, read from the blank itself."""
        if fmap.kind == "pdf":
            blank = self.blank(fmap)
            return inspect_reader(blank.name, blank.reader).fingerprint
        fields = docx_fill.inspect_docx_data(self.blank_data(fmap), self.blank_name(fmap))
        return docx_fill.docx_fingerprint(fields)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
