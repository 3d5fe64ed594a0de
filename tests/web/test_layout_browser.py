"""Layout and navigation found by a browser walk, checked in headless Chromium: the header
keeps one row at 1024 px in en, nb and nl; no page asks for anything that is not there (the
favicon); each link of the error summary puts focus on its field."""

from __future__ import annotations

from typing import Any

import pytest

from formfill.store import Actor, session_scope
from formfill.store import users as store_users
from tests.web.conftest import PASSWORD, SHOTS, World, browser_page

pytestmark = pytest.mark.browser

LANGS = ("en", "nb", "nl")
# every element of the header that must sit on its one row, with its vertical middle
ROW_JS = """() => {
  const header = document.querySelector('header.top');
  const parts = [header.querySelector('.brand'), ...header.querySelectorAll('nav a'),
                 ...header.querySelectorAll('.me > *')];
  return {height: header.getBoundingClientRect().height,
          parts: parts.map(e => { const r = e.getBoundingClientRect();
            return [e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 30), r.top, r.bottom]; })};
}"""


@pytest.fixture(scope="module")
def long_names(world: World) -> dict[str, str]:
    """Users with names as long as the demo's ("Sverre Supervisor"), whose language is saved."""
    emails = {}
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        for lang in LANGS:
            email = f"layout-{lang}@example.org"
            user = store_users.create_user(
                s, Actor.system("test"), email, "Sverre Supervisor", "supervisor", PASSWORD,
                "team-a",
            )  # fmt: skip
            user.locale = lang
            emails[lang] = email
    return emails


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_keeps_one_row_at_1024_px(
    browser: Any, server: str, long_names: dict[str, str], lang: str
) -> None:
    """Brand, every menu item, the language menu, the user and sign-out share one row: their
    boxes overlap vertically, and the header is no taller than one line of them."""
    page = browser_page(browser, server, long_names[lang], locale=lang)
    for path in ("/", "/clients"):
        page.goto(f"{server}{path}")
        found = page.evaluate(ROW_JS)
        tops = [top for _t, top, _b in found["parts"]]
        bottoms = [bottom for _t, _top, bottom in found["parts"]]
        assert max(tops) < min(bottoms), f"{lang} {path}: two rows: {found['parts']}"
        assert found["height"] < 70, f"{lang} {path}: header {found['height']} px high"
    page.screenshot(path=str(SHOTS / f"layout-header-{lang}.png"))
    page.context.close()


def test_no_page_asks_for_something_missing(browser: Any, server: str) -> None:
    """Every response while loading the pages is found (the favicon was a 404 on each); the
    icon at /favicon.ico is an image anyone may fetch."""
    page = browser_page(browser, server)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in ("/", "/clients", "/applications", "/batches", "/forms"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
    icons = page.evaluate("[...document.querySelectorAll('link[rel=icon]')].map(l => l.href)")
    assert icons and all(page.request.get(u).status == 200 for u in icons)
    page.context.close()
    assert missing == []
    context = browser.new_context()  # not signed in
    resp = context.request.get(f"{server}/favicon.ico")
    assert resp.status == 200 and resp.headers["content-type"] in (
        "image/vnd.microsoft.icon",
        "image/x-icon",
    )
    assert resp.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_each_error_summary_link_focuses_its_field(browser: Any, server: str, js: bool) -> None:
    """After a failed save, clicking a link of the error summary puts focus on the field it
    names (the link's target is the input's own id), with and without JavaScript."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, locale="nb", java_script_enabled=js
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server}/login")
    page.fill("input[name=email]", "specialist@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.goto(f"{server}/clients/new")
    page.fill("input[name='person.given_name']", "Máret")
    page.fill("input[name='identifiers.no_fnr']", "03028412345")  # a bad check digit
    page.fill("input[name='person.birth_date']", "31.02.1990")  # no such day
    page.click("form.profile button.primary")
    page.wait_for_selector("#error-summary")
    hrefs = page.eval_on_selector_all("#error-summary a", "as => as.map(a => a.hash)")
    assert "#f-identifiers.no_fnr" in hrefs and len(hrefs) >= 2, hrefs
    for href in hrefs:
        page.locator(f"#error-summary a[href='{href}']").click()
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.id]")
        assert focused[0] in ("INPUT", "SELECT") and "#" + focused[1] == href, (href, focused)
    context.close()
