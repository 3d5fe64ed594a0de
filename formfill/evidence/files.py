"""Evidence: the documents a specialist hands in (scans, phone photos, PDFs), checked and opened.

The type is decided by content (magic bytes), never by the file name. Every input passes the
limits first: bytes, pages, pixels per page (decompression bombs) and, in ``ocr``, seconds per
page; a file past one raises ``EvidenceError`` naming it. PDF pages that carry a text layer are
read by ``extract`` with pdfplumber (no OCR); the others are rendered here with pypdfium2 at
``Limits.pdf_dpi`` and handed to ``ocr``. Images are turned upright by their EXIF orientation.

``Word`` and ``Page`` are the shared vocabulary of ``ocr`` and ``extract``: words with boxes (x0,
y0, x1, y1 from the top left, in the page's own units: pixels for images, points for PDF text
layers) and confidences (0-100; 100 for a text layer).
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from formfill.errors import EvidenceError

KINDS = ("pdf", "jpeg", "png", "tiff")
# PDFium is not thread-safe: every use in a threaded server (the web) holds this lock
PDFIUM_LOCK = threading.RLock()
# a page "has a text layer" when pdfium finds at least this many characters on it
TEXT_LAYER_MIN_CHARS = 20


@dataclass(frozen=True)
class Limits:
    """What formfill agrees to read. Defaults fit a 50-page scan at 300 dpi with room to spare;
    an A4 page at 600 dpi is 35 Mpx."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 50
    max_pixels: int = 64_000_000  # per page, after rendering a PDF page at pdf_dpi
    seconds_per_page: int = 60  # OCR of one page, all passes together
    pdf_dpi: int = 300


@dataclass(frozen=True)
class Word:
    """One recognised word: its text, box (x0, y0, x1, y1) and confidence (0-100)."""

    text: str
    box: tuple[float, float, float, float]
    conf: float
    line: int  # index of the line the word is on, in reading order within the page


@dataclass(frozen=True)
class Page:
    """One page's words. ``source`` is "text" (a PDF text layer) or "ocr". For OCR pages,
    ``rotation`` (degrees counter-clockwise) and ``skew`` (degrees) were applied before
    recognition and the boxes are in the corrected page's pixels (``width`` x ``height``)."""

    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    source: str
    rotation: int = 0
    skew: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def lines(self) -> list[list[Word]]:
        """The words grouped by line, in reading order (words in the order they were read)."""
        out: dict[int, list[Word]] = {}
        for w in self.words:
            out.setdefault(w.line, []).append(w)
        return [ws for _, ws in sorted(out.items())]

    def text(self) -> str:
        """The page's text: one line of words per line."""
        return "\n".join(" ".join(w.text for w in ws) for ws in self.lines())


@dataclass(frozen=True)
class Evidence:
    """One document: its content id (``sha256:<hex>``), type, and which pages are readable as
    text (PDF pages with a text layer; always False for images)."""

    id: str
    source: str  # a name for messages: the file name
    kind: str
    data: bytes = field(repr=False)
    text_pages: tuple[bool, ...]

    @property
    def page_count(self) -> int:
        return len(self.text_pages)


def sniff(data: bytes) -> str | None:
    """The type of ``data`` by its magic bytes: pdf, jpeg, png, tiff; None for anything else."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def read_evidence(path: Path, limits: Limits | None = None) -> Evidence:
    """Read and check one file: its size, type, page count and pixel sizes against ``limits``."""
    limits = limits or Limits()
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_big(path.name, size, limits)
        data = path.read_bytes()
    except OSError as e:
        raise EvidenceError(str(path), f"cannot read: {e.strerror}") from e
    return evidence_from_bytes(data, path.name, limits)


def evidence_from_bytes(data: bytes, source: str, limits: Limits | None = None) -> Evidence:
    """Check ``data`` (an upload) like ``read_evidence`` checks a file."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise _too_big(source, len(data), limits)
    if not data.strip():
        raise EvidenceError(source, "the file is empty (0 bytes, or only blanks): nothing to read")
    kind = sniff(data)
    if kind is None:
        raise EvidenceError(
            source, "not a PDF, JPEG, PNG or TIFF (the type is decided by content, not by name)"
        )
    if kind == "pdf":
        text_pages = _pdf_text_pages(data, source, limits)
    else:
        with _open_image(data, source, limits) as img:
            frames = getattr(img, "n_frames", 1)
            _check_pages(source, frames, limits)
            for frame in ImageSequence.Iterator(img):
                _check_pixels(source, frame.size, limits)
        text_pages = (False,) * frames
    digest = hashlib.sha256(data).hexdigest()
    return Evidence(f"sha256:{digest}", source, kind, data, text_pages)


def page_images(
    evidence: Evidence, limits: Limits | None = None, text_pages: bool = False
) -> Iterator[tuple[int, Image.Image]]:
    """(page number, image) of every page without a text layer (of every page, with
    ``text_pages``): image frames turned upright by their EXIF orientation, PDF pages rendered
    in grey at ``limits.pdf_dpi``."""
    limits = limits or Limits()
    if evidence.kind == "pdf":
        yield from _render_pdf(evidence, limits, text_pages)
        return
    with _open_image(evidence.data, evidence.source, limits) as img:
        for number, frame in enumerate(ImageSequence.Iterator(img), start=1):
            _check_pixels(evidence.source, frame.size, limits)
            try:
                upright = ImageOps.exif_transpose(frame)  # decodes the frame
            except (OSError, ValueError, SyntaxError) as e:  # a cut-off or damaged photo
                raise EvidenceError(
                    evidence.source, f"broken image data ({e}); scan or photograph it again"
                ) from e
            yield number, _loaded(upright, evidence.source, limits)


# -- limits ---------------------------------------------------------------------------------------


def _too_big(source: str, size: int, limits: Limits) -> EvidenceError:
    return EvidenceError(
        source,
        f"{size:,} bytes is past the limit of {limits.max_bytes:,} bytes",
        limit="bytes",
    )


def _check_pages(source: str, pages: int, limits: Limits) -> None:
    if pages > limits.max_pages:
        raise EvidenceError(
            source, f"{pages} pages is past the limit of {limits.max_pages} pages", limit="pages"
        )


def _check_pixels(source: str, size: tuple[float, float], limits: Limits) -> None:
    pixels = int(size[0]) * int(size[1])
    if pixels > limits.max_pixels:
        raise EvidenceError(
            source,
            f"a page of {int(size[0])} x {int(size[1])} = {pixels:,} pixels is past the limit "
            f"of {limits.max_pixels:,} pixels (a decompression bomb, or a scan at too high a "
            f"resolution)",
            limit="pixels",
        )


# -- images ---------------------------------------------------------------------------------------


def _open_image(data: bytes, source: str, limits: Limits) -> Image.Image:
    """Open lazily (the header only) with Pillow's bomb check set to our pixel limit; its
    warning (past the limit) and its error (past twice the limit) both become EvidenceError."""
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        raise EvidenceError(
            source, f"past the limit of {limits.max_pixels:,} pixels: {e}", limit="pixels"
        ) from e
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise EvidenceError(source, f"not a readable image: {e}") from e


def _loaded(img: Image.Image, source: str, limits: Limits) -> Image.Image:
    """Decode the pixels now, in grey (what Tesseract reads), wrapping decoder errors."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            dpi = img.info.get("dpi")
            if img.mode in ("RGBA", "LA", "P", "PA"):
                img = img.convert("RGBA")
                white = Image.new("RGBA", img.size, (255, 255, 255, 255))
                img = Image.alpha_composite(white, img)
            out = img.copy() if img.mode in ("1", "L") else img.convert("L")
            if dpi:
                out.info["dpi"] = dpi
            return out
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        raise EvidenceError(source, str(e), limit="pixels") from e
    except (OSError, ValueError, SyntaxError) as e:
        raise EvidenceError(source, f"broken image data: {e}") from e


# -- PDF ------------------------------------------------------------------------------------------


def _open_pdf(data: bytes, source: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise EvidenceError(source, f"not a readable PDF ({e})") from e


def _pdf_text_pages(data: bytes, source: str, limits: Limits) -> tuple[bool, ...]:
    with PDFIUM_LOCK:
        return _pdf_text_pages_locked(data, source, limits)


def _pdf_text_pages_locked(data: bytes, source: str, limits: Limits) -> tuple[bool, ...]:
    pdf = _open_pdf(data, source)
    try:
        _check_pages(source, len(pdf), limits)
        flags = []
        for i in range(len(pdf)):
            page = pdf[i]
            w, h = page.get_size()
            scale = limits.pdf_dpi / 72
            _check_pixels(source, (w * scale, h * scale), limits)
            textpage = page.get_textpage()
            flags.append(textpage.count_chars() >= TEXT_LAYER_MIN_CHARS)
            textpage.close()
            page.close()
        return tuple(flags)
    finally:
        pdf.close()


def _render_pdf(
    evidence: Evidence, limits: Limits, text_pages: bool
) -> Iterator[tuple[int, Image.Image]]:
    pdf = _open_pdf(evidence.data, evidence.source)
    try:
        for i, has_text in enumerate(evidence.text_pages):
            if has_text and not text_pages:
                continue
            page = pdf[i]
            bitmap = page.render(scale=limits.pdf_dpi / 72, grayscale=True)
            img = bitmap.to_pil().convert("L")
            img.info["dpi"] = (limits.pdf_dpi, limits.pdf_dpi)
            page.close()
            yield i + 1, img
    finally:
        pdf.close()
