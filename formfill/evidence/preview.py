"""Page previews: a page of a PDF (a blank form, a filled form, a scan) or of an image, as a PNG
of a given width. pypdfium2 renders PDF pages; Pillow scales images (EXIF orientation applied).
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageOps

from formfill.errors import EvidenceError
from formfill.evidence.files import PDFIUM_LOCK, Limits, evidence_from_bytes, sniff

__all__ = ["page_count", "page_png"]

MAX_WIDTH = 1600


def page_count(data: bytes, source: str = "document") -> int:
    """How many pages ``data`` has (EvidenceError when it is not a PDF or an image)."""
    return evidence_from_bytes(data, source, Limits(max_pages=500)).page_count


def page_png(data: bytes, page: int, width: int = 900, source: str = "document") -> bytes:
    """Page ``page`` (1-based) of a PDF or image as a PNG ``width`` pixels wide."""
    width = max(100, min(width, MAX_WIDTH))
    kind = sniff(data)
    if kind == "pdf":
        with PDFIUM_LOCK:
            img = _render_pdf_page(data, page, width, source)
    else:
        evidence = evidence_from_bytes(data, source)
        if not 1 <= page <= evidence.page_count:
            raise EvidenceError(source, f"no page {page} (it has {evidence.page_count})")
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(page - 1)
            upright = ImageOps.exif_transpose(opened)
            ratio = width / upright.width
            img = upright.convert("RGB").resize((width, max(1, int(upright.height * ratio))))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _render_pdf_page(data: bytes, page: int, width: int, source: str) -> Image.Image:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise EvidenceError(source, f"not a readable PDF ({e})") from e
    try:
        # a filled form's values live in its widgets: without the form environment pdfium draws
        # the blank (no text in the boxes, no ticks); init_forms must come before any page
        pdf.init_forms()
        if not 1 <= page <= len(pdf):
            raise EvidenceError(source, f"no page {page} (it has {len(pdf)})")
        p = pdf[page - 1]
        w, _h = p.get_size()
        img: Image.Image = p.render(scale=width / w, may_draw_forms=True).to_pil()
        p.close()
        return img
    finally:
        pdf.close()
