"""CLI commands of batches: ``batch plan``, ``batch status``, ``batch packet``, ``batch zip``.

These read the store only. The commands that need the queue (``batch run``, ``batch reconcile``,
``worker``) are in :mod:`formfill.cli.queue`, registered when the worker shell is installed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from formfill.cli.common import _friendly
from formfill.config import Settings
from formfill.errors import FormfillError


def parse_ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def client_ids(session: Any, spec: str) -> list[int]:
    """``all`` or ``ID,ID``."""
    from formfill.cases.batch import all_client_ids

    if spec.strip().lower() == "all":
        return all_client_ids(session)
    try:
        return [int(v) for v in parse_ids(spec)]
    except ValueError:
        raise click.BadParameter(f"{spec!r}: 'all' or client ids like 1,2,3") from None


def status_json(settings: Settings, session: Any, batch_id: int) -> dict[str, Any]:
    """The batch's status; ``output`` is the path the item's output is exported to
    (``batch status --export`` writes it), ``artifact`` the stored output's id."""
    from formfill.cases.batch import status

    data = status(session, batch_id)
    folder = settings.out_dir / f"batch-{batch_id}"
    suffixes: dict[str, str] = {}
    for item in data["items"]:
        artifact = item.pop("output")
        item["artifact"] = artifact
        form = str(item["form"])
        if form not in suffixes:
            suffixes[form] = suffix(settings, form)
        item["output"] = (
            str(folder / f"client-{item['client']}" / f"{form}{suffixes[form]}")
            if artifact
            else None
        )
    return data


def suffix(settings: Settings, form_id: str) -> str:
    from formfill.maps.loader import find_map

    try:
        return ".pdf" if find_map(settings.maps_dir, form_id).kind == "pdf" else ".docx"
    except FormfillError:
        return ".docx"  # a Word template


def print_status(data: dict[str, Any]) -> None:
    counts = ", ".join(f"{n} {s}" for s, n in sorted(data["counts"].items()))
    click.echo(f"batch {data['id']}: {data['state']} ({counts})")
    for item in data["items"]:
        if item["status"] == "failed":
            click.echo(f"  failed  client {item['client']} {item['form']}: {item['error']}")


@click.group("batch")
def batch_group() -> None:
    """Fill forms for many clients: plan, run (on the queue), follow, collect."""


@batch_group.command("plan")
@click.option("--clients", "clients_spec", required=True, help="all | ID,ID")
@click.option("--forms", "forms_spec", required=True, help="FORM_ID,FORM_ID")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def plan_cmd(clients_spec: str, forms_spec: str, as_json: bool) -> None:
    """Readiness of every client x form before anything runs (exit 1 if any is not ready)."""
    from formfill.cases.batch import plan
    from formfill.fill import FormCatalogue
    from formfill.store import open_store, session_scope
    from formfill.store.forms import StoreVersions

    settings = Settings.from_env()
    engine, sessions = open_store(settings)
    with session_scope(sessions) as session:
        rows = plan(
            FormCatalogue(settings, StoreVersions(sessions)), session,
            client_ids(session, clients_spec),
            parse_ids(forms_spec), date.today(),
        )  # fmt: skip
    engine.dispose()
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
    else:
        for r in rows:
            reasons = [f"missing {', '.join(r.missing)}"] if r.missing else []
            reasons += r.dropped
            reasons += [f"{f}: {v} is not one of the form's choices ({o})"
                        for f, v, o in r.off_choices]  # fmt: skip
            why = r.problem or ("; ".join(reasons) if reasons else "ready")
            click.echo(f"client {r.client:<5} {r.client_label[:24]:24} {r.form:28} {why}")
            for f, hand, held in r.by_hand:
                click.echo(f"    {f}: left blank, write it by hand ({_by_hand(hand, held)})")
            for f, shows in r.shown:
                click.echo(f"    {f}: the form shows {shows!r} by itself: check it")
    raise SystemExit(0 if all(r.ready for r in rows) else 1)


def _by_hand(hand: str, held: str) -> str:
    if hand == "currency":
        have, _, want = held.partition(">")
        return f"the amount is in {have}, the form asks for {want}"
    if hand == "value":
        return f"the form cannot take {held!r}"
    return "the screening could not decide it"


@batch_group.command("status")
@click.argument("batch_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--export", is_flag=True, help="Write the outputs to the paths listed.")
@_friendly
def status_cmd(batch_id: int, as_json: bool, export: bool) -> None:
    """Progress and per-item status of a batch, from the store."""
    from formfill import artifacts
    from formfill.store import open_store, session_scope

    settings = Settings.from_env()
    engine, sessions = open_store(settings)
    with session_scope(sessions) as session:
        data = status_json(settings, session, batch_id)
    engine.dispose()
    if export:
        for item in data["items"]:
            if item["artifact"]:
                artifacts.export(settings, item["artifact"], Path(item["output"]))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print_status(data)


@batch_group.command("zip")
@click.argument("batch_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@_friendly
def zip_cmd(batch_id: int, output: Path) -> None:
    """The batch's outputs and one PDF packet per client, as a ZIP."""
    from formfill.cases.packet import batch_zip
    from formfill.fill import write_atomic
    from formfill.fill.catalogue import FormCatalogue
    from formfill.store import open_store, session_scope
    from formfill.store.forms import StoreVersions

    settings = Settings.from_env()
    engine, sessions = open_store(settings)
    forms = FormCatalogue(settings, StoreVersions(sessions))
    with session_scope(sessions) as session:
        data = batch_zip(settings, session, forms, batch_id, date.today())
    engine.dispose()
    write_atomic(output, data)
    click.echo(f"wrote {output}")


def register(cli: click.Group) -> None:
    """Add ``batch`` (formfill.cli.queue adds ``batch run`` and ``worker`` to it)."""
    cli.add_command(batch_group)
