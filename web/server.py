"""``formfill up``: the whole service on one machine. Embedded Redis (or FORMFILL_REDIS_URL),
the database migrated and seeded with demo data on first start, N RQ workers as a subprocess,
and the app behind waitress. Prints the URL and the demo logins."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from types import FrameType
from typing import IO, Any

from formfill.config import Settings, private_dir
from formfill.errors import FormfillError
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


class AlreadyRunning(FormfillError):
    """Another `formfill up` serves this data folder."""


def _hold_lock(settings: Settings) -> IO[str]:
    """One `formfill up` per data folder: a second would start a second set of workers."""
    private_dir(settings.data_dir, tighten=True)
    lock = open(os.open(settings.data_dir / "up.lock", os.O_RDWR | os.O_CREAT, 0o600), "r+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        pid = lock.read().strip() or "?"
        lock.close()
        raise AlreadyRunning(
            f"formfill up already runs for {settings.data_dir} (pid {pid}); stop it first"
        ) from None
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    return lock


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Workers first (they finish or hand back their item), then Redis (it saves)."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run(settings: Settings, host: str, port: int, workers: int, echo: Callable[[str], Any]) -> int:
    """Serve until a signal (TERM, INT, HUP) stops it. Redis (when this process started it) and
    the workers are its children, armed to die with it: even a SIGKILL of `formfill up` leaves
    no worker or server behind, and a second `formfill up` on the same data folder refuses."""
    from waitress import serve

    from web import create_app
    from worker.queue import connect, die_with_parent, start_owned

    lock = _hold_lock(settings)
    owned: list[subprocess.Popen[bytes]] = []
    try:
        redis = start_owned(settings)  # None: FORMFILL_REDIS_URL, or one that already runs
        connect(settings).ping()
        migrate.upgrade(settings)
        logins, password, created = seed(settings)
        app = create_app(settings)
        if workers > 0:
            owned.append(
                subprocess.Popen(
                    [sys.executable, "-m", "formfill", "worker", "-n", str(workers)],
                    preexec_fn=die_with_parent(),
                    start_new_session=True,  # Ctrl-C reaches `up`, which stops them in order
                )
            )
        if redis is not None:
            owned.append(redis)  # stopped last
        _announce(settings, host, port, workers, logins, password, created, echo)

        def stop(signum: int, _frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, stop)
        try:
            serve(app, host=host, port=port, threads=8, ident="formfill", _quiet=True)
        except KeyboardInterrupt:
            pass
    finally:
        _stop(owned)
        lock.close()
    return 0


def _announce(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    logins: list[tuple[str, str]],
    password: str | None,
    created: bool,
    echo: Callable[[str], Any],
) -> None:
    echo(f"formfill is running at http://{host}:{port}  ({workers} worker(s); Ctrl-C stops)")
    if settings.environment == "production":
        if not _user_count(settings):
            echo("no user yet: `formfill user add EMAIL --name NAME --role admin` makes the first")
        return
    echo("demo logins:" if created else "demo logins (password as printed on first start):")
    for email, role in logins:
        echo(f"  {email:28} {role}")
    if password:
        echo(f"  password: {password}")
