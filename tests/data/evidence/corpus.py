"""Ground truth of the shared OCR corpus (../shared/corpus/scans) and the character error rate.

Used by tests/evidence/test_ocr.py and bench/ocr.py. The corpus is read in place, never copied.
Truth comes in three shapes: full text (``*.gt.txt``, ``*.ref.txt``), FUNSD word boxes and SROIE
line boxes. For the box kinds the reading order of a form is ambiguous, so truth and hypothesis are
both put in geometric order (lines top to bottom, words left to right) before comparing."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "scans"

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Truth:
    """One corpus file and its truth: ``text`` (None when there is none) and whether the text is
    in geometric order (compare a hypothesis in geometric order too)."""

    path: Path
    text: str | None
    geometric: bool
    rotated: bool = False  # the page is skewed or turned (compare with the upright page's CER)


def normalise(text: str) -> str:
    """NFC, whitespace collapsed: line breaks and layout are not what the CER measures."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cer(hypothesis: str, truth: str) -> float:
    """Character error rate: edit distance over the length of the truth."""
    ref = normalise(truth)
    return Levenshtein.distance(normalise(hypothesis), ref) / max(1, len(ref))


def geometric_text(items: Sequence[tuple[str, Box]]) -> str:
    """Words (or lines) with boxes, as text in geometric order: items whose vertical centres are
    within half a line height of each other form one line, read left to right."""
    items = [(t, b) for t, b in items if t.strip()]
    if not items:
        return ""
    heights = sorted(b[3] - b[1] for _, b in items)
    tol = max(1.0, heights[len(heights) // 2] / 2)
    lines: list[list[tuple[str, Box]]] = []
    for item in sorted(items, key=lambda i: (i[1][1] + i[1][3]) / 2):
        centre = (item[1][1] + item[1][3]) / 2
        if lines:
            last = lines[-1]
            last_centre = sum((b[1] + b[3]) / 2 for _, b in last) / len(last)
            if abs(centre - last_centre) <= tol:
                last.append(item)
                continue
        lines.append([item])
    return "\n".join(" ".join(t for t, _ in sorted(line, key=lambda i: i[1][0])) for line in lines)


def _funsd(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    words = [
        (w["text"], tuple(float(v) for v in w["box"]))
        for entity in data["form"]
        for w in entity["words"]
    ]
    return geometric_text(words)  # type: ignore[arg-type]


def _sroie(path: Path) -> str:
    items = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.reader(f):
            if len(row) < 9:
                continue
            xs, ys = [float(v) for v in row[0:8:2]], [float(v) for v in row[1:8:2]]
            items.append((",".join(row[8:]), (min(xs), min(ys), max(xs), max(ys))))
    return geometric_text(items)


def truths(corpus: Path = CORPUS) -> list[Truth]:
    """Every page image or PDF in the corpus with its truth (text None when it has none)."""
    out = []
    for path in sorted(corpus.iterdir()):
        if path.suffix not in (".png", ".jpg", ".tif", ".pdf"):
            continue
        stem = path.stem
        text: str | None = None
        geometric = False
        rotated = stem.endswith("-rotated-R") or stem == "ocrmypdf_skew"
        base = stem.removesuffix("-rotated-R")
        if (corpus / f"{base}.gt.txt").exists():
            text = (corpus / f"{base}.gt.txt").read_text(encoding="utf-8")
        elif stem.startswith("ocrmypdf_") and stem != "ocrmypdf_typewriter_nl":
            text = (corpus / "ocrmypdf_linn.ref.txt").read_text(encoding="utf-8")
        elif (corpus / f"{stem}.gt.json").exists():
            text, geometric = _funsd(corpus / f"{stem}.gt.json"), True
        elif (corpus / f"{stem}.box.csv").exists():
            text, geometric = _sroie(corpus / f"{stem}.box.csv"), True
        out.append(Truth(path, text, geometric, rotated))
    return out
