"""Mapping a form nobody tuned for, in headless Chromium at 1024 px, by clicking: a corpus form
(the IRS 1040, with its table of dependents) uploaded and drafted, five fields mapped by
clicking their boxes on the page, the table of children declared by ticking its boxes, a
test-fill with a persona read for the right child in the right row, the rest skipped in one
click, the version published; then a batch fills exactly that version."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from formfill.maps.edit import entries, rows_of
from formfill.profile.validation import load_profile
from formfill.store import forms as store_forms
from formfill.store import session_scope
from formfill.store.models import BatchItem
from tests.web.conftest import REPO, SHOTS, World, browser_page, post, run_jobs, sign_in

pytestmark = pytest.mark.browser

CORPUS = REPO.parent / "shared" / "corpus" / "forms"
FORM = CORPUS / "us_irs_f1040_2024.pdf"
FORM_ID = "irs-1040-browser"
ROW = "topmostSubform[0].Page1[0].Table_Dependents[0].Row{n}[0].f1_{c}[0]"
COLUMNS = {1: (20, 21, 22), 2: (23, 24, 25), 3: (26, 27, 28), 4: (29, 30, 31)}


def _cell(row: int, col: int) -> str:
    return ROW.format(n=row, c=COLUMNS[row][col])


def _text(world: World) -> str:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        return store_forms.get_version(s, FORM_ID, 1).map_text


def _open_field(page: Any, name: str) -> None:
    """A click on the field's box drawn on the page image."""
    page.locator(f'svg.page a.box[href*="{quote(name, safe="")}"]').first.click()
    page.wait_for_selector(f'form.field-edit input[name=field][value="{name}"]', state="attached")


def _save(page: Any) -> None:
    page.click("form.field-edit button[name=stay]")
    page.wait_for_selector(".flash.ok")


@pytest.mark.skipif(not FORM.exists(), reason="the shared corpus is not beside the checkout")
def test_map_a_corpus_form_by_clicking_then_a_batch_fills_it(
    world: World, server: str, browser: Any
) -> None:
    page = browser_page(browser, server, "maintainer@example.org")
    page.goto(f"{server}/forms")
    page.click("text=New form")
    page.set_input_files("input[name=blank]", str(FORM))
    page.fill("input[name=form_id]", FORM_ID)
    page.fill("input[name=agency]", "irs")
    page.fill("input[name=title]", "Form 1040 (2024)")
    page.click("text=Upload and draft")
    page.wait_for_url(f"{server}/forms/{FORM_ID}/v/1")
    page.screenshot(path=str(SHOTS / "editor-1-draft.png"))
    todo = [n for n, e in entries(_text(world)).items() if not e.active]
    texts = [n for n in todo if ".f1_" in n or ".f2_" in n][:3]
    boxes = [n for n in todo if ".c1_" in n][:2]
    assert len(texts) == 3 and len(boxes) == 2

    # five fields by clicking: a profile value with a transform, a fixed value, a skip, a
    # condition from the builder, a box left blank with a reason
    _open_field(page, texts[0])
    page.check("input[name=source][value=profile]")
    page.fill("input[name=profile]", "address.current.city")
    page.fill("input[name=transform1]", "upper")
    preview = page.locator("[data-transform-preview]")
    preview.filter(has_text="→").wait_for()
    example, result = (preview.text_content() or "").split(" → ")
    assert example and result == example.upper()  # the transform on the path's example
    _save(page)
    _open_field(page, texts[1])
    page.check("input[name=source][value=value]")
    page.fill("input[name=value]", "See attached statement")
    _save(page)
    _open_field(page, texts[2])
    page.check("input[name=source][value=skip]")
    page.fill("input[name=skip]", "the IRS fills it")
    _save(page)
    _open_field(page, boxes[0])
    page.check("input[name=source][value=when]")
    page.click("summary:has-text('Build a condition')")
    page.select_option("[data-b=kind]", "child")
    page.fill("[data-b=arg]", "17")
    page.click("[data-b=use]")
    page.locator("[data-check-result]").filter(has_text="✓").wait_for()
    _save(page)
    _open_field(page, boxes[1])
    page.check("input[name=source][value=skip]")
    page.fill("input[name=skip]", "credit for other dependents: the specialist decides")
    _save(page)
    got = entries(_text(world))
    assert got[texts[0]].data == {"field": texts[0], "profile": "address.current.city",
                                  "transform": "upper"}  # fmt: skip
    assert got[texts[1]].data["value"] == "See attached statement"
    assert got[boxes[0]].data["when"] == "household.children_under(17, fill.date) > 0"
    assert got[boxes[1]].source == "skip" and got[texts[2]].source == "skip"

    # the table: row 1 read as given names, then its boxes and rows 2-4 ticked and declared
    _open_field(page, _cell(1, 0))
    page.check("input[name=source][value=profile]")
    page.fill("input[name=profile]", "household.children[0].given_name")
    _save(page)
    for row in COLUMNS:
        for col in range(3):
            page.check(f'input[name=sel][value="{_cell(row, col)}"]')
    page.select_option("select[name=list]", "household.children")
    page.fill("input[name=section]", "Dependents")
    page.click("text=Declare the selected boxes a table")
    page.wait_for_selector(".flash.ok")
    text = _text(world)
    (table,) = rows_of(text)
    assert table.list == "household.children" and len(table.fields) == 4
    assert entries(text)[_cell(3, 0)].data["profile"] == "household.children[2].given_name"
    page.screenshot(path=str(SHOTS / "editor-2-table.png"), full_page=True)

    # a test-fill with a persona: each child's given name in that child's row
    page.select_option("select[name=who]", "persona:nb_single_parent")
    page.click("form:has(select[name=who]) button")
    page.wait_for_selector("table.outcomes")
    children = load_profile(REPO / "personas" / "nb_single_parent.json").household.children
    for i, child in enumerate(children[:4], 1):
        cell = page.locator(f'tr[data-field="{_cell(i, 0)}"] code').first
        assert cell.text_content() == child.given_name, f"row {i}"
    page.screenshot(path=str(SHOTS / "editor-3-test-fill.png"), full_page=True)

    # the rest skipped in one click; published; a batch fills that version
    page.goto(f"{server}/forms/{FORM_ID}/v/1")
    page.fill(".skip-rest input[name=reason]", "not asked of our clients")
    page.click("text=Skip them")
    page.wait_for_selector("text=Publish version 1")
    page.click("text=Publish version 1")
    page.wait_for_url(f"{server}/forms/{FORM_ID}")
    page.context.close()
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        version = store_forms.current_version(s, FORM_ID)
        assert version is not None and version.version == 1
        version_id = version.id
    c = sign_in(world.app.test_client(), "specialist")
    resp = post(c, "/batches/launch",
                {"clients": [str(world.mine)], "forms": [FORM_ID], "only_ready": "0"})  # fmt: skip
    assert resp.status_code == 302
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        item = s.scalar(sa.select(BatchItem).where(BatchItem.batch_id == batch_id))
        assert item is not None and item.status == "done", item and item.error
        assert item.form_version_id == version_id
