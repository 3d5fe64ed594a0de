"""The worker entry point: ``formfill worker [--burst] [-n N] [--class fork|simple]``.

Start-up, in order: settings, Redis (the embedded server is started if needed), preload (parse
every blank form before forking), reconcile the open batches against the queue (items a killed
worker left running are queued again), then N RQ workers (one process each) with the scheduler
(retries with backoff are scheduled jobs).

Worker class (docs/decisions.md, 23): RQ's ``SimpleWorker`` by default, in processes this one
supervises. Jobs run in the worker process itself (bench/batch.py: 1.07x the in-process loop
against 0.42x for the forking ``Worker``, enqueue-to-start p95 8 ms against 32 ms). A crash in a
fill kills only that worker process: the supervisor reconciles (the item is requeued, or failed
after MAX_CRASHES) and starts another. A runaway fill is stopped by RQ's job timeout (SIGALRM in
the worker process). ``--class fork`` gives a fork per job for those who prefer isolation.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Literal

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.serializers import JSONSerializer
from rq.worker import SimpleWorker, Worker

from formfill.config import Settings, private_dir
from formfill.errors import redact_logs
from worker import jobs
from worker.connection import die_with_parent
from worker.queue import connect, get_queue, reconcile, schedule_digest

WorkerClass = Literal["fork", "simple"]
RQ_LOGGERS = ("rq.worker", "rq.scheduler", "rq.queue", "rq.job", "rq.maintenance", "formfill")
# a killed worker's jobs are found by reconciliation at the next start; RQ's own abandoned-job
# cleanup finds them after job_monitoring_interval + 60 s
JOB_MONITORING_INTERVAL = 5
MAINTENANCE_INTERVAL = 30


def make_worker(conn: Redis, kind: WorkerClass) -> Worker | SimpleWorker:
    cls = SimpleWorker if kind == "simple" else Worker
    return cls(
        [get_queue(conn)],
        connection=conn,
        serializer=JSONSerializer,
        job_monitoring_interval=JOB_MONITORING_INTERVAL,
        # restarts a scheduler that died with a Redis outage (retries with backoff are
        # scheduled jobs) and cleans abandoned jobs every 30 s instead of every 10 min
        maintenance_interval=MAINTENANCE_INTERVAL,
    )


def _work(settings: Settings, burst: bool, kind: WorkerClass, log_level: str) -> bool:
    """Work; when Redis goes away under the worker (a restart), wait for it, reconcile (the
    item in flight may have lost its bookkeeping) and work on with a new worker."""
    log = logging.getLogger("formfill.worker")
    pause = 0.5
    outage = False
    while True:
        w: Worker | SimpleWorker | None = None
        try:
            conn = connect(settings)
            if outage:
                # back from an outage: the item in flight may have lost its job; requeue it now
                # rather than at the next maintenance round
                reconcile(settings, conn)
                outage = False
            w = make_worker(conn, kind)
            result = bool(w.work(burst=burst, with_scheduler=True, logging_level=log_level))
            if burst:
                reconcile(settings, conn)  # anything lost meanwhile: queue it and drain again
                if get_queue(conn).count == 0:
                    return result
                continue
            return result
        except (RedisConnectionError, RedisTimeoutError) as e:
            if w is not None and getattr(w, "_shutdown_requested_date", None) is not None:
                return False  # told to stop as Redis went away (`up` stopping both): stop
            # waiting for Redis, a stop request ends the wait (RQ's handlers are not in place)
            signal.signal(signal.SIGTERM, _exit_now)
            signal.signal(signal.SIGINT, _exit_now)
            log.warning("Redis unreachable (%s); retrying in %.1f s", e, pause)
            outage = True
            time.sleep(pause)
            pause = min(pause * 2, 30.0)


def _exit_now(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def run(
    settings: Settings,
    *,
    burst: bool = False,
    processes: int = 1,
    kind: WorkerClass = "simple",
    log_level: str = "WARNING",
) -> int:
    """Run ``processes`` workers until stopped (or, with ``burst``, until the queue is empty).
    Returns an exit status."""
    logging.basicConfig(level=log_level)
    redact_logs(*(logging.getLogger(n) for n in RQ_LOGGERS))  # no client data in any log line
    settings.require_production_ready(web=False)  # production: the artifact key, or stop
    private_dir(settings.data_dir, tighten=True)
    conn = connect(settings)
    jobs.preload(settings)
    reconcile(settings, conn)
    if settings.smtp_url:  # the daily digest: the next run, unless one is scheduled already
        schedule_digest(conn)
    conn.close()
    if processes <= 1 and burst:
        return 0 if _work(settings, burst, kind, log_level) or burst else 1

    supervisor = os.getpid()
    arm = die_with_parent(supervisor)  # a SIGKILLed supervisor takes its workers with it

    def spawn() -> int:
        pid = os.fork()
        if pid == 0:  # a worker process: inherits the parsed forms, opens its own connections
            arm()
            code = 0
            try:
                _work(settings, burst, kind, log_level)
            except BaseException:
                code = 1
                raise
            finally:
                os._exit(code)
        return pid

    children = {spawn() for _ in range(processes)}
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            try:
                os.kill(child, signum)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    while children:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        failed = os.waitstatus_to_exitcode(code) != 0
        status = status or (1 if failed else 0)
        if failed and not burst and not stopping:
            # a worker died (a crash in a fill kills a SimpleWorker): requeue what it held,
            # failing an item that has now crashed workers MAX_CRASHES times, and start another
            logging.getLogger("formfill.worker").warning("a worker died; starting another")
            conn = connect(settings)
            reconcile(settings, conn)
            conn.close()
            children.add(spawn())
            status = 0
    return status


def main() -> None:  # python -m worker.main
    sys.exit(run(Settings.from_env(), burst="--burst" in sys.argv))


if __name__ == "__main__":
    main()
