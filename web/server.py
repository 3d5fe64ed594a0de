"""``formfill up``: the whole service on one machine. Embedded Redis (or FORMFILL_REDIS_URL),
the database migrated and seeded with demo data on first start, N RQ workers as a subprocess,
and the app behind waitress. Prints the URL and the demo logins."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from formfill.config import Settings
from formfill.store import migrate


def seed(settings: Settings) -> tuple[list[tuple[str, str]], str | None, bool]:
    """Demo data on a development store's first start (formfill.cases.demo_seed). Returns
    (logins, password or None when not new, created). Production seeds nothing: known demo
    passwords must never open a production store; `formfill user add` makes the first admin."""
    if settings.environment == "production":
        return [], None, False
    from formfill.cases.demo_seed import seed as demo_seed

    result = demo_seed(settings)
    return list(result.users), result.password, bool(result.created)


def _user_count(settings: Settings) -> int:
    import sqlalchemy as sa

    from formfill.store import open_store, session_scope
    from formfill.store.models import User

    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as session:
            return int(session.scalar(sa.select(sa.func.count()).select_from(User)) or 0)
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
    if settings.environment == "production":
        if not _user_count(settings):
            echo("no user yet: `formfill user add EMAIL --name NAME --role admin` makes the first")
    else:
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
