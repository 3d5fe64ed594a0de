"""What the batch pages show of a fill: the preview is the filled output (its values drawn),
never the blank; packets, batch pages and history name forms by title and people by name."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from formfill.evidence import preview
from formfill.fill import FormCatalogue
from tests.web.conftest import World, post, run_jobs

REPO = Path(__file__).resolve().parents[2]
FORM = "nav-barnetrygd"
TITLE = "Søknad om barnetrygd (eksempelskjema)"


def _launch(c: Any, world: World, forms: list[str], label: str) -> tuple[int, list[dict[str, Any]]]:
    resp = post(
        c,
        "/batches/launch",
        {"clients": [str(world.mine)], "forms": forms, "only_ready": "0", "label": label},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    items = c.get(f"/api/v1/batches/{batch_id}").get_json()["items"]
    assert all(i["status"] == "done" for i in items), items
    return batch_id, items


def test_preview_shows_the_filled_values_not_the_blank(world: World, as_user: Any) -> None:
    """Page 1 of the item's preview differs from the blank's page 1 where the values are: the
    applicant's name box (top left) holds dark text in the preview and none in the blank."""
    c = as_user("specialist")
    batch_id, (item,) = _launch(c, world, [FORM], "Preview")
    page = c.get(f"/batches/{batch_id}/items/{item['id']}/preview").get_data(as_text=True)
    assert TITLE in page and FORM not in re.sub(r'(href|src)="[^"]*"', "", page)
    shown = c.get(f"/batches/{batch_id}/items/{item['id']}/page/1.png")
    assert shown.status_code == 200
    filled = Image.open(io.BytesIO(shown.data)).convert("L")
    blank_pdf = (REPO / "sample_forms/nav/nav-barnetrygd.pdf").read_bytes()
    blank = Image.open(io.BytesIO(preview.page_png(blank_pdf, 1, 900))).convert("L")
    assert filled.size == blank.size
    # the first-name box, below "Fornavn" (the layout at 900 px: x 55-430, y 242-266)
    box = (60, 244, 425, 264)
    dark = lambda im: sum(im.crop(box).histogram()[:100])  # noqa: E731 - pixels darker than 100
    assert dark(blank) == 0 and dark(filled) > 50
    assert ImageChops.difference(filled, blank).getbbox() is not None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_word_output_previews_as_pages_and_joins_the_packet(world: World, as_user: Any) -> None:
    """A Word output is shown as its converted pages; the packet holds it after the PDF, and
    the packet's cover names both by title in the client's language (Kari: bokmål)."""
    c = as_user("specialist")
    batch_id, items = _launch(c, world, [FORM, "agency-cover-letter-nb"], "Mars")
    word = next(i for i in items if i["form"] == "agency-cover-letter-nb")
    page = c.get(f"/batches/{batch_id}/items/{word['id']}/preview").get_data(as_text=True)
    assert "Søknad med vedlegg" in page and 'alt="Page 1"' in page
    png = c.get(f"/batches/{batch_id}/items/{word['id']}/page/1.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    listing = c.get(f"/batches/{batch_id}").get_data(as_text=True)
    assert TITLE in listing and "Søknad med vedlegg" in listing
    packet = c.get(f"/batches/{batch_id}/clients/{world.mine}/packet.pdf").data
    reader = PdfReader(io.BytesIO(packet))
    cover = reader.pages[0].extract_text()
    assert "Dokumentpakke for" in cover and "Utfylling Mars" in cover
    assert cover.index(TITLE) < cover.index("Søknad med vedlegg")
    assert FORM not in cover and "agency-cover-letter-nb" not in cover
    forms = FormCatalogue(world.settings)
    assert forms.title("agency-cover-letter-nb") == "Søknad med vedlegg"
    assert len(reader.pages) > 2


def test_history_names_people_and_batches(world: World, as_user: Any) -> None:
    """A tracked fill's history on the client and the application pages: the user's name (not
    user:N), the worker as formfill, the batch by its label, the form by its title."""
    c = as_user("specialist")
    batch_id, (item,) = _launch(c, world, ["nav-yrkesskade"], "Vårrunden")
    resp = post(c, f"/batches/{batch_id}/items/{item['id']}/track")
    assert resp.status_code == 302
    app_url = resp.headers["Location"]
    assert post(c, f"{app_url}/advance", {"to": "reviewed"}).status_code == 302
    app_page = c.get(app_url).get_data(as_text=True)
    client_page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    for page in (app_page, client_page):
        assert "user:" not in page
        assert '<small class="who">Specialist</small>' in page
    title = FormCatalogue(world.settings).title("nav-yrkesskade")
    assert f"{title} filled in batch Vårrunden" in client_page
    assert "filled in batch Vårrunden" in app_page or "tracked from batch Vårrunden" in app_page
    token = c.get("/api/v1/csrf").get_json()["csrf_token"]
    made = c.post(
        "/api/v1/clients",
        json={"profile": {"person": {"given_name": "Máret", "family_name": "Somby"}}},
        headers={"X-CSRFToken": token},
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    new_id = made.get_json()["id"]
    history = c.get(f"/clients/{new_id}").get_data(as_text=True).split('id="history"')[1]
    assert '<td class="who">Specialist</td>' in history and "v1" in history
