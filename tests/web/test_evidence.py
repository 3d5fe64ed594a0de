"""The evidence blueprint: uploads, reading through the queue, review and acceptance."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import World, post, run_jobs

REPO = Path(__file__).resolve().parents[2]


def test_upload_wrong_type_and_too_large(world: World, as_user: Any) -> None:
    """A file that is not a PDF or image (by content) is refused with its name; an upload past
    the request limit is 413 with a page message."""
    c = as_user("specialist")
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": (io.BytesIO(b"MZ not a scan"), "scan.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "scan.pdf" in resp.get_data(as_text=True)
    # a small limit for this request: a body over 500 KB makes Werkzeug's test client spool
    # it to a temporary file that it never closes (a ResourceWarning in the test, not the app)
    limit = world.app.config["MAX_CONTENT_LENGTH"]
    world.app.config["MAX_CONTENT_LENGTH"] = 100_000
    try:
        big = io.BytesIO(b"%PDF-" + b"0" * 100_010)
        resp = post(
            c,
            f"/clients/{world.mine}/evidence",
            {"files": (big, "big.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        world.app.config["MAX_CONTENT_LENGTH"] = limit
    assert resp.status_code == 413
    assert "larger than" in resp.get_data(as_text=True)


@pytest.mark.ocr
# werkzeug's test client spools a large request body to a temporary file it leaves to the GC
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_upload_read_accept(world: World, as_user: Any) -> None:
    """A scanned pay slip is queued, read by a worker into proposals with boxes, and
    accepting one writes a profile version whose value comes from the evidence."""
    from tests.data.evidence.build import SAMPLES, variant_bytes

    sample = next(s for s in SAMPLES if s.id == "nb_pay_slip")
    name, data = variant_bytes(sample, "clean")
    c = as_user("specialist")
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    ev_id = int(re.findall(r"/evidence/(\d+)/status", page)[-1])
    assert c.get(f"/evidence/{ev_id}/status").get_json()["status"] == "queued"
    run_jobs(world)
    state = c.get(f"/evidence/{ev_id}/status").get_json()
    assert state["status"] == "done" and state["proposals"]["proposed"] > 0
    review = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert "<rect" in review
    assert c.get(f"/evidence/{ev_id}/page/1.png").data.startswith(b"\x89PNG")
    pid = int(re.findall(r'id="p(\d+)"', review)[0])
    # the sample slip names Kari Nordmann, not this client: accepting asks to confirm whose
    asks = 'name="owner_checked"' in _article(review, pid)
    resp = post(
        c, f"/proposals/{pid}", {"action": "accept"} | ({"owner_checked": "1"} if asks else {})
    )
    assert resp.status_code == 302
    data = c.get(f"/api/v1/clients/{world.mine}").get_json()
    assert any(p.get("source") == "evidence" for p in data["provenance"].values())
    assert as_user("specialist2").get(f"/evidence/{ev_id}").status_code == 404


def _upload_text_pdf(world: World, c: Any, sample_id: str = "nl_pay_slip") -> int:
    """Upload one of our pay slips as a PDF with a text layer (read without OCR): its id."""
    from tests.data.evidence.build import SAMPLES, render_pdf

    sample = next(s for s in SAMPLES if s.id == sample_id)
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": [(io.BytesIO(render_pdf(sample)), f"{sample_id}.pdf")]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    return int(re.findall(r"/evidence/(\d+)/status", page)[-1])


def _evidence_row(world: World, evidence_id: int) -> tuple[str, str | None, int]:
    from formfill.store import session_scope
    from formfill.store.models import EvidenceFile

    with session_scope(world.app.extensions["formfill"].sessions) as s:
        row = s.get(EvidenceFile, evidence_id)
        assert row is not None
        return row.status, row.job_id, row.attempts


def test_evidence_read_the_queue_lost_is_queued_again(world: World, as_user: Any) -> None:
    """A file whose reading job Redis lost (a restart without its data, a killed worker) is
    found by the workers' reconciliation, queued again under a new job and read; one whose
    reading stopped its worker three times is failed with the reason instead."""
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from formfill.store import session_scope
    from formfill.store.models import EvidenceFile
    from worker.queue import connect, reconcile

    c = as_user("specialist")
    lost_id = _upload_text_pdf(world, c)
    crashing_id = _upload_text_pdf(world, c, "nb_pay_slip")
    conn = connect(world.settings)
    status, job_id, _ = _evidence_row(world, lost_id)
    assert status == "queued" and job_id
    Job.fetch(job_id, connection=conn, serializer=JSONSerializer).delete()  # Redis lost it
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        crashing = s.get(EvidenceFile, crashing_id)
        assert crashing is not None and crashing.job_id
        Job.fetch(crashing.job_id, connection=conn, serializer=JSONSerializer).delete()
        crashing.status, crashing.attempts = "running", 3  # its worker died reading it
    reconcile(world.settings, conn)
    status, new_job, _ = _evidence_row(world, lost_id)
    assert status == "queued" and new_job and new_job != job_id
    run_jobs(world)
    status, _, attempts = _evidence_row(world, lost_id)
    assert (status, attempts) == ("done", 1)
    state = c.get(f"/evidence/{crashing_id}/status").get_json()
    assert state["status"] == "failed" and "stopped while reading" in state["error"]


def test_a_failed_read_is_read_again_on_request(world: World, as_user: Any) -> None:
    """A file whose reading failed (the queue was down) offers 'Read again'; it is queued,
    read, and the request is in the audit trail. A file not failed cannot be re-queued (409)."""
    from formfill.cases import intake as evidence_intake
    from formfill.store import session_scope
    from formfill.store.audit import entries

    c = as_user("specialist")
    ev_id = _upload_text_pdf(world, c)
    sessions = world.app.extensions["formfill"].sessions
    evidence_intake.fail(sessions, ev_id, "the queue is unreachable: test")
    review = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert f"/evidence/{ev_id}/retry" in review and "the queue is unreachable" in review
    resp = post(c, f"/evidence/{ev_id}/retry")
    assert resp.status_code == 302
    assert c.get(f"/evidence/{ev_id}/status").get_json()["status"] == "queued"
    run_jobs(world)
    state = c.get(f"/evidence/{ev_id}/status").get_json()
    assert state["status"] == "done" and state["proposals"]["proposed"] > 0
    with session_scope(sessions) as s:
        assert any(e.action == "update" for e in entries(s, "evidence", ev_id))
    again = post(c, f"/evidence/{ev_id}/retry")
    assert again.status_code == 409 and "Traceback" not in again.get_data(as_text=True)
    assert post(as_user("specialist2"), f"/evidence/{ev_id}/retry").status_code == 404


# -- review: the current value beside the proposal, doubts, and each decision -----------------

TUVA = REPO / "personas/nb_single_parent.json"
MARET = "household.members[1].given_name"  # "Máret Čiekčá" in the persona
AMOUNT = "income.sources[0].amount"  # "38450.00"
FNR = "identifiers.no_fnr"  # "14038841239": read the same


def seed_review(world: World, reference: str) -> tuple[int, int, dict[str, int]]:
    """A client of specialist's (Tuva), one read pay slip (a text PDF) and three proposals:
    the amount read as 39872.00 (the profile has 38450.00), the child's name with doubtful
    letters at 0.89, and her fødselsnummer read as it is. (client id, evidence id, proposal
    ids by path)."""
    from formfill.cases import intake as evidence_intake
    from formfill.profile.provenance import Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from formfill.store.proposals import add_proposal
    from tests.data.evidence.build import SAMPLES, render_pdf

    sample = next(s for s in SAMPLES if s.id == "nb_pay_slip")
    actor = Actor.system("test")
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        client = create_client(s, actor, reference)
        save_profile(s, actor, client.id, load_profile(TUVA), Provenance("typed"))
        store_users.assign(s, actor, world.users["specialist"], client.id)
        ev = evidence_intake.upload(
            world.settings, s, actor, client.id, "lonnsslipp-mars.pdf", render_pdf(sample)
        )
        ev.status = "done"
        s.flush()
        ids = {
            path: add_proposal(s, actor, ev.id, path, value, 1, box, conf).id
            for path, value, box, conf in (
                (AMOUNT, "39872.00", (0.38, 0.355, 0.48, 0.375), 0.99),
                (MARET, "Måret Ciekéá", (0.38, 0.205, 0.52, 0.225), 0.89),
                (FNR, "14038841239", (0.38, 0.23, 0.52, 0.25), 0.99),
            )
        }
        return client.id, ev.id, ids


def _profile_value(c: Any, client_id: int, path: str) -> Any:
    from formfill.profile.paths import parse_path

    data = c.get(f"/api/v1/clients/{client_id}").get_json()["profile"]
    for step in parse_path(path):
        data = data[step.name]
        if step.index is not None:
            data = data[step.index]
    return data


def _article(page: str, pid: int) -> str:
    m = re.search(rf'<article class="proposal[^"]*" id="p{pid}".*?</article>', page, re.S)
    assert m, f"no proposal {pid} on the page"
    return m.group(0)


def test_review_shows_current_value_source_and_doubts(world: World, as_user: Any) -> None:
    """Each proposal shows the profile's value now, the value read and its source (file,
    page, a link to the box); one that replaces a different value says so on its button; a
    doubtful one names the doubt and its accept button is not the preselected (primary) one."""
    from formfill.store import Actor, session_scope
    from formfill.store.proposals import add_proposal

    _, ev_id, ids = seed_review(world, "REF-REVIEW-1")
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        # implied by the document type: no box, no words, so no doubt about letters
        kind = add_proposal(s, Actor.system("test"), ev_id, "employment.status", "employed",
                            None, None, 0.9).id  # fmt: skip
        # a currency the document never names, guessed from its language
        guess = add_proposal(s, Actor.system("test"), ev_id, "income.sources[0].currency",
                             "NOK", None, None, 0.5, basis="assumed").id  # fmt: skip
    c = as_user("specialist")
    page = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    amount = _article(page, ids[AMOUNT])
    assert "38,450.00" in amount and "39,872.00" in amount  # as the reader's locale writes them
    assert "lonnsslipp-mars.pdf" in amount and f"proposal={ids[AMOUNT]}#p{ids[AMOUNT]}" in amount
    assert "Accept (replaces 38,450.00)" in amount
    maret = _article(page, ids[MARET])
    assert "doubtful" in maret.split(">")[0]
    assert "Letters differ from the profile's spelling: Máret vs Måret" in maret
    assert "89% certain, below 95%" in maret  # a share, as the reader's locale writes one
    assert 'class="primary" data-action="accept"' not in maret
    fnr = _article(page, ids[FNR])
    assert 'class="primary" data-action="accept"' in fnr and "replaces" not in fnr
    assert "doubtful" not in fnr.split(">")[0]
    implied = _article(page, kind)
    assert "doubtful" not in implied.split(">")[0] and "unsure" not in implied
    assert "implied by the type of document" in implied and "certain" not in implied
    assumed = _article(page, guess)
    assert "doubtful" in assumed.split(">")[0]  # a guess is never offered as the default
    assert "assumed from the document's language" in assumed
    assert "The document does not say this" in assumed
    assert 'class="primary" data-action="accept"' not in assumed
    page = c.get(f"/evidence/{ev_id}", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Godta (erstatter 38\xa0450,00)" in page and "Bokstavene skiller seg fra" in page
    assert "89\xa0% sikker, under 95\xa0%" in page  # shares as Norwegians write them


def test_a_document_naming_someone_else_warns_on_every_value_it_gave(
    world: World, as_user: Any
) -> None:
    """A pay slip that gives another person's fødselsnummer: the page says at the top that it
    may be another person's document, and every value read from it (the amount, the
    employer, the account) carries the warning and is not the preselected accept, not only
    the identity fields; the CLI's and the API's doubts say the same."""
    from formfill.store import session_scope
    from formfill.store.models import EvidenceProposal

    client_id, ev_id, ids, (employer,) = _review_with(
        world, "REF-REVIEW-WHOSE", ("employment.employer", "Fjordkraft Testbedrift AS")
    )
    account = ids[FNR]
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        s.get(EvidenceProposal, account).value = "01017012345"  # not the client's number
    _, other_ev, _ = seed_review(world, "REF-REVIEW-MINE")  # the client's own slip: no banner
    c = as_user("specialist")
    page = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert 'id="whose"' in page and "01017012345" in page.split('id="whose"')[1][:600]
    for pid in (ids[AMOUNT], employer):
        card = _article(page, pid)
        assert "may be another person" in card and "doubtful" in card.split(">")[0]
        assert 'class="primary" data-action="accept"' not in card
    # the number itself says it gives a number, not that it "names" one
    wrong = _article(page, account)
    assert "gives the number 01017012345" in wrong
    assert 'id="whose"' not in c.get(f"/evidence/{other_ev}").get_data(as_text=True)
    nb = c.get(f"/evidence/{ev_id}", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Dette kan være en annen persons dokument" in nb
    api = c.get(f"/api/v1/clients/{client_id}/proposals").get_json()["items"]
    flagged = {p["id"] for p in api if any("another person" in d for d in p["doubts"])}
    assert {ids[AMOUNT], employer} <= flagged
    # one click does not put her salary into the client's profile: accepting asks first
    card = _article(page, ids[AMOUNT])
    assert 'name="owner_checked" value="1" required' in card
    refused = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "accept"})
    assert refused.status_code == 400 and "checked the document is the client" in (
        refused.get_data(as_text=True)
    )
    assert _profile_value(c, client_id, AMOUNT) == "38450.00"
    headers = {"X-CSRFToken": c.get("/api/v1/csrf").get_json()["csrf_token"]}
    api_accept = c.post(f"/api/v1/proposals/{employer}/accept", json={}, headers=headers)
    assert api_accept.status_code == 400 and "owner_checked" in api_accept.get_data(as_text=True)
    # not the client's: every value still to decide rejected in one step, with the reason
    assert 'action="/evidence/' in page and "reject all its values" in page
    # a value taken in before stays, and the step says which, by name
    taken = post(c, f"/proposals/{employer}", {"action": "accept", "owner_checked": "1"})
    assert taken.status_code == 302
    done = post(c, f"/evidence/{ev_id}/reject-all", follow_redirects=True)
    said = done.get_data(as_text=True)
    assert "Already taken into the profile from this document" in said
    assert "Employer" in said.split("Already taken into the profile")[1][:200], said
    states = {p["id"]: p["state"] for p in c.get(
        f"/api/v1/clients/{client_id}/proposals").get_json()["items"]}  # fmt: skip
    assert states.pop(employer) == "accepted"
    assert set(states.values()) == {"rejected"} and len(states) == len(ids)
    assert _profile_value(c, client_id, AMOUNT) == "38450.00"


def test_an_account_in_another_persons_name_flags_the_document(world: World, as_user: Any) -> None:
    """A bank statement whose account holder is someone else (Kari's statement on Tuva's
    profile) warns like a pay slip naming someone else: her account number is not preselected
    and needs the owner check. The client's own name, family name first in capitals, is hers."""
    from formfill.profile.validation import load_profile

    person = load_profile(TUVA).person
    _, ev_id, _ids, (holder,) = _review_with(
        world, "REF-REVIEW-HOLDER", ("bank.account_holder", "Kari Nordmann")
    )
    c = as_user("specialist")
    page = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert 'id="whose"' in page and "Kari Nordmann" in page.split('id="whose"')[1][:600]
    assert 'name="owner_checked" value="1" required' in _article(page, holder)
    own = f"{person.family_name} {person.given_name}".upper()
    _, mine, _ids, _ = _review_with(world, "REF-REVIEW-HOLDER-OWN", ("bank.account_holder", own))
    assert 'id="whose"' not in c.get(f"/evidence/{mine}").get_data(as_text=True)


def test_the_clients_own_number_keeps_a_misread_name_from_flagging_the_document(
    world: World, as_user: Any
) -> None:
    """Her own pay slip, her fødselsnummer read right and her name misread by OCR
    ("Tuvå"): a doubt about the name's letters, no "another person's document"
    banner and no warning on the other values."""
    _, ev_id, ids, (name,) = _review_with(world, "REF-REVIEW-OWN", ("person.given_name", "Tuvå"))
    page = as_user("specialist").get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert 'id="whose"' not in page and "may be another person" not in page
    assert 'name="owner_checked"' not in _article(page, ids[AMOUNT])
    assert "doubtful" in _article(page, name).split(">")[0]  # the name is still looked at


def test_the_client_page_counts_what_is_left_to_decide(world: World, as_user: Any) -> None:
    """A file read to the end is not "done" for the specialist while proposals wait."""
    client_id, _ev, ids = seed_review(world, "REF-REVIEW-COUNT")
    c = as_user("specialist")
    page = c.get(f"/clients/{client_id}").get_data(as_text=True)
    assert f"{len(ids)} to decide" in page
    for pid in ids.values():
        post(c, f"/proposals/{pid}", {"action": "reject"})
    assert "all decided" in c.get(f"/clients/{client_id}").get_data(as_text=True)


def _review_with(
    world: World, ref: str, *proposals: tuple[str, str]
) -> tuple[int, int, dict[str, int], list[int]]:
    """The seeded review plus more proposals read from page 1: their ids, in order."""
    from formfill.store import Actor, session_scope
    from formfill.store.proposals import add_proposal

    client_id, ev_id, ids = seed_review(world, ref)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        actor = Actor.system("test")
        extra = [add_proposal(s, actor, ev_id, path, value, 1).id for path, value in proposals]
    return client_id, ev_id, ids, extra


def test_review_names_coded_values_in_the_readers_language(world: World, as_user: Any) -> None:
    """A coded value (an income's period, an employment status) is shown by its name in the
    reader's language, both as the profile holds it and as read; the form still sends the
    stored code as the value seen, so deciding compares codes."""
    _, ev_id, _ids, (period, status) = _review_with(
        world, "REF-REVIEW-CODES",
        ("income.sources[0].period", "month"), ("employment.status", "employed"),
    )  # fmt: skip
    c = as_user("specialist")
    page = c.get(f"/evidence/{ev_id}", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    monthly = _article(page, period)
    assert '<dd class="current">Måned</dd>' in monthly, monthly
    assert '<dd class="value">Måned</dd>' in monthly
    assert 'name="seen" value="month"' in monthly
    assert '<dd class="value">Ansatt</dd>' in _article(page, status)


def test_accept_correct_reject_do_what_they_say(world: World, as_user: Any) -> None:
    """Accept writes the proposed value and the flash names the value it replaced; correct
    writes the typed value, not the proposed one; reject leaves the profile as it was."""
    client_id, ev_id, ids = seed_review(world, "REF-REVIEW-2")
    c = as_user("specialist")
    resp = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "accept", "seen": "38450.00"})
    assert resp.status_code == 302
    assert _profile_value(c, client_id, AMOUNT) == "39872.00"
    flashed = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "it replaced 38,450.00" in flashed
    resp = post(
        c, f"/proposals/{ids[MARET]}", {"action": "correct", "value": " Máret Čiekčá ",
                                       "seen": "Máret Čiekčá"},
    )  # fmt: skip
    assert resp.status_code == 302
    assert _profile_value(c, client_id, MARET) == "Máret Čiekčá"
    status = c.get(f"/evidence/{ev_id}/status").get_json()["proposals"]
    assert status == {"accepted": 1, "corrected": 1, "proposed": 1}
    before = c.get(f"/api/v1/clients/{client_id}").get_json()["profile"]
    resp = post(c, f"/proposals/{ids[FNR]}", {"action": "reject", "seen": "14038841239"})
    assert resp.status_code == 302
    assert c.get(f"/api/v1/clients/{client_id}").get_json()["profile"] == before
    assert c.get(f"/evidence/{ev_id}/status").get_json()["proposals"]["rejected"] == 1


def test_a_failed_correction_keeps_what_was_typed(world: World, as_user: Any) -> None:
    """A correction that is no amount is 400 with the reason beside the proposal and the
    typed text still in the field; an empty one says to type it; nothing is saved."""
    client_id, ev_id, ids = seed_review(world, "REF-REVIEW-3")
    c = as_user("specialist")
    resp = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "correct", "value": "38 5OO kr"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    article = _article(page, ids[AMOUNT])
    assert 'value="38 5OO kr"' in article and "Not saved: Income source 1: Amount" in article
    assert "write it like 42,500.00" in article  # the format wanted, in the reader's locale
    assert "Traceback" not in page
    resp = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "correct", "value": "  "})
    assert resp.status_code == 400 and "type the corrected value" in resp.get_data(as_text=True)
    assert _profile_value(c, client_id, AMOUNT) == "38450.00"
    assert c.get(f"/evidence/{ev_id}/status").get_json()["proposals"] == {"proposed": 3}
    resp = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "approve"})
    assert resp.status_code == 400 and "Choose accept, correct or reject" in resp.get_data(
        as_text=True
    )


def test_a_correction_is_read_as_the_client_form_reads_the_field(
    world: World, as_user: Any
) -> None:
    """In nb an amount is corrected the Norwegian way (38 500,00) and stored as 38500.00; the
    field offers the proposal as a Norwegian writes it. A coded value (an income's period) and
    a country are corrected by picking a name from a list, never by typing a code."""
    client_id, ev_id, ids, (period, land) = _review_with(
        world, "REF-REVIEW-LOCALE",
        ("income.sources[0].period", "year"), ("income.sources[0].payer_country", "SE"),
    )  # fmt: skip
    c = as_user("specialist")
    nb = {"Accept-Language": "nb"}
    page = c.get(f"/evidence/{ev_id}", headers=nb).get_data(as_text=True)
    assert 'name="value" value="39\xa0872,00"' in _article(page, ids[AMOUNT])
    periods = _article(page, period)
    assert '<select name="value" required>' in periods
    assert '<option value="year" selected>År</option>' in periods, periods
    assert '<option value="month">Måned</option>' in periods
    countries = _article(page, land)
    assert '<option value="SE" selected>Sverige</option>' in countries
    resp = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "correct", "value": "38 500,00",
                                                 "seen": "38450.00"}, headers=nb)  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    assert _profile_value(c, client_id, AMOUNT) == "38500.00"
    resp = post(c, f"/proposals/{period}", {"action": "correct", "value": "month"}, headers=nb)
    assert resp.status_code == 302
    assert _profile_value(c, client_id, "income.sources[0].period") == "month"
    resp = post(c, f"/proposals/{land}", {"action": "correct", "value": "yearly"}, headers=nb)
    assert resp.status_code == 400
    assert "«yearly» er ikke et land vi kjenner" in resp.get_data(as_text=True)
    assert _profile_value(c, client_id, "income.sources[0].payer_country") != "yearly"


def test_accept_refuses_when_the_profile_changed_since_shown(world: World, as_user: Any) -> None:
    """Someone typed another amount after the page was shown: accepting is 409, says what the
    value is now, and replaces nothing; a decided proposal cannot be decided again (409)."""
    client_id, _, ids = seed_review(world, "REF-REVIEW-4")
    c = as_user("specialist")
    resp = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "accept", "seen": "38500.00"})
    assert resp.status_code == 409
    said = resp.get_data(as_text=True)
    assert "Income source 1: Amount changed since the page was shown: it is now 38,450.00" in said
    nb = post(c, f"/proposals/{ids[AMOUNT]}", {"action": "accept", "seen": "38500.00"},
              headers={"Accept-Language": "nb"})  # fmt: skip
    assert nb.status_code == 409
    assert "Beløp er endret siden siden ble vist: nå står det 38\xa0450,00" in nb.get_data(
        as_text=True
    )  # the field's name and the amount as Norwegian writes them, not income.sources[0].amount
    assert _profile_value(c, client_id, AMOUNT) == "38450.00"
    assert post(c, f"/proposals/{ids[FNR]}", {"action": "accept"}).status_code == 302
    again = post(c, f"/proposals/{ids[FNR]}", {"action": "reject"})
    assert again.status_code == 409 and "already accepted" in again.get_data(as_text=True)
    assert (
        post(as_user("specialist2"), f"/proposals/{ids[AMOUNT]}", {"action": "reject"}).status_code
        == 404
    )


def test_client_page_links_each_evidence_value_to_its_page(world: World, as_user: Any) -> None:
    """After accepting, the profile card names the file and page, and the value links to the
    review page at that page with its box picked out."""
    client_id, ev_id, ids = seed_review(world, "REF-REVIEW-5")
    c = as_user("specialist")
    post(c, f"/proposals/{ids[AMOUNT]}", {"action": "accept"})
    page = c.get(f"/clients/{client_id}").get_data(as_text=True)
    href = f"/evidence/{ev_id}?proposal={ids[AMOUNT]}#page-1"
    assert f'<a href="{href}">39,872.00</a>' in page
    assert "from evidence lonnsslipp-mars.pdf, p. 1" in page
    review = c.get(href.split("#")[0]).get_data(as_text=True)
    assert f'id="box-{ids[AMOUNT]}" class="box accepted active"' in review


def test_a_pay_slip_naming_the_middle_name_proposes_it_apart(world: World, as_user: Any) -> None:
    """Walk 7: 'Ansatt: Máret Čiekčá Ålund' proposed the given name 'Máret Čiekčá'; accepted,
    forms printed the middle name twice. The client here is Tuva Ødegård Sæther (middle name
    Ødegård): her pay slip proposes the given name Tuva and the middle name Ødegård, each
    equal to the profile's (nothing to change), and no proposal writes two names into one."""
    import sqlalchemy as sa

    from formfill.store import session_scope
    from formfill.store.models import EvidenceProposal
    from tests.data.evidence.build import SAMPLES, Sample, render_pdf

    base = next(s for s in SAMPLES if s.id == "nb_pay_slip")
    rows = tuple(("Ansatt:", "Tuva Ødegård Sæther") if r[0] == "Ansatt:" else r for r in base.rows)
    slip = Sample("nb_pay_slip_middle", "nb", "pay_slip", base.header, rows, {})
    c = as_user("specialist")
    files = {"files": [(io.BytesIO(render_pdf(slip)), "lonnsslipp.pdf")]}
    resp = post(c, f"/clients/{world.mine}/evidence", files, content_type="multipart/form-data")
    assert resp.status_code == 302
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    ev_id = int(re.findall(r"/evidence/(\d+)/status", page)[-1])
    run_jobs(world)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        got = {
            p.path: p.value
            for p in s.scalars(
                sa.select(EvidenceProposal).where(EvidenceProposal.evidence_id == ev_id)
            )
        }
    assert got["person.given_name"] == "Tuva"
    assert got["person.middle_name"] == "Ødegård"
    assert got["person.family_name"] == "Sæther"
