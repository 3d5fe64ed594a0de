"""Batch throughput: N items through RQ with 1 and 2 worker processes against the same fills in
one process without a queue (formfill.cases.batch.run_item in a loop: same store writes, same
artifact
writes). Also the enqueue-to-start latency with idle workers.

    PYTHONPATH=. .venv/bin/python bench/batch.py [--items 1000] [--classes fork,simple]

An RQ line's time runs from starting ``formfill worker --burst`` to its exit (process start,
preload and reconciliation included); "steady" is the items over the span from the first item's
start to the last one's end (from the store), without the start-up. The load average is printed:
the machine may be shared.

Each run gets its own artifacts folder (outputs are content-addressed: a second run would find
them stored and skip the writes) and its own batch in one shared SQLite store.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formfill.artifacts import new_key  # noqa: E402
from formfill.cases import batch as fbatch  # noqa: E402
from formfill.config import Settings  # noqa: E402
from formfill.fill import FormCatalogue  # noqa: E402
from formfill.store import Actor, make_engine, make_sessions, session_scope  # noqa: E402
from formfill.store.batches import get_batch  # noqa: E402
from tests.worker.seed import seed  # noqa: E402

FORM = "nav-yrkesskade"
ON = date(2026, 1, 5)


def environ(data: Path, db_url: str, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMFILL_")}
    env |= {
        "FORMFILL_DATA_DIR": str(data),
        "FORMFILL_DATABASE_URL": db_url,
        "FORMFILL_ARTIFACT_KEY": key,
        "PYTHONPATH": str(REPO),
    }
    return env


def new_batch(settings: Settings, clients: list[int]) -> tuple[int, list[int]]:
    sessions = make_sessions(make_engine(settings))
    with session_scope(sessions) as session:
        b = fbatch.create(session, Actor.system("bench"), [(c, FORM) for c in clients], ON)
        return b.id, [i.id for i in b.items]


def in_process(settings: Settings, clients: list[int]) -> float:
    _batch_id, items = new_batch(settings, clients)
    sessions = make_sessions(make_engine(settings))
    forms = FormCatalogue(settings)
    forms.blank(forms.map(FORM))  # parsed once, as the worker preloads it
    t = time.perf_counter()
    for item_id in items:
        fbatch.run_item(settings, sessions, forms, item_id)
    return time.perf_counter() - t


def through_rq(settings: Settings, env: dict[str, str], clients: list[int], n: int, kind: str):
    from worker.queue import connect, get_queue, stop_embedded, submit

    batch_id, items = new_batch(settings, clients)
    conn = connect(settings)
    sessions = make_sessions(make_engine(settings))
    submit(sessions, get_queue(conn), items)  # all queued first: this measures the workers
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "formfill", "worker", "--burst", "-n", str(n), "--class", kind],
        env=env, cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - t
    assert r.returncode == 0, r.stderr[-2000:]
    with session_scope(sessions) as session:
        its = get_batch(session, batch_id).items
        done = sum(1 for i in its if i.status == "done")
        first = min(i.started_at for i in its if i.started_at)
        last = max(i.finished_at for i in its if i.finished_at)
    assert done == len(items), f"{done}/{len(items)} done"
    stop_embedded(settings)
    return elapsed, (last - first).total_seconds()


def _idle_workers(conn, want: int, timeout: float = 60.0) -> None:
    """Wait until ``want`` RQ workers are registered on our queue and idle: their start-up
    (preload, reconciliation of open batches) is over."""
    from rq.serializers import JSONSerializer
    from rq.worker import Worker

    from worker.queue import get_queue

    deadline = time.time() + timeout
    while time.time() < deadline:
        ws = Worker.all(queue=get_queue(conn), serializer=JSONSerializer)
        if len(ws) >= want and all(w.get_state() == "idle" for w in ws):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{want} idle workers did not show up within {timeout:.0f} s")


def latency(settings: Settings, env: dict[str, str], clients: list[int], kind: str) -> list[float]:
    """Enqueue one item at a time to 2 idle workers; ms from enqueue to the item's start.

    The batch is created only once both workers are registered and idle: a batch created
    earlier has queued items without a job, which the workers' start-up reconciliation enqueues
    itself, before this loop does (that made the earlier figures negative). Enqueue time: RQ's
    own ``job.enqueued_at``, read back right after the enqueue (the moment just before the
    enqueue if the job is already done and gone); start: the item's started_at, written by the
    work horse when it begins (same host, same clock)."""
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from formfill.store import batches as store_batches
    from worker.queue import connect, enqueue_items, get_queue, stop_embedded

    conn = connect(settings)
    sessions = make_sessions(make_engine(settings))
    w = subprocess.Popen(
        [sys.executable, "-m", "formfill", "worker", "-n", "2", "--class", kind],
        env=env, cwd=REPO, start_new_session=True,
    )  # fmt: skip
    try:
        _idle_workers(conn, 2)
        batch_id, items = new_batch(settings, clients)
        queue = get_queue(conn)
        enqueued: dict[int, float] = {}
        rq_enqueued: dict[int, float] = {}
        for item_id in items:
            job_id = f"bench-{item_id}-{time.time_ns()}"
            with session_scope(sessions) as session:
                store_batches.set_job_ids(session, {item_id: job_id})
            enqueued[item_id] = time.time()
            enqueue_items(queue, {item_id: job_id})
            try:  # RQ's own enqueue stamp, while the job still exists (result_ttl=0)
                job = Job.fetch(job_id, connection=conn, serializer=JSONSerializer)
                if job.enqueued_at is not None:
                    rq_enqueued[item_id] = job.enqueued_at.replace(tzinfo=UTC).timestamp()
            except Exception:  # noqa: BLE001 - already done and gone: keep our stamp
                pass
            time.sleep(0.15)  # idle workers: each item finds one waiting
        deadline = time.time() + 120
        out: list[float] = []
        while time.time() < deadline:
            with session_scope(sessions) as session:
                b = get_batch(session, batch_id)
                if all(i.status == "done" for i in b.items):
                    out = [
                        (i.started_at.timestamp() - rq_enqueued.get(i.id, enqueued[i.id])) * 1000
                        for i in b.items
                        if i.started_at
                    ]
                    break
            time.sleep(0.2)
        assert out, "the latency batch did not finish"
        assert min(out) > 0, f"negative enqueue-to-start: {min(out):.1f} ms"
        return out
    finally:
        os.killpg(w.pid, signal.SIGTERM)
        w.wait(timeout=30)
        stop_embedded(settings)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--classes", default="fork,simple")
    ap.add_argument("--latency-items", type=int, default=60)
    args = ap.parse_args()
    key = new_key()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'formfill.db'}"

        def settings_for(name: str) -> tuple[Settings, dict[str, str]]:
            env = environ(root / name, db_url, key)
            return Settings.from_env(env), env

        base, _ = settings_for("seed")
        t = time.perf_counter()
        clients = seed(base, args.items)
        print(f"seeded {len(clients)} clients in {time.perf_counter() - t:.1f} s; form {FORM}")
        print(f"cpus: {os.cpu_count()}; load average {_load()} (others work on this machine)")
        s, _ = settings_for("inproc")
        t0 = in_process(s, clients)
        n = len(clients)
        print(f"in-process loop        {n / t0:7.1f} items/s  ({t0:.1f} s)  1.00x")
        for kind in args.classes.split(","):
            for workers in (1, 2):
                s, env = settings_for(f"rq-{kind}-{workers}")
                t1, span = through_rq(s, env, clients, workers, kind)
                print(
                    f"RQ {kind:6} {workers} worker(s)  {n / t1:7.1f} items/s  ({t1:.1f} s)"
                    f"  {t0 / t1:.2f}x   steady {n / span:5.1f} items/s {t0 / span:.2f}x"
                    f"   load {_load()}"
                )
            s, env = settings_for(f"lat-{kind}")
            lat = latency(s, env, clients[: args.latency_items], kind)
            p95 = statistics.quantiles(lat, n=20)[18] if len(lat) >= 2 else float("nan")
            print(
                f"RQ {kind:6} enqueue-to-start: p50 {statistics.median(lat):.1f} ms, "
                f"p95 {p95:.1f} ms (n={len(lat)}, 2 idle workers)"
            )


if __name__ == "__main__":
    main()
