"""How many clicks it takes to map a form in the browser, measured by doing it.

`formfill up` on a fresh data directory, then headless Chromium (Debian's, 1024 px) signs in
as the form maintainer and, for each form: uploads the blank (New form, file, id, agency,
title, Upload), then goes through the hand-labelled truth of every field
(tests/data/corpus_truth/, bench/heldout/truth/) and does what a maintainer must:

- a field the draft got right (the truth's profile path, its condition, or skipped where the
  truth leaves it blank) costs nothing;
- a field the draft got wrong or left to do: open it (a click on its box, unless the editor
  already shows it), choose its source (a click), type the path, condition or reason, save
  ("Save and go to the next field to do", a click);
- the fields the truth leaves blank and the draft left to do: "Skip them" once, with a reason;
- Publish.

Every click is a real Playwright click on the page and is counted; typed characters are
counted apart. The published map is then read back and compared with the truth, so a run that
counts few clicks but maps wrongly says so. Forms nobody tuned the drafter on (the held-out
set) are marked; they are scored here for clicks only, never used to change a rule.

Run: .venv/bin/python bench/map_clicks.py [--forms us_irs_w4 us_uscis_ar11_change_of_address]
Needs ../shared/corpus (the blanks) and Chromium at /usr/bin/chromium; skips what is absent.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PASSWORD = "bench-password-2026"
CORPUS = REPO.parent / "shared" / "corpus" / "forms"
TRUTHS = (REPO / "tests" / "data" / "corpus_truth", REPO / "bench" / "heldout" / "truth")
HELDOUT = REPO / "bench" / "heldout"
DEFAULT = ("us_irs_w4", "us_ma_tenant_sanitary_code_petition", "us_uscis_ar11_change_of_address")
BLANK = ("-", "skip")
# the index of the box drawn for a field (its link's ?field=, decoded as the browser does)
FIND_BOX = """name => [...document.querySelectorAll('svg.page a.box')].findIndex(
    a => new URL(a.getAttribute('href'), location.href).searchParams.get('field') === name)"""


@dataclass
class Count:
    clicks: int = 0
    typed: int = 0
    fixed: int = 0  # fields the maintainer had to decide by hand (wrong or to do)
    right: int = 0  # fields the draft had right


class Page:
    """The Playwright page with every click and keystroke counted."""

    def __init__(self, page: Any, count: Count) -> None:
        self.page, self.count = page, count

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.count.clicks += 1

    def fill(self, selector: str, text: str) -> None:
        self.click(selector)  # a person clicks into the box first
        self.page.locator(selector).first.fill(text)
        self.count.typed += len(text)


def _blank(stem: str) -> Path:
    held = HELDOUT / "forms" / f"{stem}.pdf"
    return held if held.exists() else CORPUS / f"{stem}.pdf"


def _truth(stem: str) -> tuple[dict[str, str], bool] | None:
    for folder in TRUTHS:
        path = folder / f"{stem}.toml"
        if path.exists():
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            return {k: str(v) for k, v in data["fields"].items()}, folder.parent == HELDOUT
    return None


def _map_text(page: Any, base: str, form_id: str) -> str:
    return str(page.evaluate(
        "url => fetch(url, {credentials: 'same-origin'}).then(r => r.text())",
        f"{base}/forms/{form_id}/v/1/map.toml",
    ))  # fmt: skip


def _is_condition(value: str) -> bool:
    return any(op in value for op in ("==", " in ", " is ", "(", " and ", " or ")) or (
        value.startswith("not ")
    )


def _draft_says(entry: Any) -> tuple[str, str]:
    """(source, what) of a draft's entry: ("todo", ""), ("skip", reason), ("profile", path)."""
    if entry is None or not entry.active:
        return "todo", ""
    for key in ("profile", "when", "expr", "value", "skip"):
        if key in entry.data:
            return key, str(entry.data[key])
    return "todo", ""


def _right(truth: str, source: str, what: str) -> bool:
    if truth in BLANK:
        return source == "skip"
    if _is_condition(truth):
        return source == "when" and " ".join(what.split()) == " ".join(truth.split())
    return source == "profile" and what == truth


def map_form(page: Any, base: str, stem: str, truth: dict[str, str], shots: Path) -> Count:
    from formfill.maps.edit import entries

    count = Count()
    p = Page(page, count)
    form_id = f"bench-{stem.replace('_', '-')}"[:60]
    page.goto(f"{base}/forms")
    p.click("text=New form")
    page.set_input_files("input[name=blank]", str(_blank(stem)))
    count.clicks += 1  # the file chooser
    p.fill("input[name=form_id]", form_id)
    p.fill("input[name=agency]", "bench")
    p.fill("input[name=title]", stem)
    p.click("text=Upload and draft")
    page.wait_for_url(f"{base}/forms/{form_id}/v/1", timeout=300_000)
    drafted = entries(_map_text(page, base, form_id))
    for name, want in truth.items():
        source, what = _draft_says(drafted.get(name))
        if _right(want, source, what):
            count.right += 1
            continue
        if want in BLANK and source == "todo":
            continue  # "Skip them" at the end takes every such field at once
        count.fixed += 1
        shown = page.locator("form.field-edit input[name=field]")
        if shown.count() == 0 or shown.first.get_attribute("value") != name:
            at = page.evaluate(FIND_BOX, name)
            if at < 0:
                raise SystemExit(f"{stem}: no box drawn for {name!r}")
            page.locator("svg.page a.box").nth(at).click()
            count.clicks += 1
            page.wait_for_selector(
                f'form.field-edit input[name=field][value="{name}"]', state="attached"
            )
        if want in BLANK:
            p.click("input[name=source][value=skip]")
            p.fill("input[name=skip]", "not the client's")
        elif _is_condition(want):
            p.click("input[name=source][value=when]")
            p.fill("input[name=when]", want)
        else:
            if not page.locator("input[name=source][value=profile]").is_checked():
                p.click("input[name=source][value=profile]")
            p.fill("input[name=profile]", want)
        unlock = page.locator("input[name=overwrite_read_only]")
        if want not in BLANK and unlock.count() and not unlock.first.is_checked():
            p.click("input[name=overwrite_read_only]")  # the form marks it read-only
        p.click("form.field-edit button[data-save-next]")
        page.wait_for_load_state("load")
        if page.locator("form.field-edit .error, .flash.error").count():
            page.screenshot(path=str(shots / f"{stem}-refused.png"))
            raise SystemExit(f"{stem}: saving {name} = {want!r} was refused (see the screenshot)")
    if page.locator("input[name=reason]").count():
        p.fill("input[name=reason]", "not asked of the client")
        p.click("form.skip-rest button")
        page.wait_for_load_state("load")
    if not page.locator("form[action$='/publish'] button").count():
        page.screenshot(path=str(shots / f"{stem}-not-published.png"), full_page=True)
        why = page.locator(".editor-head details li").all_text_contents()
        raise SystemExit(f"{stem}: cannot publish: {why[:5] or 'fields still to do'}")
    p.click("form[action$='/publish'] button")
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"{stem}-published.png"))
    return count


def check_published(page: Any, base: str, stem: str, truth: dict[str, str]) -> list[str]:
    """Fields whose published mapping differs from the truth."""
    from formfill.maps.edit import entries

    form_id = f"bench-{stem.replace('_', '-')}"[:60]
    published = entries(_map_text(page, base, form_id))
    return [
        f"{name}: {_draft_says(published.get(name))} vs {want!r}"
        for name, want in truth.items()
        if not _right(want, *_draft_says(published.get(name)))
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", nargs="*", default=list(DEFAULT))
    ap.add_argument("--port", type=int, default=8793)
    args = ap.parse_args()
    if not CORPUS.exists() or not Path("/usr/bin/chromium").exists():
        raise SystemExit("needs ../shared/corpus and /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    shots = Path(tempfile.mkdtemp(prefix="ffclicks-shots-"))
    with tempfile.TemporaryDirectory(prefix="ffclicks-") as tmp:
        env = dict(os.environ, FORMFILL_DATA_DIR=tmp, FORMFILL_DEMO_PASSWORD=PASSWORD)
        server = subprocess.Popen(
            [sys.executable, "-m", "formfill", "up", "--port", str(args.port), "--workers", "1"],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{args.port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.5)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1024, "height": 768})
                page.goto(f"{base}/login")
                page.fill("input[name=email]", "maintainer@example.org")
                page.fill("input[name=password]", PASSWORD)
                page.click("form button.primary")
                page.wait_for_load_state("load")
                print(f"{'form':42} {'fields':>6} {'right':>5} {'fixed':>5} {'clicks':>6} "
                      f"{'typed':>6}  published = truth")  # fmt: skip
                for stem in args.forms:
                    found = _truth(stem)
                    if found is None or not _blank(stem).exists():
                        print(f"{stem:42} skipped (no truth or no blank)")
                        continue
                    truth, held = found
                    c = map_form(page, base, stem, truth, shots)
                    wrong = check_published(page, base, stem, truth)
                    tag = " (held out)" if held else ""
                    print(f"{(stem + tag)[:42]:42} {len(truth):6} {c.right:5} {c.fixed:5} "
                          f"{c.clicks:6} {c.typed:6}  "
                          f"{'yes' if not wrong else f'no: {len(wrong)} differ'}")  # fmt: skip
                    for w in wrong[:5]:
                        print(f"    {w}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"screenshots: {shots}")


if __name__ == "__main__":
    main()
