"""Check the second held-out set's truth files: each loads with tomllib, names its form,
lists exactly the fields `formfill inspect` lists, and every mapped value uses only roots
(and paths) of docs/profile-reference.md. The same check as the first set's
(bench/heldout/check_truth.py), run on this folder.

    .venv/bin/python bench/heldout2/check_truth.py

This only checks the labels. It does not draft or score anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "heldout"))  # before this folder: its check_truth

from check_truth import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(HERE))
