"""The forms blueprint: the catalogue and previews."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import World

REPO = Path(__file__).resolve().parents[2]


def test_forms_catalogue_and_preview(world: World, as_user: Any) -> None:
    """The catalogue lists maps with coverage; a blank renders as PNG; readiness per client."""
    c = as_user("specialist")
    page = c.get("/forms").get_data(as_text=True)
    assert "nav-barnetrygd" in page
    assert c.get("/forms/nav-barnetrygd/preview.png").data.startswith(b"\x89PNG")
    assert f'href="/clients/{world.mine}"' in c.get("/forms/nav-barnetrygd").get_data(as_text=True)
    assert c.get("/forms/no-such-form").status_code == 404
