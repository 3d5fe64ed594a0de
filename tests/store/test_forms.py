"""Forms in the store: versions round-trip, a published version never changes, `db upgrade`
imports the folder once, and a fill uses the stored version, not the folder's copy."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from formfill import artifacts
from formfill.cases import batch as fbatch
from formfill.config import Settings
from formfill.errors import ConflictError, FormMapError, NotFoundError, StoreError
from formfill.fill import FormCatalogue
from formfill.profile.model import Profile
from formfill.profile.provenance import Provenance
from formfill.store import Actor, audit, make_engine, make_sessions, migrate, session_scope
from formfill.store import applications as store_apps
from formfill.store import forms as store_forms
from formfill.store.batches import get_item
from formfill.store.clients import create_client, save_profile
from formfill.store.models import FormVersion
from formfill.store.users import create_user
from tests.store.conftest import SYSTEM, Store

REPO = Path(__file__).resolve().parents[2]
FORM = "nav-yrkesskade"
MAP = REPO / "form_maps" / "nav" / f"{FORM}.toml"
BLANK = REPO / "sample_forms" / "nav" / f"{FORM}.pdf"
FOLDER_FORMS = sorted(p.stem for p in (REPO / "form_maps").glob("*/*.toml"))
ON = date(2026, 11, 30)


def read_values(pdf: bytes) -> dict[str, str | None]:
    """The text fields' values as pypdf reads them back."""
    return dict(PdfReader(io.BytesIO(pdf)).get_form_text_fields())


def changed_map() -> str:
    """The folder's map with the family name written as a literal: a new version's mark."""
    text = MAP.read_text(encoding="utf-8")
    old = 'field = "Etternavn"\nprofile = "person.family_name"'
    assert old in text
    return text.replace(old, 'field = "Etternavn"\nvalue = "STORE-V2"')


def _user(store: Store) -> Actor:
    with session_scope(store.sessions) as s:
        user = create_user(s, SYSTEM, "maint@example.test", "Form Maintainer", "admin", "x" * 12)
        return Actor.of(user)


def _client(store: Store) -> int:
    data = json.loads((REPO / "personas" / "nb_single_parent.json").read_text(encoding="utf-8"))
    data["person"]["family_name"] = "Nordmann"
    profile = Profile.model_validate(data)
    with session_scope(store.sessions) as s:
        client = create_client(s, SYSTEM, reference="FORMS-1")
        save_profile(s, SYSTEM, client.id, profile, Provenance("imported", imported_from="test"))
        return client.id


def _import(store: Store) -> store_forms.FolderImport:
    with session_scope(store.sessions) as s:
        return store_forms.import_folder(store.settings, s, Actor.system("db-upgrade"))


def test_versions_round_trip(store: Store) -> None:
    """The folder's forms import as published version 1 (who and when kept, an audit entry
    for each publication); a new version keeps its map text, blank and maker and becomes the
    current one, while version 1 reads back unchanged."""
    _import(store)
    with session_scope(store.sessions) as s:
        listed = store_forms.list_forms(s)
        assert [f.id for f in listed] == FOLDER_FORMS
        first = store_forms.get_version(s, FORM, 1)
        assert first.status == "published" and first.published_at is not None
        assert first.map_text == MAP.read_text(encoding="utf-8")
        assert first.fingerprint.startswith("sha256:")
        published = [e for e in audit.entries(s, "form_version", first.id) if e.action == "update"]
        assert published and "status" in (published[0].fields or [])
    maker = _user(store)
    with session_scope(store.sessions) as s:
        v2 = store_forms.add_version(
            s, store.settings, maker, changed_map(), BLANK.read_bytes(), BLANK.name, publish_it=True
        )
        v2_id = v2.id
    with session_scope(store.sessions) as s:
        current = store_forms.get_version(s, FORM)
        assert current.id == v2_id and current.version == 2
        assert current.created_by == maker.user_id and current.published_by == maker.user_id
        assert "STORE-V2" in current.map_text
        assert artifacts.read(store.settings, current.blank_artifact) == BLANK.read_bytes()
        assert current.fingerprint == store_forms.get_version(s, FORM, 1).fingerprint
        assert "STORE-V2" not in store_forms.get_version(s, FORM, 1).map_text
        ref = store_forms.stored(current)
        assert (ref.form_id, ref.agency, ref.kind, ref.number) == (FORM, "nav", "pdf", 2)


def test_a_published_version_never_changes(store: Store) -> None:
    """The core refuses to change or delete a published version (the session guard) and so
    does the database (a hand-written UPDATE); retiring it is the one change allowed, and a
    retired version cannot come back. A draft may change."""
    _import(store)
    with pytest.raises(ConflictError, match="never changes"):
        with session_scope(store.sessions) as s:
            store_forms.get_version(s, FORM, 1).map_text = "id = 'x'"
    with pytest.raises(ConflictError, match="never deleted"):
        with session_scope(store.sessions) as s:
            s.delete(store_forms.get_version(s, FORM, 1))
    with pytest.raises(sa.exc.DBAPIError, match="never changes"):
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE form_versions SET map_text = 'x' WHERE version = 1"))
    with pytest.raises(sa.exc.DBAPIError, match="never changes"):
        with store.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM form_versions"))
    with session_scope(store.sessions) as s:
        assert store_forms.get_version(s, FORM, 1).map_text == MAP.read_text(encoding="utf-8")
        store_forms.retire(s, SYSTEM, FORM, 1)
    with pytest.raises(ConflictError, match="retired"):
        with session_scope(store.sessions) as s:
            store_forms.get_version(s, FORM, 1).status = "published"
    with pytest.raises(NotFoundError, match="published version"):
        with session_scope(store.sessions) as s:
            store_forms.get_version(s, FORM)  # none published any more
    with session_scope(store.sessions) as s:
        draft = store_forms.add_version(
            s, store.settings, SYSTEM, changed_map(), BLANK.read_bytes(), BLANK.name
        )
        assert draft.status == "draft"
        draft.map_text = changed_map() + "\n# tuned\n"  # a draft is still being made


def test_publish_needs_a_passing_map_check(store: Store) -> None:
    """A map whose fingerprint is not its blank's (the agency's new blank) stays a draft:
    publishing it is refused with the check's problem; a map that does not load, or is not
    TOML, is refused with what is wrong."""
    _import(store)
    new_blank = REPO / "sample_forms" / "nav" / "nav-barnetrygd-v2.pdf"
    old_map = (REPO / "form_maps" / "nav" / "nav-barnetrygd.toml").read_text(encoding="utf-8")
    with session_scope(store.sessions) as s:
        with pytest.raises(FormMapError, match="fingerprint"):
            store_forms.add_version(
                s, store.settings, SYSTEM, old_map, new_blank.read_bytes(), new_blank.name,
                publish_it=True,
            )  # fmt: skip
        draft = store_forms.add_version(
            s, store.settings, SYSTEM, old_map, new_blank.read_bytes(), new_blank.name
        )
        number = draft.version
    with pytest.raises(FormMapError, match="blank changed"):
        with session_scope(store.sessions) as s:
            store_forms.publish(s, store.settings, SYSTEM, "nav-barnetrygd", number)
    with session_scope(store.sessions) as s:
        assert store_forms.get_version(s, "nav-barnetrygd", number).status == "draft"
        assert store_forms.get_version(s, "nav-barnetrygd").version == 1
        with pytest.raises(FormMapError, match="not valid TOML"):
            store_forms.add_version(s, store.settings, SYSTEM, "id = [", b"", "x.pdf")
        with pytest.raises(FormMapError, match="unknown key"):
            bad = MAP.read_text(encoding="utf-8").replace("language =", "langauge =")
            store_forms.add_version(s, store.settings, SYSTEM, bad, BLANK.read_bytes(), "b.pdf")


def test_a_fill_uses_the_stored_version_not_the_folder(store: Store, tmp_path: Path) -> None:
    """A batch item records the version current when it was made and the fill uses that
    version from the store: with a changed version published through the core and a catalogue
    whose folder has no form_maps/ or sample_forms/ at all, the output carries the new
    version's value, and the item and its report name the version."""
    _import(store)
    with session_scope(store.sessions) as s:
        v2 = store_forms.add_version(
            s, store.settings, SYSTEM, changed_map(), BLANK.read_bytes(), BLANK.name,
            publish_it=True,
        )  # fmt: skip
        v2_id = v2.id
    client_id = _client(store)
    bare = tmp_path / "bare"  # a worker's machine: programs and templates, no form folders
    bare.mkdir()
    for name in ("programs", "templates", "extractors"):
        (bare / name).symlink_to(REPO / name)
    settings = replace(store.settings, root=bare)
    forms = FormCatalogue(settings, store_forms.StoreVersions(store.sessions))
    with session_scope(store.sessions) as s:
        batch = fbatch.create(s, SYSTEM, [(client_id, FORM)], ON)
        item_id = batch.items[0].id
        assert batch.items[0].form_version_id == v2_id
    result = fbatch.run_item(settings, store.sessions, forms, item_id)
    assert result.status == "done" and result.output is not None
    values = read_values(artifacts.read(settings, result.output))
    assert values["Etternavn"] == "STORE-V2"
    with session_scope(store.sessions) as s:
        item = get_item(s, item_id)
        assert item.form_version_id == v2_id and item.report is not None
        assert item.report["form_version"] == 2


def test_an_item_keeps_its_version_when_a_newer_one_is_published(store: Store) -> None:
    """An item planned with version 1 is filled with version 1 even when version 2 is
    published before a worker takes it (what readiness checked is what is filled)."""
    _import(store)
    client_id = _client(store)
    forms = FormCatalogue(store.settings, store_forms.StoreVersions(store.sessions))
    with session_scope(store.sessions) as s:
        batch = fbatch.create(s, SYSTEM, [(client_id, FORM)], ON)
        item_id = batch.items[0].id
        store_forms.add_version(
            s, store.settings, SYSTEM, changed_map(), BLANK.read_bytes(), BLANK.name,
            publish_it=True,
        )  # fmt: skip
    result = fbatch.run_item(store.settings, store.sessions, forms, item_id)
    assert result.output is not None
    assert read_values(artifacts.read(store.settings, result.output))["Etternavn"] == "Nordmann"
    assert forms.map(FORM).version == 2  # while the form's current version is the new one


def test_db_upgrade_imports_the_folder_once(empty_settings: Settings, tmp_path: Path) -> None:
    """`db upgrade` imports each folder form as published version 1; a second upgrade adds
    nothing; a map file changed since (the same blank) is reported, not imported over what
    the store holds; a map whose blank is missing is named with the reason."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "form_maps", root / "form_maps")
    shutil.copytree(REPO / "sample_forms", root / "sample_forms")
    settings = replace(empty_settings, root=root)
    first = migrate.upgrade(settings)
    assert first is not None and sorted(a.split("@")[0] for a in first.added) == FOLDER_FORMS
    assert all(a.endswith("@1") for a in first.added) and not first.problems
    second = migrate.upgrade(settings)
    assert second is not None and second.added == [] and sorted(second.unchanged) == FOLDER_FORMS
    (root / "form_maps" / "nav" / f"{FORM}.toml").write_text(changed_map(), encoding="utf-8")
    (root / "sample_forms" / "toeslagen" / "toeslag-aanvraag.pdf").unlink()
    third = migrate.upgrade(settings)
    assert third is not None and third.added == [] and third.differs == [FORM]
    assert any("toeslag-aanvraag" in str(p) and "cannot read" in str(p) for p in third.problems)
    engine = make_engine(settings)
    try:
        with session_scope(make_sessions(engine)) as s:
            rows = s.scalars(sa.select(FormVersion)).all()
            assert len(rows) == len(FOLDER_FORMS)
            assert {(v.version, v.status) for v in rows} == {(1, "published")}
    finally:
        engine.dispose()


def test_unknown_form_and_version(store: Store) -> None:
    """An unknown form or version is named; the store-backed catalogue says the form has no
    published version and suggests a near id."""
    _import(store)
    with session_scope(store.sessions) as s:
        with pytest.raises(NotFoundError, match="no form 'nav-nothing'"):
            store_forms.get_version(s, "nav-nothing")
        with pytest.raises(NotFoundError, match="nav-yrkesskade@9"):
            store_forms.get_version(s, FORM, 9)
    forms = FormCatalogue(store.settings, store_forms.StoreVersions(store.sessions))
    with pytest.raises(FormMapError, match=r"did you mean.*nav-yrkesskade"):
        forms.map("nav-yrkesskad")
    with pytest.raises(StoreError):
        with session_scope(store.sessions) as s:
            store_forms.get_version(s, FORM, 9)


def test_an_application_records_the_version_of_its_fill(store: Store) -> None:
    """An application records the form's current version when it is made, and the version
    its latest fill used once a batch fills it (here version 2, published in between)."""
    _import(store)
    client_id = _client(store)
    forms = FormCatalogue(store.settings, store_forms.StoreVersions(store.sessions))
    with session_scope(store.sessions) as s:
        app = store_apps.create_application(s, SYSTEM, client_id, FORM)
        app_id, v1_id = app.id, store_forms.get_version(s, FORM, 1).id
        assert app.form_version_id == v1_id
        v2_id = store_forms.add_version(
            s, store.settings, SYSTEM, changed_map(), BLANK.read_bytes(), BLANK.name,
            publish_it=True,
        ).id  # fmt: skip
        batch = fbatch.create_for_application(s, SYSTEM, forms, app_id, ON)
        item_id = batch.items[0].id
    fbatch.run_item(store.settings, store.sessions, forms, item_id)
    with session_scope(store.sessions) as s:
        app = store_apps.get_application(s, app_id)
        assert app.form_version_id == v2_id and app.output_artifact is not None
        updates = [e for e in audit.entries(s, "application", app_id) if e.action == "update"]
        assert any("form_version_id" in (e.fields or []) for e in updates)
