"""The next-steps letter renders in nb, nl and en with what was applied for, the proof still
missing and the dates that matter (read back as text, never compared as bytes); and screening
turns into a draft application with its claim deadline in the store."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from formfill.programs.dates import AcceptedEvidence
from formfill.programs.next_steps import Applied, letter_context, render_next_steps
from tests.program_fixtures import REPO, catalog, profile


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize(
    ("lang", "country", "program", "expect"),
    [
        ("nb", "NO", "barnetrygd", ["Neste steg", "02.06.2025", "Barnetrygd (ordinær) (NAV): sendt",
                                    "14.07.2025: Følg opp hos NAV"]),
        ("nl", "NL", "kinderopvangtoeslag", ["Volgende stappen", "02-06-2025",
                                             "Kinderopvangtoeslag (Dienst Toeslagen)", "31-10-2025",
                                             "Contract met de opvang"]),
        ("en", "NO", "bostotte", ["Next steps", "Housing allowance (Husbanken)", "25 July 2025",
                                  "Statement of housing costs"]),
    ],
)  # fmt: skip
def test_letter_in_each_language(lang: str, country: str, program: str, expect: list[str]) -> None:
    prof = profile(country=country, language=lang)
    on = date(2025, 6, 2)
    submitted = on if program == "barnetrygd" else None
    start = date(2025, 7, 1) if program != "barnetrygd" else date(2025, 5, 1)
    applied = [Applied(program, "submitted" if submitted else "draft", start, submitted)]
    accepted = [AcceptedEvidence("rental_contract", date(2025, 5, 1))]
    ctx = letter_context(prof, catalog(), applied, accepted, on)
    data, _report = render_next_steps(REPO / "templates", ctx, lang)
    text = _text(data)
    for fragment in expect:
        assert fragment in text, text
    assert "{{" not in text and "{%" not in text
    assert "Test Person" in text


def test_letter_says_when_nothing_is_missing() -> None:
    prof = profile(language="en")
    ctx = letter_context(prof, catalog(), [Applied("barnetrygd")], [], date(2025, 6, 2))
    data, _report = render_next_steps(REPO / "templates", ctx, "en")
    assert "We have all the proof we need for now." in _text(data)


def test_the_letter_says_when_a_newborns_benefit_starts_and_is_first_paid() -> None:
    """Kinderbijslag for Sem, born 15 November 2026: covered from 1 January 2027, first paid
    in the first week of April 2027; both dates are in the letter with his name."""
    sem = {"relation": "child", "given_name": "Sem", "birth_date": "2026-11-15"}
    prof = profile(country="NL", language="nl", members=[sem])
    on = date(2026, 11, 20)
    sent = [Applied("kinderbijslag", "submitted", None, on)]
    ctx = letter_context(prof, catalog(), sent, [], on)
    dated = {(d["date"], d["text"]) for d in ctx["letter"]["dates"]}
    assert ("01-01-2027", "Sem heeft recht vanaf deze dag") in dated
    assert ("07-04-2027", "eerste betaling verwacht voor Sem") in dated
    data, _report = render_next_steps(REPO / "templates", ctx, "nl")
    assert "07-04-2027" in _text(data) and "eerste betaling verwacht voor Sem" in _text(data)


def test_a_drafts_letter_promises_no_payment() -> None:
    """An application not yet sent: the letter says what to send and by when, never when money
    comes or from when the child is covered (a walk read that as a promise)."""
    sem = {"relation": "child", "given_name": "Sem", "birth_date": "2026-11-15"}
    prof = profile(country="NL", language="nl", members=[sem])
    ctx = letter_context(prof, catalog(), [Applied("kinderbijslag")], [], date(2026, 11, 20))
    texts = [d["text"] for d in ctx["letter"]["dates"]]
    assert not [t for t in texts if "betaling" in t or "recht vanaf" in t], texts
    assert ctx["letter"]["applied"][0]["agency"] == "Sociale Verzekeringsbank (SVB)"


def test_a_letter_without_dates_has_no_heading_for_them() -> None:
    """No date known: the letter does not end in an empty "Datoer som er viktige:" heading;
    with one, the heading is there above it."""
    prof = profile(language="nb")
    on = date(2025, 6, 2)
    ctx = letter_context(prof, catalog(), [Applied("barnetrygd")], [], on)
    ctx["letter"]["dates"] = []
    data, _report = render_next_steps(REPO / "templates", ctx, "nb")
    assert "Datoer som er viktige" not in _text(data)
    ctx["letter"]["dates"] = [{"date": "14.07.2025", "text": "Følg opp hos NAV", "program": "X"}]
    data, _report = render_next_steps(REPO / "templates", ctx, "nb")
    text = _text(data)
    assert "Datoer som er viktige" in text and "14.07.2025: Følg opp hos NAV (X)" in text
