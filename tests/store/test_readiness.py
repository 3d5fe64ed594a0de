"""Readiness says where a form would stay silent although the client has a value for it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from formfill.cases.batch import plan
from formfill.fill import FormCatalogue
from formfill.profile.provenance import Provenance
from formfill.profile.validation import parse_profile
from formfill.store import audit, clients, session_scope, users
from tests.store.conftest import SYSTEM, Store

PERSONA = Path(__file__).resolve().parents[2] / "personas" / "nb_single_parent.json"
FORM = "kommune-bostotte-vedlegg"


def _client_in(store: Store, municipality: str) -> int:
    data = json.loads(PERSONA.read_text(encoding="utf-8"))
    data["address"]["current"]["municipality"] = municipality
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


def test_a_skipped_word_dropdown_that_shows_an_entry_is_a_warning(store: Store) -> None:
    """The bostøtte form's legacy dropdown Boform always shows its first entry, Leier; the map
    leaves it (tenure is not in the profile), so the output would say Leier unasked."""
    warnings = _warnings(store, _client_in(store, "Tromsø"))
    assert any(w.startswith("Boform: the form shows 'Leier' by itself") for w in warnings)
    assert not [w for w in warnings if w.startswith("samtykke:")]  # an unticked box says nothing
