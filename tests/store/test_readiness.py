"""Readiness says where a form would stay silent although the client has a value for it, and
where it would say something by itself that nobody chose for the client."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from formfill.cases.batch import Readiness, plan
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


def _readiness(store: Store, client_id: int) -> Readiness:
    with session_scope(store.sessions) as s:
        (r,) = plan(FormCatalogue(store.settings), s, [client_id], [FORM], date(2026, 11, 2))
    return r


def _by_hand(r: Readiness, field: str) -> list[tuple[str, str]]:
    """(why, value) of the fields labelled ``field...`` to be written by hand."""
    return [(why, held) for label, why, held in r.by_hand if label.startswith(field)]


def test_a_value_the_form_has_no_option_for_is_a_warning(store: Store) -> None:
    r = _readiness(store, _client_in(store, "Alta"))
    assert _by_hand(r, "Kommune") == [("value", "Alta")]
    assert r.ready  # the rest goes; the municipality is written by hand


def test_the_official_name_of_kautokeino_is_an_option(store: Store) -> None:
    for written in ("Guovdageaidnu-Kautokeino", "Guovdageaidnu – Kautokeino"):
        assert not _by_hand(_readiness(store, _client_in(store, written)), "Kommune"), written


def test_a_word_dropdown_left_without_a_tenure_still_warns(store: Store) -> None:
    """The bostøtte form's legacy dropdown Boform always shows its first entry, Leier; for a
    client whose tenure is not known the map has nothing to put there, so the output would say
    Leier unasked: readiness says so. A tenure the form has no entry for (other) says it too;
    a known one that fits, nothing."""
    unknown = _readiness(store, _client_in(store, "Tromsø", tenure=None))
    assert [x for x in unknown.shown if x[0] == "Boform"] == [("Boform", "Leier")]
    assert not [x for x in unknown.shown if x[0].startswith("samtykke")]  # unticked: silent
    other = _readiness(store, _client_in(store, "Bodø", "other"))
    assert _by_hand(other, "Boform") == [("value", "other")]
    assert ("Boform", "Leier") in other.shown
    for fits in (_client_in(store, "Oslo", "own"), _client_in(store, "Bergen")):
        r = _readiness(store, fits)
        assert not _by_hand(r, "Boform") and not [x for x in r.shown if x[0] == "Boform"]
