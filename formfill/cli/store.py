"""CLI commands of the store: ``db upgrade``, ``applications``, ``application advance``.

``register(cli)`` adds them to the ``formfill`` group. A shell like cli.py: parse, make one store
call, print a table or JSON. Every FormfillError becomes ``error: message`` and exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from formfill.cli.common import _friendly
from formfill.lifecycle import (
    CHANNELS,
    AppStatus,
    Decision,
    parse_within,
)


def _within(_ctx: click.Context, _param: click.Parameter, value: str | None) -> timedelta | None:
    if value is None:
        return None
    try:
        return parse_within(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def _today() -> date:
    return date.today()


def _catalog(root: Path) -> Any:
    """The program catalog when there is one (a map's own rules serve without it)."""
    from formfill.programs.catalog import load_catalog

    return load_catalog(root) if root.is_dir() else None


def register(cli: click.Group) -> None:
    """Add ``db``, ``applications`` and ``application`` to the formfill command group."""
    cli.add_command(db_group)
    cli.add_command(applications_cmd)
    cli.add_command(application_group)


@click.group("db")
def db_group() -> None:
    """The database: create or upgrade its schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@_friendly
def db_upgrade(revision: str) -> None:
    """Create the schema or bring it to the newest revision (FORMFILL_DATABASE_URL)."""
    from formfill.config import Settings
    from formfill.store import make_engine, migrate

    settings = Settings.from_env()
    imported = migrate.upgrade(settings, revision)
    engine = make_engine(settings)
    try:
        click.echo(f"database at revision {migrate.current(engine)}: {_safe_url(settings)}")
    finally:
        engine.dispose()
    if imported is None:
        return
    if imported.added:
        click.echo(f"forms published from form_maps/: {', '.join(imported.added)}")
    for form_id in imported.differs:
        click.echo(
            f"warning: form_maps/ has another map for the blank of {form_id}'s stored version: "
            "not imported (`formfill forms import` publishes it as a new version)",
            err=True,
        )
    for problem in imported.problems:
        click.echo(f"warning: not imported: {problem}", err=True)


@db_group.command("current")
@_friendly
def db_current() -> None:
    """Print the schema revision of the database and the one this formfill needs."""
    from formfill.config import Settings
    from formfill.store import make_engine, migrate

    settings = Settings.from_env()
    engine = make_engine(settings)
    try:
        click.echo(f"database: {migrate.current(engine) or 'empty'}; code: {migrate.head()}")
    finally:
        engine.dispose()


def _safe_url(settings: Any) -> str:
    from sqlalchemy import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _deadline_dict(row: Any, state: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "due": row.due.isoformat(),
        "state": state,
        "source": row.source,
        "rule": row.rule,
        "label": row.label,
    }


def _state(due: date, as_of: date, horizon: date | None) -> str:
    if due < as_of:
        return "overdue"
    return "due" if horizon is None or due <= horizon else "upcoming"


def _application_dict(app: Any, label: str, deadlines: list[dict[str, Any]]) -> dict[str, Any]:
    sub = app.submission
    return {
        "id": app.id,
        "client_id": app.client_id,
        "client": label,
        "form": app.form_id,
        "program": app.program,
        "status": app.status,
        "decision": app.decision,
        "submission": None
        if sub is None
        else {
            "channel": sub.channel,
            "date": sub.submitted_on.isoformat(),
            "reference": sub.reference,
            "receipt": sub.receipt_artifact,
        },
        "deadlines": deadlines,
    }


@click.command("applications")
@click.option(
    "--due-within",
    "within",
    callback=_within,
    metavar="14d|2w",
    help="Only applications with a deadline overdue or due within this window.",
)
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice([s.value for s in AppStatus])
)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default today.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_friendly
def applications_cmd(
    within: Any, statuses: tuple[str, ...], as_of: datetime | None, as_json: bool
) -> None:
    """List applications with their status, submission and open deadlines."""
    from formfill.config import Settings
    from formfill.store import Actor, applications, audit, clients, open_store, session_scope

    on = as_of.date() if as_of else _today()
    horizon = on + within if within is not None else None
    engine, sessions = open_store(Settings.from_env())
    actor = Actor.system("cli")
    rows: list[dict[str, Any]] = []
    try:
        with session_scope(sessions) as s:
            labels: dict[int, str] = {}
            for app in applications.list_applications(s, statuses or None):
                open_deadlines = [
                    _deadline_dict(d, _state(d.due, on, horizon))
                    for d in app.deadlines
                    if not d.done
                ]
                if horizon is not None:
                    open_deadlines = [d for d in open_deadlines if d["state"] != "upcoming"]
                    if not open_deadlines:
                        continue
                if app.client_id not in labels:
                    version = clients.latest_version(s, app.client_id)
                    labels[app.client_id] = clients.client_label(version, app.client_id)
                    audit.record(s, actor, "read", "client", app.client_id)
                rows.append(_application_dict(app, labels[app.client_id], open_deadlines))
    finally:
        engine.dispose()
    if horizon is not None:
        rows.sort(key=lambda r: min(d["due"] for d in r["deadlines"]))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    _print_table(rows)


def _print_table(rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        click.echo("no applications")
        return
    header = (
        "ID",
        "CLIENT",
        "FORM",
        "PROGRAM",
        "STATUS",
        "SUBMITTED",
        "REFERENCE",
        "NEXT DEADLINE",
    )
    table = [header]
    for r in rows:
        sub = r["submission"] or {}
        status = r["status"] + (f" ({r['decision']})" if r["decision"] else "")
        nxt = min(r["deadlines"], key=lambda d: d["due"], default=None)
        deadline = "-"
        if nxt:
            late = " OVERDUE" if nxt["state"] == "overdue" else ""
            deadline = f"{nxt['due']} {nxt['kind']}{late}"
        submitted = f"{sub['date']} {sub['channel']}" if sub else "-"
        table.append(
            (
                str(r["id"]),
                r["client"],
                r["form"],
                r["program"] or "-",
                status,
                submitted,
                sub.get("reference") or "-",
                deadline,
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@click.group("application")
def application_group() -> None:
    """One application: move it through its lifecycle."""


@application_group.command("advance")
@click.argument("application_id", type=int)
@click.option("--to", "to", required=True, type=click.Choice([s.value for s in AppStatus]))
@click.option("--channel", type=click.Choice(CHANNELS), help="How it was sent (submitted).")
@click.option("--reference", help="The agency's reference or case number (submitted).")
@click.option(
    "--receipt",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A receipt file (stored encrypted).",
)
@click.option("--decision", type=click.Choice([d.value for d in Decision]), help="(decided)")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default today."
)
@click.option("--note", help="Why, or what happened.")
@click.option("--by", "by_email", help="Record the change as this user (email).")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def advance_cmd(
    application_id: int,
    to: str,
    channel: str | None,
    reference: str | None,
    receipt: Path | None,
    decision: str | None,
    on: datetime | None,
    note: str | None,
    by_email: str | None,
    as_json: bool,
) -> None:
    """Move application APPLICATION_ID to status --to (one event, with deadlines from rules)."""
    from formfill import artifacts
    from formfill.cases.deadlines import advance_application
    from formfill.config import Settings
    from formfill.lifecycle import check_transition
    from formfill.store import Actor, applications, open_store, session_scope, users

    if to != AppStatus.SUBMITTED and (channel or reference or receipt):
        raise click.UsageError("--channel, --reference and --receipt go with --to submitted")
    day = on.date() if on else _today()
    settings = Settings.from_env()
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as s:
            actor = Actor.of(users.user_by_email(s, by_email)) if by_email else Actor.system("cli")
            app = applications.get_application(s, application_id)
            check_transition(app.status, to, decision=decision, channel=channel)
            submission = None
            if to == AppStatus.SUBMITTED and channel is not None:
                receipt_id = None
                if receipt is not None:
                    receipt_id = artifacts.save(settings, receipt.read_bytes(), "receipt")
                submission = applications.SubmissionDetails(channel, day, reference, receipt_id)
            catalog = _catalog(settings.programs_dir)
            done = advance_application(
                s,
                actor,
                application_id,
                to,
                day,
                catalog=catalog,
                maps_dir=settings.maps_dir,
                note=note,
                decision=decision,
                submission=submission,
            )
            app, before, rules_from = done.application, done.before, done.rules_from
            new = [d for d in app.deadlines if not d.done]
            result = _application_dict(
                app,
                f"client {app.client_id}",
                [_deadline_dict(d, _state(d.due, day, None)) for d in new],
            )
    finally:
        engine.dispose()
    if "not in the catalog" in rules_from:
        click.echo(f"note: deadline rules from {rules_from}", err=True)
    if as_json:
        extra = {"from": before, "rules_from": rules_from}
        click.echo(json.dumps(result | extra, ensure_ascii=False, indent=1))
        return
    click.echo(f"application {application_id}: {before} -> {to}")
    if result["submission"]:
        sub = result["submission"]
        stored = ", receipt stored" if sub["receipt"] else ""
        ref = sub["reference"] or "-"
        click.echo(f"  submitted {sub['date']} by {sub['channel']}, reference {ref}{stored}")
    for d in result["deadlines"]:
        click.echo(f"  deadline {d['due']} {d['kind']}" + (f" ({d['rule']})" if d["rule"] else ""))
