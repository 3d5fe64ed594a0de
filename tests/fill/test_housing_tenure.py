"""Housing tenure: the bostøtte form's Boform dropdown says what the profile holds, read back
from the filled Word document (it used to show its default, Leier, for everyone)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from formfill.config import Settings
from formfill.docx.templates import read_docx_fields
from formfill.fill import FormCatalogue, fill_form
from formfill.profile.validation import parse_profile
from formfill.report import Status

REPO = Path(__file__).resolve().parents[2]
SETTINGS = Settings.from_env({"FORMFILL_HOME": str(REPO)})
PERSONA = REPO / "personas" / "nb_single_parent.json"
FORM = "kommune-bostotte-vedlegg"
ON = date(2026, 11, 2)


def _tuva(tenure: str | None) -> dict[str, object]:
    data: dict[str, object] = json.loads(PERSONA.read_text(encoding="utf-8"))
    data["housing"] = {"tenure": tenure} if tenure else {}
    return data


@pytest.mark.parametrize(
    ("tenure", "shown"),
    [("own", "Eier"), ("rent", "Leier"), ("cooperative", "Borettslag"),
     ("municipal_rent", "Kommunal bolig")],
)  # fmt: skip
def test_the_boform_dropdown_shows_the_clients_tenure(tenure: str, shown: str) -> None:
    """For a client who owns (and each other tenure the form has an entry for), the filled
    document's Boform reads back as that entry, and the report says it was filled."""
    result = fill_form(FormCatalogue(SETTINGS), FORM, parse_profile(_tuva(tenure)), on=ON)
    assert read_docx_fields(result.data)["Boform"] == shown
    (outcome,) = [o for o in result.report.outcomes if o.field == "Boform"]
    assert outcome.status is Status.FILLED
    assert result.report.ok


def test_without_a_tenure_the_boform_is_left_and_the_report_says_why() -> None:
    """With no tenure nothing is chosen: the dropdown keeps the blank's own entry and the
    report names the missing profile value (readiness warns before: tests/store)."""
    result = fill_form(FormCatalogue(SETTINGS), FORM, parse_profile(_tuva(None)), on=ON)
    assert read_docx_fields(result.data)["Boform"] == "Leier"  # the blank's default
    (outcome,) = [o for o in result.report.outcomes if o.field == "Boform"]
    assert outcome.status is Status.BLANK and "housing.tenure" in outcome.reason


def test_the_norwegian_demo_client_has_her_tenure_chosen() -> None:
    """The demo's Norwegian client rents: her bostøtte form says Leier because the profile
    says so (filled), not because the blank does."""
    from formfill.profile.validation import load_profile

    result = fill_form(FormCatalogue(SETTINGS), FORM, load_profile(PERSONA), on=ON)
    (outcome,) = [o for o in result.report.outcomes if o.field == "Boform"]
    assert outcome.status is Status.FILLED and read_docx_fields(result.data)["Boform"] == "Leier"
