"""OCR benchmark: formfill's pipeline against bare `tesseract` on the same images, same run.

For each page of ../shared/corpus/scans and of our rendered evidence set: seconds per page and
character error rate of bare Tesseract (one thread, default settings: eng, psm 3) and of
formfill's pipeline (nor+nld+eng, corrections where needed); the time ratio is also given
against bare Tesseract with the pipeline's languages. Text-layer PDFs: reading vs OCR.

    .venv/bin/python bench/ocr.py [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formfill.config import Settings
from formfill.evidence import ocr
from formfill.evidence.extract import extract_evidence
from formfill.evidence.extractors import load_extractors
from formfill.evidence.files import evidence_from_bytes, page_images, read_evidence
from tests.data.evidence.build import SAMPLES, render_pdf, variant_bytes
from tests.data.evidence.corpus import CORPUS, cer, geometric_text, truths

LANG = "nor+nld+eng"
ENV = {"OMP_THREAD_LIMIT": "1", "PATH": os.defpath}


def bare(path: Path, lang: str | None) -> tuple[float, str, str]:
    """(seconds, text in Tesseract's order, text in geometric order) of bare tesseract."""
    cmd = ["tesseract", str(path), "stdout"] + (["-l", lang] if lang else []) + ["tsv"]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, check=True).stdout
    seconds = time.perf_counter() - start
    lines: dict[tuple[str, str, str], list[str]] = {}
    words = []
    for row in out.splitlines()[1:]:
        c = row.split("\t")
        if len(c) < 12 or float(c[10]) < 0 or not c[11].strip():
            continue
        lines.setdefault((c[2], c[3], c[4]), []).append(c[11])
        x, y, w, h = (float(v) for v in c[6:10])
        words.append((c[11], (x, y, x + w, y + h)))
    return seconds, "\n".join(" ".join(v) for v in lines.values()), geometric_text(words)


def main() -> None:
    quick = "--quick" in sys.argv
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, Path, str | None, bool | None, bool]] = []
        if CORPUS.exists():
            for t in truths():
                cases.append((t.path.name, t.path, t.text, t.geometric, not t.rotated))
        variants = (
            ("clean", "noisy", "skewed", "upside_down")
            if quick
            else ("clean", "noisy", "skewed", "upside_down", "sideways", "low_contrast", "photo")
        )
        for sample in SAMPLES[: 3 if quick else len(SAMPLES)]:
            truth = render_pdf_text(sample)
            for v in variants:
                suffix, data = variant_bytes(sample, v)
                path = Path(tmp) / f"{sample.id}.{v}{suffix}"
                path.write_bytes(data)
                # the truth is our rows in order (label, value); Tesseract may read a label
                # column before its values (en_pay_slip: CER 0.53 for bare and pipeline alike),
                # so each engine's text is scored in its own order and in page order, and the
                # better counts (page order alone would penalise bare on a skewed page)
                cases.append((path.name, path, truth, None, v in ("clean", "low_contrast")))
        print(f"{'file':34} {'bare s':>7} {'bare3 s':>7} {'ff s':>6} {'ratio':>5} {'ratio3':>6}"
              f" {'bare CER':>8} {'ff CER':>7}")  # fmt: skip
        for name, path, truth, geometric, upright in cases:
            ev = read_evidence(path)
            images = list(page_images(ev, text_pages=True))
            src = path
            if path.suffix == ".pdf":  # bare tesseract reads the same rendered page
                src = Path(tmp) / f"{name}.png"
                images[0][1].save(src, dpi=(300, 300))
            if path.suffix == ".jpg" and "photo" in name:  # bare gets the upright pixels too
                src = Path(tmp) / f"{name}.png"
                images[0][1].save(src)
            b_s, b_text, b_geo = bare(src, None)
            b3_s, _, _ = bare(src, LANG)
            start = time.perf_counter()
            results = ocr.ocr_images(images, LANG, workers=1)
            f_s = time.perf_counter() - start
            words = [(w.text, w.box) for r in results for w in r.page.words]
            f_text = "\n".join(r.page.text() for r in results)
            f_geo = geometric_text(words)
            b_cer, f_cer = (
                _score(b_text, b_geo, truth, geometric),
                _score(f_text, f_geo, truth, geometric),
            )
            rows.append((name, b_s, b3_s, f_s, b_cer, f_cer, upright))
            print(f"{name:34} {b_s:7.2f} {b3_s:7.2f} {f_s:6.2f} {f_s / b_s:5.2f} {f_s / b3_s:6.2f}"
                  f" {b_cer:8.4f} {f_cer:7.4f}{'' if upright else '  (turned/skewed/noisy)'}",
                  flush=True)  # fmt: skip
    up = [r for r in rows if r[6]]
    print(
        f"\nupright pages: pipeline/bare(same langs) time = "
        f"{sum(r[3] for r in up) / sum(r[2] for r in up):.2f}x, "
        f"pipeline/bare(eng) = {sum(r[3] for r in up) / sum(r[1] for r in up):.2f}x"
    )
    worse = [r[0] for r in rows if r[4] == r[4] and r[5] > r[4] + 0.005]
    print(f"files where the pipeline's CER is worse than bare eng by > 0.5 pt: {worse or 'none'}")
    corpus = {t.path.name for t in truths()} if CORPUS.exists() else set()
    worse_at_all = [r[0] for r in rows if r[0] in corpus and r[4] == r[4] and r[5] > r[4]]
    print(f"corpus files where the pipeline's CER is worse than bare eng at all: "
          f"{worse_at_all or 'none'}")  # fmt: skip
    text_layer_speed()
    field_recall(quick)


def _score(text: str, geo: str, truth: str | None, geometric: bool | None) -> float:
    """CER against the truth: of the text in page order (``geometric``), in the engine's
    order (False), or the better of the two (None: the order is not what is measured)."""
    if not truth:
        return float("nan")
    if geometric is None:
        return min(cer(text, truth), cer(geo, truth))
    return cer(geo if geometric else text, truth)


def render_pdf_text(sample: object) -> str:
    from tests.data.evidence.build import Sample

    assert isinstance(sample, Sample)
    lines = [sample.header] + [" ".join(x for x in (lab, val) if x and lab != "#") or val
                               for lab, val in sample.rows]  # fmt: skip
    return "\n".join(line for line in lines if line)


def text_layer_speed() -> None:
    docs = load_extractors(Settings.from_env().extractors_dir)
    ev = evidence_from_bytes(render_pdf(SAMPLES[0]), "slip.pdf")
    start = time.perf_counter()
    for _ in range(5):
        extract_evidence(ev, docs, LANG)
    text_s = (time.perf_counter() - start) / 5
    images = list(page_images(ev, text_pages=True))
    start = time.perf_counter()
    ocr.ocr_images(images, LANG, workers=1)
    ocr_s = time.perf_counter() - start
    print(f"text-layer PDF: read+extract {text_s:.3f} s vs OCR of the same page at 300 dpi "
          f"{ocr_s:.2f} s: {ocr_s / text_s:.0f}x faster")  # fmt: skip


def field_recall(quick: bool) -> None:
    docs = load_extractors(Settings.from_env().extractors_dir)
    variants = ("pdf", "clean", "noisy", "skewed", "upside_down", "sideways", "low_contrast",
                "photo")  # fmt: skip
    if quick:
        variants = ("pdf", "clean", "skewed")
    total = good = proposed = ids = bad_ids_high = 0
    for v in variants:
        t = g = 0
        for sample in SAMPLES:
            data = render_pdf(sample) if v == "pdf" else variant_bytes(sample, v)[1]
            result = extract_evidence(evidence_from_bytes(data, sample.id), docs, LANG)
            found = {p.path: p for p in result.proposals if p.page is not None}
            proposed += len(found)
            for path, want in sample.truth.items():
                t += 1
                got = found.get(path)
                g += got is not None and got.value == want
                if path.startswith(("identifiers.", "bank.iban", "bank.no_account", "bank.bic")):
                    ids += got is not None
                    if got is not None and got.value != want and not got.needs_review:
                        bad_ids_high += 1
        total, good = total + t, good + g
        print(f"fields {v:13} {g}/{t} = {g / t:.1%}", flush=True)
    print(f"all: recall {good}/{total} = {good / total:.1%}, precision {good}/{proposed} = "
          f"{good / max(1, proposed):.1%}; identifiers proposed {ids}, wrong at high "
          f"confidence {bad_ids_high}")  # fmt: skip


if __name__ == "__main__":
    main()
