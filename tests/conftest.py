"""Shared fixtures: where the repository, the sample forms and the corpus are, and the PDF tools
(qpdf, pdftotext, pdftk) that read a filled form back independently of formfill."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLES: dict[str, Path] = {
    "nav-barnetrygd": REPO / "sample_forms" / "nav" / "nav-barnetrygd.pdf",
    "nav-yrkesskade": REPO / "sample_forms" / "nav" / "nav-yrkesskade.pdf",
    "toeslag-aanvraag": REPO / "sample_forms" / "toeslagen" / "toeslag-aanvraag.pdf",
    "housing-assistance": REPO / "sample_forms" / "county" / "housing-assistance.pdf",
}
CORPUS = REPO.parent / "shared" / "corpus"

# a minimal JPEG header (SOI + APP0 JFIF): what a phone photo of a form starts with
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200


def need_tools(*names: str) -> None:
    """Skip the calling test when a system tool is not installed."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (not installed)")


def run_flatten_text(pdf_bytes: bytes) -> str:
    """The text a viewer that only draws stored appearances shows: qpdf burns the widget
    appearances into the pages (without regenerating any), then pdftotext reads the pages."""
    need_tools("qpdf", "pdftotext")
    with tempfile.TemporaryDirectory() as tmp:
        src, flat = Path(tmp) / "in.pdf", Path(tmp) / "flat.pdf"
        src.write_bytes(pdf_bytes)
        q = subprocess.run(
            ["qpdf", "--flatten-annotations=all", str(src), str(flat)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        # qpdf exits 3 for warnings; anything else means it did not write the flattened file
        assert q.returncode in (0, 3) and flat.exists(), q.stderr
        assert "does not have updated appearance streams" not in q.stderr, q.stderr
        r = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(flat), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 0, r.stderr
        return r.stdout


def run_pdftk_values(pdf_bytes: bytes) -> dict[str, str]:
    """Field name -> value as pdftk (an independent reader) sees it."""
    need_tools("pdftk")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf_bytes)
        r = subprocess.run(
            ["pdftk", str(src), "dump_data_fields_utf8"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert r.returncode == 0, r.stderr
    values: dict[str, str] = {}
    cur: str | None = None
    for line in r.stdout.splitlines():
        if line.startswith("FieldName: "):
            cur = line[len("FieldName: ") :]
        elif line.startswith("FieldValue: ") and cur is not None:
            values[cur] = line[len("FieldValue: ") :]
    return values


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def samples() -> dict[str, Path]:
    """Our own sample forms by id."""
    return dict(SAMPLES)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus (real agency forms); skips the test when it is absent."""
    if not (CORPUS / "forms").is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def flatten_text() -> Callable[[bytes], str]:
    """``flatten_text(pdf_bytes) -> str``: qpdf --flatten-annotations=all, then pdftotext."""
    need_tools("qpdf", "pdftotext")
    return run_flatten_text


@pytest.fixture(scope="session")
def pdftk_values() -> Callable[[bytes], dict[str, str]]:
    """``pdftk_values(pdf_bytes) -> {field: value}`` read by pdftk dump_data_fields_utf8."""
    need_tools("pdftk")
    return run_pdftk_values


def build_xfa_only_pdf(with_signature: bool = True) -> bytes:
    """A tiny XFA-only form: one blank page, an AcroForm whose /XFA packet would hold the real
    form and whose /Fields has at most a signature field (as LiveCycle forms do)."""
    w = PdfWriter()
    page = w.add_blank_page(612, 792)
    # _add_object is pypdf-private; fine for building a fixture (product code pins its own use)
    xfa = w._add_object(
        TextStringObject('<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>')
    )
    fields = ArrayObject()
    if with_signature:
        sig = DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject("Signature1"),
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (50, 50, 250, 90)]),
            }
        )
        ref = w._add_object(sig)
        page[NameObject("/Annots")] = ArrayObject([ref])
        fields.append(ref)
    w.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): fields,
            NameObject("/XFA"): ArrayObject([TextStringObject("template"), xfa]),
        }
    )
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def jpeg_bytes() -> bytes:
    """The first bytes of a JPEG photo (to be saved under a .pdf name)."""
    return JPEG_BYTES


@pytest.fixture(scope="session")
def xfa_only_pdf() -> Callable[..., bytes]:
    """``xfa_only_pdf(with_signature=True) -> bytes``: a tiny XFA-only form."""
    return build_xfa_only_pdf
