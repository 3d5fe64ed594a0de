"""The batches blueprint: a batch, its ZIP and packet, tracking an item and submitting it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from formfill.fill import FormCatalogue
from tests.web.conftest import World, post, run_jobs

REPO = Path(__file__).resolve().parents[2]


def test_batch_zip_packet_track_and_submit(world: World, as_user: Any) -> None:
    """Plan shows readiness, launch queues the items, a worker fills them; the ZIP, a packet
    and a page preview download; the output is tracked as an application and submitted."""
    c = as_user("specialist")
    assert c.get("/batches/new").status_code == 200
    resp = post(
        c,
        "/batches/new",
        {"clients": [str(world.mine), str(world.theirs)], "forms": ["nav-barnetrygd"]},
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Readiness" in page
    assert "REF-JAN" not in page and "Noëlle" not in page  # another's client is dropped
    resp = post(
        c,
        "/batches/launch",
        {"clients": [str(world.mine)], "forms": ["nav-barnetrygd"], "only_ready": "0"},
    )
    assert resp.status_code == 302
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    status = c.get(f"/api/v1/batches/{batch_id}").get_json()
    assert status["state"] == "done", status
    item = status["items"][0]
    assert item["status"] == "done", item
    assert c.get(f"/batches/{batch_id}.zip").data.startswith(b"PK")
    assert c.get(f"/batches/{batch_id}/clients/{world.mine}/packet.pdf").data.startswith(b"%PDF")
    png = c.get(f"/batches/{batch_id}/items/{item['id']}/page/1.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert as_user("specialist2").get(f"/batches/{batch_id}").status_code == 404
    assert item["application"] is None  # a batch fills applications, it does not invent them
    asked = post(c, f"/batches/{batch_id}/items/{item['id']}/track")
    assert asked.status_code == 200 and "Which program" in asked.get_data(as_text=True)
    resp = post(c, f"/batches/{batch_id}/items/{item['id']}/track", {"program": "barnetrygd"})
    assert resp.status_code == 302
    app_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert as_user("specialist2").get(f"/applications/{app_id}").status_code == 404
    resp = post(c, f"/applications/{app_id}/advance", {"to": "submitted"})  # not from filled
    assert resp.status_code == 409 and "cannot move to submitted" in resp.get_data(as_text=True)
    resp = post(c, f"/applications/{app_id}/advance", {"to": "reviewed"})
    assert resp.status_code == 302
    resp = post(c, f"/applications/{app_id}/advance", {"to": "submitted"})  # no channel
    assert resp.status_code == 400 and "choose the channel" in resp.get_data(as_text=True)
    receipt_pdf = (REPO / "sample_forms" / "nav" / "nav-yrkesskade.pdf").read_bytes()
    resp = post(
        c,
        f"/applications/{app_id}/advance",
        {
            "to": "submitted",
            "channel": "portal",
            "reference": "NAV-123",
            "receipt": (io.BytesIO(receipt_pdf), "receipt.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    data = c.get(f"/api/v1/applications/{app_id}").get_json()
    assert data["status"] == "submitted" and data["submission"]["reference"] == "NAV-123"
    assert [e["to"] for e in data["events"]][-1] == "submitted"
    listing = c.get("/applications?status=submitted").get_data(as_text=True)
    assert f"/applications/{app_id}" in listing


def _launch(c: Any, world: World, client: int, forms: list[str]) -> int:
    launch = {"clients": [str(client)], "forms": forms, "only_ready": "0"}
    resp = post(c, "/batches/launch", launch)
    assert resp.status_code == 302
    run_jobs(world)
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def _client_apps(world: World, client_id: int) -> list[Any]:
    from formfill.store import session_scope
    from formfill.store.applications import list_applications

    with session_scope(world.app.extensions["formfill"].sessions) as s:
        return [(a.id, a.form_id, a.program, a.status, a.output_artifact)
                for a in list_applications(s, client_ids=[client_id])]  # fmt: skip


def test_letters_attach_and_a_refill_is_a_new_version(world: World, as_user: Any) -> None:
    """A batch of a form and a next-steps letter makes no application. The form row is tracked
    (yrkesskade: no program lists it); the letter row offers the client's applications and is
    attached, not made an application. Filling the application's form again from its page,
    after it was submitted and acknowledged, adds a version to it: still one application."""
    from tests.web.test_applications import _client

    client = _client(world, "REF-LETTER")
    c = as_user("specialist")
    batch_id = _launch(c, world, client, ["nav-yrkesskade", "next-steps-nb"])
    items = {i["form"]: i for i in c.get(f"/api/v1/batches/{batch_id}").get_json()["items"]}
    assert {i["status"] for i in items.values()} == {"done"}, items
    assert _client_apps(world, client) == []
    page = c.get(f"/batches/{batch_id}").get_data(as_text=True)
    assert "Attach to an application" in page and "Track as application" in page

    form_item, letter = items["nav-yrkesskade"], items["next-steps-nb"]
    offer = post(c, f"/batches/{batch_id}/items/{letter['id']}/track").get_data(as_text=True)
    assert "has no application yet" in offer
    resp = post(c, f"/batches/{batch_id}/items/{form_item['id']}/track")
    assert resp.status_code == 302
    ((app_id, form, program, status, first_output),) = _client_apps(world, client)
    assert (form, program, status) == ("nav-yrkesskade", None, "filled")
    offer = post(c, f"/batches/{batch_id}/items/{letter['id']}/track").get_data(as_text=True)
    assert f'name="attach_to" value="{app_id}"' in offer
    resp = post(c, f"/batches/{batch_id}/items/{letter['id']}/track", {"attach_to": str(app_id)})
    assert resp.status_code == 302
    assert _client_apps(world, client) == [(app_id, form, None, "filled", first_output)]
    shown = c.get(f"/applications/{app_id}").get_data(as_text=True)
    title = FormCatalogue(world.settings).title("next-steps-nb")
    attached = shown.split("Attachments", 1)[1].split("Deadlines", 1)[0]
    assert title in attached and "next-steps-nb" not in shown  # by its title, never its id
    assert f"{title} is attached to the application for" in shown  # the flash says so too

    for to in ("reviewed", "submitted", "acknowledged"):
        body = {"to": to} | ({"channel": "post"} if to == "submitted" else {})
        assert post(c, f"/applications/{app_id}/advance", body).status_code == 302
    resp = post(c, f"/applications/{app_id}/fill")
    assert resp.status_code == 302 and "/batches/" in resp.headers["Location"]
    # the batch says what it fills in the reader's words, not a stored code-like label
    batch_page = c.get(resp.headers["Location"], headers={"Accept-Language": "nb"})
    assert f"utfylling av søknad {app_id}" in batch_page.get_data(as_text=True)
    run_jobs(world)
    ((same, _f, _p, status, output),) = _client_apps(world, client)
    assert (same, status) == (app_id, "acknowledged") and output
    shown = c.get(f"/applications/{app_id}").get_data(as_text=True)
    assert shown.count('class="badge">latest<') == 1
    # the history names that batch by its number, not the stored "application N" (walk 8)
    nb = c.get(f"/applications/{app_id}", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    history = nb.split('<ol class="events">', 1)[1].split("</ol>", 1)[0]
    assert f"application {app_id}" not in history and "fylt ut i utfylling #" in history
    assert len(re.findall(r"/batches/\d+/items/\d+/preview", shown)) == 3  # 2 versions, 1 letter
    assert as_user("specialist2").post(f"/applications/{app_id}/fill").status_code in (400, 404)


def _ticked(page: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="clients" value="(\d+)" checked>', page))


def test_fill_forms_on_a_client_page_comes_with_that_client_ticked(
    world: World, as_user: Any
) -> None:
    """The client page's "Fill forms" opens the batch form with that client ticked (and only
    that one), still a checkbox to untick; a client the user may not see is never ticked,
    nor listed; a refused choice comes back as it was ticked."""
    c = as_user("specialist")
    client_page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)">Fill forms<', client_page)
    assert link and link.group(1) == f"/batches/new?client={world.mine}"
    page = c.get(link.group(1)).get_data(as_text=True)
    assert _ticked(page) == {str(world.mine)}
    assert f'name="clients" value="{world.mine}"' in page  # an ordinary box, free to untick
    plain = c.get("/batches/new").get_data(as_text=True)
    assert _ticked(plain) == set()
    other = c.get(f"/batches/new?client={world.theirs}").get_data(as_text=True)
    assert _ticked(other) == set() and f'value="{world.theirs}"' not in other
    filtered = c.get(f"/batches/new?client={world.mine}&q=nobody-has-this-name")
    assert _ticked(filtered.get_data(as_text=True)) == {str(world.mine)}  # kept while filtering
    refused = post(c, "/batches/new", {"clients": [str(world.mine)]})  # no form chosen
    assert refused.status_code == 400 and _ticked(refused.get_data(as_text=True)) == {
        str(world.mine)
    }


def test_an_application_shows_a_batch_fill_of_its_form_and_takes_it_in_one_click(
    world: World, as_user: Any
) -> None:
    """A walk filled the form of an open application from the client's page: the application
    still said no filled version, with no hint one was waiting."""
    import sqlalchemy as sa

    from formfill.profile.provenance import Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from formfill.store.models import Application

    sessions = world.app.extensions["formfill"].sessions
    with session_scope(sessions) as s:
        actor = Actor.system("test")
        client = create_client(s, actor, "REF-WAITING")
        kari = load_profile(REPO / "personas/nb_single_parent.json")
        save_profile(s, actor, client.id, kari, Provenance("typed"))
        store_users.assign(s, actor, world.users["specialist"], client.id)
        cid = client.id
    c = as_user("specialist")
    opened = post(
        c, f"/clients/{cid}/applications", {"programs": ["barnetrygd"], "start": "2026-12-01"}
    )
    assert opened.status_code == 302
    with session_scope(sessions) as s:
        app_id, form_id = s.execute(
            sa.select(Application.id, Application.form_id).where(Application.client_id == cid)
        ).one()
    assert "not on this application yet" not in c.get(f"/applications/{app_id}").get_data(
        as_text=True
    )
    fill = c.get(f"/batches/new?client={cid}").get_data(as_text=True)
    ticked = re.findall(r'name="forms" value="([^"]+)" checked', fill)
    assert ticked == [form_id]  # "Fill forms" comes with the open application's form ticked
    resp = post(
        c, "/batches/launch", {"clients": [str(cid)], "forms": [form_id], "only_ready": "0"}
    )
    assert resp.status_code == 302
    run_jobs(world)
    page = c.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "not on this application yet" in page and "None yet." in page
    action = re.search(r'action="(/batches/\d+/items/\d+/track)"', page)
    assert action is not None
    assert post(c, action.group(1), {"program": "barnetrygd"}).status_code == 302
    page = c.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "not on this application yet" not in page and "latest" in page
    with session_scope(sessions) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.client_id == cid)) == 1  # fmt: skip


def test_readiness_says_what_to_write_by_hand_and_what_to_check_in_the_readers_language(
    world: World, as_user: Any
) -> None:
    """A Norwegian client on the Dutch toeslagen form, single by her profile though a partner
    lives with her: readiness in nb says the income (NOK, the form asks EUR) and the mobile
    number are to be written by hand, and words the profile's warning in Norwegian, naming
    whose value it is; no core English and no profile path on the page."""
    from formfill.profile.provenance import Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile

    profile = load_profile(REPO / "personas" / "nb_single_parent.json")
    partner = profile.household.members[0].model_copy(
        update={"relation": "partner", "given_name": "Ørjan", "birth_date": None}
    )
    profile = profile.model_copy(
        update={
            "person": profile.person.model_copy(update={"marital_status": "single"}),
            "household": profile.household.model_copy(
                update={"members": [partner, *profile.household.members]}
            ),
        }
    )
    actor = Actor.system("test")
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        client = create_client(s, actor, "REF-READY-HAND")
        save_profile(s, actor, client.id, profile, Provenance("typed"))
        store_users.assign(s, actor, world.users["specialist"], client.id)
        cid = client.id
    c = as_user("specialist")
    resp = post(
        c, "/batches/new", {"clients": [str(cid)], "forms": ["toeslag-aanvraag"]},
        headers={"Accept-Language": "nb"},
    )  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "klientens beløp er i NOK, skjemaet spør om EUR" in page
    assert "kan ikke ta «+47 412 00 917»" in page
    assert "Sjekk før signering" in page and "Ørjan" in page and "bor med klienten" in page
    for english in ("lives with the client", "the amount is in", "is not a nl number"):
        assert english not in page, english
    assert "income.yearly_gross" not in page and "person.marital_status" not in page
