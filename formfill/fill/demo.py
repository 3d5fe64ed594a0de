"""The demo `make run` shows: every sample form and Word template for every demo client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from formfill.config import Settings
from formfill.errors import FormfillError
from formfill.fill.catalogue import FormCatalogue
from formfill.fill.form import fill_form, write_atomic
from formfill.profile.validation import load_profile


@dataclass(frozen=True)
class DemoRow:
    client: str
    form: str
    status: str  # ok | FAILED | refused
    detail: str


def demo_clients(settings: Settings) -> list[Path]:
    folder = settings.personas_dir
    return [p for p in sorted(folder.glob("*.json")) if not p.stem.startswith("invalid")]


# the languages of the forms a client living in a country is helped with
LANGUAGES = {"NO": ("nb", "nn"), "NL": ("nl",), "US": ("en",), "GB": ("en",)}


def _language(forms: FormCatalogue, form_id: str) -> str:
    if form_id in forms.map_ids():
        return forms.map(form_id).language
    return form_id.rsplit("-", 1)[-1]  # templates are named <what>-<language>.docx


def extras(country: str) -> dict[str, object]:
    """The letter facts the demo's Word templates get (a real letter gets them from the user)."""
    if country == "NL":
        return {
            "recipient": "Belastingdienst/Toeslagen",
            "enclosures": ["Aanvraag toeslag", "Loonstroken van de laatste drie maanden"],
            "agencies": ["Belastingdienst/Toeslagen", "Gemeente (Wmo-loket)"],
        }
    return {
        "recipient": "NAV Familie- og pensjonsytelser",
        "enclosures": ["Søknad om barnetrygd", "Lønnsslipp for de siste tre månedene"],
        "agencies": ["NAV", "Kommunen (bostøtte)"],
    }


def run_demo(settings: Settings, out_dir: Path, on: date) -> list[DemoRow]:
    forms = FormCatalogue(settings)
    ids = forms.map_ids() + sorted(forms.template_ids())
    rows: list[DemoRow] = []
    for client_path in demo_clients(settings):
        profile = load_profile(client_path)
        current = profile.address.current
        country = current.country if current is not None else "NO"
        wanted = LANGUAGES.get(country, ("en",))
        for form_id in ids:
            if _language(forms, form_id) not in wanted:
                continue
            try:
                result = fill_form(
                    forms, form_id, profile, on=on, allow_missing=True, extras=extras(country)
                )
            except FormfillError as e:
                rows.append(DemoRow(client_path.stem, form_id, "refused", str(e).splitlines()[0]))
                continue
            target = out_dir / client_path.stem / f"{form_id}{result.suffix}"
            write_atomic(target, result.data)
            c = result.report.counts()
            detail = f"{c['filled']} filled, {c['blank']} blank -> {target}"
            status = "ok" if result.report.ok else "FAILED"
            rows.append(DemoRow(client_path.stem, form_id, status, detail))
    return rows
