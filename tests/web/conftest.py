"""Web fixtures: one app over a migrated SQLite store in a temporary data directory, an
embedded Redis, demo users (two teams) and two clients; helpers to sign in, get a CSRF token
and run the queued jobs in-process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from formfill.artifacts import new_key
from formfill.config import Settings
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.store import Actor, migrate, session_scope
from formfill.store import users as store_users
from formfill.store.clients import create_client, save_profile

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
USERS = {
    "specialist": ("specialist@example.org", "specialist", "team-a"),
    "specialist2": ("specialist2@example.org", "specialist", "team-b"),
    "supervisor": ("supervisor@example.org", "supervisor", "team-a"),
    "admin": ("admin@example.org", "admin", None),
    "maintainer": ("maintainer@example.org", "form_maintainer", None),
}


@dataclass
class World:
    app: Flask
    settings: Settings
    users: dict[str, int]
    mine: int  # a client on specialist's caseload (team a)
    theirs: int  # a client on specialist2's caseload (team b)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from web import create_app
    from worker.queue import stop_embedded

    data = tmp_path_factory.mktemp("web")
    settings = Settings(
        root=REPO, data_dir=data, font_path=None, artifact_key=new_key(),
        secret_key="t" * 48,
    )  # fmt: skip
    migrate.upgrade(settings)
    app = create_app(settings, TESTING=True)
    sessions = app.extensions["formfill"].sessions
    ids: dict[str, int] = {}
    with session_scope(sessions) as s:
        actor = Actor.system("test")
        for key, (email, role, team) in USERS.items():
            ids[key] = store_users.create_user(
                s, actor, email, key.title(), role, PASSWORD, team
            ).id
        kari = load_profile(REPO / "personas/nb_single_parent.json")
        jan = load_profile(REPO / "personas/nl_couple_irregular.json")
        mine = create_client(s, actor, "REF-KARI")
        save_profile(s, actor, mine.id, kari, Provenance("typed"))
        store_users.assign(s, actor, ids["specialist"], mine.id)
        theirs = create_client(s, actor, "REF-JAN")
        save_profile(s, actor, theirs.id, jan, Provenance("typed"))
        store_users.assign(s, actor, ids["specialist2"], theirs.id)
        mine_id, theirs_id = mine.id, theirs.id
    yield World(app, settings, ids, mine_id, theirs_id)
    stop_embedded(settings)


def csrf_token(client: FlaskClient) -> str:
    """A valid token for this client's session (from the sign-in page or the API)."""
    page = client.get("/login").get_data(as_text=True)
    m = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    if m is None:
        m = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    if m is None:  # signed in: the sign-in page redirects
        return str(client.get("/api/v1/csrf").get_json()["csrf_token"])
    return m.group(1)


def sign_in(client: FlaskClient, who: str, password: str = PASSWORD) -> FlaskClient:
    email = USERS[who][0]
    resp = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def as_user(world: World) -> Iterator[object]:
    """``as_user("specialist")``: a signed-in test client."""

    def make(who: str) -> FlaskClient:
        return sign_in(world.app.test_client(), who)

    yield make


def run_jobs(world: World) -> None:
    """Work the queue to empty, in this process (RQ's SimpleWorker in burst mode)."""
    from worker import jobs
    from worker.main import make_worker
    from worker.queue import connect

    jobs._state.clear()
    jobs._state["settings"] = world.settings
    worker = make_worker(connect(world.settings), "simple")
    worker.work(burst=True, with_scheduler=False)


def post(client: Any, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """A form post with the session's CSRF token."""
    body = dict(data or {})
    body["csrf_token"] = csrf_token(client)
    return client.post(url, data=body, **kw)


# --- the browser tests' shared parts: the app behind waitress, one Chromium per module --------

SHOTS = Path(__file__).parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:
    """The test app behind waitress on a free port (a daemon thread: it ends with the run)."""
    import socket
    import threading

    from waitress.server import create_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = create_server(world.app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=srv.run, daemon=True).start()
    yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    import shutil

    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        yield b
        b.close()


def browser_page(
    browser: Any,
    server: str,
    email: str = "specialist@example.org",
    *,
    width: int = 1024,
    height: int = 900,
    locale: str = "en",
    timeout_ms: int = 60_000,
) -> Any:
    """A new browser context at ``width`` px in ``locale``, signed in as ``email``."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(f"{server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/")
    return page
