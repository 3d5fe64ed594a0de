"""Issue 7 item 9 in the web: the evidence checklist on the application page and the deadline
calendar per specialist (caseload, team, 404s)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_date

from formfill.lifecycle import Deadline, DeadlineKind
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.store import Actor, session_scope
from formfill.store import users as store_users
from formfill.store.applications import create_application
from formfill.store.clients import create_client, save_profile
from formfill.store.deadlines import add_computed, add_manual
from formfill.store.proposals import add_evidence, add_proposal, decide
from tests.web.conftest import REPO, World, post
from web.services import today

ACTOR = Actor.system("test")


def _client(world: World, ref: str, owner: str = "specialist") -> int:
    """A client with the bokmål single parent's profile on ``owner``'s caseload."""
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        client = create_client(s, ACTOR, ref)
        profile = load_profile(REPO / "personas/nb_single_parent.json")
        save_profile(s, ACTOR, client.id, profile, Provenance("typed"))
        store_users.assign(s, ACTOR, world.users[owner], client.id)
        return client.id


def _application(world: World, client_id: int, program: str | None) -> int:
    form = f"program:{program}" if program else "nav-barnetrygd"
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        return create_application(s, ACTOR, client_id, form, program=program).id


def _accepted(world: World, client_id: int, doc_type: str, name: str, days_old: int) -> int:
    """An evidence file of ``doc_type`` uploaded ``days_old`` days ago, one value accepted."""
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        ev = add_evidence(s, ACTOR, client_id, "0" * 64, name, "application/pdf", doc_type, 1)
        ev.uploaded_at = datetime.now(UTC) - timedelta(days=days_old)
        proposal = add_proposal(s, ACTOR, ev.id, "employment.employer", "Acme AS", 1)
        decide(s, ACTOR, proposal.id, "accepted")
        return ev.id


def _row(page: str, item: str) -> str:
    m = re.search(rf'<tr class="([a-z-]+)" data-item="{item}">(.*?)</tr>', page, re.S)
    assert m, f"no checklist row {item}"
    return f"{m.group(1)} {m.group(2)}"


def test_checklist_ticks_accepted_evidence_and_names_what_is_missing(
    world: World, as_user: Any
) -> None:
    """A fresh accepted pay slip ticks dagpenger's pay slip item (file and date shown); the
    termination letter is missing; labels follow the user's language."""
    cid = _client(world, "REF-CHECK-1")
    app_id = _application(world, cid, "dagpenger")
    _accepted(world, cid, "pay_slip", "lonnsslipp-mai.pdf", days_old=10)
    c = as_user("specialist")
    resp = c.get(f"/applications/{app_id}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Evidence checklist" in page
    pay = _row(page, "last_pay")
    day = (datetime.now(UTC) - timedelta(days=10)).date()
    dated = format_date(day, "medium", locale="en_GB")  # as an English reader here writes it
    assert pay.startswith("done") and "lonnsslipp-mai.pdf" in pay and f"dated {dated}" in pay
    assert "Pay slip" in pay and "no older than 3 months" in pay
    term = _row(page, "termination")
    assert term.startswith("missing") and "No accepted evidence of this type." in term
    assert "Letter of dismissal" in term
    nb = c.get(f"/applications/{app_id}", headers={"Accept-Language": "nb"})
    text = nb.get_data(as_text=True)
    assert "Dokumentasjonsliste" in text and "Lønnsslipp" in text and "Oppsigelse" in text
    assert f"datert {format_date(day, 'medium', locale='nb')}" in text


def test_checklist_freshness_old_pay_slip_does_not_tick(world: World, as_user: Any) -> None:
    """A pay slip older than the 3-month rule is named as too old and does not tick; a
    proposal never decided does not count either."""
    cid = _client(world, "REF-CHECK-2")
    app_id = _application(world, cid, "dagpenger")
    _accepted(world, cid, "pay_slip", "lonnsslipp-gammel.pdf", days_old=150)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        ev = add_evidence(s, ACTOR, cid, "1" * 64, "undecided.pdf", "application/pdf", "pay_slip")
        add_proposal(s, ACTOR, ev.id, "employment.employer", "Acme AS", 1)
    page = as_user("specialist").get(f"/applications/{app_id}").get_data(as_text=True)
    pay = _row(page, "last_pay")
    assert pay.startswith("missing")
    assert "lonnsslipp-gammel.pdf" in pay and "is too old" in pay
    assert "undecided.pdf" not in page


def test_checklist_conditional_items_and_no_program(world: World, as_user: Any) -> None:
    """Conditional items that do not apply are shown as not required; an application without
    a program says it has no checklist."""
    cid = _client(world, "REF-CHECK-3")
    bt = _application(world, cid, "barnetrygd")
    none = _application(world, cid, None)
    c = as_user("specialist")
    page = c.get(f"/applications/{bt}").get_data(as_text=True)
    assert _row(page, "shared_residence").startswith("not-required")
    assert "not required for this client" in page
    page = c.get(f"/applications/{none}").get_data(as_text=True)
    assert "has no program" in page


def test_checklist_permissions_and_audit(world: World, as_user: Any) -> None:
    """Another caseload's application is 404 with its checklist; reading records the
    application and the profile read in the audit log."""
    from formfill.store import audit

    cid = _client(world, "REF-CHECK-4")
    app_id = _application(world, cid, "dagpenger")
    assert as_user("specialist2").get(f"/applications/{app_id}").status_code == 404
    assert as_user("admin").get(f"/applications/{app_id}").status_code == 404
    assert as_user("supervisor").get(f"/applications/{app_id}").status_code == 200
    assert as_user("specialist").get(f"/applications/{app_id}").status_code == 200
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        seen = {
            (e.object_type, e.object_id)
            for e in audit.entries(s, limit=50)
            if e.actor_id == world.users["specialist"] and e.action == "read"
        }
    assert ("application", str(app_id)) in seen and ("profile", str(cid)) in seen


def test_calendar_shows_only_the_caseload(world: World, as_user: Any) -> None:
    """The calendar lists the caseload's open deadlines: overdue at the top, then by week,
    each linked to its application and client with its kind and rule; another specialist's
    are absent; a supervisor sees their team's; an admin none; anonymous is sent to sign in."""
    from formfill.programs.catalog import load_catalog

    program = load_catalog(REPO / "programs").get("barnetrygd")
    appeal = next(r for r in program.deadlines if r.rule.kind is DeadlineKind.APPEAL)
    cid = _client(world, "REF-CAL-1")
    app_id = _application(world, cid, "barnetrygd")
    on = today()
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        soon = add_computed(
            s, ACTOR, cid, app_id,
            Deadline(DeadlineKind.APPEAL, on + timedelta(days=10), appeal.rule.describe(), ""),
        ).id  # fmt: skip
        late = add_manual(s, ACTOR, cid, "custom", on - timedelta(days=3), app_id, "Ring NAV").id
        far = add_manual(s, ACTOR, cid, "renewal", on + timedelta(weeks=12), app_id).id
        theirs = add_manual(s, ACTOR, world.theirs, "renewal", on + timedelta(days=5)).id
    c = as_user("specialist")
    resp = c.get("/calendar")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'href="/calendar"' in page  # in the navigation
    overdue = page[page.index('id="overdue"') : page.index('class="card week"')]
    assert f'data-deadline="{late}"' in overdue and "set by hand" in overdue
    assert f'data-deadline="{soon}"' not in overdue
    row = re.search(rf'<tr class="" data-deadline="{soon}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert f'href="/applications/{app_id}"' in row.group(1)
    assert f'href="/clients/{cid}"' in row.group(1)
    assert "appeal" in row.group(1) and appeal.rule.describe() in row.group(1)
    assert str(appeal.text["en"])[:30] in row.group(1).replace("&#39;", "'")
    assert f'data-deadline="{far}"' not in page  # beyond 8 weeks
    assert f'data-deadline="{theirs}"' not in page
    assert page.count('class="card week"') == 9
    other = as_user("specialist2").get("/calendar").get_data(as_text=True)
    assert f'data-deadline="{theirs}"' in other and f'data-deadline="{soon}"' not in other
    sup = as_user("supervisor").get("/calendar").get_data(as_text=True)
    assert f'data-deadline="{soon}"' in sup and f'data-deadline="{theirs}"' not in sup
    admin = as_user("admin").get("/calendar")
    assert admin.status_code == 200 and "data-deadline" not in admin.get_data(as_text=True)
    assert world.app.test_client().get("/calendar").status_code == 302
    nb = c.get("/calendar", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Fristkalender" in nb and "klagefrist" in nb and "Forfalt" in nb


def _advance_to(world: World, app_id: int, *steps: str) -> None:
    from formfill.store.applications import SubmissionDetails, advance

    with session_scope(world.app.extensions["formfill"].sessions) as s:
        for to in steps:
            sent = SubmissionDetails("post", today()) if to == "submitted" else None
            decision = "approved" if to == "decided" else None
            advance(s, ACTOR, app_id, to, today(), decision=decision, submission=sent)


def _offered(page: str) -> list[str]:
    m = re.search(r'<select name="to"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]+)"', m.group(1)) if m else []


def test_the_status_menu_offers_only_the_moves_the_lifecycle_allows(
    world: World, as_user: Any
) -> None:
    """At every status the menu lists exactly lifecycle.allowed_from(status); the channel and
    the decision are asked only where submitted or decided is one of them; a final one says so."""
    from formfill.lifecycle import allowed_from

    cid = _client(world, "REF-MOVES")
    app_id = _application(world, cid, "barnetrygd")
    c = as_user("specialist")
    path = ("ready", "filled", "reviewed", "submitted", "acknowledged", "decided", "closed")
    for status in ("draft", *path):
        if status != "draft":
            _advance_to(world, app_id, status)
        page = c.get(f"/applications/{app_id}").get_data(as_text=True)
        assert _offered(page) == list(allowed_from(status)), status
        assert ('name="channel"' in page) == ("submitted" in allowed_from(status)), status
        assert ('name="decision"' in page) == ("decided" in allowed_from(status)), status
    assert "This application is final." in page


def test_a_refused_move_is_409_and_says_why_in_the_readers_language(
    world: World, as_user: Any
) -> None:
    """A move the lifecycle refuses (a page left open while someone else moved the
    application on) is answered 409 with the statuses by name; nothing changes."""
    cid = _client(world, "REF-REFUSED")
    app_id = _application(world, cid, "barnetrygd")
    _advance_to(world, app_id, "ready", "filled")
    c = as_user("specialist")
    resp = post(c, f"/applications/{app_id}/advance", {"to": "closed"})
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert re.search(r'role="alert"[^>]*>The application is filled and cannot move to closed\. '
                     r"From "
                     r"filled it can move to: reviewed, ready, withdrawn\. Nothing was saved\.",
                     page)  # fmt: skip
    assert '<span class="badge">filled</span>' in page  # unchanged
    nb = post(c, f"/applications/{app_id}/advance", {"to": "closed"},
              headers={"Accept-Language": "nb"})  # fmt: skip
    assert nb.status_code == 409
    assert "Søknaden har status «utfylt» og kan ikke få status «avsluttet»" in nb.get_data(
        as_text=True
    )
    resp = post(c, f"/applications/{app_id}/advance", {"to": "bogus"})
    assert resp.status_code == 409
    assert "Choose the status the application moves to." in resp.get_data(as_text=True)
    _advance_to(world, app_id, "reviewed")
    resp = post(c, f"/applications/{app_id}/advance", {"to": "submitted"})
    assert resp.status_code == 400
    assert "choose the channel it was sent by" in resp.get_data(as_text=True)
    _advance_to(world, app_id, "withdrawn")
    resp = post(c, f"/applications/{app_id}/advance", {"to": "draft"})
    assert resp.status_code == 409
    assert "The application is withdrawn, which is final" in resp.get_data(as_text=True)


def test_the_application_page_names_the_program_never_its_id(world: World, as_user: Any) -> None:
    """The header says the program's name in the reader's language; an application of a
    program without a form of ours is headed by that name, not "program:<id>"."""
    cid = _client(world, "REF-NAMES")
    with_form = _application(world, cid, None)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        create = create_application(s, ACTOR, cid, "nav-barnetrygd", program="utvidet-barnetrygd")
        with_program = create.id
    only_program = _application(world, cid, "kinderbijslag")
    c = as_user("specialist")
    page = c.get(f"/applications/{with_program}").get_data(as_text=True)
    head = page.split("<h1>", 1)[1].split('<div class="grid two">', 1)[0]
    assert "utvidet-barnetrygd" not in head and "Extended child benefit" in head
    nb = c.get(f"/applications/{with_program}", headers={"Accept-Language": "nb"})
    assert "Utvidet barnetrygd" in nb.get_data(as_text=True).split('<div class="grid two">')[0]
    page = c.get(f"/applications/{only_program}").get_data(as_text=True)
    head = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert head.startswith("Child benefit <span") and "program:" not in head  # named once
    assert str(only_program) not in head  # a person reads the program, not an id
    nb = c.get(f"/applications/{only_program}", headers={"Accept-Language": "nb"})
    head = nb.get_data(as_text=True).split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "Barnetrygd (kinderbijslag, Nederland)" in head
    page = c.get(f"/applications/{with_form}").get_data(as_text=True)
    assert "Søknad om barnetrygd" in page.split("</h1>", 1)[0]  # a form's own title


def test_a_step_dated_after_today_or_before_the_submission_is_refused(
    world: World, as_user: Any
) -> None:
    """Deadlines count from a step's date: a submission dated next month would put the
    expected decision a month late. A step after today, or an acknowledgement dated before
    the submission, is 400 with both dates named; nothing changes. Today's is taken."""
    from datetime import timedelta

    cid = _client(world, "REF-DATED")
    app_id = _application(world, cid, "barnetrygd")
    _advance_to(world, app_id, "ready", "filled", "reviewed")
    c = as_user("specialist")
    later = (today() + timedelta(days=37)).isoformat()
    resp = post(c, f"/applications/{app_id}/advance",
                {"to": "submitted", "channel": "post", "date": later})  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "is after today" in page, page[:400]
    assert '<span class="badge">reviewed</span>' in page
    sent = (today() - timedelta(days=3)).isoformat()
    ok = post(c, f"/applications/{app_id}/advance",
              {"to": "submitted", "channel": "post", "date": sent})  # fmt: skip
    assert ok.status_code == 302
    early = (today() - timedelta(days=10)).isoformat()
    resp = post(c, f"/applications/{app_id}/advance", {"to": "acknowledged", "date": early},
                headers={"Accept-Language": "nb"})  # fmt: skip
    assert resp.status_code == 400 and "før søknaden ble sendt inn" in resp.get_data(as_text=True)
    headers = {"X-CSRFToken": c.get("/api/v1/csrf").get_json()["csrf_token"]}
    api = c.post(f"/api/v1/applications/{app_id}/advance",
                 json={"to": "acknowledged", "date": later}, headers=headers)  # fmt: skip
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "invalid_date", api.data
    assert post(c, f"/applications/{app_id}/advance", {"to": "acknowledged"}).status_code == 302


def test_a_step_back_is_offered_apart_and_says_it_is_one(world: World, as_user: Any) -> None:
    """Walk 7 major 1: after 'filled' the menu offered 'Ready', which reads as 'ready to send'
    but moves the application back (to be filled again). Next steps come first; a step back is
    in its own group, worded as one, with a line saying what it means; withdrawing apart."""
    cid = _client(world, "REF-BACK")
    app_id = _application(world, cid, "barnetrygd")
    _advance_to(world, app_id, "ready", "filled")
    c = as_user("specialist")
    page = c.get(f"/applications/{app_id}").get_data(as_text=True)
    menu = re.search(r'<select name="to"[^>]*>(.*?)</select>', page, re.S)
    assert menu
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', menu.group(1), re.S)
    assert [g for g, _o in groups] == ["Next step", "A step back", "Stop"]
    assert re.findall(r'value="([^"]+)"', groups[0][1]) == ["reviewed"]
    assert re.findall(r'value="ready"[^>]*>([^<]+)<', groups[1][1]) == ["Back to: ready"]
    assert "A step back undoes the last step, for example to fill the form again" in page
    nb = c.get(f"/applications/{app_id}", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Tilbake til: klar" in nb and 'label="Et steg tilbake"' in nb
    _advance_to(world, app_id, "reviewed", "submitted")
    page = c.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "A step back" not in page  # nothing goes back from submitted


def test_a_failed_submit_keeps_the_receipt_and_marks_the_field(world: World, as_user: Any) -> None:
    """Walk 7 major 2: a submit without a channel dropped the receipt chosen with it, and a
    caseworker who then picked a channel recorded a submission without its receipt. The error
    is now at the channel (aria-invalid, described by it), the receipt is kept for the next try
    (signed, for this application and user), and the next try submits it."""
    import io

    from formfill import artifacts
    from formfill.store.models import Application

    receipt = (REPO / "sample_forms" / "nav" / "nav-yrkesskade.pdf").read_bytes()
    cid = _client(world, "REF-KEPT")
    app_id = _application(world, cid, "barnetrygd")
    other = _application(world, cid, "kontantstotte")
    _advance_to(world, app_id, "ready", "filled", "reviewed")
    _advance_to(world, other, "ready", "filled", "reviewed")
    c = as_user("specialist")
    first = {"to": "submitted", "reference": "NAV-123",
             "receipt": (io.BytesIO(receipt), "kvittering-nav.pdf")}  # fmt: skip
    resp = post(c, f"/applications/{app_id}/advance", first, content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    marked = '<select name="channel" aria-invalid="true" aria-describedby="advance-error">'
    assert marked in page
    assert re.search(r'<span class="error" id="advance-error">To mark the application submitted,'
                     r" choose the channel it was sent by\.</span>", page)  # fmt: skip
    assert "Receipt kept from your last try: kvittering-nav.pdf" in page
    token = re.search(r'name="receipt_kept" value="([^"]+)"', page)
    assert token
    # the token is this application's only: on another one it is ignored
    stolen = {"to": "submitted", "channel": "post", "receipt_kept": token.group(1)}
    assert post(c, f"/applications/{other}/advance", stolen).status_code == 302
    again = {"to": "submitted", "channel": "email", "reference": "NAV-123",
             "receipt_kept": token.group(1)}  # fmt: skip
    assert post(c, f"/applications/{app_id}/advance", again).status_code == 302
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        mine = s.get(Application, app_id)
        theirs = s.get(Application, other)
        assert mine is not None and theirs is not None
        assert mine.submission is not None and mine.submission.channel == "email"
        assert mine.submission.receipt_artifact
        assert artifacts.read(world.settings, mine.submission.receipt_artifact) == receipt
        assert theirs.submission is not None and theirs.submission.receipt_artifact is None
    assert c.get(f"/applications/{app_id}/receipt").data == receipt


def test_a_kept_receipt_is_refused_from_another_user(world: World, as_user: Any) -> None:
    """The kept receipt's note names the user who uploaded it: a supervisor of the team who
    posts it gets a submission without that receipt."""
    import io

    from formfill.store.models import Application

    receipt = (REPO / "sample_forms" / "nav" / "nav-yrkesskade.pdf").read_bytes()
    cid = _client(world, "REF-KEPT2")
    app_id = _application(world, cid, "barnetrygd")
    _advance_to(world, app_id, "ready", "filled", "reviewed")
    first = {"to": "submitted", "receipt": (io.BytesIO(receipt), "r.pdf")}
    page = post(as_user("specialist"), f"/applications/{app_id}/advance", first,
                content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    token = re.search(r'name="receipt_kept" value="([^"]+)"', page)
    assert token
    sup = as_user("supervisor")
    body = {"to": "submitted", "channel": "post", "receipt_kept": token.group(1)}
    assert post(sup, f"/applications/{app_id}/advance", body).status_code == 302
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        app = s.get(Application, app_id)
        assert app is not None and app.submission is not None
        assert app.submission.receipt_artifact is None
