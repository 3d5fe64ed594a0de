"""The field inventory of a PDF form: names, kinds, pages, rectangles, states, options, flags.

Also the checks every PDF passes before formfill touches it (is it a PDF, can it be opened, is it
XFA-only, does it need a password) and the fingerprint that tells when an agency changed its form.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError
from pypdf.generic import DictionaryObject

from formfill.errors import UnsupportedFormError
from formfill.pdf.fields import (
    FF_COMB,
    FF_MULTILINE,
    FF_READ_ONLY,
    FF_REQUIRED,
    Field,
    document_parts,
    iter_fields,
)

MAX_PDF_BYTES = 64 * 1024 * 1024  # an agency form is a few MB; refuse anything absurd


@dataclass
class FieldInfo:
    name: str
    kind: str  # text | checkbox | radio | combo | list | push | signature | unknown
    states: list[str] = field(default_factory=list)  # export values of on-states, no slash
    options: list[tuple[str, str]] = field(default_factory=list)  # (export, display)
    max_len: int | None = None
    read_only: bool = False
    required: bool = False
    multiline: bool = False
    comb: bool = False
    flags: int = 0
    tooltip: str = ""
    pages: list[int] = field(default_factory=list)  # 1-based
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    orphan: bool = False  # a widget only a page's /Annots reaches
    hidden: bool = False  # every widget hidden

    @property
    def label(self) -> str:
        return self.tooltip or self.name


@dataclass
class FormInventory:
    path: str
    fields: list[FieldInfo]
    fingerprint: str
    pages: int
    has_xfa: bool
    encrypted: bool

    def by_name(self) -> dict[str, FieldInfo]:
        return {f.name: f for f in self.fields}

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "pages": self.pages,
            "fingerprint": self.fingerprint,
            "has_xfa": self.has_xfa,
            "encrypted": self.encrypted,
            "fields": [asdict(f) for f in self.fields],
        }


def read_bytes(path: Path) -> bytes:
    """Read a file meant to be a PDF, refusing what is not one (by content, not by name)."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UnsupportedFormError(str(path), f"cannot read the file: {e.strerror}") from e
    if size > MAX_PDF_BYTES:
        raise UnsupportedFormError(
            str(path), f"file is {size} bytes, over the {MAX_PDF_BYTES}-byte limit"
        )
    data = path.read_bytes()
    check_is_pdf(str(path), data)
    return data


def check_is_pdf(name: str, data: bytes) -> None:
    head = data[:1024]
    if b"%PDF-" not in head:
        kind = _sniff(data)
        raise UnsupportedFormError(name, f"not a PDF file (content looks like {kind})")


def _sniff(data: bytes) -> str:
    signatures = {
        b"\xff\xd8\xff": "a JPEG image",
        b"\x89PNG": "a PNG image",
        b"PK\x03\x04": "a ZIP archive or Word document",
        b"\xd0\xcf\x11\xe0": "an old Office document",
        b"II*\x00": "a TIFF image",
        b"MM\x00*": "a TIFF image",
        b"GIF8": "a GIF image",
    }
    for sig, kind in signatures.items():
        if data.startswith(sig):
            return kind
    return "something else" if data else "an empty file"


def open_pdf(name: str, data: bytes) -> PdfReader:
    """A reader over a PDF that formfill can fill; decrypts an empty user password.

    Raises UnsupportedFormError for damaged files and files that need a password."""
    check_is_pdf(name, data)
    if b"%%EOF" not in data[-2048:]:
        raise UnsupportedFormError(name, "the PDF is truncated or damaged (no end-of-file marker)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (NotImplementedError, PdfReadError, ValueError) as e:
                raise UnsupportedFormError(name, f"cannot decrypt: {e}") from e
            if not ok:
                raise UnsupportedFormError(name, "the PDF needs a password to open")
        _ = reader.trailer["/Root"]
        _ = len(reader.pages)
    except FileNotDecryptedError as e:
        raise UnsupportedFormError(name, "the PDF needs a password to open") from e
    except (PdfReadError, PdfStreamError, KeyError, ValueError, TypeError) as e:
        raise UnsupportedFormError(name, f"the PDF is damaged or truncated: {e}") from e
    return reader


def has_xfa(root: DictionaryObject) -> bool:
    acro = root.get("/AcroForm")
    return acro is not None and "/XFA" in acro.get_object()


def fillable(fields: list[Field]) -> list[Field]:
    return [f for f in fields if f.kind in ("text", "checkbox", "radio", "combo", "list")]


def check_fillable(name: str, root: DictionaryObject, fields: list[Field]) -> None:
    """Refuse XFA-only forms and documents without fillable fields."""
    if not fillable(fields):
        if has_xfa(root):
            raise UnsupportedFormError(
                name,
                "XFA-only form: its fields live in an XFA packet (Adobe LiveCycle), not in an "
                "AcroForm; formfill fills AcroForm fields only. Ask the agency for a PDF form "
                "with AcroForm fields or fill it in Adobe Reader.",
            )
        raise UnsupportedFormError(name, "the PDF has no fillable form fields")


def field_info(f: Field) -> FieldInfo:
    ff = f.flags
    maxlen = f.attrs.get("/MaxLen")
    info = FieldInfo(
        name=f.name,
        kind=f.kind,
        max_len=int(maxlen) if maxlen is not None else None,
        read_only=bool(ff & FF_READ_ONLY),
        required=bool(ff & FF_REQUIRED),
        multiline=f.kind == "text" and bool(ff & FF_MULTILINE),
        comb=f.kind == "text" and bool(ff & FF_COMB) and maxlen is not None,
        flags=ff,
        tooltip=f.tooltip,
        orphan=f.orphan,
        hidden=bool(f.widgets) and all(w.hidden for w in f.widgets),
    )
    if f.kind in ("checkbox", "radio"):
        info.states = [f.export_of(s) for s in f.on_states()]
    if f.kind in ("combo", "list"):
        info.options = f.opt()
    for w in f.widgets:
        if w.page is not None and (w.page + 1) not in info.pages:
            info.pages.append(w.page + 1)
        info.rects.append(tuple(round(v, 2) for v in w.rect))  # type: ignore[arg-type]
    return info


def fingerprint(fields: list[FieldInfo]) -> str:
    """sha256 of the field inventory: names, kinds, states, options, MaxLen, flags, places.

    Rectangles are rounded to whole points so a re-save that moves nothing keeps the print."""
    canon = [
        [
            f.name,
            f.kind,
            sorted(f.states),
            [list(o) for o in f.options],
            f.max_len,
            f.flags,
            f.pages,
            [[round(v) for v in r] for r in f.rects],
        ]
        for f in sorted(fields, key=lambda f: f.name)
    ]
    blob = json.dumps(canon, ensure_ascii=False, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def inspect_reader(name: str, reader: PdfReader) -> FormInventory:
    root, pages = document_parts(reader)
    raw = list(iter_fields(root, pages))
    infos = [field_info(f) for f in raw]
    return FormInventory(
        path=name,
        fields=infos,
        fingerprint=fingerprint(infos),
        pages=len(pages),
        has_xfa=has_xfa(root),
        encrypted=reader.is_encrypted,
    )


def inspect_pdf(path: Path) -> FormInventory:
    """The field inventory of a PDF form. XFA-only forms are listed (their AcroForm shell) but
    ``fill`` refuses them; a file that is not a PDF raises UnsupportedFormError."""
    data = read_bytes(path)
    return inspect_reader(str(path), open_pdf(str(path), data))
