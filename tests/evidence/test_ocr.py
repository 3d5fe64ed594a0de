"""OCR: words with boxes and confidences, orientation and skew corrected only where needed, the
time limit per page, and every real scan of ../shared/corpus run with its CER reported."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from formfill.errors import EvidenceError
from formfill.evidence import ocr
from formfill.evidence.files import Limits, page_images, read_evidence
from tests.data.evidence.build import SAMPLES, render_image, render_pdf
from tests.data.evidence.corpus import CORPUS, cer, geometric_text, truths

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(not ocr.is_available(), reason="needs tesseract"),
]
LANG = "nor+nld+eng"


def test_words_have_boxes_and_confidences():
    """A clean page yields words with boxes inside the page and confidences 0-100, in one pass
    (no orientation or deskew work on an upright page)."""
    img = render_image(render_pdf(SAMPLES[0]), "clean")
    result = ocr.ocr_page(img, 1, LANG)
    page = result.page
    assert result.passes == 1 and page.rotation == 0 and page.skew == 0
    assert "Bruttolønn" in page.text()
    for w in page.words:
        assert 0 <= w.box[0] < w.box[2] <= page.width and 0 <= w.conf <= 100


@pytest.mark.parametrize(
    ("text_dpi", "upscaled"),
    [
        (135, True),  # FUNSD fax: small text, read 2x upscaled
        (None, True),  # text under 7 px: Tesseract gives no estimate
        (247, False),  # sroie_375: a small image but text of a fair size, read as it came
    ],
)
def test_low_resolution_page_is_upscaled_only_for_small_text(monkeypatch, text_dpi, upscaled):
    """A small page without a dpi has its text size measured (psm 2) and is upscaled 2x only
    when the text is small; either way it is recognised once, told its resolution, and its
    boxes are in the page as it came."""
    from formfill.evidence.files import Page, Word

    calls = []

    def fake(img, number, lang, source, deadline, dpi):
        calls.append((img.width, dpi))
        words = tuple(Word("word", (i * 10.0, 0.0, i * 10.0 + 8, 4.0), 90.0, 0) for i in range(9))
        return Page(number, float(img.width), float(img.height), words, "ocr")

    monkeypatch.setattr(ocr, "_recognise", fake)
    monkeypatch.setattr(ocr, "_layout", lambda img, source, deadline: (text_dpi, 0.0))
    img = Image.new("L", (80, 60), 255)
    result = ocr.ocr_page(img, 1, LANG)
    scale = 2 if upscaled else 1
    assert result.passes == 1
    assert calls == [(80 * scale, text_dpi * scale if text_dpi else None)]
    assert any(n.startswith("upscaled 2x") for n in result.page.notes) is upscaled
    assert result.page.width == 80


def test_text_size_of_a_low_resolution_scan_is_measured():
    """A 100-dpi scan: Tesseract's text-size estimate (ten times the body text height in
    pixels) is under LOW_RES_DPI, so the page is read upscaled, in one pass."""
    img = render_image(render_pdf(SAMPLES[0]), "clean", dpi=100)
    assert ocr._low_resolution(img)
    text_dpi, _ = ocr._layout(img, "<test>", time.monotonic() + 60)
    assert text_dpi is None or text_dpi < ocr.LOW_RES_DPI
    result = ocr.ocr_page(img, 1, LANG)
    assert result.passes == 1 and any(n.startswith("upscaled 2x") for n in result.page.notes)
    assert "Bruttolønn" in result.page.text() and result.page.width == img.width


def test_upside_down_page_is_turned():
    """An upside-down page is detected (psm 0) and read upright."""
    img = render_image(render_pdf(SAMPLES[6]), "upside_down")
    page = ocr.ocr_page(img, 1, LANG).page
    assert page.rotation == 180 and "Kontoutskrift" in page.text()


@pytest.mark.slow
def test_skewed_page_is_deskewed():
    """A page turned 2 degrees is deskewed by about that angle before the final pass."""
    img = render_image(render_pdf(SAMPLES[6]), "skewed")
    page = ocr.ocr_page(img, 1, LANG).page
    assert 1.5 <= abs(page.skew) <= 2.5 and "Kontoinnehaver" in page.text()


@pytest.mark.slow
def test_deskewed_page_keeps_its_frame_and_its_rows():
    """A skewed page is turned back within its own frame: same size, and each label still
    reads on one line with its value (in an expanded frame Tesseract split the columns)."""
    img = render_image(render_pdf(SAMPLES[1]), "skewed")
    page = ocr.ocr_page(img, 1, LANG).page
    assert page.skew and (page.width, page.height) == img.size
    assert "Werknemer: Jan de Vries" in page.text().splitlines()


def test_time_limit_per_page_is_a_clear_error():
    """A page that cannot be read within its time limit fails naming the limit."""
    img = render_image(render_pdf(SAMPLES[0]), "clean")
    with pytest.raises(EvidenceError) as e:
        ocr.ocr_page(img, 1, LANG, limits=Limits(seconds_per_page=0))
    assert e.value.limit == "seconds per page"


def test_pages_run_in_parallel_and_come_back_in_order():
    """Several pages through the pool come back in page order."""
    small = [(n, render_image(render_pdf(SAMPLES[n]), "clean", dpi=150)) for n in (1, 2)]
    results = ocr.ocr_images(small, LANG, workers=2)
    assert [r.page.number for r in results] == [1, 2]


CORPUS_FILES = [t for t in truths()] if CORPUS.exists() else []


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
@pytest.mark.parametrize("truth", CORPUS_FILES, ids=[t.path.name for t in CORPUS_FILES])
def test_corpus_scan_runs_and_reports_cer(truth, record_property):
    """Each real scan runs through the pipeline without error; its CER against the ground truth
    is reported (bench/ocr.py compares it with bare Tesseract)."""
    ev = read_evidence(truth.path)
    images = list(page_images(ev, text_pages=True))
    results = ocr.ocr_images(images, LANG)
    words = [(w.text, w.box) for r in results for w in r.page.words]
    text = geometric_text(words) if truth.geometric else "\n".join(r.page.text() for r in results)
    assert words
    if truth.text is not None:
        rate = cer(text, truth.text)
        record_property("cer", rate)
        print(f"{truth.path.name}: CER {rate:.3f}")
