"""One rule, one answer: the same transition through the CLI, the web form and the JSON API
gives the same deadlines, from the program's rules in the catalog."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from click.testing import CliRunner

from formfill.cli.main import cli
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.store import Actor, session_scope
from formfill.store import applications as store_apps
from formfill.store import users as store_users
from formfill.store.clients import create_client, save_profile
from tests.web.conftest import REPO, World, csrf_token, post, run_jobs

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

    # the decision arrives: nobody waits for it any more, in every shell alike
    decided = "2026-03-02"
    args = ["application", "advance", str(by_cli), "--to", "decided", "--decision", "approved",
            "--date", decided, "--json"]  # fmt: skip
    r = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    form = {"to": "decided", "decision": "approved", "date": decided, "csrf_token": csrf_token(c)}
    assert c.post(f"/applications/{by_web}/advance", data=form).status_code == 302
    body = {"to": "decided", "date": decided, "decision": "approved"}
    resp = c.post(f"/api/v1/applications/{by_api}/advance", json=body,
                  headers={"X-CSRFToken": token})  # fmt: skip
    assert resp.status_code == 200, resp.get_data(as_text=True)
    after = [_deadlines(world, a) for a in (by_cli, by_web, by_api)]
    assert after[0] == after[1] == after[2]
    assert all(kind != "expected_decision" for kind, _due in after[0]), after[0]
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        met = [d for d in store_apps.get_application(s, by_web).deadlines if d.done]
        assert [d.kind for d in met] == ["expected_decision"]  # met, kept in the history


def _fresh_client(world: World, ref: str) -> int:
    """A client with the bokmål single parent's profile on specialist's caseload."""
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        client = create_client(s, Actor.system("test"), ref)
        profile = load_profile(REPO / "personas/nb_single_parent.json")
        save_profile(s, Actor.system("test"), client.id, profile, Provenance("typed"))
        store_users.assign(s, Actor.system("test"), world.users["specialist"], client.id)
        return client.id


def _only_application(world: World, client_id: int) -> int:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        (app,) = store_apps.list_applications(s, client_ids=[client_id])
        assert app.program == "barnetrygd", app.program
        return app.id


def test_batch_row_and_screening_panel_applications_get_the_cli_deadlines(
    world: World, as_user: Any
) -> None:
    """An application tracked from a batch row (the program asked, as two list the form) and
    one opened from the screening panel are barnetrygd applications: submitted by post through
    the web and then acknowledged, they have the deadlines the CLI gives, and those show on the
    application page, the dashboard and the calendar."""
    sent = date.today() - timedelta(days=35)  # expected decision in a week: on the dashboard
    c = as_user("specialist")

    from_row = _fresh_client(world, "REF-ROW")
    launch = {"clients": [str(from_row)], "forms": ["nav-barnetrygd"], "only_ready": "0"}
    resp = post(c, "/batches/launch", launch)
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    (item,) = c.get(f"/api/v1/batches/{batch_id}").get_json()["items"]
    assert item["status"] == "done" and item["application"] is None  # not invented
    asked = post(c, f"/batches/{batch_id}/items/{item['id']}/track")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'value="utvidet-barnetrygd"' in page
    resp = post(c, f"/batches/{batch_id}/items/{item['id']}/track", {"program": "barnetrygd"})
    assert resp.status_code == 302
    by_row = _only_application(world, from_row)
    assert resp.headers["Location"].endswith(f"/applications/{by_row}")

    from_panel = _fresh_client(world, "REF-PANEL")
    panel = c.get(f"/clients/{from_panel}").get_data(as_text=True)
    assert 'name="programs" value="barnetrygd"' in panel
    choice = {"programs": ["barnetrygd"], "start": sent.isoformat()}
    resp = post(c, f"/clients/{from_panel}/applications", choice)
    assert resp.status_code == 302
    by_panel = _only_application(world, from_panel)
    again = post(c, f"/clients/{from_panel}/applications", choice, follow_redirects=True)
    assert "already open" in again.get_data(as_text=True)
    _only_application(world, from_panel)  # still one

    by_cli = _new_application(world)
    env = {
        "FORMFILL_HOME": str(world.settings.root),
        "FORMFILL_DATA_DIR": str(world.settings.data_dir),
        "FORMFILL_ARTIFACT_KEY": world.settings.artifact_key or "",
        "FORMFILL_DATABASE_URL": world.settings.database_url,
    }
    for to in ("submitted", "acknowledged"):
        args = ["application", "advance", str(by_cli), "--to", to, "--date", sent.isoformat()]
        args += ["--channel", "post"] if to == "submitted" else []
        r = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
        assert r.exit_code == 0, r.output
    steps = {by_row: ["reviewed"], by_panel: ["ready", "filled", "reviewed"]}
    for app_id, before in steps.items():
        for to in [*before, "submitted", "acknowledged"]:
            form = {"to": to, "date": sent.isoformat()}
            form |= {"channel": "post"} if to == "submitted" else {}
            resp = post(c, f"/applications/{app_id}/advance", form)
            assert resp.status_code == 302, (to, resp.get_data(as_text=True)[:300])

    cli_deadlines = _deadlines(world, by_cli)
    assert any(kind == "expected_decision" for kind, _due in cli_deadlines)
    assert _deadlines(world, by_row) == _deadlines(world, by_panel) == cli_deadlines
    due = dict(cli_deadlines)["expected_decision"]
    page = c.get(f"/applications/{by_row}").get_data(as_text=True)
    assert due in page and "barnetrygd" in page
    dashboard = c.get("/").get_data(as_text=True)
    calendar = c.get("/calendar").get_data(as_text=True)
    for app_id in (by_row, by_panel):
        assert f'href="/applications/{app_id}"' in dashboard
        assert f'href="/applications/{app_id}"' in calendar
    # the dashboard says the rule in the catalog's words, in the reader's language, as the
    # calendar does (not the English label stored with the deadline)
    assert "Follow up with NAV if no decision has come" in dashboard
    nb = c.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Følg opp hos NAV hvis vedtak ikke har kommet" in nb
