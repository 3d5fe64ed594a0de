"""``formfill up``: the whole service on one machine. Embedded Redis (or FORMFILL_REDIS_URL),
the database migrated and seeded with demo data on first start, N RQ workers as a subprocess,
and the app behind waitress. Prints the URL and the demo logins."""

from __future__ import annotations

import importlib
import signal
import subprocess
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from formfill.config import Settings
from formfill.store import migrate

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = (
    ("specialist@example.org", "Siri Specialist", "specialist", "team-a"),
    ("specialist2@example.org", "Sander Specialist", "specialist", "team-b"),
    ("supervisor@example.org", "Stine Supervisor", "supervisor", "team-a"),
    ("admin@example.org", "Ada Admin", "admin", None),
)


def seed(settings: Settings) -> tuple[list[tuple[str, str]], str | None, bool]:
    """Demo data on first start: formfill.cases.demo_seed.seed when it is there, else a few users
    and the sample clients. Returns (logins, password or None when not new, created)."""
    try:
        demo_store = importlib.import_module("formfill.cases.demo_seed")
    except ModuleNotFoundError:
        return _fallback_seed(settings)
    result = demo_store.seed(settings)
    return list(result.users), result.password, bool(result.created)


def _fallback_seed(settings: Settings) -> tuple[list[tuple[str, str]], str | None, bool]:
    import sqlalchemy as sa

    from formfill.fill.demo import demo_clients
    from formfill.profile.provenance import DEMO_SOURCE, Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, open_store, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from formfill.store.models import User

    migrate.upgrade(settings)
    engine, sessions = open_store(settings)
    logins = [(e, r) for e, _n, r, _t in DEMO_USERS]
    try:
        with session_scope(sessions) as session:
            if session.scalar(sa.select(sa.func.count()).select_from(User)):
                return logins, None, False
            actor = Actor.system("seed")
            made = {}
            for email, name, role, team in DEMO_USERS:
                made[email] = store_users.create_user(
                    session, actor, email, name, role, DEMO_PASSWORD, team
                )
            owners = [made["specialist@example.org"], made["specialist2@example.org"]]
            for n, path in enumerate(demo_clients(settings)):
                client = create_client(session, actor, f"DEMO-{n + 1:03d}")
                save_profile(
                    session, actor, client.id, load_profile(path),
                    Provenance("imported", imported_from=DEMO_SOURCE), note="demo",
                )  # fmt: skip
                store_users.assign(session, actor, owners[n % 2].id, client.id)
        return logins, DEMO_PASSWORD, True
    finally:
        engine.dispose()


def run(settings: Settings, host: str, port: int, workers: int, echo: Callable[[str], Any]) -> int:
    from waitress import serve

    from web import create_app
    from worker.queue import connect

    connect(settings).ping()  # starts the embedded Redis when FORMFILL_REDIS_URL is unset
    migrate.upgrade(settings)
    logins, password, created = seed(settings)
    app = create_app(settings)
    procs: list[subprocess.Popen[bytes]] = []
    if workers > 0:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "formfill", "worker", "-n", str(workers)],
                start_new_session=False,
            )
        )
    url = f"http://{host}:{port}"
    echo(f"formfill is running at {url}  ({workers} worker(s); Ctrl-C stops)")
    echo("demo logins:" if created else "demo logins (password as printed on first start):")
    for email, role in logins:
        echo(f"  {email:28} {role}")
    if password:
        echo(f"  password: {password}")

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        serve(app, host=host, port=port, threads=8, ident="formfill", _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0
