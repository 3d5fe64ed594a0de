"""The queue: enqueueing item and evidence ids, job liveness, reconciliation with the store.

The connection and the embedded Redis are in :mod:`worker.connection` (``connect`` is
re-exported here for the callers that only need a queue).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from redis import Redis
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer
from rq.worker import Worker
from sqlalchemy.orm import Session, sessionmaker

from formfill.cases import batch as fbatch
from formfill.cases import intake as evidence_intake
from formfill.config import Settings
from formfill.store import batches as store_batches
from formfill.store import session_scope
from worker.connection import connect, die_with_parent, redis_url, start_owned, stop_embedded

__all__ = [
    "connect",
    "die_with_parent",
    "digest_job_id",
    "enqueue_evidence",
    "enqueue_items",
    "evidence_job_id",
    "get_queue",
    "job_alive",
    "next_digest_time",
    "reconcile",
    "reconcile_evidence",
    "redis_url",
    "schedule_digest",
    "start_owned",
    "stop_embedded",
    "submit",
    "submit_evidence",
    "waiting_ids",
    "worker_alive",
]  # fmt: skip

QUEUE_NAME = "formfill"
# transient failures (Redis or database unreachable, a killed worker) are retried with backoff
RETRY = Retry(max=3, interval=[2, 10, 30])
JOB_TIMEOUT = 300  # seconds for one fill
LIVE_STATUSES = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED}


def get_queue(conn: Redis) -> Queue:
    return Queue(QUEUE_NAME, connection=conn, serializer=JSONSerializer)


def enqueue_items(queue: Queue, job_ids: dict[int, str]) -> None:
    """One job per item, its id as a string, under the job id already recorded in the store."""
    from worker import jobs

    with queue.connection.pipeline() as pipe:
        for item_id, job_id in job_ids.items():
            queue.enqueue(
                jobs.fill_item,
                str(item_id),
                job_id=job_id,
                retry=RETRY,
                job_timeout=JOB_TIMEOUT,
                result_ttl=0,  # our store is the record, not RQ's results
                failure_ttl=7 * 24 * 3600,
                on_failure=Callback(jobs.on_failure),
                pipeline=pipe,
            )
        pipe.execute()


def evidence_job_id(evidence_id: int) -> str:
    """A fresh id for a job reading this file (recorded on the file before it is enqueued)."""
    return f"ff-evidence-{evidence_id}-{uuid.uuid4().hex[:12]}"


def submit_evidence(
    sessions: sessionmaker[Session], queue: Queue, evidence_ids: Iterable[int]
) -> dict[int, str]:
    """Record a fresh job id on each file, then enqueue its reading (like ``submit``)."""
    job_ids = {i: evidence_job_id(i) for i in evidence_ids}
    with session_scope(sessions) as session:
        for evidence_id, job_id in job_ids.items():
            evidence_intake.set_job(session, evidence_id, job_id)
    for evidence_id, job_id in job_ids.items():
        enqueue_evidence(queue, evidence_id, job_id)
    return job_ids


def enqueue_evidence(queue: Queue, evidence_id: int, job_id: str) -> str:
    """One job reading an uploaded file into proposals, under the id recorded on the file
    (``submit_evidence``); returns the job id."""
    from worker import jobs

    job = queue.enqueue(
        jobs.read_evidence,
        str(evidence_id),
        job_id=job_id,
        retry=RETRY,
        job_timeout=JOB_TIMEOUT,
        result_ttl=0,
        failure_ttl=7 * 24 * 3600,
        on_failure=Callback(jobs.on_evidence_failure),
    )
    return str(job.id)


def submit(
    sessions: sessionmaker[Session], queue: Queue, item_ids: Iterable[int]
) -> dict[int, str]:
    """Record a fresh job id on each queued item, then enqueue it (so a reconciliation running
    meanwhile sees the job id and does not enqueue the item twice)."""
    job_ids = {i: f"ff-item-{i}-{uuid.uuid4().hex[:12]}" for i in item_ids}
    with session_scope(sessions) as session:
        store_batches.set_job_ids(session, job_ids)
    enqueue_items(queue, job_ids)
    return job_ids


def worker_alive(conn: Redis, worker_name: str | None, grace: float = 90.0) -> bool:
    """Is the worker that took a job still alive? Same host: its pid exists. Another host: it
    sent a heartbeat within ``grace`` seconds."""
    if not worker_name:
        return False
    w = Worker.find_by_key(
        Worker.redis_worker_namespace_prefix + worker_name,
        connection=conn,
        serializer=JSONSerializer,
    )
    if w is None:
        return False
    if w.hostname == socket.gethostname() and w.pid:
        try:
            os.kill(w.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if w.last_heartbeat is None:
        return False
    return (datetime.now(UTC) - w.last_heartbeat.replace(tzinfo=UTC)).total_seconds() < grace


def job_alive(conn: Redis, job_id: str | None, waiting: set[str] | None = None) -> bool:
    """Does the queue still hold this job (queued, scheduled, or running on a live worker)?

    ``waiting``: the ids really in the queue or the scheduled registry. A job whose hash says
    queued but that is in neither was lost between dequeue and start (a worker killed, Redis
    gone): it is not alive, whatever its status field says."""
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=conn, serializer=JSONSerializer)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    if status not in LIVE_STATUSES:
        return False
    if status == JobStatus.STARTED:
        return worker_alive(conn, job.worker_name)
    return waiting is None or job_id in waiting


def waiting_ids(conn: Redis) -> set[str]:
    """Ids of the jobs really waiting: in the queue, or scheduled for a retry."""
    queue = get_queue(conn)
    ids = set(queue.get_job_ids())
    ids |= set(ScheduledJobRegistry(queue=queue).get_job_ids())
    ids |= set(queue.deferred_job_registry.get_job_ids())
    return ids


def reconcile(
    settings: Settings, conn: Redis, batch_id: int | None = None, evidence: bool = True
) -> dict[int, int]:
    """Requeue what the queue lost for one batch (or every open batch, and with ``evidence``
    every evidence file being read): batch id -> jobs enqueued again."""
    from worker.jobs import store_sessions

    sessions = store_sessions(settings)
    if batch_id is None:
        with session_scope(sessions) as session:
            ids = fbatch.open_batch_ids(session)
    else:
        ids = [batch_id]
    queue = get_queue(conn)
    out: dict[int, int] = {}
    waiting = waiting_ids(conn)
    for bid in ids:
        lost = fbatch.reconcile(sessions, bid, lambda job_id: job_alive(conn, job_id, waiting))
        if lost:
            submit(sessions, queue, lost)
        out[bid] = len(lost)
    if batch_id is None and evidence:
        reconcile_evidence(sessions, queue, waiting)
    return out


def reconcile_evidence(
    sessions: sessionmaker[Session], queue: Queue, waiting: set[str] | None = None
) -> int:
    """Queue again the evidence reads the queue lost (see ``evidence_intake.lost_reads``);
    returns how many."""
    conn = queue.connection
    known = waiting_ids(conn) if waiting is None else waiting
    lost = evidence_intake.lost_reads(sessions, lambda job_id: job_alive(conn, job_id, known))
    if lost:
        submit_evidence(sessions, queue, lost)
    return len(lost)


DIGEST_HOUR = 6  # UTC: the daily deadline digests go out before the working day


def digest_job_id(day: date) -> str:
    return f"ff-digest-{day.isoformat()}"


def next_digest_time(now: datetime) -> datetime:
    """The next DIGEST_HOUR:00 UTC after ``now``."""
    at = now.astimezone(UTC).replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


def schedule_digest(conn: Redis, now: datetime | None = None) -> str | None:
    """Schedule the next daily digest on RQ's scheduler (the workers run it), once: its job
    id is its day's, so every worker start and every run asks for the same job. RQ's cron
    scheduler would pickle the job into Redis, which our JSON queue never reads; the digest
    job schedules the next one itself instead. None when that day's job is already there."""
    from worker import jobs

    at = next_digest_time(now or datetime.now(UTC))
    job_id = digest_job_id(at.date())
    if Job.exists(job_id, connection=conn):
        return None
    get_queue(conn).enqueue_at(
        at, jobs.send_digests, job_id=job_id, result_ttl=0, failure_ttl=7 * 24 * 3600
    )
    return job_id
