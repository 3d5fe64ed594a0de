"""provenance: leaf paths, carrying provenance forward, setting a value at a path."""

from __future__ import annotations

import pytest

from formfill.profile.provenance import Provenance, carry_forward, flatten, set_path


def test_flatten() -> None:
    """Objects nest by dots, lists of objects by index; plain lists are leaves; None is absent."""
    data = {
        "person": {"given_name": "Kari", "former_names": ["A"], "middle_name": None},
        "household": {"members": [{"given_name": "Ola"}]},
    }
    assert flatten(data) == {
        "person.given_name": "Kari",
        "person.former_names": ["A"],
        "household.members[0].given_name": "Ola",
    }


def test_carry_forward() -> None:
    """Unchanged keeps, changed and new take the given provenance, removed drops out."""
    typed = Provenance("typed", user_id=1, at="t1")
    old = {"a": {"x": 1, "y": 2, "z": 3}}
    prov = carry_forward({}, {}, old, typed)
    new = {"a": {"x": 1, "y": 5, "w": 4}}
    imp = Provenance("imported", imported_from="csv", at="t2")
    got = carry_forward(old, prov, new, imp)
    assert got["a.x"] == typed.to_dict()
    assert got["a.y"]["source"] == got["a.w"]["source"] == "imported"
    assert "a.z" not in got
    with pytest.raises(ValueError, match="without a value"):
        carry_forward(old, prov, new, imp, {"a.q": typed})


def test_provenance_validates() -> None:
    """Evidence provenance names its evidence and proposal; imports name their source."""
    with pytest.raises(ValueError):
        Provenance("evidence")
    with pytest.raises(ValueError):
        Provenance("imported")
    p = Provenance("evidence", evidence_id=1, proposal_id=2, page=3, box=(1, 2, 3, 4))
    assert Provenance.from_dict(p.to_dict()) == p


def test_set_path() -> None:
    """Sets nested values, appends at the end of a list, refuses a gap; the input is not changed."""
    data = {"household": {"members": [{"given_name": "Ola"}]}}
    out = set_path(data, "household.members[1].given_name", "Per")
    out = set_path(out, "bank.iban", "NO93")
    assert out["household"]["members"][1] == {"given_name": "Per"}
    assert out["bank"] == {"iban": "NO93"}
    assert len(data["household"]["members"]) == 1
    with pytest.raises(ValueError, match="past the end"):
        set_path(data, "household.members[5].given_name", "X")
