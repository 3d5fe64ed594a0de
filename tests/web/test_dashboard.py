"""The dashboard: notes and referrals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import World, post

REPO = Path(__file__).resolve().parents[2]


def test_dashboard_notes_referrals(world: World, as_user: Any) -> None:
    """The dashboard renders for each role; notes and referrals are added to a client."""
    for who in ("specialist", "supervisor", "admin"):
        assert as_user(who).get("/").status_code == 200
    c = as_user("specialist")
    assert post(c, f"/clients/{world.mine}/notes", {"body": "Ring NAV"}).status_code == 302
    assert (
        post(c, f"/clients/{world.mine}/referrals", {"service": "Gjeldsrådgivning"}).status_code
        == 302
    )
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    assert "Ring NAV" in page and "Gjeldsrådgivning" in page
    assert c.get("/batches").status_code == 200
    assert c.get("/applications?due_within=14").status_code == 200
