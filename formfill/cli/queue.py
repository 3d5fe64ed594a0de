"""The queue's CLI commands: ``formfill batch run``, ``batch reconcile`` and ``formfill worker``.

formfill never imports rq or redis (an import-linter contract): these commands reach the worker
shell through :func:`shell`, the one seam, and are registered only when it is installed.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from datetime import date
from typing import Any

import click

from formfill.cli.batch import batch_group, client_ids, parse_ids, print_status, status_json
from formfill.cli.common import EXIT_BAD_INPUT, _friendly
from formfill.config import Settings

WORKER_SHELL = "worker"  # the queue and its workers; absent when formfill is installed alone


def shell(module: str) -> Any:
    """A module of the worker shell (``queue``, ``jobs``, ``main``), loaded at run time."""
    return importlib.import_module(f"{WORKER_SHELL}.{module}")


def installed() -> bool:
    try:
        importlib.import_module(WORKER_SHELL)
    except ModuleNotFoundError as e:
        if e.name != WORKER_SHELL:
            raise
        return False
    return True


@click.command("run")
@click.option("--clients", "clients_spec", required=True, help="all | ID,ID")
@click.option("--forms", "forms_spec", required=True, help="FORM_ID,FORM_ID")
@click.option("--label", default=None, help="A name for the batch.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--only-ready", is_flag=True, help="Leave out the items the plan says are not ready.")
@click.option("--wait", is_flag=True, help="Follow the batch until every item is done or failed.")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def run_cmd(
    clients_spec: str,
    forms_spec: str,
    label: str | None,
    on: object,
    only_ready: bool,
    wait: bool,
    as_json: bool,
) -> None:
    """Plan a batch, store it and queue its items (workers fill them: ``formfill worker``)."""
    from formfill.cases import batch as fbatch
    from formfill.fill import FormCatalogue
    from formfill.store import Actor, open_store, session_scope
    from formfill.store.forms import StoreVersions

    queue = shell("queue")

    settings = Settings.from_env()
    day = on.date() if hasattr(on, "date") else date.today()
    engine, sessions = open_store(settings)
    form_ids = parse_ids(forms_spec)
    with session_scope(sessions) as session:
        clients = client_ids(session, clients_spec)
        forms = FormCatalogue(settings, StoreVersions(sessions))
        readiness = fbatch.plan(forms, session, clients, form_ids, day)
    not_ready = [r for r in readiness if not r.ready]
    if not as_json:
        for r in not_ready:
            why = r.problem or f"missing {', '.join(r.missing)}"
            click.echo(f"not ready: client {r.client} {r.form}: {why}", err=True)
    pairs = [(r.client, r.form) for r in readiness if r.ready or not only_ready]
    if not pairs:
        click.echo("error: nothing to run", err=True)
        sys.exit(EXIT_BAD_INPUT)
    with session_scope(sessions) as session:
        batch = fbatch.create(session, Actor.system("cli"), pairs, day, label)
        batch_id = batch.id
        item_ids = [i.id for i in batch.items]
    queue.submit(sessions, queue.get_queue(queue.connect(settings)), item_ids)
    if wait:
        _follow(sessions, batch_id, len(item_ids), quiet=as_json)
    with session_scope(sessions) as session:
        data = status_json(settings, session, batch_id)
    engine.dispose()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print_status(data)
        if not wait:
            click.echo(f"follow it with: formfill batch status {batch_id}")
    if wait and data["counts"].get("failed"):
        sys.exit(1)


def _follow(sessions: object, batch_id: int, total: int, quiet: bool) -> None:
    """Poll the store (never the queue) until the batch is done; a rich progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from formfill.store import session_scope
    from formfill.store.batches import get_batch

    def counts() -> tuple[str, int, int]:
        with session_scope(sessions) as session:  # type: ignore[arg-type]
            b = get_batch(session, batch_id)
            done = sum(1 for i in b.items if i.status == "done")
            failed = sum(1 for i in b.items if i.status == "failed")
            return b.state, done, failed

    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), disable=quiet, transient=False,
    ) as bar:  # fmt: skip
        task = bar.add_task(f"batch {batch_id}", total=total)
        while True:
            state, done, failed = counts()
            bar.update(
                task, completed=done + failed, description=f"batch {batch_id} ({failed} failed)"
            )
            if state == "done":
                return
            time.sleep(0.25)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("-n", "processes", type=click.IntRange(1, 64), default=1, help="Worker processes.")
@click.option(
    "--class", "kind", type=click.Choice(["fork", "simple"]), default="simple",
    help="simple (default): each job in the worker process, which a supervisor replaces if "
    "it dies; fork: each job in a forked work horse (decision 23).",
)  # fmt: skip
@click.option("--verbose", is_flag=True)
@_friendly
def worker_cmd(burst: bool, processes: int, kind: str, verbose: bool) -> None:
    """Run queue workers (Redis from FORMFILL_REDIS_URL, else the embedded one)."""
    code = shell("main").run(
        Settings.from_env(), burst=burst, processes=processes, kind=kind,
        log_level="INFO" if verbose else "WARNING",
    )  # fmt: skip
    sys.exit(code)


@click.command("reconcile")
@click.argument("batch_id", type=int, required=False)
@_friendly
def reconcile_cmd(batch_id: int | None) -> None:
    """Queue again the items a killed worker or a lost Redis left behind (without BATCH_ID:
    of every open batch, and the evidence files being read)."""
    queue = shell("queue")
    settings = Settings.from_env()
    conn = queue.connect(settings)
    for bid, n in queue.reconcile(settings, conn, batch_id, evidence=False).items():
        click.echo(f"batch {bid}: {n} item(s) queued again")
    if batch_id is None:
        n = queue.reconcile_evidence(shell("jobs").store_sessions(settings), queue.get_queue(conn))
        click.echo(f"evidence: {n} file(s) queued again for reading")


def register(cli: click.Group) -> None:
    """Add ``batch run``, ``batch reconcile`` and ``worker`` when the worker shell is installed."""
    if not installed():
        return
    batch_group.add_command(run_cmd)
    batch_group.add_command(reconcile_cmd)
    cli.add_command(worker_cmd)
