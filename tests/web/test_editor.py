"""The map editor: a blank uploaded and drafted, fields decided on the page, a table declared,
a test-fill with a persona read for the right values, publication only when every field is
decided and the map check passes, and a batch filling the published version."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from formfill.maps.edit import FieldEdit, entries, rows_of, set_field, set_rows
from formfill.profile.validation import load_profile
from formfill.store import Actor, session_scope
from formfill.store import forms as store_forms
from formfill.store.models import AuditEntry, BatchItem, FormVersion
from tests.web.conftest import World, post, run_jobs, sign_in

REPO = Path(__file__).resolve().parents[2]
BLANK = REPO / "sample_forms" / "county" / "housing-assistance.pdf"
MEMBER = ("First Name", "Last Name", "Relationship", "DOB")


def _upload(c: Any, form_id: str) -> Any:
    with BLANK.open("rb") as f:
        return post(
            c,
            "/forms/new",
            {
                "blank": (f, "housing.pdf"),
                "form_id": form_id,
                "agency": "county",
                "title": "Housing assistance (editor test)",
            },
            content_type="multipart/form-data",
        )


def _version(world: World, form_id: str) -> FormVersion:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        v = store_forms.get_version(s, form_id, 1)
        s.expunge(v)
        return v


def _set_text(world: World, form_id: str, text: str) -> None:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        store_forms.update_draft(s, Actor.system("test"), form_id, 1, text)


@pytest.fixture(scope="module")
def drafted(world: World) -> str:
    resp = _upload(sign_in(world.app.test_client(), "maintainer"), "county-editor-test")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    assert resp.headers["Location"].endswith("/forms/county-editor-test/v/1")
    return "county-editor-test"


def test_upload_drafts_a_version_drawn_box_by_box(world: World, as_user: Any, drafted: str) -> None:
    v = _version(world, drafted)
    assert v.status == "draft" and v.form_id == drafted
    widgets = sum(
        1 for page in PdfReader(BLANK).pages for a in page.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Widget"
    )  # fmt: skip
    page = as_user("maintainer").get(f"/forms/{drafted}/v/1").get_data(as_text=True)
    assert page.count('class="box ') == widgets  # every widget drawn, numbered
    assert 'class="field-edit"' in page and "<fieldset >" in page.replace(
        "<fieldset  >", "<fieldset >"
    )
    todo = [e for e in entries(v.map_text).values() if not e.active]
    assert f"{len(todo)} to do" in page
    # a box smaller than the target a pointer can hit gets a larger invisible one around it
    for hit in re.finditer(
        r'<rect class="hit" x="[^"]+" y="[^"]+" width="([^"]+)" height="([^"]+)"', page
    ):
        assert float(hit.group(1)) >= 24 and float(hit.group(2)) >= 24
    assert 'class="hit"' in page  # the form's checkboxes are small
    # each box where the field is on the page: its /Rect, flipped to the image's top-left origin
    reader = PdfReader(BLANK)
    for n, (page_no, annot) in enumerate(
        (i, a.get_object()) for i, p in enumerate(reader.pages, 1) for a in p.get("/Annots") or []
    ):
        if annot.get("/T") != "Member3 DOB":
            continue
        box = reader.pages[page_no - 1].cropbox
        x0, _y0, _x1, y1 = (float(c) for c in annot["/Rect"])
        scale = 1000 / float(box.width)
        rects = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"',
                           page)  # fmt: skip
        want = (x0 * scale, (float(box.height) - y1) * scale)
        assert any(abs(float(x) - want[0]) < 1 and abs(float(y) - want[1]) < 1
                   for x, y, _w, _h in rects), (want, n)  # fmt: skip
        break
    else:
        raise AssertionError("Member3 DOB not found in the blank")


def test_bad_uploads_are_named_and_nothing_is_kept(world: World, as_user: Any) -> None:
    c = as_user("maintainer")
    resp = post(c, "/forms/new", {"form_id": "Bad Id", "agency": "county", "title": ""})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Choose the blank form" in text and "small letters" in text and "title" in text
    assert 'value="Bad Id"' in text  # what was typed stays
    resp = post(
        c, "/forms/new",
        {"blank": (__import__("io").BytesIO(b"not a pdf"), "x.pdf"), "form_id": "junk",
         "agency": "county", "title": "Junk"},
        content_type="multipart/form-data",
    )  # fmt: skip
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "x.pdf is not a PDF" in text and "blank.pdf" not in text
    fake_word = {"blank": (__import__("io").BytesIO(b"plain text"), "brev.docx"),
                 "form_id": "junk", "agency": "county", "title": "Junk"}  # fmt: skip
    resp = post(c, "/forms/new", fake_word, content_type="multipart/form-data")
    assert resp.status_code == 400 and "brev.docx is not a Word" in resp.get_data(as_text=True)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        assert s.scalar(sa.select(FormVersion).where(FormVersion.form_id == "junk")) is None


def test_specialists_read_the_editor_but_cannot_change_it(
    world: World, as_user: Any, drafted: str
) -> None:
    c = as_user("specialist")
    page = c.get(f"/forms/{drafted}/v/1").get_data(as_text=True)
    assert "<fieldset disabled>" in page and "Read only" in page
    assert c.get("/forms/new").status_code == 403
    name = next(iter(entries(_version(world, drafted).map_text)))
    resp = post(c, f"/forms/{drafted}/v/1/field", {"field": name, "source": "skip", "skip": "x"})
    assert resp.status_code == 403
    assert post(c, f"/forms/{drafted}/v/1/publish").status_code == 403


def test_a_saved_field_changes_its_entry_only_and_is_audited(
    world: World, as_user: Any, drafted: str
) -> None:
    c = as_user("maintainer")
    before = _version(world, drafted).map_text
    todo = next(e for e in entries(before).values() if not e.active)
    resp = post(
        c, f"/forms/{drafted}/v/1/field",
        {"field": todo.field, "source": "skip", "skip": "the office fills it"},
    )  # fmt: skip
    assert resp.status_code == 302
    nxt = _version(world, drafted)
    after = entries(nxt.map_text)[todo.field]
    assert after.active and after.data["skip"] == "the office fills it"
    assert after.why == todo.why  # the draft's reason is kept beside the decision
    diff = list(difflib.ndiff(before.splitlines(), nxt.map_text.splitlines()))
    added = [x[2:] for x in diff if x.startswith("+ ")]
    removed = [x[2:] for x in diff if x.startswith("- ")]
    assert added == [
        "[[fields]]",
        f"field = {json.dumps(todo.field)}",
        'skip = "the office fills it"',
    ]
    assert removed and all(x.startswith("#") for x in removed), removed  # only the TODO block
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        audit = s.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.object_type == "form_version", AuditEntry.object_id == str(nxt.id),
                AuditEntry.action == "update",
            )
        ).all()  # fmt: skip
    assert audit, "the editor's save is not in the audit log"


def test_the_forms_currency_is_drafted_from_its_labels_and_set_in_the_editor(
    world: World, as_user: Any, drafted: str
) -> None:
    """The draft of an English form whose income label says "($)" asks its amounts in USD; a
    maintainer changes it on the page (the map's one line), a specialist cannot, and a code
    that is no currency is refused with nothing changed."""
    text = _version(world, drafted).map_text
    assert 'currency = "USD"' in text
    c = as_user("maintainer")
    page = c.get(f"/forms/{drafted}/v/1").get_data(as_text=True)
    assert '<option value="USD" selected>USD' in page
    assert post(c, f"/forms/{drafted}/v/1/currency", {"currency": "gbp"}).status_code == 302
    changed = _version(world, drafted).map_text
    assert 'currency = "GBP"' in changed and 'currency = "USD"' not in changed
    assert len(changed.splitlines()) == len(text.splitlines())  # the line replaced, no other
    resp = post(c, f"/forms/{drafted}/v/1/currency", {"currency": "XYZ"}, follow_redirects=True)
    assert "not a currency code" in resp.get_data(as_text=True)
    assert _version(world, drafted).map_text == changed
    spec = as_user("specialist")
    assert post(spec, f"/forms/{drafted}/v/1/currency", {"currency": "EUR"}).status_code == 403
    assert post(c, f"/forms/{drafted}/v/1/currency", {"currency": "USD"}).status_code == 302
    drafted_line = next(line for line in text.splitlines() if line.startswith("currency ="))
    assert _version(world, drafted).map_text == text.replace(drafted_line, 'currency = "USD"')


def test_a_read_only_field_can_be_written_when_the_maintainer_says_so(
    world: World, as_user: Any, drafted: str
) -> None:
    """A field the form marks read-only (one a box elsewhere unlocks) offers "write it
    anyway"; ticked, the entry says overwrite_read_only and the map check takes it."""
    c = as_user("maintainer")
    before = _version(world, drafted).map_text
    page = c.get(f"/forms/{drafted}/v/1?field=Case+Number").get_data(as_text=True)
    assert 'name="overwrite_read_only"' in page
    other = c.get(f"/forms/{drafted}/v/1?field=First+Name").get_data(as_text=True)
    assert 'name="overwrite_read_only"' not in other  # only where the form says read-only
    resp = post(c, f"/forms/{drafted}/v/1/field", {
        "field": "Case Number", "source": "profile", "profile": "identifiers.us_ssn",
        "overwrite_read_only": "1", "stay": "1",
    })  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:600]
    entry = entries(_version(world, drafted).map_text)["Case Number"]
    assert entry.data["overwrite_read_only"] is True
    page = c.get(f"/forms/{drafted}/v/1?field=Case+Number").get_data(as_text=True)
    assert "read-only; use skip" not in page
    _set_text(world, drafted, before)


def test_a_broken_condition_is_refused_with_its_reason_and_kept_on_screen(
    world: World, as_user: Any, drafted: str
) -> None:
    c = as_user("maintainer")
    before = _version(world, drafted).map_text
    box = next(n for n, e in entries(before).items() if "Checkbox" in n or "when" in e.data)
    resp = post(
        c, f"/forms/{drafted}/v/1/field",
        {"field": box, "source": "when", "when": "person.marital_status =="},
    )  # fmt: skip
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Not saved" in text
    assert 'value="person.marital_status =="' in text  # what was typed is still there
    assert _version(world, drafted).map_text == before
    checked = post(c, f"/forms/{drafted}/v/1/try", {"kind": "when", "text": "person.nope == 1"})
    assert checked.get_json()["ok"] is False
    shown = post(
        c, f"/forms/{drafted}/v/1/try",
        {"kind": "transform", "profile": "person.birth_date", "transform": "date:%d.%m.%Y"},
    ).get_json()  # fmt: skip
    assert shown == {"ok": True, "example": "1988-03-14", "result": "14.03.1988"}


def test_a_table_is_declared_by_selecting_its_boxes(
    world: World, as_user: Any, drafted: str
) -> None:
    """Rows 2 and 3 undecided and no table: selecting the boxes of all three rows maps them
    like the first row (item 2, item 3) and declares the table."""
    text = _version(world, drafted).map_text
    text = set_rows(text, None, remove="household.everyone")
    for row in (2, 3):
        for col in MEMBER:
            text = set_field(text, FieldEdit(f"Member{row} {col}", "todo"))
    _set_text(world, drafted, text)
    assert rows_of(_version(world, drafted).map_text) == []
    c = as_user("maintainer")
    sel = [f"Member{r} {col}" for r in (1, 2, 3) for col in MEMBER]
    resp = post(c, f"/forms/{drafted}/v/1/rows",
                {"sel": sel, "list": "household.everyone", "section": "Household"})  # fmt: skip
    assert resp.status_code == 302
    text = _version(world, drafted).map_text
    (table,) = rows_of(text)
    assert table.list == "household.everyone" and len(table.fields) == 3
    assert table.fields[1] == tuple(f"Member2 {col}" for col in MEMBER)
    got = entries(text)
    assert got["Member2 First Name"].data["profile"] == "household.everyone[1].given_name"
    assert got["Member3 DOB"].data["profile"] == "household.everyone[2].birth_date"
    # a selection that is not whole rows is refused and nothing changes
    resp = post(c, f"/forms/{drafted}/v/1/rows",
                {"sel": sel[:-1], "list": "household.everyone"}, follow_redirects=True)  # fmt: skip
    assert "select whole rows" in resp.get_data(as_text=True)
    assert _version(world, drafted).map_text == text


def test_a_test_fill_puts_each_persons_values_in_their_row(
    world: World, as_user: Any, drafted: str
) -> None:
    c = as_user("maintainer")
    resp = c.get(f"/forms/{drafted}/v/1/test?who=persona:nb_single_parent")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    page = resp.get_data(as_text=True)
    everyone = load_profile(REPO / "personas" / "nb_single_parent.json").household.everyone
    assert len(everyone) >= 2
    for i, person in enumerate(everyone[:3], 1):
        row = re.search(rf"Member{i} First Name.*?</tr>", page, re.S)
        cell = rf"<code>{re.escape(person.given_name or '')}</code>"
        assert row and re.search(cell, row.group(0)), f"row {i} does not show {person.given_name}"
    png = c.get(f"/forms/{drafted}/v/1/page/1.png?who=persona:nb_single_parent")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert c.get(f"/forms/{drafted}/v/1/test?who=persona:nobody").status_code == 404
    # each page opens at full size; the filled pages alone fill the width
    filled_png = f"/forms/{drafted}/v/1/page/1.png?who=persona:nb_single_parent"
    assert f'<a href="{filled_png}" target="_blank"' in page.replace("&amp;", "&")
    wide = c.get(f"/forms/{drafted}/v/1/test?who=persona:nb_single_parent&view=filled")
    text = wide.get_data(as_text=True)
    assert 'class="single"' in text and "Blank, page 1" not in text and "Filled, page 1" in text


def test_a_test_fill_says_which_required_fields_the_client_leaves_blank(
    world: World, as_user: Any, drafted: str
) -> None:
    """Every value landed is about what was written: a required field with no value for
    the persona is named beside it, linked to its row in the editor."""
    c = as_user("maintainer")
    before = _version(world, drafted).map_text
    url = f"/forms/{drafted}/v/1/test?who=persona:nb_single_parent"
    assert 'id="required-missing"' not in c.get(url).get_data(as_text=True)
    resp = post(c, f"/forms/{drafted}/v/1/field", {
        "field": "Case Number", "source": "profile", "profile": "identifiers.us_ssn",
        "overwrite_read_only": "1", "required": "1", "stay": "1",
    })  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:600]
    page = c.get(url).get_data(as_text=True)
    badge = re.search(r'id="required-missing">([^<]*)<', page)
    assert badge and badge.group(1).endswith(": 1"), badge
    assert "field=Case+Number" in page.split('id="required-missing"', 1)[1].split("</p>", 2)[1]
    _set_text(world, drafted, before)


def test_publish_waits_for_every_field_then_a_batch_fills_that_version(
    world: World, as_user: Any, drafted: str
) -> None:
    c = as_user("maintainer")
    assert any(not e.active for e in entries(_version(world, drafted).map_text).values())
    resp = post(c, f"/forms/{drafted}/v/1/publish", follow_redirects=True)
    assert "still to do" in resp.get_data(as_text=True)
    assert _version(world, drafted).status == "draft"
    post(c, f"/forms/{drafted}/v/1/skip-rest", {"reason": "for the office"})
    assert all(e.active for e in entries(_version(world, drafted).map_text).values())
    resp = post(c, f"/forms/{drafted}/v/1/publish")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/forms/{drafted}")
    v = _version(world, drafted)
    assert v.status == "published" and v.published_by == world.users["maintainer"]
    name = next(iter(entries(v.map_text)))
    changed = post(c, f"/forms/{drafted}/v/1/field", {"field": name, "source": "skip", "skip": "y"})
    assert changed.status_code == 302 and _version(world, drafted).map_text == v.map_text
    s = as_user("specialist")
    resp = post(
        s, "/batches/launch",
        {"clients": [str(world.mine)], "forms": [drafted], "only_ready": "0"},
    )  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    with session_scope(world.app.extensions["formfill"].sessions) as db:
        item = db.scalar(sa.select(BatchItem).where(BatchItem.batch_id == batch_id))
        assert item is not None and item.status == "done", item and item.error
        assert item.form_version_id == v.id


def test_a_new_blank_of_a_form_carries_its_map_over_and_shows_what_changed(
    world: World, as_user: Any
) -> None:
    """nav-barnetrygd's v2 blank: Telefon renamed Mobilnummer, Sprak added, the third child's
    row gone, a state renamed. The draft keeps what holds, the rest is to do; version 1 stays
    the one fills use until the new one is published."""
    c = as_user("maintainer")
    page = c.get("/forms/new?form=nav-barnetrygd").get_data(as_text=True)
    assert "<h1>New blank of " in page and "<h1>New form" not in page
    assert 'type="hidden" name="form_id" value="nav-barnetrygd"' in page  # the id stays
    assert 'name="existing" value="1"' in page
    with (REPO / "sample_forms/nav/nav-barnetrygd-v2.pdf").open("rb") as f:
        resp = post(c, "/forms/new",
                    {"blank": (f, "v2.pdf"), "form_id": "nav-barnetrygd", "agency": "nav",
                     "title": "Søknad om barnetrygd", "existing": "1"},
                    content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    number = int(resp.headers["Location"].rsplit("/", 1)[1])
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        new = store_forms.get_version(s, "nav-barnetrygd", number)
        current = store_forms.current_version(s, "nav-barnetrygd")
        text, current_number = new.map_text, current.version if current else None
    assert new.status == "draft" and current_number is not None and current_number < number
    got = entries(text)
    assert (
        got["Mobilnummer"].active
        and got["Mobilnummer"].data["profile"]
        == (entries(_published_text(world))["Telefon"].data["profile"])
    )
    assert not got["Sprak"].active and not got["Utvidet_barnetrygd"].active  # added; changed
    assert "Barn3_fornavn" not in got
    page = c.get(f"/forms/nav-barnetrygd/v/{number}/changes").get_data(as_text=True)
    assert "Telefon → Mobilnummer" in page and "Sprak" in page and "Barn3_fornavn" in page
    assert "ticked state Ja → Yes" in page and page.count('class="change ') >= 7
    assert "on-states" not in page and "-&gt;" not in page  # the core's words, read for people
    nb = c.get(f"/forms/nav-barnetrygd/v/{number}/changes", headers={"Accept-Language": "nb"})
    assert "avkrysset verdi Ja → Yes" in nb.get_data(as_text=True)
    editor = c.get(f"/forms/nav-barnetrygd/v/{number}").get_data(as_text=True)
    assert "What changed since version" in editor


def _published_text(world: World) -> str:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        v = store_forms.current_version(s, "nav-barnetrygd")
        assert v is not None
        return v.map_text


def test_a_specialist_test_fills_with_their_own_client_only(
    world: World, as_user: Any, drafted: str
) -> None:
    c = as_user("specialist")
    page = c.get(f"/forms/{drafted}/v/1").get_data(as_text=True)
    assert f'value="client:{world.mine}"' in page and f'value="client:{world.theirs}"' not in page
    resp = c.get(f"/forms/{drafted}/v/1/test?who=client:{world.mine}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:400]
    kari = load_profile(REPO / "personas" / "nb_single_parent.json")
    assert f"<code>{kari.person.family_name}</code>" in resp.get_data(as_text=True)
    assert c.get(f"/forms/{drafted}/v/1/test?who=client:{world.theirs}").status_code == 404
