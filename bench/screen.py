"""Screen 10,000 synthetic clients against the whole program catalog; print clients per second
(one process, one core) and, as the baseline measured in the same run, the cost of parsing the
same profiles. Target: at least 2,000 clients per second per core.

    .venv/bin/python bench/screen.py [N]
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formfill.config import Settings
from formfill.profile.validation import parse_profile
from formfill.programs.catalog import load_catalog
from formfill.programs.screening import screen

ON = date(2025, 6, 2)
STATUSES = ["employed", "self_employed", "unemployed", "student", "retired", "disabled", None]
MARITAL = ["single", "married", "cohabiting", "divorced", "separated", "widowed", None]


def synthetic(rng: random.Random) -> dict[str, Any]:
    country = rng.choice(["NO", "NL", "NO", "NL", "US"])
    birth = ON - timedelta(days=rng.randint(16 * 365, 80 * 365))
    members: list[dict[str, Any]] = []
    if rng.random() < 0.5:
        partner_birth = birth + timedelta(days=rng.randint(-2000, 2000))
        members.append({"relation": rng.choice(["spouse", "partner"]), "given_name": "P",
                        "birth_date": partner_birth.isoformat(),
                        "lives_with_client": rng.random() < 0.9})  # fmt: skip
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        child: dict[str, Any] = {"relation": "child", "given_name": "C"}
        if rng.random() < 0.95:
            child["birth_date"] = (ON - timedelta(days=rng.randint(0, 20 * 365))).isoformat()
        if rng.random() < 0.3:
            child["custody_share"] = rng.choice([50, 60, 100])
        members.append(child)
    currency = {"NO": "NOK", "NL": "EUR", "US": "USD"}[country]
    income = [
        {"kind": "salary", "amount": str(rng.randint(0, 60_000 if currency != "NOK" else 600_000)),
         "currency": currency, "period": rng.choice(["month", "year", "week"])}
        for _ in range(rng.choice([0, 1, 1, 2]))
    ]  # fmt: skip
    data: dict[str, Any] = {
        "person": {"given_name": "Synthetic", "family_name": "Client"},
        "address": {"current": {"country": country}},
        "household": {"members": members},
        "income": {"sources": income},
        "contact": {"preferred_language": rng.choice(["nb", "nl", "en"])},
    }
    if rng.random() < 0.97:
        data["person"]["birth_date"] = birth.isoformat()
    if (marital := rng.choice(MARITAL)) is not None:
        data["person"]["marital_status"] = marital
    if (status := rng.choice(STATUSES)) is not None:
        data["employment"] = {"status": status}
    return data


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(7)
    raw = [synthetic(rng) for _ in range(n)]
    catalog = load_catalog(Settings.from_env().programs_dir)
    t0 = time.perf_counter()
    profiles = [parse_profile(d) for d in raw]
    parse_s = time.perf_counter() - t0
    screen(profiles[0], catalog, ON)  # compile once (timed separately from the run)
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    for p in profiles:
        for r in screen(p, catalog, ON).results:
            counts[r.status] = counts.get(r.status, 0) + 1
    screen_s = time.perf_counter() - t0
    rate = n / screen_s
    print(f"catalog: {len(catalog.programs)} programs, "
          f"{sum(len(p.criteria) for p in catalog.programs)} criteria; cores available: "
          f"{os.cpu_count()} (this run uses 1)")  # fmt: skip
    print(f"parse {n} profiles (baseline): {parse_s:.2f} s = {n / parse_s:,.0f} profiles/s")
    print(f"screen {n} clients x {len(catalog.programs)} programs: {screen_s:.2f} s = "
          f"{rate:,.0f} clients/s per core (target >= 2,000; {rate / 2000:.1f}x)")  # fmt: skip
    print(f"screening / parsing time: {screen_s / parse_s:.2f}")
    print("results: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0 if rate >= 2000 else 1


if __name__ == "__main__":
    sys.exit(main())
