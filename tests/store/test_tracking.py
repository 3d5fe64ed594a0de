"""Tracking a batch row as an application (formfill.cases.apply.track_item): the program comes
from the catalog (asked when several list the form), the same application takes a new version,
and a letter is an attachment, never an application."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from formfill.cases import batch as fbatch
from formfill.cases.apply import ChooseProgram, is_letter, programs_for_form, track_item
from formfill.errors import ConflictError
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.programs.catalog import load_catalog
from formfill.store import applications as apps
from formfill.store import batches as store_batches
from formfill.store import clients, session_scope
from tests.store.conftest import SYSTEM, Store

REPO = Path(__file__).resolve().parents[2]
ON = date(2026, 1, 5)
CATALOG = load_catalog(REPO / "programs")


def _done_items(store: Store, forms: list[str]) -> tuple[int, list[int]]:
    """A client and a done batch item per form (the output is a stand-in artifact id)."""
    profile = load_profile(REPO / "personas" / "nb_single_parent.json")
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        clients.save_profile(s, SYSTEM, c.id, profile, Provenance("imported", imported_from="t"))
        batch = fbatch.create(s, SYSTEM, [(c.id, f) for f in forms], ON)
        ids = [i.id for i in sorted(batch.items, key=lambda i: i.id)]
        for n, item_id in enumerate(ids):
            store_batches.start_item(s, item_id)
            store_batches.finish_item(s, item_id, f"{n:064d}", {"ok": True})
        return c.id, ids


def test_the_catalog_says_which_program_a_form_belongs_to() -> None:
    assert {p.id for p in programs_for_form(CATALOG, "nav-barnetrygd")} == {
        "barnetrygd",
        "utvidet-barnetrygd",
    }
    templates = ["next-steps-nb", "agency-cover-letter-nl", "kommune-bostotte-vedlegg"]
    assert is_letter(CATALOG, templates, "next-steps-nb")
    assert is_letter(CATALOG, templates, "agency-cover-letter-nl")
    assert not is_letter(CATALOG, templates, "kommune-bostotte-vedlegg")  # bostøtte's form
    assert not is_letter(CATALOG, templates, "nav-barnetrygd")


def test_tracking_asks_for_the_program_then_keeps_one_application(store: Store) -> None:
    """Two programs list nav-barnetrygd: tracking asks which (nothing is written), then makes
    a filled application of that program; tracking the row again, or a second row of the same
    form, gives the same application (a new version), not a second one."""
    client_id, (first,) = _done_items(store, ["nav-barnetrygd"])
    with session_scope(store.sessions) as s:
        with pytest.raises(ChooseProgram) as asked:
            track_item(s, SYSTEM, CATALOG, store_batches.get_item(s, first), ON)
        assert {p.id for p in asked.value.programs} == {"barnetrygd", "utvidet-barnetrygd"}
        assert apps.list_applications(s, client_ids=[client_id]) == []
        with pytest.raises(ConflictError, match="not a form of program dagpenger"):
            item = store_batches.get_item(s, first)
            track_item(s, SYSTEM, CATALOG, item, ON, program="dagpenger")
    with session_scope(store.sessions) as s:
        item = store_batches.get_item(s, first)
        app = track_item(s, SYSTEM, CATALOG, item, ON, program="barnetrygd")
        assert (app.program, app.form_id, app.status) == ("barnetrygd", "nav-barnetrygd", "filled")
        assert app.output_artifact == item.output_artifact and item.application_id == app.id
        app_id = app.id
        assert track_item(s, SYSTEM, CATALOG, item, ON).id == app_id
    _, (second,) = _done_items(store, ["nav-barnetrygd"])
    with session_scope(store.sessions) as s:  # another client: its own application
        other = track_item(
            s, SYSTEM, CATALOG, store_batches.get_item(s, second), ON, program="barnetrygd"
        )
        assert other.id != app_id


def test_a_new_fill_of_a_submitted_application_is_a_version_of_it(store: Store) -> None:
    """The client's acknowledged barnetrygd application takes a later row of its form as a new
    version: its status stays, its output is the newest."""
    client_id, (first,) = _done_items(store, ["nav-barnetrygd"])
    with session_scope(store.sessions) as s:
        app = track_item(
            s, SYSTEM, CATALOG, store_batches.get_item(s, first), ON, program="barnetrygd"
        )
        for to in ("reviewed", "submitted", "acknowledged"):
            sub = apps.SubmissionDetails("post", ON) if to == "submitted" else None
            apps.advance(s, SYSTEM, app.id, to, ON, submission=sub)
        app_id = app.id
        batch = fbatch.create(s, SYSTEM, [(client_id, "nav-barnetrygd")], ON)
        (later,) = batch.items
        store_batches.start_item(s, later.id)
        store_batches.finish_item(s, later.id, "f" * 64)
        again = track_item(s, SYSTEM, CATALOG, later, ON, program="barnetrygd")
        assert (again.id, again.status, again.output_artifact) == (app_id, "acknowledged", "f" * 64)
        assert len(apps.list_applications(s, client_ids=[client_id])) == 1


def test_a_letter_is_attached_never_an_application(store: Store) -> None:
    """A next-steps letter needs an application to go on; attached, it leaves the application's
    own document and status alone, and no application is made for it."""
    client_id, (form_item, letter_item) = _done_items(store, ["nav-barnetrygd", "next-steps-nb"])
    with session_scope(store.sessions) as s:
        letter = store_batches.get_item(s, letter_item)
        with pytest.raises(ConflictError, match="is a letter"):
            track_item(s, SYSTEM, CATALOG, letter, ON, letter=True)
        app = track_item(
            s, SYSTEM, CATALOG, store_batches.get_item(s, form_item), ON, program="barnetrygd"
        )
        before = (app.status, app.output_artifact)
        got = track_item(s, SYSTEM, CATALOG, letter, ON, letter=True, attach_to=app.id)
        assert got.id == app.id and (got.status, got.output_artifact) == before
        assert letter.application_id == app.id
        assert len(apps.list_applications(s, client_ids=[client_id])) == 1
