"""OCR: page images to words with boxes and confidences, with Tesseract through pytesseract.

One single-threaded Tesseract per core (``OMP_THREAD_LIMIT=1``: Tesseract's own threading is
several times slower on these machines), pages in parallel. Each page gets one ordinary pass;
the expensive corrections run only where the page needs them:

- a page that may be low resolution (under ~200 dpi by its dpi, or with none and under 1400 px):
  its text size is measured first by Tesseract's layout analysis alone (psm 2, no recognition,
  ~0.15 s), which estimates the resolution as ten times the body text's height in pixels. Under
  ``LOW_RES_DPI`` the page is upscaled 2x (Lanczos; global Otsu thresholding hurt, so there is
  none), and either way Tesseract is told that resolution (``--dpi``, doubled with the page).
  Why the dpi: the PNM file Tesseract reads carries none, and without one Tesseract finds rule
  lines and pictures as if at 70 dpi (only its column finder uses its estimate); on the
  upscaled FUNSD faxes that dropped whole small-print paragraphs (funsd_82092117: CER 0.54
  without a dpi, 0.15-0.20 with any from 150 to 300; the other four FUNSD scans gained 0-2.6
  pt). Why the threshold, measured on 11 corpus and rendered pages downscaled to each text
  size, both scales told the estimated dpi: under 200 the upscale lowered the CER in 23 of 32
  cases (by up to 59 pt) and raised it in 3 (by at most 1 pt); from 200 to 265 it helped in 5
  of 22 and hurt in 6, at 1.1-1.8x the time. On the corpus it upscales the five FUNSD faxes
  (estimates 120-145) and sroie_000 (165), not sroie_375 (247: read 2x it was 2.6-6 pt worse
  at every dpi tried). This replaced reading such pages twice (upscaled and as they came,
  keeping the better), which cost 2.0-2.5x bare Tesseract on them and still read
  funsd_82092117 at 0.51. Pages not measured get no ``--dpi``: a recorded one can mislead (our
  English residence card, rendered at 200 dpi, lost half its text when told 150 or 200 dpi,
  none when told 250 or more or nothing);
- a grainy background (median-filter residue > ``NOISE_LEVEL``, measured on eight bands across
  the page): a 3x3 median filter (without it Tesseract takes such a page for a picture and
  reads nothing);
- a first pass with low confidence, few words or tall words: orientation detection (psm 0),
  applied at orientation confidence >= ``MIN_OSD_CONF`` (low-resolution upright pages come back
  as 180 degrees with confidence < 3.5); between ``TRY_OSD_CONF`` and that (sparse one-column
  pages score 9-13 even when upside down) the turn is tried and kept only if it reads clearly
  better;
- lines that slope (estimated from the first pass's word boxes), or a turned page: the psm 2
  deskew angle, applied when it is at least ``MIN_SKEW_DEG``;

and a corrected page is recognised again; the better of the passes (by mean word confidence)
is kept.

Tried and not kept: ``-c tessedit_do_invert=0`` (skip the white-on-black check) saved no
measurable time on any corpus page with Tesseract 5.3.0 (it retries inverted only lines under
``invert_threshold``) and moved CERs by at most 0.5 pt, either way.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import pytesseract
from PIL import Image, ImageChops, ImageFilter, ImageStat

from formfill.errors import EvidenceError
from formfill.evidence.files import Evidence, Limits, Page, Word, page_images

MIN_OSD_CONF = 14.0  # orientation confidence from which a turn is applied outright
TRY_OSD_CONF = 5.0  # from here to MIN_OSD_CONF a turn is tried and kept if it reads clearly better
MIN_SKEW_DEG = 0.4  # smaller skews do not hurt Tesseract
LOW_QUALITY = 75.0  # mean word confidence below which a page is checked for orientation/skew
LOW_RES_DPI = 200  # pages whose text measures below this (see the module docstring) are upscaled
SLOPE_DEG = 1.0  # first-pass line slope that triggers the deskew check
NOISE_LEVEL = 8.0  # see _noisy
NOISE_STRIPS = 8


def is_available() -> bool:
    """Whether the tesseract binary is installed (on PATH)."""
    return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None


def languages() -> list[str]:
    """The languages Tesseract has data for."""
    _single_thread()
    return [str(x) for x in pytesseract.get_languages(config="")]


@dataclass(frozen=True)
class PageResult:
    """One page's OCR with what the pipeline did to it and how long it took."""

    page: Page
    seconds: float
    passes: int


def ocr_evidence(
    evidence: Evidence, lang: str, limits: Limits | None = None, workers: int | None = None
) -> list[Page]:
    """OCR every page of ``evidence`` that has no text layer (pages in parallel)."""
    limits = limits or Limits()
    return [
        r.page
        for r in ocr_images(page_images(evidence, limits), lang, evidence.source, limits, workers)
    ]


def ocr_images(
    images: Iterable[tuple[int, Image.Image]],
    lang: str,
    source: str = "<image>",
    limits: Limits | None = None,
    workers: int | None = None,
) -> list[PageResult]:
    """OCR (page number, image) pairs with one single-threaded Tesseract per core; results in
    page order. Images are consumed lazily, so rendering overlaps recognition."""
    limits = limits or Limits()
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: list[Future[PageResult]] = [
            pool.submit(ocr_page, img, number, lang, source, limits) for number, img in images
        ]
        return [f.result() for f in futures]


def ocr_page(
    img: Image.Image, number: int, lang: str, source: str = "<image>", limits: Limits | None = None
) -> PageResult:
    """The per-page pipeline (see the module docstring)."""
    limits = limits or Limits()
    start = time.monotonic()
    deadline = start + limits.seconds_per_page
    base = img if img.mode in ("L", "1") else img.convert("L")
    scale = 1
    text_dpi = None
    notes = []
    if _low_resolution(img):
        text_dpi = _layout(base, source, deadline)[0]
        if (text_dpi is None or text_dpi < LOW_RES_DPI) and (
            base.width * base.height * 4 <= limits.max_pixels
        ):
            scale = 2
            size = f"~{text_dpi} dpi" if text_dpi else "too small to measure"
            notes.append(f"upscaled 2x (small text: {size})")
    gray, prep_notes = _prepared(base, scale)
    notes += prep_notes
    dpi = text_dpi * scale if text_dpi else None
    best = _recognise(gray, number, lang, source, deadline, dpi)
    passes = 1
    quality = _quality(best)
    slope = _slope(best)
    turned = quality < LOW_QUALITY or _sideways(best)
    if turned or abs(slope) >= SLOPE_DEG:
        fixed, rotation, skew, sure = _corrected(gray, source, deadline, turned, slope)
        if rotation or skew:
            again = _recognise(fixed, number, lang, source, deadline, dpi)
            passes += 1
            # a sure correction is kept unless it reads clearly worse; a tentative turn (OSD
            # confidence under MIN_OSD_CONF) only if it reads clearly better
            margin = -5.0 if sure else 10.0
            if _quality(again) >= quality + margin:
                best = replace(again, rotation=rotation, skew=skew)
                notes.append(f"turned {rotation} deg, deskewed {skew:.2f} deg")
    if scale > 1:
        best = _scaled(best, 1 / scale)
    page = replace(best, notes=tuple(notes))
    return PageResult(page, time.monotonic() - start, passes)


def _prepared(gray: Image.Image, scale: int) -> tuple[Image.Image, list[str]]:
    """The page upscaled ``scale`` times and median-filtered if grainy, with notes saying so."""
    notes = []
    if scale > 1:
        gray = gray.convert("L").resize(
            (gray.width * scale, gray.height * scale), Image.Resampling.LANCZOS
        )
    if _noisy(gray):
        gray = gray.filter(ImageFilter.MedianFilter(3))
        notes.append("median filter (grainy background)")
    return gray, notes


# -- Tesseract calls ------------------------------------------------------------------------------


def _single_thread() -> None:
    # pytesseract runs tesseract with this process's environment and takes no env argument,
    # so the variable is (re)set before every call: Tesseract's OpenMP threads only slow it down
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _timeout(deadline: float, source: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise EvidenceError(source, "OCR of a page ran past its time limit", "seconds per page")
    return left


def _recognise(
    img: Image.Image, number: int, lang: str, source: str, deadline: float, dpi: int | None
) -> Page:
    """One Tesseract pass (psm 3). ``dpi``: the page's resolution, given to Tesseract because
    the PNM file carries none, and without one Tesseract finds rules and pictures as if at
    70 dpi (see the module docstring)."""
    _single_thread()
    try:
        with tempfile.TemporaryDirectory(prefix="formfill-ocr-") as tmp:
            # an uncompressed PGM/PBM: writing it costs nothing, pytesseract's PNG costs 0.3 s
            path = os.path.join(tmp, "page.pnm")
            img.save(path, format="PPM")
            data = pytesseract.image_to_data(
                path,
                lang=lang,
                config="--psm 3" + (f" --dpi {dpi}" if dpi else ""),
                output_type=pytesseract.Output.DICT,
                timeout=_timeout(deadline, source),
            )
    except RuntimeError as e:  # pytesseract's "Tesseract process timeout"
        raise EvidenceError(source, f"page {number}: {e}", "seconds per page") from e
    except pytesseract.TesseractError as e:
        raise EvidenceError(source, f"page {number}: tesseract failed: {e.message}") from e
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        text = str(text).strip()
        if conf < 0 or not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_ids.setdefault(key, len(line_ids))
        x, y, w, h = (float(data[k][i]) for k in ("left", "top", "width", "height"))
        words.append(Word(text, (x, y, x + w, y + h), conf, line))
    return Page(number, float(img.width), float(img.height), tuple(words), "ocr")


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")
_DESKEW = re.compile(r"Deskew angle:\s*(-?[\d.]+)")
_TEXT_DPI = re.compile(r"Estimating resolution as (\d+)")


def _orientation(img: Image.Image, source: str, deadline: float) -> tuple[int, float]:
    """(clockwise degrees to turn the page upright, confidence) from Tesseract's OSD."""
    _single_thread()
    try:
        osd = pytesseract.image_to_osd(
            img, lang="osd", config="--psm 0", timeout=_timeout(deadline, source)
        )
    except RuntimeError as e:
        raise EvidenceError(source, str(e), "seconds per page") from e
    except pytesseract.TesseractError:
        return 0, 0.0  # too few characters to tell: leave the page as it is
    rotate, conf = _ROTATE.search(osd), _OSD_CONF.search(osd)
    return (int(rotate.group(1)) if rotate else 0), (float(conf.group(1)) if conf else 0.0)


def _layout(img: Image.Image, source: str, deadline: float) -> tuple[int | None, float]:
    """Tesseract's page layout analysis alone (psm 2, no recognition: about 0.15 s on a
    small page): (the resolution it estimates from the body text's size, ten times the text
    height in pixels, or None under 70; the deskew angle in degrees). Given no resolution, it
    prints both on stderr, which pytesseract does not return, so this runs the binary."""
    cmd = pytesseract.pytesseract.tesseract_cmd
    exe = shutil.which(cmd) or cmd
    try:
        with tempfile.TemporaryDirectory(prefix="formfill-ocr-") as tmp:
            path = os.path.join(tmp, "page.pnm")
            img.save(path, format="PPM")
            done = subprocess.run(
                [exe, path, "stdout", "--psm", "2"],
                capture_output=True,
                timeout=_timeout(deadline, source),
                env={"OMP_THREAD_LIMIT": "1", "PATH": os.defpath},
                check=False,
            )
    except subprocess.TimeoutExpired as e:
        raise EvidenceError(
            source, "layout analysis ran past the time limit", "seconds per page"
        ) from e
    except OSError as e:
        raise EvidenceError(source, f"cannot run tesseract: {e.strerror}") from e
    err = done.stderr.decode("utf-8", "replace")
    text_dpi, deskew = _TEXT_DPI.search(err), _DESKEW.search(err)
    return (
        int(text_dpi.group(1)) if text_dpi else None,
        math.degrees(float(deskew.group(1))) if deskew else 0.0,
    )


def _corrected(
    gray: Image.Image, source: str, deadline: float, check_osd: bool, slope: float
) -> tuple[Image.Image, int, float, bool]:
    """The page turned upright and deskewed where Tesseract is sure enough; (image, degrees
    turned counter-clockwise, degrees deskewed, sure). ``slope`` is the first pass's estimate,
    used when Tesseract's layout analysis finds no angle. Not sure: a turn with orientation
    confidence between TRY_OSD_CONF and MIN_OSD_CONF (sparse pages score there)."""
    rotation = 0
    sure = True
    if check_osd:
        rotate, conf = _orientation(gray, source, deadline)
        if rotate and conf >= TRY_OSD_CONF:
            rotation = (360 - rotate) % 360
            sure = conf >= MIN_OSD_CONF
            gray = gray.rotate(rotation, expand=True, fillcolor=255)
    skew = _layout(gray, source, deadline)[1]
    if abs(skew) < MIN_SKEW_DEG and not rotation and abs(slope) >= 1.5 * SLOPE_DEG:
        skew = slope
    if abs(skew) >= MIN_SKEW_DEG:
        # Tesseract's angle (like the word-box slope) is negative for a page turned
        # counter-clockwise; PIL turns counter-clockwise for positive angles. The page is
        # turned back within its own frame (no expand): a skewed scan is the page turned inside
        # the scanner's frame, so turning it back puts its text where it was. Expanding the
        # frame added margins that made Tesseract split a label column from its values (our
        # Dutch pay slip: CER 0.55 -> 0 without them); no other page read differently.
        gray = gray.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    else:
        skew = 0.0
    return gray, rotation, skew, sure


# -- measures -------------------------------------------------------------------------------------


def _quality(page: Page) -> float:
    """Mean word confidence, weighted by word length; 0 for a page with (almost) no text."""
    chars = sum(len(w.text) for w in page.words)
    if chars < 20:
        return 0.0
    return sum(w.conf * len(w.text) for w in page.words) / chars


def _slope(page: Page) -> float:
    """The median slope of lines with several words, in degrees, from the word boxes."""
    slopes = []
    for words in page.lines():
        if len(words) < 2:
            continue
        first, last = words[0].box, words[-1].box
        dx = (last[0] + last[2]) / 2 - (first[0] + first[2]) / 2
        if dx < 6 * (first[3] - first[1]):
            continue  # too short to measure a slope
        # box centres: ascenders and descenders move a top or a bottom, rarely both
        dy = (last[1] + last[3]) / 2 - (first[1] + first[3]) / 2
        slopes.append(math.degrees(math.atan2(dy, dx)))
    return statistics.median(slopes) if len(slopes) >= 2 else 0.0


def _noisy(img: Image.Image) -> bool:
    """Grain all over the page (what a 3x3 median filter removes, on average over every
    pixel, is more than NOISE_LEVEL grey levels): Tesseract then takes the page for a picture
    and reads nothing. Clean scans measure under 1, FUNSD's noisy faxes about 5."""
    if img.mode != "L":
        return False
    small = img.reduce(2) if img.width * img.height > 4_000_000 else img
    # measured on NOISE_STRIPS bands across the page, a quarter of its rows: the same verdict
    # as the whole page on every corpus and rendered page, at a quarter of the cost
    height = max(3, small.height // (4 * NOISE_STRIPS))
    residue = 0.0
    for i in range(NOISE_STRIPS):
        top = (2 * i + 1) * small.height // (2 * NOISE_STRIPS) - height // 2
        strip = small.crop((0, top, small.width, top + height))
        diff = ImageChops.difference(strip, strip.filter(ImageFilter.MedianFilter(3)))
        residue += ImageStat.Stat(diff).sum[0]
    return residue / (small.width * height * NOISE_STRIPS) > NOISE_LEVEL


def _sideways(page: Page) -> bool:
    """Most longer words are taller than wide: the lines run down the page."""
    long = [w for w in page.words if len(w.text) >= 4]
    tall = sum(1 for w in long if (w.box[3] - w.box[1]) > (w.box[2] - w.box[0]))
    return len(long) >= 5 and tall > len(long) / 2


def _low_resolution(img: Image.Image) -> bool:
    """Whether the page may hold text too small for Tesseract (then its size is measured)."""
    dpi = img.info.get("dpi")
    if dpi and float(dpi[0]) > 1:
        return float(dpi[0]) < LOW_RES_DPI - 1
    return max(img.size) < 1400  # no dpi recorded: a page this small is a low-resolution scan


def _scaled(page: Page, factor: float) -> Page:
    words = tuple(
        replace(w, box=(w.box[0] * factor, w.box[1] * factor, w.box[2] * factor, w.box[3] * factor))
        for w in page.words
    )
    return replace(page, words=words, width=page.width * factor, height=page.height * factor)


def iter_text(pages: Iterable[Page]) -> Iterator[str]:
    """Each page's text, for ``formfill ocr``."""
    for page in pages:
        yield page.text()
