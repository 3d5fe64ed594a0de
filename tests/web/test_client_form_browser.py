"""The client form in headless Chromium at 1024 px: a partner and three children entered in
one go, with a failed save in between, are all saved, in relation order; and the form is
photographed in en, nb and nl for review (tests/web/screenshots/)."""

from __future__ import annotations

from typing import Any

import pytest

from formfill.store import session_scope
from formfill.store.clients import latest_version
from tests.web.conftest import SHOTS, World, browser_page

pytestmark = pytest.mark.browser


def signed_in(browser: Any, server: str, lang: str) -> Any:
    """The supervisor: its locale is never set, so the context's language shows."""
    return browser_page(
        browser, server, "supervisor@example.org", height=800, locale=lang, timeout_ms=30_000
    )


def member(page: Any, n: int, relation: str, name: str, born: str) -> None:
    page.select_option(f"select[name='household.members[{n}].relation']", relation)
    page.fill(f"input[name='household.members[{n}].given_name']", name)
    page.fill(f"input[name='household.members[{n}].birth_date']", born)


def test_partner_and_three_children_in_one_save(world: World, server: str, browser: Any) -> None:
    page = signed_in(browser, server, "en-GB")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/clients/new")
    page.fill("input[name='person.given_name']", "Inga")
    page.fill("input[name='person.family_name']", "Gaup")
    page.fill("input[name='person.birth_date']", "1984-02-03")
    page.fill("input[name='identifiers.no_fnr']", "03028412345")  # a bad check digit
    member(page, 0, "partner", "Aslak", "1982-09-10")
    add = page.locator("button[data-add='household.members']")
    add.click()
    add.click()
    member(page, 1, "child", "Elle", "2012-04-01")
    member(page, 2, "child", "Mihkkal", "2015-08-20")
    page.click("form.profile button.primary")
    assert page.locator("label.invalid").count() == 1
    assert page.input_value("input[name='household.members[2].given_name']") == "Mihkkal"
    page.fill("input[name='identifiers.no_fnr']", "")
    member(page, 3, "child", "Unni", "2019-12-24")  # the row offered after the failed save
    page.click("form.profile button.primary")
    page.wait_for_selector("text=Client created.")
    client_id = int(page.url.rsplit("/", 1)[1].split("#")[0])
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        version = latest_version(s, client_id)
        assert version is not None
        members = version.data["household"]["members"]
    assert [(m["relation"], m["given_name"]) for m in members] == [
        ("partner", "Aslak"),
        ("child", "Elle"),
        ("child", "Mihkkal"),
        ("child", "Unni"),
    ]
    household = page.locator("#household").inner_text()
    names = ["Aslak", "Elle", "Mihkkal", "Unni"]  # partner, then children oldest first
    assert sorted(names, key=household.index) == names
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.goto(f"{server}/clients/{client_id}/edit")
    page.screenshot(path=str(SHOTS / "client-form-edit-en.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("lang", ["en-GB", "nb-NO", "nl-NL"])
def test_form_in_each_language(server: str, browser: Any, lang: str) -> None:
    page = signed_in(browser, server, lang)
    page.goto(f"{server}/clients/new")
    page.fill("input[name='person.given_name']", "Čiekčá")
    page.fill("input[name='person.citizenship']", "Norge")
    page.fill("input[name='income.sources[0].amount']", "38.500,00")
    page.fill("input[name='person.birth_date']", "1988-03-14")
    page.click("form.profile button.primary")
    assert page.locator("label.invalid").count() >= 1
    page.screenshot(path=str(SHOTS / f"client-form-error-{lang[:2]}.png"), full_page=True)
    page.context.close()
    # a plausibility warning is shown beside the field it concerns, on the edit form
    page = signed_in(browser, server, lang)
    page.goto(f"{server}/clients/new")
    page.fill("input[name='person.given_name']", "Čiekčá")
    page.fill("input[name='person.family_name']", "Gaup")
    page.fill("input[name='person.birth_date']", "1988-03-14")
    member(page, 0, "child", "Ánne", "1980-01-01")
    page.click("form.profile button.primary")
    page.wait_for_selector(".flash.warning")
    page.goto(page.url.split("#")[0] + "/edit")
    # the field's label holds its control (which carries the id) and the warning
    warning = page.locator("label:has([id='f-household.members[0].birth_date']) .warning")
    # worded in the reader's language, with whose value it is and the dates as the locale writes
    before = {"en": "before the client", "nb": "før klienten", "nl": "vóór de cliënt"}[lang[:2]]
    text = warning.inner_text()
    assert before in text and "Ánne" in text and "1980" in text, text
    warning.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"client-form-warning-{lang[:2]}.png"))
    page.context.close()
