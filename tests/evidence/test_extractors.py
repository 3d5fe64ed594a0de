"""Extractor files load strictly: every shipped file loads; every problem is collected."""

from __future__ import annotations

import pytest

from formfill.errors import ExtractorError
from formfill.evidence.extractors import load_extractor, load_extractors
from tests.conftest import REPO


def test_shipped_extractors_load():
    """Every extractors/*.toml loads against the profile vocabulary (a rot test)."""
    ids = {d.id for d in load_extractors(REPO / "extractors")}
    assert {"pay_slip", "benefit_decision", "bank_statement", "id_document", "housing_cost"} <= ids


def test_problems_are_collected(tmp_path):
    """Wrong id, unknown key, unknown type and unknown path are all reported at once."""
    bad = tmp_path / "slip.toml"
    bad.write_text(
        'id = "other"\ncolour = 1\n[keywords]\nnb = ["x"]\n'
        '[[fields]]\nname = "a"\npath = "person.given_nam"\ntype = "text"\nlabels = ["A"]\n'
        '[[fields]]\nname = "b"\npath = "person.family_name"\ntype = "nonsense"\nlabels = ["B"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ExtractorError) as e:
        load_extractor(bad)
    text = str(e.value)
    assert "file stem" in text and "unknown key" in text and "nonsense" in text
    assert "given_name" in text  # the did-you-mean for the misspelt path
