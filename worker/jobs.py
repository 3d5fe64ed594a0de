"""RQ job functions: a thin shell over :func:`formfill.batch.run_item`.

Jobs take an item id (a string: RQ's JSONSerializer) and are idempotent. Nothing is caught in a
job: RQ records the failure, and :func:`on_failure` records the user-facing status in our store
(bad input: failed with its message, no retry; a transient error: queued again while RQ retries
with backoff; out of retries: failed).
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import sqlalchemy.exc
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job
from sqlalchemy.orm import Session, sessionmaker

from formfill import batch as fbatch
from formfill.config import Settings
from formfill.errors import ConflictError, FormfillError, NotFoundError, StoreError
from formfill.fill import Forms
from formfill.store import make_engine, make_sessions

_state: dict[Any, Any] = {}


def settings() -> Settings:
    if "settings" not in _state:
        _state["settings"] = Settings.from_env()
    return _state["settings"]  # type: ignore[no-any-return]


def store_sessions(s: Settings | None = None) -> sessionmaker[Session]:
    """This process's session factory (a forked work horse makes its own engine: database
    connections are never shared across a fork)."""
    key = ("sessions", os.getpid())
    if key not in _state:
        _state[key] = make_sessions(make_engine(s or settings()))
    return _state[key]  # type: ignore[no-any-return]


def forms() -> Forms:
    """The form catalogue, parsed once (preloaded in the worker before it forks)."""
    if "forms" not in _state:
        _state["forms"] = Forms(settings())
    return _state["forms"]  # type: ignore[no-any-return]


def preload(s: Settings) -> None:
    """Parse every blank and open nothing: called in the worker process before it forks, so each
    work horse inherits the parsed forms (copy-on-write) instead of parsing them per job."""
    _state["settings"] = s
    f = forms()
    for form_id in f.map_ids():
        try:
            f.blank(f.map(form_id))
        except FormfillError:
            continue  # a broken map fails its items with the message, at fill time


def fill_item(item_id: str) -> str:
    """Fill one batch item; returns done | skipped (the store has the rest)."""
    job = get_current_job()
    result = fbatch.run_item(
        settings(), store_sessions(), forms(), int(item_id), job.id if job else None
    )
    return result.status


def is_transient(exc: BaseException | None) -> bool:
    """Worth retrying: Redis or the database unreachable, a worker that died under the job."""
    if isinstance(exc, (RedisConnectionError, RedisTimeoutError, AbandonedJobError)):
        return True
    if isinstance(exc, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)):
        return True
    if isinstance(exc, sqlalchemy.exc.TimeoutError):
        return True
    if isinstance(exc, StoreError) and not isinstance(exc, (NotFoundError, ConflictError)):
        return isinstance(
            exc.__cause__, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
        )
    return False


def message(exc: BaseException | None) -> str:
    if isinstance(exc, FormfillError):
        return str(exc)
    if isinstance(exc, AbandonedJobError):
        return "the worker running this item died, and the item ran out of retries"
    return f"internal error: {type(exc).__name__}: {exc}"


def on_failure(
    job: Job,
    connection: Any,
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> None:
    """RQ calls this after a job raised (or was abandoned by a dead worker)."""
    item_id = int(job.args[0])
    sessions = store_sessions()
    retries_left = job.retries_left or 0
    if is_transient(exc) and retries_left > 0:
        fbatch.requeue(sessions, item_id, job.id)  # RQ runs it again after a pause
        return
    if isinstance(exc, FormfillError) and not is_transient(exc):
        job.retries_left = 0  # bad input: a retry would fail the same way
    elif retries_left > 0:
        fbatch.requeue(sessions, item_id, job.id)  # an unexpected error: RQ retries it
        return
    fbatch.fail(sessions, item_id, message(exc), job.id)
