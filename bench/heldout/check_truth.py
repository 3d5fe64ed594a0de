"""Check the held-out truth files: each loads with tomllib, names its form, lists exactly the
fields `formfill inspect` lists, and every mapped value uses only roots (and paths) of
docs/profile-reference.md.

    .venv/bin/python bench/heldout/check_truth.py

This only checks the labels. It does not draft or score anything.
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REF = (ROOT / "docs" / "profile-reference.md").read_text()
PATHS = set(re.findall(r"^\| `([^`]+)`", REF, re.M))
ROOTS = {p.split(".")[0] for p in PATHS} | {"fill"}
TOKEN = re.compile(r"[a-z_]+(?:\.[a-z_]+|\[\d+\])+")


def problems_of(toml: Path, names: list[str], fields: dict[str, str]) -> list[str]:
    out = []
    if set(names) != set(fields):
        out.append(f"{toml.name}: field sets differ: {sorted(set(names) ^ set(fields))}")
    for name, value in fields.items():
        if value in ("-", "skip"):
            continue
        for tok in TOKEN.findall(value):
            root = tok.split(".")[0].split("[")[0]
            if root not in ROOTS:
                out.append(f"{toml.name}: {name!r}: unknown root in {value!r}")
            elif root != "fill" and re.sub(r"\[\d+\]", "[]", tok) not in PATHS:
                out.append(f"{toml.name}: {name!r}: {tok} is not in the profile reference")
    return out


def main(here: Path = HERE) -> int:
    """Check the truth of the held-out set in ``here`` (its truth/ and forms/ folders)."""
    problems: list[str] = []
    total: collections.Counter[str] = collections.Counter()
    print("| form | fields | mapped | `-` | skip |\n|---|---:|---:|---:|---:|")
    for toml in sorted((here / "truth").glob("*.toml")):
        data = tomllib.loads(toml.read_text())
        pdf = here / "forms" / data["form"]
        if toml.stem != pdf.stem:
            problems.append(f"{toml.name}: form {data['form']} does not match the file name")
        if not pdf.exists():
            problems.append(f"{toml.name}: {pdf} is missing (see PROVENANCE.md)")
            continue
        formfill = str(ROOT / ".venv" / "bin" / "formfill")
        out = subprocess.run(
            [formfill, "inspect", str(pdf), "--json"],
            capture_output=True, text=True, cwd=ROOT, check=True,
        ).stdout  # fmt: skip
        names = [f["name"] for f in json.loads(out)["fields"]]
        fields: dict[str, str] = data["fields"]
        problems += problems_of(toml, names, fields)
        count = collections.Counter(v if v in ("-", "skip") else "mapped" for v in fields.values())
        total.update(count)
        total["fields"] += len(names)
        c = count
        print(f"| `{toml.stem}` | {len(names)} | {c['mapped']} | {c['-']} | {c['skip']} |")
    t = total
    print(f"| **total** | **{t['fields']}** | **{t['mapped']}** | **{t['-']}** | **{t['skip']}** |")
    print("\n".join(problems) or "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
