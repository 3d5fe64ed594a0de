"""RQ job functions: a thin shell over :func:`formfill.cases.batch.run_item`.

Jobs take an item id (a string: RQ's JSONSerializer) and are idempotent. Nothing is caught in a
job: RQ records the failure, and :func:`on_failure` records the user-facing status in our store
(bad input: failed with its message, no retry; a transient error: queued again while RQ retries
with backoff; out of retries: failed).
"""

from __future__ import annotations

import gc
import os
from datetime import date
from types import TracebackType
from typing import Any

import sqlalchemy.exc
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job
from sqlalchemy.orm import Session, sessionmaker

from formfill.cases import batch as fbatch
from formfill.cases import intake as evidence_intake
from formfill.config import Settings
from formfill.errors import ConflictError, FormfillError, NotFoundError, StoreError
from formfill.evidence.extractors import DocType, load_extractors
from formfill.fill import FormCatalogue, fill_form
from formfill.profile.model import Profile
from formfill.store import make_engine, make_sessions
from formfill.store.forms import StoreVersions

_state: dict[Any, Any] = {}


def settings() -> Settings:
    if "settings" not in _state:
        _state["settings"] = Settings.from_env()
    return _state["settings"]  # type: ignore[no-any-return]


def store_sessions(s: Settings | None = None) -> sessionmaker[Session]:
    """This process's session factory. Database connections are never shared across a fork:
    a forked work horse keeps the engine it inherited (its dialect set up, its compiled-statement
    cache warm) but drops the inherited pool without closing the parent's connections
    (``dispose(close=False)``, SQLAlchemy's recipe for forking) and opens its own."""
    engine = _state.get("engine")
    if engine is None:
        engine = make_engine(s or settings())
        _state["engine"], _state["engine_pid"] = engine, os.getpid()
        _state["sessions"] = make_sessions(engine)
    elif _state.get("engine_pid") != os.getpid():
        engine.dispose(close=False)
        _state["engine_pid"] = os.getpid()
    return _state["sessions"]  # type: ignore[no-any-return]


def forms() -> FormCatalogue:
    """The form catalogue: maps and blanks of the store's versions, never this machine's
    folder; each version parsed once and kept by its blank and map (preloaded in the worker
    before it forks)."""
    if "forms" not in _state:
        _state["forms"] = FormCatalogue(settings(), StoreVersions(store_sessions()))
    return _state["forms"]  # type: ignore[no-any-return]


def doc_types() -> list[DocType]:
    """The evidence extractors, loaded once per process."""
    if "doc_types" not in _state:
        _state["doc_types"] = load_extractors(settings().extractors_dir)
    return _state["doc_types"]  # type: ignore[no-any-return]


def preload(s: Settings) -> None:
    """Parse the blank of every form's current version (from the store), fill each once
    (throw-away) and keep the engine: called in the worker process before it forks, so each
    work horse inherits the parsed forms, the fill path's imports and the engine
    (copy-on-write) instead of loading them per job.
    The heap is then frozen (gc.freeze) so that the horses' collectors leave its pages alone."""
    _state["settings"] = s
    doc_types()
    f = forms()
    # a name outside WinAnsi loads the Unicode fallback font too
    empty = Profile.model_validate({"person": {"given_name": "Čárka", "family_name": "Øst"}})
    for form_id in f.map_ids():
        try:
            f.blank(f.map(form_id))
            # one throw-away fill: the fill path's imports, fonts and caches are loaded here
            # once, not in every work horse
            fill_form(f, form_id, empty, on=date.today(), allow_missing=True)
        except FormfillError:
            continue  # a broken map fails its items with the message, at fill time
    store_sessions(s)  # the engine, inherited by the horses
    gc.collect()
    gc.freeze()  # the preloaded heap: never scanned by a horse's collector, so never copied


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


def read_evidence(evidence_id: str) -> int:
    """Read one uploaded file into proposals (OCR or its text layer); idempotent."""
    return evidence_intake.read(settings(), store_sessions(), doc_types(), int(evidence_id))


def on_evidence_failure(
    job: Job,
    connection: Any,
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> None:
    """A file that cannot be read fails at once with its message; a transient error is
    retried by RQ (the file stays queued meanwhile)."""
    if is_transient(exc) and (job.retries_left or 0) > 0:
        return
    if isinstance(exc, FormfillError):
        job.retries_left = 0
    elif (job.retries_left or 0) > 0:
        return
    evidence_intake.fail(store_sessions(), int(job.args[0]), message(exc))


def send_digests() -> int:
    """The daily deadline digests (nothing without FORMFILL_SMTP_URL), then the next day's
    run on RQ's scheduler. A run delivered twice sends each digest once (the core records
    each one sent)."""
    from formfill.cases.digest import send_digests as send
    from worker.queue import schedule_digest

    s = settings()
    sent = send(store_sessions(s), s.smtp_url, date.today())
    job = get_current_job()
    if job is not None:
        schedule_digest(job.connection)
    return sent
