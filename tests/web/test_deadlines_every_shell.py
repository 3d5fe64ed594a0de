"""One rule, one answer: the same transition through the CLI, the web form and the JSON API
gives the same deadlines, from the program's rules in the catalog."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from click.testing import CliRunner

from formfill.cli.main import cli
from formfill.store import Actor, session_scope
from formfill.store import applications as store_apps
from tests.web.conftest import World, csrf_token

DAY = "2026-02-02"


def _new_application(world: World) -> int:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        app = store_apps.create_application(
            s, Actor.system("test"), world.mine, "nav-barnetrygd", program="barnetrygd"
        )
        for to in ("ready", "filled", "reviewed"):
            store_apps.advance(s, Actor.system("test"), app.id, to, date.fromisoformat(DAY))
        return app.id


def _deadlines(world: World, app_id: int) -> list[tuple[str, str]]:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        app = store_apps.get_application(s, app_id)
        return sorted((d.kind, d.due.isoformat()) for d in app.deadlines if not d.done)


def test_cli_web_and_api_give_the_same_deadlines(world: World, as_user: Any) -> None:
    """Submitted by post on the same day through each shell: each application gets the
    program's expected-decision deadline, the same in all three (none is empty)."""
    by_cli, by_web, by_api = (_new_application(world) for _ in range(3))
    env = {
        "FORMFILL_HOME": str(world.settings.root),
        "FORMFILL_DATA_DIR": str(world.settings.data_dir),
        "FORMFILL_ARTIFACT_KEY": world.settings.artifact_key or "",
        "FORMFILL_DATABASE_URL": world.settings.database_url,
    }
    args = ["application", "advance", str(by_cli), "--to", "submitted", "--channel", "post",
            "--date", DAY, "--json"]  # fmt: skip
    r = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["rules_from"] == "program barnetrygd"

    c = as_user("specialist")
    form = {"to": "submitted", "channel": "post", "date": DAY, "csrf_token": csrf_token(c)}
    assert c.post(f"/applications/{by_web}/advance", data=form).status_code == 302

    token = c.get("/api/v1/csrf").get_json()["csrf_token"]
    body = {"to": "submitted", "date": DAY, "submission": {"channel": "post"}}
    resp = c.post(f"/api/v1/applications/{by_api}/advance", json=body,
                  headers={"X-CSRFToken": token})  # fmt: skip
    assert resp.status_code == 200, resp.get_data(as_text=True)

    got = [_deadlines(world, a) for a in (by_cli, by_web, by_api)]
    assert got[0], "the CLI gave no deadline"
    assert any(kind == "expected_decision" for kind, _due in got[0])
    assert got[0] == got[1] == got[2]
