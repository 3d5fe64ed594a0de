"""Browser journeys with Playwright's Python package driving Debian's headless Chromium (never
a downloaded browser) against the app behind waitress: sign in, create a client, upload a scan
and accept a proposal, run a batch and download a packet, mark an application submitted. Each
page is saved as a screenshot under tests/web/screenshots/ for review."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, SHOTS, World, run_jobs

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(server: str, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.ocr
def test_journeys(world: World, server: str, page: Any) -> None:
    """The main journeys work in a real browser, under the strict CSP."""
    from tests.data.evidence.build import SAMPLES, variant_bytes

    # OCR and fills run in real workers: on a busy 2-core machine they take their time
    page.set_default_timeout(60_000)
    page.goto(f"{server}/login")
    shot(page, "01-login")
    page.fill("input[name=email]", "specialist@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/")
    shot(page, "02-dashboard")
    # create a client
    page.goto(f"{server}/clients/new")
    page.fill("input[name='person.given_name']", "Marte")
    page.fill("input[name='person.family_name']", "Browserud")
    page.fill("input[name='identifiers.no_fnr']", "14038812469")
    page.fill("input[name='person.birth_date']", "1988-03-14")
    page.click("form.profile button.primary")
    assert page.locator("label.invalid").count() >= 1
    shot(page, "03-intake-error")
    page.fill("input[name='identifiers.no_fnr']", "14038812468")
    page.click("form.profile button.primary")
    page.wait_for_selector("text=Browserud")
    shot(page, "04-client")
    client_url = page.url
    # upload a scan and accept a proposal
    sample = next(s for s in SAMPLES if s.id == "nb_pay_slip")
    name, data = variant_bytes(sample, "clean")
    page.set_input_files(
        "input[name=files]", files=[{"name": name, "mimeType": "image/png", "buffer": data}]
    )
    page.click("form.upload button.primary")
    page.wait_for_url(f"{client_url}#evidence")
    run_jobs(world)
    page.click("#evidence a:text('Review')")
    page.wait_for_selector(".proposal form", timeout=90_000)
    page.wait_for_load_state("load")
    resp = page.request.get(server + page.locator("figure.page img").get_attribute("src"))
    assert resp.status == 200, resp.text()[:300]
    assert page.evaluate("document.querySelector('figure.page img').naturalWidth") > 0
    shot(page, "05-review")
    page.locator(".proposal button[data-action=accept]").first.click()
    page.wait_for_selector(".proposal.accepted")
    shot(page, "06-review-accepted")
    # a batch for this client, then a packet
    page.goto(f"{server}/batches/new")
    page.check(f"input[name=clients][value='{client_url.rsplit('/', 1)[1]}']")
    page.check("input[name=clients][value='1']")
    page.check("input[name=forms][value='nav-barnetrygd']")
    shot(page, "07-batch-new")
    page.click("form[method=post] button.primary")
    shot(page, "08-batch-plan")
    page.click("form[action$='/batches/launch'] button.primary")
    page.wait_for_selector("[data-batch-progress]")
    shot(page, "09-batch-running")
    run_jobs(world)
    page.wait_for_selector("[data-batch-progress][data-state=done]", timeout=120_000)
    shot(page, "10-batch-done")
    with page.expect_download() as dl:
        page.locator("a:text('Packet')").first.click()
    assert dl.value.suggested_filename.endswith(".pdf")
    page.locator("a:text('Preview')").first.click()
    page.wait_for_selector("figure.page img")
    shot(page, "11-preview")
    page.go_back()
    page.locator("button:text('Track as application')").first.click()
    page.check("input[name=program][value='barnetrygd']")  # two programs list nav-barnetrygd
    shot(page, "12-choose-program")
    page.click("form button.primary")
    page.wait_for_selector("select[name=to]")
    shot(page, "12-application")
    page.select_option("select[name=to]", "reviewed")
    page.click("form button.primary")
    page.select_option("select[name=to]", "submitted")
    page.select_option("select[name=channel]", "portal")
    page.fill("input[name=reference]", "NAV-777")
    page.click("form button.primary")
    page.wait_for_selector("text=NAV-777")
    shot(page, "13-submitted")
    for path, name in (
        ("/clients", "14-clients"),
        ("/forms", "15-forms"),
        ("/forms/nav-barnetrygd", "16-form"),
        ("/applications", "17-applications"),
        (client_url.replace(server, ""), "18-client-after"),
    ):
        page.goto(server + path)
        shot(page, name)
