"""Golden values: what every sample form holds after a fill for every demo client.

Regenerate only on purpose, then review the diff:  .venv/bin/python -m tests.golden_values
"""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from formfill.config import Settings
from formfill.fill import FormCatalogue, fill_form
from formfill.fill.demo import demo_clients
from formfill.pdf.fields import iter_fields
from formfill.profile.validation import load_profile

GOLDEN = Path(__file__).parent / "golden"
FILL_DATE = date(2026, 11, 23)


def read_back(data: bytes) -> dict[str, str]:
    """Every field's value as a reader sees it: /V (button names without the slash)."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"].get_object()
    out = {}
    for f in iter_fields(root, [p.get_object() for p in reader.pages]):
        v = f.obj.get("/V")
        if v is None:
            continue
        text = str(v.get_object())
        if f.kind in ("checkbox", "radio"):
            text = f.export_of(v.get_object()) if text != "/Off" else "Off"
        out[f.name] = text
    return out


def current(settings: Settings) -> dict[str, dict[str, dict[str, str]]]:
    forms = FormCatalogue(settings)
    result: dict[str, dict[str, dict[str, str]]] = {}
    for client in demo_clients(settings):
        profile = load_profile(client)
        for form_id in forms.map_ids():
            if forms.map(form_id).kind != "pdf":
                continue
            filled = fill_form(forms, form_id, profile, on=FILL_DATE, allow_missing=True)
            result.setdefault(client.stem, {})[form_id] = read_back(filled.data)
    return result


def main() -> int:
    for client, forms in current(Settings.from_env()).items():
        for form_id, values in forms.items():
            path = GOLDEN / client / f"{form_id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
