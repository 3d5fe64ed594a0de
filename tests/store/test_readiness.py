"""Readiness says where a form would stay silent although the client has a value for it, and
where it would say something by itself that nobody chose for the client."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from formfill.cases.batch import plan
from formfill.fill import FormCatalogue
from formfill.profile.provenance import Provenance
from formfill.profile.validation import parse_profile
from formfill.store import audit, clients, session_scope, users
from tests.store.conftest import SYSTEM, Store

PERSONA = Path(__file__).resolve().parents[2] / "personas" / "nb_single_parent.json"
FORM = "kommune-bostotte-vedlegg"


def _client_in(store: Store, municipality: str, tenure: Any = "rent") -> int:
    """Tuva in ``municipality``, renting (``tenure``; None: not known)."""
    data = json.loads(PERSONA.read_text(encoding="utf-8"))
    data["address"]["current"]["municipality"] = municipality
    data["housing"] = {"tenure": tenure} if tenure else {}
    with session_scope(store.sessions) as s:
        u = users.create_user(s, SYSTEM, f"{municipality}@example.org", "S", "specialist", "pw")
        c = clients.create_client(s, audit.Actor.of(u))
        prov = Provenance("imported", user_id=u.id, imported_from="intake.json")
        clients.save_profile(s, audit.Actor.of(u), c.id, parse_profile(data), prov)
        return c.id


def _warnings(store: Store, client_id: int) -> list[str]:
    with session_scope(store.sessions) as s:
        (r,) = plan(FormCatalogue(store.settings), s, [client_id], [FORM], date(2026, 11, 2))
    return r.warnings


def test_a_value_the_form_has_no_option_for_is_a_warning(store: Store) -> None:
    warnings = _warnings(store, _client_in(store, "Alta"))
    assert any(w.startswith("kommune: no option for the value 'Alta'") for w in warnings)


def test_the_official_name_of_kautokeino_is_an_option(store: Store) -> None:
    warnings = _warnings(store, _client_in(store, "Guovdageaidnu-Kautokeino"))
    assert not [w for w in warnings if w.startswith("kommune:")]


def test_a_word_dropdown_left_without_a_tenure_still_warns(store: Store) -> None:
    """The bostøtte form's legacy dropdown Boform always shows its first entry, Leier; for a
    client whose tenure is not known the map has nothing to put there, so the output would say
    Leier unasked: readiness says so. A tenure the form has no entry for (other) says it too;
    a known one that fits, nothing."""
    warnings = _warnings(store, _client_in(store, "Tromsø", tenure=None))
    (leier,) = [w for w in warnings if w.startswith("Boform:")]
    assert leier.startswith("Boform: the form shows 'Leier' by itself")
    assert "the client has no housing.tenure" in leier and leier.endswith("before signing")
    assert not [w for w in warnings if w.startswith("samtykke:")]  # an unticked box says nothing
    other = [w for w in _warnings(store, _client_in(store, "Bodø", "other")) if "Boform" in w]
    assert any(w.startswith("Boform: no option for the value 'other'") for w in other)
    assert any(w.startswith("Boform: the form shows 'Leier' by itself") for w in other)
    assert not [w for w in _warnings(store, _client_in(store, "Oslo", "own")) if "Boform" in w]
    assert not [w for w in _warnings(store, _client_in(store, "Bergen")) if "Boform" in w]
