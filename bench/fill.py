"""Fill benchmark: formfill's PDF fill against pypdf's bare read-and-write and against pdftk.

Machines are shared and noisy, so every figure that matters is a ratio against a baseline
measured in the same process, in the same rounds: for each form the measurements are
interleaved (one run of each per round, the order rotated every round) and the median of the
rounds is kept. See bench/README.md for the columns and the targets.

Usage: .venv/bin/python bench/fill.py [--quick] [--forms GLOB] [--budget SECONDS] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import fnmatch
import gc
import importlib.util
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pypdf
from pypdf import PdfReader, PdfWriter

from formfill.errors import FormfillError
from formfill.fill import fill_and_verify
from formfill.pdf.fields import (
    FF_COMB,
    FF_FILE_SELECT,
    FF_PASSWORD,
    FF_PUSH,
    FF_RADIO,
    FF_READ_ONLY,
    iter_fields,
)
from formfill.pdf.fill import BlankForm, fill_pdf

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_forms"
CORPUS = REPO.parent / "shared" / "corpus" / "forms"
FILLCHECK = REPO.parent / "shared" / "tools" / "fillcheck.py"
OUT = REPO / "bench" / "out" / "fill.json"

MIN_N, MAX_N = 3, 15  # repetitions per form (the median of them is reported)
DEFAULT_BUDGET = 4.0  # seconds of measuring per form, after one warm-up round
PDFTK_TIMEOUT = 120

# the targets this bench reports against (it is a report, not a test)
TARGET_FILL = 1.5  # single fill (parse included) <= 1.5 x pypdf's bare read-and-write
TARGET_BATCH = 1.0  # batch per-item fill (blank parsed once) <= 1.0 x the same baseline

Values = dict[str, str | bool]


# --- values: every fillable field gets one, the way ../shared/tools/fillcheck.py plans them ----


def _load_fillcheck() -> Any | None:
    if not FILLCHECK.is_file():
        return None
    spec = importlib.util.spec_from_file_location("fillcheck", FILLCHECK)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plan_here(reader: PdfReader) -> tuple[Values, dict[str, str]]:
    """The same plan as fillcheck.plan (used when ../shared/tools is absent): text fields get
    'Ødegård{i}å', every fifth 'Čiekčá Łódź{i}ŋ' (letters WinAnsi cannot encode), comb fields
    digits to MaxLen; buttons an on-state; choices their second option."""
    root = reader.trailer["/Root"].get_object()
    values: Values = {}
    exported: dict[str, str] = {}  # what pdftk is given: export values instead of True
    i = 0
    for f in iter_fields(root, [p.get_object() for p in reader.pages]):
        ff = f.flags
        if f.orphan or ff & FF_READ_ONLY or f.ft in (None, "/Sig"):  # fillcheck walks /Fields
            continue
        i += 1
        if f.ft == "/Tx":
            if ff & (FF_PASSWORD | FF_FILE_SELECT):
                continue
            maxlen = int(f.attrs["/MaxLen"]) if "/MaxLen" in f.attrs else None
            if ff & FF_COMB and maxlen:
                v = (str(i) + "0123456789" * 8)[:maxlen]
            else:
                v = f"Čiekčá Łódź{i}ŋ" if i % 5 == 0 else f"Ødegård{i}å"
                if maxlen is not None and maxlen < len(v):
                    short = f"Ø{i}å"
                    v = short if maxlen >= len(short) else str(i).zfill(maxlen)[-maxlen:]
            values[f.name] = exported[f.name] = v
        elif f.ft == "/Btn":
            states = [str(s)[1:] for s in f.on_states()]
            if ff & FF_PUSH or not states:
                continue
            if ff & FF_RADIO:
                values[f.name] = exported[f.name] = f.export_of(f.on_states()[-1])
            elif len(states) == 1:
                values[f.name], exported[f.name] = True, states[0]
            else:
                values[f.name] = exported[f.name] = states[0]
        elif f.ft == "/Ch":
            exports = [e for e, _ in f.opt() if e.strip()]
            if exports:
                values[f.name] = exported[f.name] = exports[1] if len(exports) > 1 else exports[0]
    return values, exported


def plan_values(data: bytes, fillcheck: Any | None) -> tuple[Values, dict[str, str]]:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    if fillcheck is None:
        return _plan_here(reader)
    values, expect_v, _ = fillcheck.plan(reader)
    return values, {k: str(v) for k, v in expect_v.items()}


def write_xfdf(values: dict[str, str], path: Path) -> None:
    """XFDF (UTF-8) with the dotted names nested as pdftk expects: a.b -> field a / field b."""
    tree: dict[str, Any] = {}
    for name, value in values.items():
        node = tree
        parts = name.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def emit(node: dict[str, Any], out: list[str]) -> None:
        for key, sub in node.items():
            out.append(f"<field name={quoteattr(key)}>")
            if isinstance(sub, dict):
                emit(sub, out)
            else:
                out.append(f"<value>{escape(sub)}</value>")
            out.append("</field>")

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve">',
        "<fields>",
    ]
    emit(tree, lines)
    lines += ["</fields>", "</xfdf>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# --- the measured operations ----------------------------------------------------------------


def baseline(data: bytes) -> None:
    """pypdf's bare read-and-write of the same file: the floor any pypdf-based fill stands on."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    writer = PdfWriter(clone_from=reader)
    writer.write(io.BytesIO())


def run_pdftk(form: Path, xfdf: Path, out: Path) -> None:
    r = subprocess.run(
        ["pdftk", str(form), "fill_form", str(xfdf), "output", str(out)],
        capture_output=True,
        text=True,
        timeout=PDFTK_TIMEOUT,
        check=False,
    )
    if r.returncode != 0:
        msg = (r.stderr or r.stdout).strip().splitlines()
        raise RuntimeError(f"pdftk exit {r.returncode}: {msg[0] if msg else ''}")


def pdftk_landed(path: Path, expected: dict[str, str]) -> int:
    r = subprocess.run(
        ["pdftk", str(path), "dump_data_fields_utf8"],
        capture_output=True,
        text=True,
        timeout=PDFTK_TIMEOUT,
        check=False,
    )
    got, cur = {}, None
    for line in r.stdout.splitlines():
        if line.startswith("FieldName: "):
            cur = line[len("FieldName: ") :]
        elif line.startswith("FieldValue: ") and cur is not None:
            got[cur] = line[len("FieldValue: ") :]
    return sum(got.get(k) == v for k, v in expected.items())


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000.0


@dataclass
class Row:
    form: str
    fields: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def ms(self, key: str) -> float | None:
        s = self.samples.get(key)
        return statistics.median(s) if s else None

    def ratio(self, num: str, den: str) -> float | None:
        a, b = self.ms(num), self.ms(den)
        return a / b if a is not None and b else None

    def to_dict(self) -> dict[str, Any]:
        fill = self.ms("fill")
        return {
            "form": self.form,
            "fields": self.fields,
            "repetitions": len(self.samples.get("baseline", [])),
            "baseline_ms": self.ms("baseline"),
            "fill_ms": fill,
            "fills_per_s": 1000.0 / fill if fill else None,
            "ratio_fill_baseline": self.ratio("fill", "baseline"),
            "fill_verify_ms": self.ms("fill_verify"),
            "ratio_fill_verify_baseline": self.ratio("fill_verify", "baseline"),
            "batch_ms": self.ms("batch"),
            "ratio_batch_baseline": self.ratio("batch", "baseline"),
            "pdftk_ms": self.ms("pdftk"),
            "ratio_fill_pdftk": self.ratio("fill", "pdftk"),
            "samples_ms": self.samples,
            "notes": self.notes,
        }


def measure(
    form: str, path: Path, fillcheck: Any | None, args: argparse.Namespace, tmp: Path
) -> Row | None:
    data = path.read_bytes()
    try:
        blank = BlankForm(str(path), data)
    except FormfillError as e:
        print(f"skip {form}: refused by formfill ({e})", flush=True)
        return None
    values, exported = plan_values(data, fillcheck)
    row = Row(form, len(values))
    name = str(path)
    ops: dict[str, Callable[[], object]] = {
        "baseline": lambda: baseline(data),
        "fill": lambda: fill_pdf(BlankForm(name, data), values),
        "fill_verify": lambda: fill_and_verify(BlankForm(name, data), values),
        "batch": lambda: fill_pdf(blank, values),
    }
    if shutil.which("pdftk"):
        xfdf, out = tmp / f"{path.stem}.xfdf", tmp / f"{path.stem}.pdftk.pdf"
        write_xfdf(exported, xfdf)
        try:
            run_pdftk(path, xfdf, out)  # also the warm-up of the file cache
            landed = pdftk_landed(out, exported)
            if landed < len(exported):
                row.notes.append(f"pdftk set {landed}/{len(exported)} values")
            ops["pdftk"] = lambda: run_pdftk(path, xfdf, out)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            row.notes.append(f"pdftk failed: {e}")
    _, report = fill_pdf(blank, values)
    failed = len([o for o in report.outcomes if o.status.value == "failed"])
    if failed:
        row.notes.append(f"formfill failed {failed}/{len(values)} values")

    keys = list(ops)
    if args.quick:
        n = 1
    else:
        warm = sum(timed(ops[k]) for k in keys) / 1000.0  # fonts, caches, JIT-less warm-up
        n = max(MIN_N, min(MAX_N, int(args.budget / max(warm, 1e-3))))
    row.samples = {k: [] for k in keys}
    for rep in range(n):
        shift = rep % len(keys)
        for k in keys[shift:] + keys[:shift]:  # rotate the order: no method always goes first
            row.samples[k].append(timed(ops[k]))
    return row


# --- output ---------------------------------------------------------------------------------

COLUMNS = [
    ("form", 40, "form"),
    ("fields", 6, "fields"),
    ("base ms", 8, "baseline_ms"),
    ("fill ms", 8, "fill_ms"),
    ("fills/s", 7, "fills_per_s"),
    ("fill/base", 9, "ratio_fill_baseline"),
    ("f+v/base", 8, "ratio_fill_verify_baseline"),
    ("batch/base", 10, "ratio_batch_baseline"),
    ("pdftk ms", 8, "pdftk_ms"),
    ("fill/pdftk", 10, "ratio_fill_pdftk"),
]


def _cell(value: Any, width: int, key: str) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, str):
        return value[:width].ljust(width)
    if isinstance(value, int):
        return str(value).rjust(width)
    if key.startswith("ratio"):
        return f"{value:.2f}x".rjust(width)
    return f"{value:.1f}".rjust(width)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(" ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w, _) in enumerate(COLUMNS)))
    for r in rows:
        print(" ".join(_cell(r[k], w, k) for _, w, k in COLUMNS))
        for note in r["notes"]:
            print(f"    note: {note}")


def summarise(rows: list[dict[str, Any]], have_pdftk: bool) -> dict[str, Any]:
    def worst(key: str) -> tuple[float | None, str | None]:
        got = [(r[key], r["form"]) for r in rows if r[key] is not None]
        return max(got) if got else (None, None)

    max_fill, max_fill_form = worst("ratio_fill_baseline")
    max_batch, max_batch_form = worst("ratio_batch_baseline")
    timed_pdftk = [r for r in rows if r["pdftk_ms"] is not None]
    pdftk_faster = [r["form"] for r in timed_pdftk if r["pdftk_ms"] < r["fill_ms"]]
    miss_fill = [r["form"] for r in rows if r["ratio_fill_baseline"] > TARGET_FILL]
    miss_batch = [r["form"] for r in rows if r["ratio_batch_baseline"] > TARGET_BATCH]
    no_pdftk = [r["form"] for r in rows if r["pdftk_ms"] is None]
    targets = [
        {
            "target": f"fill <= {TARGET_FILL}x baseline on every form",
            "pass": not miss_fill,
            "missed": miss_fill,
        },
        {
            "target": f"batch per-item <= {TARGET_BATCH}x baseline on every form",
            "pass": not miss_batch,
            "missed": miss_batch,
        },
        {
            "target": "single fill faster than pdftk on every form",
            "pass": have_pdftk and not pdftk_faster and not no_pdftk,
            "missed": pdftk_faster if have_pdftk else ["pdftk not installed"],
            "not_measured": no_pdftk,
        },
    ]
    return {
        "max_ratio_fill_baseline": max_fill,
        "max_ratio_fill_baseline_form": max_fill_form,
        "max_ratio_batch_baseline": max_batch,
        "max_ratio_batch_baseline_form": max_batch_form,
        "pdftk_faster": pdftk_faster,
        "pdftk_timed": len(timed_pdftk),
        "targets": targets,
    }


def _x(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def print_summary(s: dict[str, Any], forms: int) -> None:
    print(
        f"summary: max fill/base {_x(s['max_ratio_fill_baseline'])} "
        f"({s['max_ratio_fill_baseline_form']}); "
        f"max batch/base {_x(s['max_ratio_batch_baseline'])} "
        f"({s['max_ratio_batch_baseline_form']}); "
        f"pdftk faster on {len(s['pdftk_faster'])}/{s['pdftk_timed']} forms"
        + (f" ({', '.join(s['pdftk_faster'])})" if s["pdftk_faster"] else "")
    )
    for t in s["targets"]:
        line = f"{'PASS' if t['pass'] else 'MISS'}  {t['target']}"
        if t["missed"]:
            line += f": missed on {len(t['missed'])}/{forms} ({', '.join(t['missed'])})"
        if t.get("not_measured"):
            line += f"; not measured on {', '.join(t['not_measured'])}"
        print(line)


def profile_form(path: Path, fillcheck: Any | None, batch: bool) -> None:
    """cProfile of the fill of one form: the top 15 functions by cumulative time."""
    data = path.read_bytes()
    values, _ = plan_values(data, fillcheck)
    blank = BlankForm(str(path), data)
    fill_pdf(blank, values)  # warm
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        fill_pdf(blank if batch else BlankForm(str(path), data), values)
    prof.disable()
    print(f"\nprofile: {'batch fill' if batch else 'fill'} of {path.name} x3, top 15 cumulative")
    pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(15)


# --- main -----------------------------------------------------------------------------------


def find_forms(pattern: str | None) -> list[tuple[str, Path]]:
    forms = [(str(p.relative_to(SAMPLES).with_suffix("")), p) for p in SAMPLES.glob("**/*.pdf")]
    forms.sort()
    if CORPUS.is_dir():
        forms += [(p.stem, p) for p in sorted(CORPUS.glob("*.pdf"))]
    else:
        print(f"corpus absent ({CORPUS}): measuring our sample forms only")
    if pattern:
        forms = [
            (n, p)
            for n, p in forms
            if fnmatch.fnmatch(n, pattern) or fnmatch.fnmatch(p.name, pattern)
        ]
    return forms


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repetition, no warm-up")
    ap.add_argument("--forms", metavar="GLOB", help="only forms whose name matches, e.g. 'us_*'")
    ap.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help=f"seconds of measuring per form (repetitions {MIN_N}..{MAX_N}; default %(default)s)",
    )
    ap.add_argument(
        "--profile", action="store_true", help="cProfile every form that misses a target"
    )
    ap.add_argument("--out", type=Path, default=OUT, help="JSON output (default %(default)s)")
    args = ap.parse_args(argv)

    fillcheck = _load_fillcheck()
    have_pdftk = shutil.which("pdftk") is not None
    forms = find_forms(args.forms)
    if not forms:
        print("no form matches", file=sys.stderr)
        return 2
    print(
        f"formfill fill bench: python {platform.python_version()}, pypdf {pypdf.__version__}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; values from "
        + ("fillcheck.plan" if fillcheck else "the built-in copy of fillcheck's plan")
        + ("" if have_pdftk else "; pdftk not installed: its columns are skipped")
        + (", --quick: 1 repetition" if args.quick else ""),
        flush=True,
    )
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="formfill-bench-") as tmp:
        for name, path in forms:
            row = measure(name, path, fillcheck, args, Path(tmp))
            if row is not None:
                rows.append(row.to_dict())
                print(
                    f"  {name}: {rows[-1]['repetitions']} rounds, "
                    f"fill/base {_x(rows[-1]['ratio_fill_baseline'])}",
                    flush=True,
                )
    elapsed = time.perf_counter() - started
    print()
    print_table(rows)
    summary = summarise(rows, have_pdftk)
    print_summary(summary, len(rows))
    print(
        f"medians of interleaved rounds; pdftk times include starting the JVM; "
        f"{elapsed:.0f} s, load {os.getloadavg()[0]:.2f}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "pypdf": pypdf.__version__,
        "cores": os.cpu_count(),
        "quick": args.quick,
        "forms_glob": args.forms,
        "elapsed_s": elapsed,
        "values_from": "fillcheck.plan" if fillcheck else "bench/fill.py _plan_here",
    }
    payload = {"meta": meta, "rows": rows, "summary": summary}
    args.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    if args.profile:
        missed = {r["form"] for r in rows if r["ratio_fill_baseline"] > TARGET_FILL}
        missed_batch = {r["form"] for r in rows if r["ratio_batch_baseline"] > TARGET_BATCH}
        for name, path in forms:
            if name in missed or name in missed_batch:
                profile_form(path, fillcheck, batch=name not in missed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
