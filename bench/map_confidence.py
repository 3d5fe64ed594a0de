"""Is the drafter's confidence calibrated? Precision of mapped fields by confidence band and by
where the label came from, over the development, corpus-held and spent-1 sets together (never
the held-out set: its fields are not to be read while rules are written).

    .venv/bin/python bench/map_confidence.py
"""

from __future__ import annotations

import collections
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import map_suggest as ms  # noqa: E402

from formfill.maps.draft.passes import draft_map  # noqa: E402

SETS = ("development", "corpus-held", "spent-1")


def band(confidence: float) -> str:
    if confidence >= 0.995:
        return "1.00"
    if confidence >= 0.95:
        return "0.95-0.99"
    if confidence >= 0.90:
        return "0.90-0.94"
    return "below 0.90"


def main() -> int:
    rows: list[tuple[str, str, bool]] = []  # (band, source, right)
    for name in SETS:
        forms, truths = ms.sets()[name]
        for truth in truths:
            doc = tomllib.loads(truth.read_text("utf-8"))
            form = forms / doc["form"]
            if not form.is_file():
                continue
            for s in draft_map(form).suggestions:
                if ms.suggestion_target(s) is None:
                    continue
                want = doc["fields"].get(s.field.name, "-")
                right = want not in ("-", "skip") and ms.matches(s, want)
                rows.append((band(s.confidence), s.why.split(" ", 1)[0], right))
    for title, index in (("confidence", 0), ("label source", 1)):
        counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for row in rows:
            counts[str(row[index])][0] += 1
            counts[str(row[index])][1] += row[2]
        print(f"by {title} ({', '.join(SETS)}; {len(rows)} mapped fields)")
        for key, (n, ok) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
            print(f"  {key:14} {n:4} mapped  precision {ok / n:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
