"""Quality of `formfill map new` drafts against hand-labelled truth, reported per set apart.

precision: of the fields the draft maps, how many it maps right (path or condition).
recall:    of the truth's person/address/contact/identifier/household and date-signed
           (fill.date) fields, how many the draft maps right. Also the time each draft takes.

Sets, never pooled:
  development  tests/data/corpus_truth/ forms the rules were developed on (../shared/corpus)
  corpus-held  tests/data/corpus_truth/ forms labelled later by someone who had seen no draft
  spent-1      bench/heldout/: the first held-out set, spent by its scoring on 2026-12-03 and
               used for rule development since (see bench/heldout/README.md)
  held-out     bench/heldout2/truth/ against bench/heldout2/forms/ (see bench/heldout2/README.md:
               labelled blind, never used for rule development; its forms are not in git,
               PROVENANCE.md says where each comes from). -v lists no field of it: its misses
               are not to be read while rules are written
Usage: python bench/map_suggest.py [-v] [--set development|corpus-held|spent-1|held-out]
A set whose forms are absent is named and skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formfill.maps.draft.passes import draft_map  # noqa: E402
from formfill.maps.draft.suggest import Suggestion  # noqa: E402

TRUTH = REPO / "tests" / "data" / "corpus_truth"
CORPUS = REPO.parent / "shared" / "corpus" / "forms"
SPENT = REPO / "bench" / "heldout"
HELDOUT = REPO / "bench" / "heldout2"
RECALL_ROOTS = ("person.", "address.", "contact.", "identifiers.", "household.", "fill.date")


def canon(target: str) -> str:
    t = target.replace('"', "'")
    return re.sub(r"\s+", "", t)


def suggestion_target(s: Suggestion) -> str | None:
    """What the draft maps a field to, in the truth's terms (None when not mapped)."""
    if s.kind == "profile":
        return canon(s.target)
    if s.kind == "when":
        return canon(s.target)
    if s.kind == "options":
        return canon(s.target)  # compared with the truth condition's path below
    return None


def matches(s: Suggestion, truth: str) -> bool:
    got = suggestion_target(s)
    if got is None:
        return False
    want = canon(truth)
    if s.kind == "options":
        return want.startswith(got + "==") or want.startswith(got + "in[") or want == got
    return got == want


def score_form(
    truth_path: Path, forms: Path, verbose: bool
) -> tuple[int, int, int, int, float, str]:
    truth_doc = tomllib.loads(truth_path.read_text(encoding="utf-8"))
    form = forms / truth_doc["form"]
    t0 = time.perf_counter()
    draft = draft_map(form)
    secs = time.perf_counter() - t0
    truth: dict[str, str] = truth_doc["fields"]
    by_name = {s.field.name: s for s in draft.suggestions}
    mapped = right = recall_total = recall_hit = 0
    for name, s in by_name.items():
        want = truth.get(name, "-")
        if suggestion_target(s) is not None:
            mapped += 1
            ok = want not in ("-", "skip") and matches(s, want)
            right += ok
            if verbose and not ok:
                print(f"    WRONG {name!r}: draft {s.kind} {s.target!r} ({s.why}); truth {want!r}")
        if want not in ("-", "skip") and want.startswith(RECALL_ROOTS):
            recall_total += 1
            hit = matches(s, want)
            recall_hit += hit
            if verbose and not hit and suggestion_target(s) is None:
                print(f"    MISSED {name!r}: truth {want!r}; draft {s.status} {s.target!r} "
                      f"{s.confidence:.2f} ({s.why}) label={s.label.best!r}")  # fmt: skip
    return mapped, right, recall_total, recall_hit, secs, form.stem


def sets() -> dict[str, tuple[Path, list[Path]]]:
    """Each set's forms folder and truth files."""
    corpus = sorted(TRUTH.glob("*.toml"))

    def held(p: Path) -> bool:
        return "held out" in tomllib.loads(p.read_text(encoding="utf-8")).get("labelled_by", "")

    return {
        "development": (CORPUS, [p for p in corpus if not held(p)]),
        "corpus-held": (CORPUS, [p for p in corpus if held(p)]),
        "spent-1": (SPENT / "forms", sorted((SPENT / "truth").glob("*.toml"))),
        "held-out": (HELDOUT / "forms", sorted((HELDOUT / "truth").glob("*.toml"))),
    }


def report(name: str, forms: Path, truths: list[Path], verbose: bool) -> None:
    present = [t for t in truths if (forms / tomllib.loads(t.read_text("utf-8"))["form"]).is_file()]
    print(f"\n== {name}: {len(present)} of {len(truths)} forms present in {forms}")
    if not present:
        return
    rows = []
    for truth_path in present:
        if verbose:
            print(truth_path.stem)
        rows.append(score_form(truth_path, forms, verbose))
    print(f"{'form':48} {'mapped':>6} {'right':>5} {'prec':>6} {'recall':>9} {'secs':>6}")
    tm = tr = tt = th = 0
    slowest = 0.0
    for mapped, right, rtot, rhit, secs, stem in rows:
        prec = right / mapped if mapped else 1.0
        rec = rhit / rtot if rtot else 1.0
        print(f"{stem[:48]:48} {mapped:6} {right:5} {prec:6.2f} {rhit:4}/{rtot:<4} {secs:6.2f}"
              f"  recall {rec:.2f}")  # fmt: skip
        tm, tr, tt, th = tm + mapped, tr + right, tt + rtot, th + rhit
        slowest = max(slowest, secs)
    prec = tr / tm if tm else 1.0
    rec = th / tt if tt else 1.0
    print(f"{name + ' overall':48} {tm:6} {tr:5} {prec:6.3f} {th:4}/{tt:<4}  recall {rec:.3f}")
    verdict_p = "PASS" if prec >= 0.95 else "MISS"
    verdict_r = "PASS" if rec >= 0.70 else "MISS"
    print(f"{name} targets: precision >= 0.95 {verdict_p}; recall >= 0.70 {verdict_r}; "
          f"slowest draft {slowest:.2f} s")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    ap.add_argument("--set", choices=("development", "corpus-held", "spent-1", "held-out"),
                    action="append",
                    help="only these sets (default: all, each reported apart)")  # fmt: skip
    args = ap.parse_args()
    for name, (forms, truths) in sets().items():
        if args.set and name not in args.set:
            continue
        report(name, forms, truths, args.verbose and name != "held-out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
