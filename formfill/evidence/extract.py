"""Evidence to reviewable proposals: read the pages, recognise the document type, find values.

PDF pages with a text layer are read with pdfplumber (words and positions; no OCR); the other
pages go through ``ocr``. The document type is the extractor whose keywords occur most. Each
field is anchored on a label: the value is the text right of the label on the same visual line
(up to a wide gap, the next column) or on the line below, starting under the label. Values are
parsed by type (``values``); confidence is the lowest OCR confidence of the words used (0.99
for a text layer), lowered for a fuzzy label, a value found without a label, or a failed check
digit, which also says so in the proposal's note. Extraction never writes a profile.
"""

from __future__ import annotations

import io
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from rapidfuzz import fuzz

from formfill.errors import EvidenceError
from formfill.evidence import ocr
from formfill.evidence.doubt import DOUBTFUL_BELOW
from formfill.evidence.extractors import IDENTIFIER_TYPES, DocType, FieldSpec, fold
from formfill.evidence.files import Evidence, Limits, Page, Word
from formfill.evidence.proposals import Proposal
from formfill.evidence.values import (
    Parsed,
    parse_address,
    parse_bic,
    parse_date,
    parse_iban,
    parse_identifier,
    parse_money,
    parse_period,
    parse_text,
    split_name,
)

TEXT_LAYER_CONF = 0.99
REVIEW_BELOW = DOUBTFUL_BELOW  # one threshold for the note here and the doubt on review
FAILED_CHECK_CONF = 0.2
FUZZY_LABEL = 88  # rapidfuzz ratio for a label read with OCR errors


@dataclass(frozen=True)
class Extraction:
    """What one piece of evidence yields: its type (None: not recognised), language, pages and
    the proposals."""

    evidence_id: str
    doc_type: str | None
    language: str | None
    pages: tuple[Page, ...]
    proposals: tuple[Proposal, ...]


def read_pages(evidence: Evidence, lang: str, limits: Limits | None = None) -> list[Page]:
    """Every page of ``evidence`` as words: text-layer pages by pdfplumber, others by OCR."""
    limits = limits or Limits()
    text = _text_layer_pages(evidence) if any(evidence.text_pages) else {}
    scanned = ocr.ocr_evidence(evidence, lang, limits) if not all(evidence.text_pages) else []
    by_number = {p.number: p for p in scanned} | text
    return [by_number[n] for n in sorted(by_number)]


def _text_layer_pages(evidence: Evidence) -> dict[int, Page]:
    out = {}
    try:
        with pdfplumber.open(io.BytesIO(evidence.data)) as pdf:
            for i, has_text in enumerate(evidence.text_pages):
                if not has_text:
                    continue
                page = pdf.pages[i]
                raw = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
                words = [
                    Word(
                        str(w["text"]),
                        (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])),
                        100.0,
                        0,
                    )
                    for w in raw
                ]
                out[i + 1] = Page(
                    i + 1, float(page.width), float(page.height), tuple(visual_lines(words)), "text"
                )
    except (PDFSyntaxError, ValueError, KeyError) as e:
        raise EvidenceError(evidence.source, f"cannot read the PDF's text layer: {e}") from e
    return out


def visual_lines(words: Sequence[Word]) -> list[Word]:
    """Words regrouped into visual lines (vertical centres within half a line height), lines
    top to bottom and words left to right, with ``line`` renumbered. OCR may put a label and
    its value in different blocks; on the page they share a line."""
    if not words:
        return []
    height = statistics.median(w.box[3] - w.box[1] for w in words)
    tol = max(1.0, height / 2)
    lines: list[list[Word]] = []
    centres: list[float] = []
    for w in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        c = (w.box[1] + w.box[3]) / 2
        if lines and abs(c - centres[-1]) <= tol:
            lines[-1].append(w)
            centres[-1] = sum((x.box[1] + x.box[3]) / 2 for x in lines[-1]) / len(lines[-1])
        else:
            lines.append([w])
            centres.append(c)
    out = []
    for n, line in enumerate(lines):
        out += [Word(w.text, w.box, w.conf, n) for w in sorted(line, key=lambda w: w.box[0])]
    return out


def classify(
    pages: Sequence[Page], doc_types: Sequence[DocType]
) -> tuple[DocType | None, str | None]:
    """The document type whose keywords occur most (at least its ``min_score``), and the
    language of its keywords that matched most."""
    text = "\n".join(p.text() for p in pages)
    best: tuple[int, DocType | None, str | None] = (0, None, None)
    for doc in doc_types:
        score, lang = doc.score(text)
        if score >= doc.min_score and score > best[0]:
            best = (score, doc, lang)
    return best[1], best[2]


def extract(evidence_id: str, pages: Sequence[Page], doc_types: Sequence[DocType]) -> Extraction:
    """Recognise the type of already-read pages and propose values for its fields."""
    lined = [Page(p.number, p.width, p.height, tuple(visual_lines(p.words)), p.source,
                  p.rotation, p.skew, p.notes) for p in pages]  # fmt: skip
    doc, lang = classify(lined, doc_types)
    if doc is None:
        return Extraction(evidence_id, None, lang, tuple(pages), ())
    proposals: list[Proposal] = []
    for spec in doc.fields:
        proposals += _field(evidence_id, spec, lined)
    implied = f"implied: the document is a {doc.title}"
    for path, value in doc.constants.items():
        proposals.append(
            Proposal(path, value, 0.9, None, None, implied, True, evidence_id, basis="implied")
        )
    for path, by_lang in doc.language_constants.items():
        named = read_currency(evidence_id, path, lined, lang) if path.endswith("currency") else None
        if named is not None:
            proposals.append(named)
        elif lang in by_lang:
            guess = f"assumed: the document names no currency and is written in {lang}"
            proposals.append(
                Proposal(path, by_lang[lang], 0.5, None, None, guess, True, evidence_id,
                         note=guess, basis="assumed")
            )  # fmt: skip
    return Extraction(evidence_id, doc.id, lang, tuple(pages), tuple(_dedupe(proposals)))


# what a document writes for a currency: ISO codes, symbols, and the Scandinavian "kr"
_CURRENCY_CODES = frozenset({"NOK", "EUR", "USD", "GBP", "SEK", "DKK", "ISK", "CHF", "PLN"})
_CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "$": "USD"}
_KRONE = {"nb": "NOK", "nn": "NOK", "no": "NOK", "se": "NOK", "sv": "SEK", "da": "DKK"}


def _currency_of(word: str, lang: str | None) -> str | None:
    text = word.strip(".,:;()[]-+\u2212")
    if text.upper() in _CURRENCY_CODES and text.isupper():
        return text.upper()
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in word:
            return code
    if text.casefold() in ("kr", "kr.") and lang in _KRONE:
        return _KRONE[lang]
    return None


def read_currency(
    evidence_id: str, path: str, pages: Sequence[Page], lang: str | None
) -> Proposal | None:
    """The currency a document names (NOK, "kr" in a Norwegian text, €, £, ...), read from its
    words: the one named most often, at its first place. None when it names none, or names two
    equally often (the specialist decides; nothing is guessed from a tie)."""
    found: dict[str, list[tuple[Page, Word]]] = {}
    for page in pages:
        for w in page.words:
            if (code := _currency_of(w.text, lang)) is not None:
                found.setdefault(code, []).append((page, w))
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda kv: -len(kv[1]))
    if len(ranked) > 1 and len(ranked[0][1]) == len(ranked[1][1]):
        return None
    code, places = ranked[0]
    page, word = places[0]
    conf = TEXT_LAYER_CONF if page.source == "text" else word.conf / 100
    line = " ".join(w.text for w in page.words if w.line == word.line)
    return Proposal(path, code, round(conf, 3), page.number, _box(page, [word]), line,
                    conf < REVIEW_BELOW, evidence_id, "currency")  # fmt: skip


def _dedupe(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per path: the first found; a different value elsewhere marks it for review."""
    out: dict[str, Proposal] = {}
    for p in proposals:
        first = out.get(p.path)
        if first is None:
            out[p.path] = p
        elif first.value != p.value and first.page is not None and p.page is not None:
            note = "; ".join(x for x in (first.note, f"also read as {p.value!r}") if x)
            out[p.path] = Proposal(**{**first.__dict__, "needs_review": True, "note": note})
    return list(out.values())


# -- one field ------------------------------------------------------------------------------------


def _parser(spec: FieldSpec) -> Callable[[str], Parsed | None]:
    kind = spec.type
    if kind == "date":
        return lambda t: parse_date(t, spec.date_order)
    if kind == "money":
        return parse_money
    if kind == "period":
        return parse_period
    if kind == "address":
        return parse_address
    if kind == "iban":
        return parse_iban
    if kind == "bic":
        return parse_bic
    if kind in IDENTIFIER_TYPES:
        return lambda t: parse_identifier(kind, t)
    return parse_text


def _field(evidence_id: str, spec: FieldSpec, pages: Sequence[Page]) -> list[Proposal]:
    """The first label hit (exact matches anywhere before fuzzy ones, longer labels first)
    whose neighbourhood parses as the field's type."""
    parse = _parser(spec)
    labels = sorted(spec.labels, key=lambda lab: -len(lab.split()))
    for fuzzy in (False, True):
        found = _labelled(evidence_id, spec, pages, labels, parse, fuzzy)
        if found:
            return found
    if spec.anywhere:
        for page in pages:
            for line in page.lines():
                parsed = parse(" ".join(w.text for w in line))
                if parsed is not None and parsed.valid:
                    used = _words_for(line, parsed.matched) or line
                    context = " ".join(w.text for w in line) + " (no label found)"
                    return _proposals(evidence_id, spec, page, parsed, used, context, 0.8)
    return []


def _labelled(
    evidence_id: str,
    spec: FieldSpec,
    pages: Sequence[Page],
    labels: list[str],
    parse: Callable[[str], Parsed | None],
    fuzzy: bool,
) -> list[Proposal]:
    for page in pages:
        lines = page.lines()
        for li, line in enumerate(lines):
            for label in labels:
                hit = _find_label(line, label, fuzzy)
                # free text takes any words, so a label that only begins a longer one would
                # take the rest of that label as its value; typed values parse or do not
                if hit is None or (spec.type == "text" and _longer_label(line, hit[0])):
                    continue
                end, label_score = hit
                for candidate, where in _candidates(spec, lines, li, end):
                    parsed = parse(" ".join(w.text for w in candidate))
                    if parsed is None:
                        continue
                    used = _words_for(candidate, parsed.matched) or candidate
                    context = " ".join(w.text for w in line)
                    if where == "below":
                        context += " / " + " ".join(w.text for w in lines[li + 1])
                    factor = 1.0 if label_score >= 100 else 0.9
                    return _proposals(evidence_id, spec, page, parsed, used, context, factor)
    return []


def _longer_label(line: list[Word], end: int) -> bool:
    """Whether the label found ending at ``end`` only begins a longer one: no colon after it,
    and a word after it that ends with one before anything else ("Fra" in "Fra og med:
    01.12.2026" is no sender; walk 9 proposed the agency "og med" at 96 %)."""
    if line[end].text.rstrip().endswith(":"):
        return False
    rest = _until_gap(line[end + 1 :]) if end + 1 < len(line) else []
    return any(w.text.rstrip().endswith(":") for w in rest[:3])


def _find_label(line: list[Word], label: str, fuzzy: bool) -> tuple[int, float] | None:
    """(index of the label's last word in ``line``, match score 0-100) or None. A label starts
    a line or a column (a wide gap before it): the same word inside running text is no label."""
    tokens = [_norm(t) for t in label.split()]
    n = len(tokens)
    target = " ".join(tokens)
    for i in range(len(line) - n + 1):
        if i > 0:
            height = line[i].box[3] - line[i].box[1]
            if line[i].box[0] - line[i - 1].box[2] < 2 * height:
                continue
        got = " ".join(_norm(w.text) for w in line[i : i + n])
        if got == target:
            return i + n - 1, 100.0
        if fuzzy and len(target) >= 6 and (score := fuzz.ratio(got, target)) >= FUZZY_LABEL:
            return i + n - 1, float(score)
    return None


def _norm(text: str) -> str:
    return fold(text).strip(":;.,*")


def _candidates(
    spec: FieldSpec, lines: list[list[Word]], li: int, end: int
) -> list[tuple[list[Word], str]]:
    line = lines[li]
    label_words = line[: end + 1]
    out: list[tuple[list[Word], str]] = []
    if spec.where in ("right", "right_or_below") and end + 1 < len(line):
        out.append((_until_gap(line[end + 1 :]), "right"))
    if spec.where in ("below", "right_or_below") and li + 1 < len(lines):
        height = statistics.median(w.box[3] - w.box[1] for w in line)
        below = lines[li + 1]
        gap = below[0].box[1] - max(w.box[3] for w in line) if below else 1e9
        if gap <= 2.5 * height:
            x0 = label_words[0].box[0] - height
            start = [w for w in below if w.box[2] > x0]
            if start:
                out.append((_until_gap(start), "below"))
    return out


def _until_gap(words: list[Word]) -> list[Word]:
    """Words up to the first gap wider than three line heights (the next column)."""
    if not words:
        return words
    height = statistics.median(w.box[3] - w.box[1] for w in words)
    out = [words[0]]
    for w in words[1:]:
        if w.box[0] - out[-1].box[2] > 3 * height:
            break
        out.append(w)
    return out


def _words_for(words: list[Word], matched: str) -> list[Word]:
    """The words that hold ``matched`` (a substring of their joined text)."""
    joined = ""
    spans = []
    for w in words:
        start = len(joined) + (1 if joined else 0)
        joined = f"{joined} {w.text}" if joined else w.text
        spans.append((start, len(joined)))
    pos = joined.find(matched)
    if pos < 0:
        return []
    end = pos + len(matched)
    return [w for w, (s, e) in zip(words, spans, strict=True) if s < end and e > pos]


def _proposals(
    evidence_id: str,
    spec: FieldSpec,
    page: Page,
    parsed: Parsed,
    used: list[Word],
    context: str,
    factor: float,
) -> list[Proposal]:
    base = TEXT_LAYER_CONF if page.source == "text" else min(w.conf for w in used) / 100
    conf = base * factor
    notes = [parsed.note] if parsed.note else []
    if not parsed.valid:
        conf = min(conf, FAILED_CHECK_CONF)
    elif parsed.note:  # letters read as digits: the check passes, but look at it
        conf = min(conf, 0.8)
    if page.source == "ocr" and base < REVIEW_BELOW:
        notes.append(f"OCR confidence {base * 100:.0f}")
    box = _box(page, used)
    values: list[tuple[str, str]] = [(spec.path, parsed.value)]
    if spec.type == "name":
        split = split_name(parsed.value)
        if split is None:
            return []
        values = list(zip(spec.paths(), split, strict=True))
    elif spec.type == "address":
        values = [(f"{spec.path}.{part}", value) for part, value in parsed.parts]
    review = conf < REVIEW_BELOW or not parsed.valid
    return [
        Proposal(
            path,
            value,
            round(conf, 3),
            page.number,
            box,
            context,
            review,
            evidence_id,
            spec.name,
            "; ".join(notes),
        )
        for path, value in values
    ]


def _as_scanned(page: Page, x: float, y: float) -> tuple[float, float]:
    """A point of the corrected page (pixels) on the page as scanned (0-1 of its width and
    height): the deskew undone (a turn within the frame, about its centre), then the quarter
    turn (the frame turned with it). The review shows the scan as it came."""
    if page.skew:
        t = math.radians(page.skew)
        cx, cy = page.width / 2, page.height / 2
        dx, dy = x - cx, y - cy
        x, y = cx + dx * math.cos(t) - dy * math.sin(t), cy + dx * math.sin(t) + dy * math.cos(t)
    a, b = x / page.width, y / page.height
    return {90: (1 - b, a), 180: (1 - a, 1 - b), 270: (b, 1 - a)}.get(page.rotation, (a, b))


def _box(page: Page, words: list[Word]) -> tuple[float, float, float, float]:
    """The words' box on the page as scanned, 0-1 of its width and height."""
    x0, y0 = min(w.box[0] for w in words), min(w.box[1] for w in words)
    x1, y1 = max(w.box[2] for w in words), max(w.box[3] for w in words)
    corners = [_as_scanned(page, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = (
        [min(max(c[0], 0.0), 1.0) for c in corners],
        [min(max(c[1], 0.0), 1.0) for c in corners],
    )
    return (min(xs), min(ys), max(xs), max(ys))


def extract_evidence(
    evidence: Evidence, doc_types: Sequence[DocType], lang: str, limits: Limits | None = None
) -> Extraction:
    """Read ``evidence`` (text layer or OCR) and propose values."""
    return extract(evidence.id, read_pages(evidence, lang, limits), doc_types)
