"""`formfill up` owns its Redis and its workers: they stop when it stops, a SIGKILL included, and a
second `formfill up` on the same data folder refuses instead of starting a second set."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from formfill.artifacts import new_key

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _up(environ: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "formfill", "up", "--port", str(port), "--workers", "2"],
            env=environ, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"formfill up did not answer: {log.read_text()}")


def _family(pid: int) -> list[psutil.Process]:
    """Redis and the worker processes `up` started (waiting until both kinds are there)."""
    deadline = time.monotonic() + 30
    kids: list[psutil.Process] = []
    while time.monotonic() < deadline:
        kids = psutil.Process(pid).children(recursive=True)
        names = " ".join(" ".join(k.cmdline()) for k in kids)
        workers = [k for k in kids if "worker" in " ".join(k.cmdline())]
        if "redis-server" in names and len(workers) >= 3:  # supervisor + 2 workers
            return kids
        time.sleep(0.2)
    raise AssertionError(f"children of up: {[k.cmdline() for k in kids]}")


def _one_set(pid: int) -> bool:
    """One Redis and one worker supervisor, both children of this `up`, and no other Redis."""
    kids = psutil.Process(pid).children()
    names = sorted("redis" if "redis-server" in " ".join(k.cmdline()) else "worker" for k in kids)
    redis = [p for p in psutil.Process(pid).children(recursive=True) if "redis" in p.name()]
    return names == ["redis", "worker"] and len(redis) == 1


@pytest.fixture
def environ(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "FORMFILL_DATA_DIR": str(tmp_path / "data"),
        "FORMFILL_ARTIFACT_KEY": new_key(),
    }
    env.pop("FORMFILL_REDIS_URL", None)
    env.pop("FORMFILL_DATABASE_URL", None)
    yield env
    for p in psutil.process_iter(["cmdline"]):  # nothing of this test outlives it
        if str(tmp_path) in " ".join(p.info["cmdline"] or []):
            p.kill()


def test_everything_up_started_stops_with_it(environ: dict[str, str], tmp_path: Path) -> None:
    """Killed (SIGKILL: no handler runs), then started again and stopped (SIGTERM)."""
    port = _free_port()
    log = tmp_path / "up.log"
    for how in (signal.SIGKILL, signal.SIGTERM):
        up = _up(environ, port, log)
        try:
            _wait_healthy(port, up, log)
            family = _family(up.pid)
            assert _one_set(up.pid)
            if how == signal.SIGKILL:
                second = subprocess.run(
                    [sys.executable, "-m", "formfill", "up", "--port", str(_free_port())],
                    env=environ, cwd=REPO, capture_output=True, text=True, timeout=60,
                )  # fmt: skip
                assert second.returncode == 2
                data = environ["FORMFILL_DATA_DIR"]
                assert f"already runs for {data} (pid {up.pid})" in second.stderr
                assert _one_set(up.pid)  # the refused start added nothing
            up.send_signal(how)
            up.wait(timeout=30)
            _gone, alive = psutil.wait_procs(family, timeout=20)
            assert alive == [], (how, [p.cmdline() for p in alive])
        finally:
            if up.poll() is None:
                up.kill()
