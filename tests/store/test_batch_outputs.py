"""A batch's outputs without a queue: items run in-process (formfill.cases.batch.run_item) record
their
fill on the client's application, and the per-client packet and the batch ZIP are what they say."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pdfplumber
import sqlalchemy as sa
from pypdf import PdfReader

from formfill import artifacts
from formfill.cases import batch as fbatch
from formfill.cases.packet import batch_zip, client_packet
from formfill.fill import FormCatalogue
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.store import applications as apps
from formfill.store import batches as store_batches
from formfill.store import clients, session_scope
from formfill.store.models import Application, BatchItem
from tests.store.conftest import SYSTEM, Store

REPO = Path(__file__).resolve().parents[2]
ON = date(2026, 1, 5)
FORM = "nav-yrkesskade"


def _client(store: Store, name: str = "nb_single_parent") -> int:
    profile = load_profile(REPO / "personas" / f"{name}.json")
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        clients.save_profile(s, SYSTEM, c.id, profile, Provenance("imported", imported_from="t"))
        return c.id


def _batch(store: Store, items: list[tuple[int, str]]) -> list[int]:
    with session_scope(store.sessions) as s:
        b = fbatch.create(s, SYSTEM, items, ON)
        return [i.id for i in sorted(b.items, key=lambda i: i.id)]


def _apps(store: Store, client_id: int) -> list[Application]:
    with session_scope(store.sessions) as s:
        found = apps.list_applications(s, client_ids=[client_id])
        for a in found:
            _ = [(e.from_status, e.to_status, e.note) for e in a.events]  # load the events
        return found


def test_done_item_makes_no_application_until_tracked(store: Store) -> None:
    """A batch fills, it does not invent applications: the done item keeps its output and no
    application appears. A second run of the item is skipped and changes nothing."""
    client_id = _client(store)
    (item_id,) = _batch(store, [(client_id, FORM)])
    forms = FormCatalogue(store.settings)
    result = fbatch.run_item(store.settings, store.sessions, forms, item_id)
    assert result.status == "done" and result.output
    assert _apps(store, client_id) == []
    with session_scope(store.sessions) as s:
        item = store_batches.get_item(s, item_id)
        assert (item.application_id, item.output_artifact) == (None, result.output)
    assert fbatch.run_item(store.settings, store.sessions, forms, item_id).status == "skipped"
    assert _apps(store, client_id) == []


def test_batch_launched_from_an_application_fills_that_application(store: Store) -> None:
    """Launched from an application (reviewed, with its program): the output goes on it and it
    goes back to filled, each step noted with the batch. Filled again after it was submitted
    and acknowledged: a new version on the same application, its status kept; no second one."""
    client_id = _client(store)
    with session_scope(store.sessions) as s:
        app = apps.create_application(s, SYSTEM, client_id, FORM, program="yrkesskade")
        for to in ("ready", "filled", "reviewed"):
            apps.advance(s, SYSTEM, app.id, to, ON)
        app_id = app.id
    forms = FormCatalogue(store.settings)

    def fill() -> str | None:
        with session_scope(store.sessions) as s:
            batch = fbatch.create_for_application(s, SYSTEM, forms, app_id, ON)
            (item,) = batch.items
            assert item.application_id == app_id
            item_id = item.id
        return fbatch.run_item(store.settings, store.sessions, forms, item_id).output

    out = fill()
    (got,) = _apps(store, client_id)
    assert (got.id, got.status, got.program, got.output_artifact) == (
        app_id,
        "filled",
        "yrkesskade",
        out,
    )
    assert (got.events[-1].from_status, got.events[-1].to_status) == ("reviewed", "filled")
    assert got.events[-1].note and "filled by batch" in got.events[-1].note
    assert got.form_fingerprint == forms.map(FORM).fingerprint

    with session_scope(store.sessions) as s:
        apps.advance(s, SYSTEM, app_id, "reviewed", ON)
        sub = apps.SubmissionDetails("portal", ON, "NAV-1")
        apps.advance(s, SYSTEM, app_id, "submitted", ON, submission=sub)
        apps.advance(s, SYSTEM, app_id, "acknowledged", ON)
    again = fill()
    (same,) = _apps(store, client_id)
    assert (same.id, same.status, same.output_artifact) == (app_id, "acknowledged", again)
    with session_scope(store.sessions) as s:
        versions = s.scalars(
            sa.select(BatchItem.output_artifact).where(BatchItem.application_id == app_id)
        ).all()
    assert sorted(versions) == sorted([out, again])


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return doc.pages[0].extract_text() or ""


def test_packet_and_zip(store: Store) -> None:
    """Per client: a cover sheet in the client's language naming by title what is inside (with
    its pages) and what is missing (with why), then every filled PDF, page for page. The ZIP:
    each output, each client's packet, status.json."""
    kari = _client(store)
    noelle = _client(store, "nl_couple_irregular")
    ids = _batch(store, [(kari, FORM), (kari, "nav-barnetrygd"), (noelle, "toeslag-aanvraag")])
    forms = FormCatalogue(store.settings)
    yrkesskade, barnetrygd, toeslag = ids
    done = {
        i: fbatch.run_item(store.settings, store.sessions, forms, i).output
        for i in (yrkesskade, toeslag)
    }
    fbatch.fail(store.sessions, barnetrygd, "person.birth_date: required, no value", None)
    with session_scope(store.sessions) as s:
        batch_id = store_batches.get_item(s, yrkesskade).batch_id
        packet = client_packet(store.settings, s, forms, batch_id, kari, ON)
        archive = batch_zip(store.settings, s, forms, batch_id, ON)

    filled = artifacts.read(store.settings, done[yrkesskade] or "")
    reader = PdfReader(io.BytesIO(packet))
    filled_pages = len(PdfReader(io.BytesIO(filled)).pages)
    assert len(reader.pages) == 1 + filled_pages
    cover = _text(packet)  # Kari prefers bokmål
    assert (
        "Dokumentpakke for Tuva Ødegård Sæther" in cover
        and f"Utfylling #{batch_id}, 5. januar 2026" in cover
    )
    inside, missing = cover.split("Mangler fortsatt")
    title = forms.title(FORM)
    assert "I denne pakken" in inside and title in inside
    assert (f"sidene 2-{1 + filled_pages}" if filled_pages > 1 else "side 2") in inside
    assert forms.title("nav-barnetrygd") not in inside and FORM not in cover
    assert "kunne ikke fylles ut: person.birth_date: required, no value" in missing
    assert title not in missing

    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = sorted(z.namelist())
        assert names == sorted(
            [
                f"client-{kari}/{FORM}.pdf",
                f"client-{kari}/packet.pdf",
                f"client-{noelle}/toeslag-aanvraag.pdf",
                f"client-{noelle}/packet.pdf",
                "status.json",
            ]
        )
        assert z.read(f"client-{kari}/{FORM}.pdf") == filled
        assert z.read(f"client-{kari}/packet.pdf") == packet  # deterministic (invariant cover)
        other = z.read(f"client-{noelle}/packet.pdf")  # Noëlle prefers Dutch
        assert "(geen)" in _text(other).split("Ontbreekt nog")[1]
        status = json.loads(z.read("status.json"))
    assert status["id"] == batch_id and status["state"] == "done"
    assert {(i["form"], i["status"]) for i in status["items"]} == {
        (FORM, "done"),
        ("nav-barnetrygd", "failed"),
        ("toeslag-aanvraag", "done"),
    }


def test_cover_keeps_letters_outside_winansi(store: Store) -> None:
    """A name with ě and Č is drawn in the Unicode fallback font, not lost in Helvetica."""
    base = load_profile(REPO / "personas" / "nb_single_parent.json")
    person = base.person.model_copy(update={"given_name": "Zdeněk", "family_name": "Čapek"})
    profile = base.model_copy(update={"person": person})
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        clients.save_profile(s, SYSTEM, c.id, profile, Provenance("imported", imported_from="t"))
        client_id = c.id
    (item,) = _batch(store, [(client_id, FORM)])
    fbatch.fail(store.sessions, item, "ikke fylt ut: Čiekčá", None)
    with session_scope(store.sessions) as s:
        batch_id = store_batches.get_item(s, item).batch_id
        packet = client_packet(
            store.settings, s, FormCatalogue(store.settings), batch_id, client_id, ON
        )
    text = _text(packet)
    assert "Dokumentpakke for Zdeněk Ødegård Čapek" in text and "ikke fylt ut: Čiekčá" in text


def test_an_item_that_keeps_killing_its_worker_is_failed_not_requeued(store: Store) -> None:
    """Reconciliation requeues a running item whose worker vanished, until it has done so
    MAX_CRASHES times: then the item fails with a message, so one bad item cannot take the
    batch's workers down again and again."""
    cid = _client(store)
    (item_id,) = _batch(store, [(cid, FORM)])
    gone = lambda _job_id: False  # noqa: E731 - the job's worker is dead every time
    for attempt in range(1, fbatch.MAX_CRASHES + 1):
        with session_scope(store.sessions) as s:
            store_batches.start_item(s, item_id, job_id=f"job-{attempt}")
        lost = fbatch.reconcile(store.sessions, store_batches_id(store, item_id), gone)
        if attempt < fbatch.MAX_CRASHES:
            assert lost == [item_id]
        else:
            assert lost == []
    with session_scope(store.sessions) as s:
        item = store_batches.get_item(s, item_id)
        assert item.status == "failed"
        assert "stopped while filling this item" in (item.error or "")


def store_batches_id(store: Store, item_id: int) -> int:
    with session_scope(store.sessions) as s:
        return store_batches.get_item(s, item_id).batch_id


def test_packet_holds_the_addendum(store: Store) -> None:
    """A client with four children: the batch item's document carries the addendum page with
    the fourth child, and the client's packet holds that page too."""
    import json as _json

    raw = _json.loads((REPO / "personas/nb_single_parent.json").read_text())
    extra = [
        {"relation": "child", "given_name": n, "family_name": "Sæther", "birth_date": b}
        for n, b in (("Ánne", "2010-02-02"), ("Čiekčá", "2012-03-03"))
    ]
    raw["household"]["members"] += extra
    from formfill.profile.validation import parse_profile

    profile = parse_profile(raw)
    assert profile.household.children_count == 4
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        clients.save_profile(s, SYSTEM, c.id, profile, Provenance("imported", imported_from="t"))
        client_id = c.id
    (item,) = _batch(store, [(client_id, "nav-barnetrygd")])
    output = fbatch.run_item(
        store.settings, store.sessions, FormCatalogue(store.settings), item
    ).output
    filled = artifacts.read(store.settings, output or "")
    with session_scope(store.sessions) as s:
        report = store_batches.get_item(s, item).report
        batch_id = store_batches.get_item(s, item).batch_id
        packet = client_packet(
            store.settings, s, FormCatalogue(store.settings), batch_id, client_id, ON
        )
    assert report["addendum"] == ["Barn: row 4 continued on the addendum"]
    last = PdfReader(io.BytesIO(packet)).pages[-1].extract_text()
    assert "Vedlegg til skjemaet" in last and "Fortsettelse av Barn, rad 4" in last
    assert len(PdfReader(io.BytesIO(packet)).pages) == 1 + len(PdfReader(io.BytesIO(filled)).pages)
