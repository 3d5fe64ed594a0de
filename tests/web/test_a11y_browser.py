"""Accessibility and layout in headless Chromium at 1024 px, in en, nb and nl: axe-core (pinned
in package.json, installed by scripts/bootstrap.sh) finds no critical, serious or moderate
violation on any page; no card is wider inside than out; the skip link is the first Tab stop;
after a failed save focus is on the error summary, with and without JavaScript.

One browser and one server for the module, one walk over every page per language: the tests
below read what the walk saw. Screenshots go to tests/web/screenshots/a11y-<lang>-<page>.png."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from formfill.store import Actor, session_scope
from formfill.store.applications import create_application
from formfill.store.batches import create_batch
from formfill.store.deadlines import add_manual
from formfill.store.proposals import add_evidence, add_proposal
from tests.web.conftest import PASSWORD, REPO, SHOTS, World
from web.services import today

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules/axe-core/axe.min.js"
LANGS = {"en": "en-GB", "nb": "nb", "nl": "nl"}  # Accept-Language: no saved choice
IMPACTS = {"critical", "serious", "moderate"}
ACTOR = Actor.system("test")
BAD_FNR = "03028412345"  # a bad check digit

# every card (and fieldset, the form's card; and the page) whose content is wider than its box
OVERFLOW_JS = """() => [...document.querySelectorAll('.card, fieldset'), document.documentElement]
  .filter(c => c.scrollWidth > c.clientWidth + 1)
  .map(c => (c.querySelector('h2, legend, h1')?.textContent || c.className || c.tagName)
            .trim().slice(0, 60) + ': ' + c.scrollWidth + ' > ' + c.clientWidth)"""


@dataclass
class Walk:
    axe: dict[str, list[str]] = field(default_factory=dict)  # "lang page" -> violations
    overflow: dict[str, list[str]] = field(default_factory=dict)
    axe_missing: bool = False


@pytest.fixture(scope="module")
def things(world: World) -> dict[str, int]:
    """What the pages show: evidence with proposals, an application, deadlines (one overdue,
    one soon, with a long label), a batch."""
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        ev = add_evidence(s, ACTOR, world.mine, "0" * 64, "lønnsslipp.pdf", "application/pdf",
                          "pay_slip", 1)  # fmt: skip
        ev.status = "done"
        ev.uploaded_at = datetime.now(UTC) - timedelta(days=2)
        add_proposal(s, ACTOR, ev.id, "employment.employer", "Čiekčá Bygg AS", 1)
        add_proposal(s, ACTOR, ev.id, "income.monthly_gross", "41 250,00", 1)
        app = create_application(s, ACTOR, world.mine, "nav-barnetrygd", program="barnetrygd")
        add_manual(s, ACTOR, world.mine, "appeal", today() + timedelta(days=3), app.id,
                   "Klage på vedtak 2026/BT/000412/Guovdageaidnu")  # fmt: skip
        add_manual(s, ACTOR, world.mine, "renewal", today() - timedelta(days=2))
        mine = Actor(world.users["supervisor"], f"user:{world.users['supervisor']}")
        batch = create_batch(s, mine, [(world.mine, "nav-barnetrygd")], "Desember-runden")
        return {"evidence": ev.id, "application": app.id, "batch": batch.id}


def new_page(browser: Any, lang: str, js: bool = True) -> Any:
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, locale=LANGS[lang], java_script_enabled=js
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def sign_in(page: Any, server: str, who: str) -> None:
    """Users whose language is never saved: the browser's language decides."""
    page.goto(f"{server}/login")
    page.fill("input[name=email]", f"{who}@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/")


def failed_save(page: Any, server: str) -> None:
    page.goto(f"{server}/clients/new")
    page.fill("input[name='person.given_name']", "Máret")
    page.fill("input[name='identifiers.no_fnr']", BAD_FNR)
    page.click("form.profile button.primary")
    page.wait_for_selector("label.invalid")


def check(page: Any, walk: Walk, key: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(SHOTS / f"a11y-{key.replace(' ', '-')}.png"), full_page=True)
    walk.overflow[key] = page.evaluate(OVERFLOW_JS)
    if walk.axe_missing:
        return
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the devtools: CSP allows it
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    walk.axe[key] = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in IMPACTS
    ]


@pytest.fixture(scope="module")
def walk(browser: Any, server: str, world: World, things: dict[str, int]) -> Walk:
    w = Walk(axe_missing=not AXE.exists())
    pages = {
        "dashboard": "/",
        "clients": "/clients",
        "client": f"/clients/{world.mine}",
        "client-new": "/clients/new",
        "client-edit": f"/clients/{world.mine}/edit",
        "evidence": f"/evidence/{things['evidence']}",
        "batches": "/batches",
        "batch-new": "/batches/new",
        "batch": f"/batches/{things['batch']}",
        "forms": "/forms",
        "form": "/forms/nav-barnetrygd",
        "applications": "/applications",
        "application": f"/applications/{things['application']}",
        "calendar": "/calendar",
        "password": "/account/password",
    }
    for lang in LANGS:
        page = new_page(browser, lang)
        page.goto(f"{server}/login")
        check(page, w, f"{lang} sign-in")
        sign_in(page, server, "supervisor")
        for name, path in pages.items():
            resp = page.goto(server + path)
            assert resp is not None and resp.status == 200, (lang, name, resp and resp.status)
            check(page, w, f"{lang} {name}")
        failed_save(page, server)
        check(page, w, f"{lang} client-failed-save")
        page.context.close()
        page = new_page(browser, lang)
        sign_in(page, server, "admin")
        page.goto(f"{server}/admin/users")
        check(page, w, f"{lang} admin")
        page.context.close()
    return w


def test_no_axe_violations_on_any_page(walk: Walk) -> None:
    if walk.axe_missing:
        pytest.skip(f"{AXE.relative_to(REPO)} is missing: run scripts/bootstrap.sh (npm ci)")
    found = {k: v for k, v in walk.axe.items() if v}
    assert not found, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)
    assert len(walk.axe) == 3 * 18  # every page in every language was checked


def test_no_card_is_wider_inside_than_its_box(walk: Walk) -> None:
    found = {k: v for k, v in walk.overflow.items() if v}
    assert not found, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)
    assert len(walk.overflow) == 3 * 18


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link_is_the_first_tab_stop(browser: Any, server: str, lang: str) -> None:
    page = new_page(browser, lang)
    sign_in(page, server, "supervisor")
    page.goto(f"{server}/clients")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.href]")
    text = page.evaluate("document.activeElement.textContent")
    assert focused == ["skip", f"{server}/clients#content"], focused
    assert text == {"en": "Skip to content", "nb": "Hopp til innholdet",
                    "nl": "Direct naar de inhoud"}[lang]  # fmt: skip
    assert page.locator("a.skip").is_visible()  # shown while it has focus
    page.screenshot(path=str(SHOTS / f"a11y-{lang}-skip-link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")  # the next stop is inside the page, past the menu
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")
    page.context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_failed_save_puts_focus_on_the_error_summary(browser: Any, server: str, js: bool) -> None:
    page = new_page(browser, "nb", js=js)
    sign_in(page, server, "supervisor")
    failed_save(page, server)
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_attribute("tabindex") == "-1"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    link = summary.locator("a[href='#f-identifiers.no_fnr']")
    assert link.count() == 1
    assert page.input_value("input[name='person.given_name']") == "Máret"  # nothing lost
    link.click()
    assert page.evaluate("location.hash") == "#f-identifiers.no_fnr"
    page.context.close()
