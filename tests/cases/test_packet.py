"""A client's packet holds every document of the batch in order (Word documents converted by
LibreOffice), and its cover lists exactly that: each document by title with its pages, and what
is still missing, with why. A document that cannot be converted is a named missing item."""

from __future__ import annotations

import io
import itertools
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from formfill import artifacts
from formfill.cases import batch as fbatch
from formfill.cases.packet import build_packet
from formfill.docx.convert import ConvertLimits, docx_to_pdf
from formfill.errors import ConversionError
from formfill.fill import FormCatalogue
from formfill.profile.model import Profile
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.store import batches as store_batches
from formfill.store import clients, session_scope
from tests.store.conftest import SYSTEM, Store

REPO = Path(__file__).resolve().parents[2]
ON = date(2026, 1, 5)
PDF_FORM = "nav-yrkesskade"
WORD = "agency-cover-letter-nb"
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="needs LibreOffice (soffice); scripts/bootstrap.sh installs libreoffice-writer-nogui",
)


def _client(store: Store, persona: str = "nb_single_parent", *, tenure: bool = True) -> int:
    profile = load_profile(REPO / "personas" / f"{persona}.json")
    if not tenure:  # the housing tenure is not known: the bostøtte Boform says Leier unasked
        profile = profile.model_copy(update={"housing": type(profile.housing)()})
    return _saved(store, profile, Provenance("imported", imported_from="t"))


def _persona(persona: str = "nb_single_parent", **changes: dict[str, Any]) -> Profile:
    """The persona with some fields of its sections changed (``person={"citizenship": "SE"}``);
    a section given ``{}`` is emptied."""
    profile = load_profile(REPO / "personas" / f"{persona}.json")
    update = {
        name: getattr(profile, name).model_copy(update=fields)
        if fields
        else type(getattr(profile, name))()
        for name, fields in changes.items()
    }
    return profile.model_copy(update=update)


def _saved(store: Store, profile: Profile, source: Provenance | None = None) -> int:
    """A new client with ``profile``: its id."""
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        clients.save_profile(s, SYSTEM, c.id, profile, source or Provenance("typed"))
        return c.id


def _batch(store: Store, items: list[tuple[int, str]], label: str | None = None) -> list[int]:
    with session_scope(store.sessions) as s:
        b = fbatch.create(s, SYSTEM, items, ON, label)
        return [i.id for i in sorted(b.items, key=lambda i: i.id)]


def _batch_id(store: Store, item_id: int) -> int:
    with session_scope(store.sessions) as s:
        return store_batches.get_item(s, item_id).batch_id


def _done_with(store: Store, item_id: int, data: bytes) -> None:
    """Mark an item done with ``data`` as its output (a document a fill could have left)."""
    artifact = artifacts.save(store.settings, data, "output")
    with session_scope(store.sessions) as s:
        store_batches.start_item(s, item_id, "job")
        store_batches.finish_item(s, item_id, artifact, {})


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _listed(cover: str) -> list[tuple[str, int, int]]:
    """(title, first, last) as the cover prints them (a title line, then its pages)."""
    out = []
    lines = [line.strip() for line in cover.splitlines()]
    for above, line in itertools.pairwise(lines):
        m = re.fullmatch(r"(?:side|sidene|page|pages|pagina|pagina's) (\d+)(?:-(\d+))?", line)
        if m:
            first = int(m.group(1))
            out.append((above.strip(), first, int(m.group(2) or first)))
    return out


@needs_soffice
def test_packet_holds_every_document_and_the_cover_lists_exactly_them(store: Store) -> None:
    """A PDF form, a Word document and a failed item: the packet is the cover, then the PDF's
    pages, then the Word document's converted pages; the cover names both by title with the
    page numbers where they are, and lists the failed one as missing, never by form id."""
    kari = _client(store)
    forms = FormCatalogue(store.settings)
    ids = _batch(store, [(kari, PDF_FORM), (kari, WORD), (kari, "nav-barnetrygd")], "Mars")
    pdf_item, word_item, failed = ids
    outputs = {
        i: artifacts.read(
            store.settings, fbatch.run_item(store.settings, store.sessions, forms, i).output or ""
        )
        for i in (pdf_item, word_item)
    }
    assert outputs[word_item].startswith(b"PK")  # a Word document, not a PDF
    fbatch.fail(store.sessions, failed, "nav-barnetrygd: person.birth_date: required", None)
    with session_scope(store.sessions) as s:
        packet = build_packet(store.settings, s, forms, _batch_id(store, pdf_item), kari, ON)

    pdf_pages = _pages(outputs[pdf_item])
    word_pages = _pages(docx_to_pdf(outputs[word_item], "letter"))
    reader = PdfReader(io.BytesIO(packet.pdf))
    assert len(reader.pages) == 1 + pdf_pages + word_pages
    cover = reader.pages[0].extract_text()
    assert "Dokumentpakke for Tuva Ødegård Sæther" in cover
    assert "Utfylling Mars, 5. januar 2026" in cover
    pdf_title, word_title = forms.title(PDF_FORM), forms.title(WORD)
    assert word_title == "Søknad med vedlegg"  # the document's own title, not its id
    assert _listed(cover) == [
        ("Dette forsidearket", 1, 1),
        (pdf_title, 2, 1 + pdf_pages),
        (word_title, 2 + pdf_pages, 1 + pdf_pages + word_pages),
    ]
    # each listed range holds its document: the Word letter's first page starts there
    assert "Søknad med vedlegg" in reader.pages[1 + pdf_pages].extract_text()
    assert "Søknad med vedlegg" not in reader.pages[pdf_pages].extract_text()
    missing = cover.split("Mangler fortsatt")[1]
    assert forms.title("nav-barnetrygd") in missing
    assert "kunne ikke fylles ut: person.birth_date: required" in missing
    for form_id in (PDF_FORM, WORD, "nav-barnetrygd"):
        assert form_id not in cover


@needs_soffice
def test_a_corrupt_word_document_is_a_named_missing_item_not_a_crash(store: Store) -> None:
    """An output LibreOffice cannot read, and one that takes too long: each goes on the
    missing list with its title and why; the good PDF is still in the packet."""
    noelle = _client(store, "nl_couple_irregular")
    forms = FormCatalogue(store.settings)
    good, corrupt = _batch(store, [(noelle, "toeslag-aanvraag"), (noelle, WORD)])
    fbatch.run_item(store.settings, store.sessions, forms, good)
    _done_with(store, corrupt, b"PK\x03\x04" + b"this is not a Word document" * 20)
    with session_scope(store.sessions) as s:
        packet = build_packet(store.settings, s, forms, _batch_id(store, good), noelle, ON)
    assert [d.form for d in packet.documents] == ["toeslag-aanvraag"]
    (miss,) = packet.missing
    assert (miss.title, miss.why) == ("Søknad med vedlegg", "conversion")
    assert "could not read it as a Word document" in miss.detail
    cover = PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text()
    assert "Ontbreekt nog" in cover  # Noëlle prefers Dutch
    assert "Søknad med vedlegg" in cover.split("Ontbreekt nog")[1]
    assert "kon niet naar PDF worden omgezet" in cover
    assert _pages(packet.pdf) == packet.cover_pages + packet.documents[0].pages


@needs_soffice
def test_a_conversion_past_its_time_limit_is_stopped_and_named(store: Store) -> None:
    kari = _client(store)
    forms = FormCatalogue(store.settings)
    (word,) = _batch(store, [(kari, WORD)])
    fbatch.run_item(store.settings, store.sessions, forms, word)
    limits = ConvertLimits(seconds=0.05)
    with session_scope(store.sessions) as s:
        packet = build_packet(
            store.settings, s, forms, _batch_id(store, word), kari, ON, "en", limits
        )
    assert packet.documents == []
    (miss,) = packet.missing
    assert miss.why == "conversion" and "did not finish within 0.05 s" in miss.detail


def test_without_libreoffice_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = (REPO / "templates/common/consent-share-information-nl.docx").read_bytes()
    with pytest.raises(ConversionError) as e:
        docx_to_pdf(data, "consent.docx", ConvertLimits(seconds=7), "no-such-soffice-here")
    assert str(e.value).startswith(
        "consent.docx: FORMFILL_SOFFICE='no-such-soffice-here' is not an executable here"
    )
    assert "bootstrap.sh installs LibreOffice" in str(e.value)
    monkeypatch.setenv("PATH", "/nonexistent")  # and none on PATH either
    with pytest.raises(ConversionError, match=r"consent\.docx: LibreOffice is not an executable"):
        docx_to_pdf(data + b" ", "consent.docx", ConvertLimits(seconds=7))
    with pytest.raises(ConversionError, match=r"bad\.docx: not a Word document"):
        docx_to_pdf(b"%PDF-1.7 a PDF, not a .docx", "bad.docx")


def test_the_ui_language_when_the_client_has_no_cover_language(store: Store) -> None:
    """A client who prefers a language the cover has no texts for gets the reader's language;
    queued items are missing as "not filled yet"."""
    cid = _saved(store, _persona(contact={"preferred_language": "ar"}))
    forms = FormCatalogue(store.settings)
    (item,) = _batch(store, [(cid, PDF_FORM)])
    with session_scope(store.sessions) as s:
        packet = build_packet(store.settings, s, forms, _batch_id(store, item), cid, ON, "nl")
    assert packet.language == "nl"
    cover = PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text()
    assert "Pakket voor Tuva Ødegård Sæther" in cover and "nog niet ingevuld" in cover
    assert forms.title(PDF_FORM) in cover.split("Ontbreekt nog")[1]


WORD_FORM = "kommune-bostotte-vedlegg"  # a Word form whose Boform dropdown shows "Leier" itself


def _letter_lines(data: bytes) -> list[str]:
    from docx import Document

    return [p.text.strip() for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def test_a_batch_cover_letter_lists_the_clients_other_documents_by_title(store: Store) -> None:
    """The letter's enclosure list is the titles of the client's other documents of the batch,
    in the batch's order: not blank lines, never a form id, never another client's form."""
    kari, other = _client(store), _client(store, "nl_couple_irregular")
    forms = FormCatalogue(store.settings)
    ids = _batch(
        store, [(kari, PDF_FORM), (kari, WORD), (kari, WORD_FORM), (other, "toeslag-aanvraag"),
                (kari, "next-steps-nb")],
    )  # fmt: skip
    done = fbatch.run_item(store.settings, store.sessions, forms, ids[1])
    lines = _letter_lines(artifacts.read(store.settings, done.output or ""))
    titles = [forms.title(PDF_FORM), forms.title(WORD_FORM)]
    at = lines.index(titles[0])
    assert lines[at : at + 2] == titles
    assert forms.title("toeslag-aanvraag") not in lines and WORD_FORM not in " ".join(lines)
    assert forms.title("next-steps-nb") not in lines  # the client's own letter is no enclosure
    assert any(line.startswith("Til: ____") for line in lines)  # NAV and a municipality: unsaid
    assert not any(set(line) <= {"_", " "} for line in lines[at - 1 : at + 3])  # no blank lines
    with session_scope(store.sessions) as s:
        assert store_batches.get_item(s, ids[1]).report["enclosures"] == titles


def test_a_word_dropdown_showing_its_own_default_is_in_the_fill_report(store: Store) -> None:
    """The bostøtte form's Boform dropdown always shows Leier; for a client whose tenure is not
    known nothing is written there, so the fill report says so: what it shows and why. For a
    tenant it says Leier because formfill chose it: nothing to check."""
    kari, tenant = _client(store, tenure=False), _client(store)
    forms = FormCatalogue(store.settings)
    unknown, rents = _batch(store, [(kari, WORD_FORM), (tenant, WORD_FORM)])
    for item in (unknown, rents):
        fbatch.run_item(store.settings, store.sessions, forms, item)
    with session_scope(store.sessions) as s:
        checks = store_batches.get_item(s, unknown).report["to_check"]
        assert store_batches.get_item(s, rents).report["to_check"] == []
    (boform,) = checks
    assert (boform["field"], boform["shown"]) == ("Boform", "Leier")
    assert boform["reason"] == "the client has no housing.tenure"


@needs_soffice
def test_the_packet_encloses_what_it_holds_and_lists_what_to_check(store: Store) -> None:
    """The letter was filled before another item failed: in the packet it lists only the
    documents the packet holds. The cover lists the Boform default under what to check."""
    kari = _client(store, tenure=False)
    forms = FormCatalogue(store.settings)
    ids = _batch(
        store, [(kari, PDF_FORM), (kari, WORD), (kari, WORD_FORM), (kari, "nav-barnetrygd")]
    )
    for i in ids[:3]:
        fbatch.run_item(store.settings, store.sessions, forms, i)
    fbatch.fail(store.sessions, ids[3], "nav-barnetrygd: person.birth_date: required", None)
    with session_scope(store.sessions) as s:
        planned = store_batches.get_item(s, ids[1]).report["enclosures"]
        packet = build_packet(store.settings, s, forms, _batch_id(store, ids[0]), kari, ON)
    assert forms.title("nav-barnetrygd") in planned  # planned when the letter was filled
    reader = PdfReader(io.BytesIO(packet.pdf))
    first = dict((t, a) for t, a, _b in packet.page_ranges())[forms.title(WORD)]
    letter = reader.pages[first - 1].extract_text()
    assert forms.title(PDF_FORM) in letter and forms.title(WORD_FORM) in letter
    assert forms.title("nav-barnetrygd") not in letter
    cover = reader.pages[0].extract_text()
    to_check = cover.split("Må sjekkes før underskrift")[1]
    assert forms.title(WORD_FORM) in to_check
    assert "Boform viser «Leier», men ingen har valgt det" in to_check
    assert (
        forms.title("nav-barnetrygd") in cover.split("Mangler fortsatt")[1].split("Må sjekkes")[0]
    )


def test_a_cover_without_anything_to_check_has_no_such_heading(store: Store) -> None:
    kari = _client(store)
    forms = FormCatalogue(store.settings)
    (item,) = _batch(store, [(kari, PDF_FORM)])
    fbatch.run_item(store.settings, store.sessions, forms, item)
    with session_scope(store.sessions) as s:
        packet = build_packet(store.settings, s, forms, _batch_id(store, item), kari, ON)
    assert packet.checks == []
    assert "Må sjekkes" not in PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text()


def test_the_cover_lists_the_evidence_its_application_still_lacks(store: Store) -> None:
    """A packet is not "complete" while the application its form belongs to lacks a required
    document: the cover names the checklist item and the form it is for. Another client, whose
    application needs no such document, gets no evidence line."""
    from formfill.cases.apply import open_application
    from formfill.store.models import BatchItem

    forms = FormCatalogue(store.settings)
    program = forms.catalog().get("barnetrygd")
    blank = (REPO / "sample_forms" / "nav" / "nav-barnetrygd.pdf").read_bytes()
    ids = {}
    for who, p in (("swede", _persona(person={"citizenship": "SE"})), ("norwegian", _persona())):
        cid = _saved(store, p)
        with session_scope(store.sessions) as s:
            ids[who] = (cid, open_application(s, SYSTEM, cid, program, ON).application.id)
    items = _batch(
        store, [(ids["swede"][0], "nav-barnetrygd"), (ids["norwegian"][0], "nav-barnetrygd")]
    )
    for item in items:
        _done_with(store, item, blank)
    with session_scope(store.sessions) as s:  # the first was tracked; the second is not yet
        s.get(BatchItem, items[0]).application_id = ids["swede"][1]
    title = forms.title("nav-barnetrygd")
    covers = {}
    for who, (cid, _app) in ids.items():
        with session_scope(store.sessions) as s:
            packet = build_packet(store.settings, s, forms, _batch_id(store, items[0]), cid, ON)
        covers[who] = PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text()
    missing = covers["swede"].split("Mangler fortsatt")[1]
    assert "Oppholdstillatelse (søkeren er ikke norsk statsborger)" in missing
    assert f"dokumentasjon som mangler til: {title}" in missing
    assert "Skriftlig avtale" not in missing  # not required: no child lives elsewhere part-time
    assert "Oppholdstillatelse" not in covers["norwegian"]
    assert "(ingen)" in covers["norwegian"].split("Mangler fortsatt")[1]


def test_fields_left_blank_are_named_before_signing_and_in_readiness(store: Store) -> None:
    """A client without an account number: readiness says the form's account field will be
    left blank, and the packet's cover names it under what to check before signing (a form
    sent without a payout account is refused by the agency, yet a blank is no error)."""
    cid = _saved(store, _persona(bank={}))
    forms = FormCatalogue(store.settings)
    with session_scope(store.sessions) as s:
        (ready,) = fbatch.plan(forms, s, [cid], ["nav-barnetrygd"], ON)
    assert ready.ready and "bank.no_account" in ready.blank
    # a child's blank is named by the member as entered, so a page can say whose it is
    assert all("children[" not in p for p in ready.blank)
    (item,) = _batch(store, [(cid, "nav-barnetrygd")])
    assert fbatch.run_item(store.settings, store.sessions, forms, item).output
    with session_scope(store.sessions) as s:
        report = store_batches.get_item(s, item).report or {}
        packet = build_packet(store.settings, s, forms, _batch_id(store, item), cid, ON)
    account = next(
        f for f in report["fields"]
        if f["status"] == "blank" and "bank.no_account" in f["reason"]
    )  # fmt: skip
    cover = PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text()
    check = cover.split("Må sjekkes før underskrift")[1]
    from formfill.profile.model import label_of_path

    label = account.get("label") or label_of_path("bank.no_account")
    assert label in check.replace("\n", " ")
    if account["field"] != label:
        assert account["field"] not in check  # never the PDF's field name
    assert "står tomt: profilen har ingen verdi for det" in check


def test_values_the_form_cannot_take_are_left_for_a_person_and_named(store: Store) -> None:
    """A Norwegian client on the Dutch toeslagen form: the income is in NOK and the form asks
    for euros, the mobile number is not a Dutch one. Neither is written (a kroner figure under
    "euro" is a wrong value on a signed form); readiness says each is to be written by hand,
    and the cover lists both under what to check before signing, in the packet's language."""
    cid = _saved(store, _persona(identifiers={"nl_bsn": "111222333"}))
    forms = FormCatalogue(store.settings)
    with session_scope(store.sessions) as s:
        (ready,) = fbatch.plan(forms, s, [cid], ["toeslag-aanvraag"], ON)
    hands = {(hand, held) for _f, hand, held in ready.by_hand}
    assert ("currency", "NOK>EUR") in hands
    assert ("value", "+47 412 00 917") in hands
    assert ready.ready  # the rest of the form can go; these two are for a person
    (item,) = _batch(store, [(cid, "toeslag-aanvraag")])
    assert fbatch.run_item(store.settings, store.sessions, forms, item).output
    with session_scope(store.sessions) as s:
        report = store_batches.get_item(s, item).report or {}
        packet = build_packet(store.settings, s, forms, _batch_id(store, item), cid, ON)
    by_field = {f["field"]: f for f in report["fields"]}
    assert by_field["Inkomen_per_jaar"]["status"] == "blank"
    assert by_field["Inkomen_per_jaar"]["hand"] == "currency"
    filled = PdfReader(io.BytesIO(packet.pdf)).pages[1].extract_text()
    assert "510" not in filled and "503" not in filled  # no kroner figure on the form
    cover = PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text().replace("\n", " ")
    check = cover.split("Må sjekkes før underskrift")[1]
    assert "klientens beløp er i NOK, skjemaet spør om EUR" in check
    assert "kan ikke ta «+47 412 00 917»" in check
    # every line whole on the page: the instruction at the end of a long line was cut off
    assert check.count("skriv det for hånd") >= 2 and "regn om og skriv det for hånd" in check
    from reportlab.pdfbase.pdfmetrics import stringWidth

    page = PdfReader(io.BytesIO(packet.pdf)).pages[0]
    for text in page.extract_text().splitlines():  # at most 10 pt, indented 84 pt or more
        assert stringWidth(text, "Helvetica", 10) + 84 < float(page.mediabox.width), text


def test_a_tracked_form_still_shows_what_its_other_application_lacks(store: Store) -> None:
    """One form serves two programs (barnetrygd and utvidet barnetrygd). Tracking the batch's
    form on the first must not hide what the second still lacks: the cover lists the missing
    evidence of every open application on the form."""
    from formfill.cases.apply import open_application
    from formfill.cases.checklists import application_checklist
    from formfill.store.models import Application, BatchItem

    forms = FormCatalogue(store.settings)
    cid = _saved(store, _persona(person={"marital_status": "separated"}))
    with session_scope(store.sessions) as s:
        ordinary = open_application(s, SYSTEM, cid, forms.catalog().get("barnetrygd"), ON)
        extended = open_application(
            s, SYSTEM, cid, forms.catalog().get("utvidet-barnetrygd"), ON, form_id="nav-barnetrygd"
        )
        ids = (ordinary.application.id, extended.application.id)
    (item,) = _batch(store, [(cid, "nav-barnetrygd")])
    _done_with(store, item, (REPO / "sample_forms" / "nav" / "nav-barnetrygd.pdf").read_bytes())
    with session_scope(store.sessions) as s:
        s.get(BatchItem, item).application_id = ids[0]  # tracked on the ordinary one
    with session_scope(store.sessions) as s:
        lacking = {
            r.label
            for app_id in ids
            for r in application_checklist(
                s, SYSTEM, forms.catalog(), s.get(Application, app_id), ON, "nb"
            ).rows
            if r.required and not r.done
        }
        extended_lacks = {
            r.label
            for r in application_checklist(
                s, SYSTEM, forms.catalog(), s.get(Application, ids[1]), ON, "nb"
            ).rows
            if r.required and not r.done
        }
        packet = build_packet(store.settings, s, forms, _batch_id(store, item), cid, ON)
    assert extended_lacks, "the test needs the second program to lack something"
    assert {m.title for m in packet.missing if m.why == "evidence"} == lacking


def test_a_blank_field_is_named_by_whose_it_is_never_by_its_pdf_name() -> None:
    from formfill.cases.packet import _blank_name

    at = "no value in the profile at household.children[1].identifiers.no_fnr"
    child = {"field": "Barn2_fodselsnummer", "status": "blank", "label": "", "reason": at}
    assert _blank_name(child, "nb") == "Barn 2: fødselsnummer"
    assert _blank_name(child, "nl") == "Kind 2: fødselsnummer"
    member = dict(child, reason="no value in the profile at household.members[0].birth_date")
    assert _blank_name(member, "en").startswith("Household member 1: ")
    labelled = dict(child, label="Kontonummer for utbetaling",
                    reason="no value in the profile at bank.no_account")  # fmt: skip
    assert _blank_name(labelled, "nb") == "Kontonummer for utbetaling"


def test_the_next_steps_letter_of_a_batch_lists_the_clients_applications(store: Store) -> None:
    """Filled in a batch, the letter to the client says what was applied for and what proof is
    still needed (it used to come out as a heading, a date and a greeting only)."""
    from formfill.cases.apply import open_application

    forms = FormCatalogue(store.settings)
    kari = _client(store)
    with session_scope(store.sessions) as s:
        open_application(s, SYSTEM, kari, forms.catalog().get("barnetrygd"), ON)
    (item,) = _batch(store, [(kari, "next-steps-nb")])
    done = fbatch.run_item(store.settings, store.sessions, forms, item)
    text = " ".join(_letter_lines(artifacts.read(store.settings, done.output or "")))
    assert "Dette søker vi om for deg:" in text
    assert "Barnetrygd (ordinær) (NAV): under arbeid" in text


def test_a_cover_letter_for_one_agency_is_addressed_to_it(store: Store) -> None:
    kari = _client(store)
    forms = FormCatalogue(store.settings)
    ids = _batch(store, [(kari, PDF_FORM), (kari, WORD)])
    done = fbatch.run_item(store.settings, store.sessions, forms, ids[1])
    assert "Til: NAV" in _letter_lines(artifacts.read(store.settings, done.output or ""))


def test_readiness_names_the_list_that_goes_on_the_addendum(store: Store) -> None:
    """Four children on a form with rows for three: readiness says the list and how many go
    on the addendum as data (each shell words it in its reader's language), not as a sentence
    with the profile's codes."""
    kari = _persona()
    child = kari.household.members[0]
    more = [
        child.model_copy(update={"given_name": name, "birth_date": child.birth_date})
        for name in ("Åse", "Øyvind")
    ]
    four = kari.model_copy(
        update={
            "household": kari.household.model_copy(
                update={"members": [*kari.household.members, *more]}
            )
        }
    )
    cid = _saved(store, four)
    forms = FormCatalogue(store.settings)
    with session_scope(store.sessions) as s:
        (ready,) = fbatch.plan(forms, s, [cid], ["nav-barnetrygd"], ON)
    assert ready.ready and ready.addendum == [("household.children", 1)]
    assert not any("household." in w for w in ready.warnings)
    assert ready.to_dict()["addendum"] == [{"list": "household.children", "more": 1}]
    # the packet's cover says the form goes on on an addendum, which must be sent with it
    (item,) = _batch(store, [(cid, "nav-barnetrygd")])
    assert fbatch.run_item(store.settings, store.sessions, forms, item).output
    with session_scope(store.sessions) as s:
        packet = build_packet(store.settings, s, forms, _batch_id(store, item), cid, ON)
    cover = PdfReader(io.BytesIO(packet.pdf)).pages[0].extract_text().replace("\n", " ")
    title = forms.title("nav-barnetrygd")
    assert f"{title} fortsetter på et vedlegg til slutt i dokumentet" in cover


def test_readiness_refuses_a_value_the_forms_dropdown_does_not_offer(store: Store) -> None:
    """A client in Massachusetts on a form whose State list has IL, IN, MI, OH, WI: readiness
    said ready, then the batch item failed with "values did not land: State"."""
    guardian = _persona("en_pensioner_guardian")
    moved = guardian.address.model_copy(
        update={"current": guardian.address.current.model_copy(update={"state": "MA"})}
    )
    cid = _saved(store, guardian.model_copy(update={"address": moved}))
    here = _saved(store, guardian)
    forms = FormCatalogue(store.settings)
    with session_scope(store.sessions) as s:
        away, home = fbatch.plan(forms, s, [cid, here], ["housing-assistance"], ON)
    assert not away.ready
    ((field, value, options),) = away.off_choices
    assert (field, value) == ("State", "MA") and options.startswith("IL")
    assert home.ready and home.off_choices == [], home.off_choices


@pytest.mark.parametrize("language", ["en", "nb", "nl"])
def test_a_long_line_on_the_cover_wraps_instead_of_running_off_the_page(language: str) -> None:
    """A check whose field has a long label ("Kommune (dropdown: Oslo, Bergen, ...)") ran off
    the page and lost its last words, the instruction itself: each line wraps inside the
    margins and every word of it is on the page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from formfill.cases.cover import CoverCheck, CoverDoc, draw_cover, say

    label = "Kommune (dropdown: Oslo, Bergen, Trondheim, Tromsø, Bodø, Guovdageaidnu)"
    check = CoverCheck("Bostøtte vedlegg", label, "", True, 0, "value", "Alta")
    pdf = draw_cover("Máret Čiekčá", "#1", ON, language, 1, [CoverDoc("Bostøtte", 2, 2)], [],
                     None, [check])  # fmt: skip
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    words = say("hand_value", language, field=label, held="Alta").split()
    assert " ".join(words) in " ".join(text.split())  # every word, in order
    for line in text.splitlines():
        assert stringWidth(line, "Helvetica", 10) + 84 < float(page.mediabox.width), line
