"""Build the next-steps letter templates: templates/programs/next-steps-{nb,nl,en}.docx.

Run from the repository root:  .venv/bin/python templates/programs/build_next_steps.py

The context is built by formfill.programs.next_steps.letter_context: ``person`` (the profile's
person),
``fill.date`` and ``letter`` (applied, missing, dates, with texts already in the language).
Without ``letter`` (the demo renders every template with a bare profile) the lists are left out.
Reproducible bytes: the helpers of templates/build_templates.py fix timestamps and properties.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from build_templates import ROOT, new_document, save

TEXTS = {
    "nb": {
        "title": "Neste steg",
        "date": "{{ fill.date.strftime('%d.%m.%Y') }}",
        "to": "Til {{ person.full_name }}",
        "applied": "Dette søker vi om for deg:",
        "missing": "Dette trenger vi fortsatt fra deg:",
        "none_missing": "Vi har all dokumentasjonen vi trenger nå.",
        "dates": "Datoer som er viktige:",
        "close": "Ta kontakt hvis noe har endret seg eller er feil.",
    },
    "nl": {
        "title": "Volgende stappen",
        "date": "{{ fill.date.strftime('%d-%m-%Y') }}",
        "to": "Aan {{ person.full_name }}",
        "applied": "Dit vragen wij voor u aan:",
        "missing": "Dit hebben wij nog van u nodig:",
        "none_missing": "Wij hebben nu alle bewijsstukken die nodig zijn.",
        "dates": "Data die belangrijk zijn:",
        "close": "Neem contact op als er iets veranderd is of niet klopt.",
    },
    "en": {
        "title": "Next steps",
        "date": "{{ fill.date.strftime('%d %B %Y') }}",
        "to": "To {{ person.full_name }}",
        "applied": "What we are applying for on your behalf:",
        "missing": "What we still need from you:",
        "none_missing": "We have all the proof we need for now.",
        "dates": "Dates that matter:",
        "close": "Please contact us if anything has changed or is wrong.",
    },
}


def build(language: str) -> Path:
    t = TEXTS[language]
    doc = new_document(t["title"], language)
    doc.add_heading(t["title"], level=1)
    doc.add_paragraph(t["date"])
    doc.add_paragraph(t["to"])
    doc.add_paragraph("{%p if letter is defined %}")
    doc.add_paragraph(t["applied"])
    doc.add_paragraph("{%p for a in letter.applied %}")
    doc.add_paragraph("{{ a.name }} ({{ a.agency }}): {{ a.status }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph(t["missing"])
    doc.add_paragraph("{%p for m in letter.missing %}")
    doc.add_paragraph("{{ m.label }} ({{ m.program }})", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not letter.missing %}")
    doc.add_paragraph(t["none_missing"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if letter.dates %}")  # no heading over an empty list
    doc.add_paragraph(t["dates"])
    doc.add_paragraph("{%p for d in letter.dates %}")
    doc.add_paragraph("{{ d.date }}: {{ d.text }} ({{ d.program }})", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(t["close"])
    path = ROOT / "templates" / "programs" / f"next-steps-{language}.docx"
    save(doc, path)
    return path


if __name__ == "__main__":
    for lang in TEXTS:
        print(build(lang).relative_to(ROOT))
