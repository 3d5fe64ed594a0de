"""Real agency forms (../shared/corpus/forms): every terminal field is filled the way the shared
checker (../shared/tools/fillcheck.py plan()) fills it, the fill verifies, and each value that can
show is found in the page text after a qpdf flatten that trusts only our appearances. The
XFA-only form is refused with a message naming XFA. Skipped when the corpus is absent."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from pypdf import PdfReader

from formfill.errors import UnsupportedFormError
from formfill.fill import fill_and_verify
from formfill.pdf.fill import BlankForm

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"  # the same place as conftest's ``corpus`` fixture

FORMS = sorted((CORPUS / "forms").glob("*.pdf")) if (CORPUS / "forms").is_dir() else []
RESULTS: dict[str, tuple[int, int, int, int, int, float, str]] = {}


def _fillcheck() -> ModuleType:
    tools = REPO.parent / "shared" / "tools"
    if not (tools / "fillcheck.py").exists():
        pytest.skip(f"fillcheck.py not found in {tools}")
    if str(tools) not in sys.path:
        sys.path.insert(0, str(tools))
    import fillcheck

    return fillcheck


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("pdf", FORMS, ids=[p.stem for p in FORMS])
def test_corpus_form(corpus: Path, pdf: Path, flatten_text: Callable[[bytes], str]) -> None:
    """Every planned value lands (report.ok after verification) and every value that fits its
    box shows after qpdf --flatten-annotations=all + pdftotext; XFA-only forms are refused."""
    fc = _fillcheck()
    reader = PdfReader(str(pdf))
    if reader.is_encrypted:
        reader.decrypt("")
    acro = reader.trailer["/Root"].get("/AcroForm")
    xfa_only = (
        acro is not None and "/XFA" in acro.get_object() and len(fc.terminal_fields(reader)) <= 1
    )
    start = time.perf_counter()
    if xfa_only:
        with pytest.raises(UnsupportedFormError) as e:
            BlankForm.from_path(pdf)
        assert "XFA" in e.value.reason
        RESULTS[pdf.stem] = (0, 0, 0, 0, 0, time.perf_counter() - start, "refused (XFA-only)")
        return
    values, _expect_v, expect_text = fc.plan(reader)
    data, report = fill_and_verify(BlankForm.from_path(pdf), values)
    bad = [
        f"{o.field}: {o.status.value} {o.reason}"
        for o in report.outcomes
        if o.status.value in ("failed", "truncated")
    ]
    landed = len(values) - len(bad)
    page_text = _squash(flatten_text(data))
    not_shown = [n for n, v in expect_text.items() if _squash(v) not in page_text]
    seconds = time.perf_counter() - start
    RESULTS[pdf.stem] = (
        len(values),
        landed,
        len(expect_text) - len(not_shown),
        len(expect_text),
        len(report.notes),
        seconds,
        "ok" if report.ok and not not_shown else "FAIL",
    )
    assert report.ok, bad[:5]
    if acro is not None and "/XFA" in acro.get_object():
        assert any("XFA" in n for n in report.notes), report.notes  # hybrid: packet removed
    assert not not_shown, [(n, expect_text[n]) for n in not_shown[:5]]


def test_every_corpus_form_was_filled_and_shown(
    corpus: Path, record_property: pytest.RecordProperty
) -> None:
    """Every PDF of the corpus went through test_corpus_form (none skipped silently) and each
    result is ok or a clean XFA-only refusal; the per-form table (fields, landed, shown,
    seconds) is recorded and printed with -rA."""
    if not RESULTS:
        pytest.skip("no corpus form was run (run the whole module)")
    lines = [f"{'form':52} {'fields':>6} {'landed':>6} {'shown':>9} {'seconds':>7}  result"]
    for form, (n, landed, shown, showable, _notes, secs, result) in sorted(RESULTS.items()):
        lines.append(f"{form:52} {n:6} {landed:6} {shown:4}/{showable:<4} {secs:7.2f}  {result}")
    total = sum(r[5] for r in RESULTS.values())
    lines.append(f"{len(RESULTS)} forms in {total:.1f} s")
    table = "\n".join(lines)
    print("\n" + table)
    record_property("corpus_table", table)
    assert set(RESULTS) == {p.stem for p in sorted((corpus / "forms").glob("*.pdf"))}
    bad = {form: r[6] for form, r in RESULTS.items() if r[6] not in ("ok", "refused (XFA-only)")}
    assert not bad, bad
    assert all(r[1] == r[0] and r[2] == r[3] for r in RESULTS.values() if r[6] == "ok")
