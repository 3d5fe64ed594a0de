"""Golden screenings: every demo client against the whole catalog on a fixed date.

Regenerate only on purpose (after a reviewed catalog change), then review the diff:
    .venv/bin/python -m tests.golden_screening
"""

from __future__ import annotations

import json
import sys
from typing import Any

from formfill.errors import ProfileError
from formfill.profile.validation import load_profile
from formfill.programs.screening import screen
from tests.program_fixtures import ON, REPO, catalog

CLIENTS = REPO / "personas"
GOLDEN = REPO / "tests" / "golden" / "screening"


def screenings() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(CLIENTS.glob("*.json")):
        try:
            prof = load_profile(path)
        except ProfileError:
            continue  # a client that does not load is the profile tests' business
        out[path.stem] = screen(prof, catalog(), ON).to_dict()
    return out


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, data in screenings().items():
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        (GOLDEN / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"wrote tests/golden/screening/{name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
