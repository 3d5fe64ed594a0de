"""Accepting proposals: a new validated profile plus a record of where each value came from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formfill.errors import ProfileError
from formfill.evidence.proposals import Proposal, accept_proposal, accept_proposals
from formfill.profile.validation import parse_profile

WHEN = datetime(2024, 4, 2, 9, 30, tzinfo=UTC)
BASE = parse_profile({"person": {"given_name": "Kari", "family_name": "Nordmann"}})


def _p(path: str, value: str) -> Proposal:
    return Proposal(path, value, 0.97, 1, (0.1, 0.2, 0.3, 0.25), "ctx", False, "sha256:ab")


def test_accept_one_value_records_provenance():
    """The profile gets the value; the record names evidence, page, box, who and when; the
    original profile is untouched (pure)."""
    new, rec = accept_proposal(BASE, _p("identifiers.no_fnr", "14038812468"), "spec-7", WHEN)
    assert new.identifiers.no_fnr == "14038812468" and BASE.identifiers.no_fnr is None
    assert (rec.evidence_id, rec.page, rec.box) == ("sha256:ab", 1, (0.1, 0.2, 0.3, 0.25))
    assert rec.accepted_by == "spec-7" and rec.accepted_at == WHEN and not rec.corrected


def test_correction_is_recorded():
    """A specialist's corrected value goes in and the record says it was corrected."""
    new, rec = accept_proposal(BASE, _p("bank.no_account", "98765400000"), "s", WHEN,
                               corrected_value="98765400007")  # fmt: skip
    assert new.bank.no_account == "98765400007" and rec.corrected and rec.proposed == "98765400000"


def test_income_source_is_built_from_several_proposals():
    """An income source needs kind, amount and period: accepted together they form one item."""
    props = [_p("income.sources[0].kind", "salary"), _p("income.sources[0].amount", "42500.00"),
             _p("income.sources[0].period", "month")]  # fmt: skip
    new, recs = accept_proposals(BASE, [(p, None) for p in props], "s", WHEN)
    assert str(new.income.sources[0].amount) == "42500.00" and len(recs) == 3


def test_invalid_value_is_refused():
    """A value the profile refuses (bad check digit) raises ProfileError naming the path."""
    with pytest.raises(ProfileError, match=r"client \(.*\): fødselsnummer: invalid check digit"):
        accept_proposal(BASE, _p("identifiers.no_fnr", "14038812469"), "s", WHEN)
