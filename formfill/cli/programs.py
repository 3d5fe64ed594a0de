"""CLI commands of the program catalog: ``programs list``, ``programs check`` and ``screen``.

``register(cli)`` adds them to the ``formfill`` group. A shell: parse, make one formfill call,
print a table or JSON. Every FormfillError becomes ``error: message`` and exit status 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from formfill.cli.common import EXIT_BAD_INPUT, _friendly
from formfill.config import Settings
from formfill.errors import ProgramError
from formfill.programs.check import catalog_problems
from formfill.text import localised

__all__ = ["register"]


def _settings() -> Settings:
    return Settings.from_env()


@click.group("programs")
def programs_group() -> None:
    """The program catalog (programs/<country>/<id>.toml)."""


@programs_group.command("list")
@click.option("--country", help="Only this country (NO, NL).")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def list_cmd(country: str | None, as_json: bool) -> None:
    """List the programs: id, country, agency, forms, name."""
    from formfill.programs.catalog import load_catalog

    catalog = load_catalog(_settings().programs_dir)
    rows = [
        {
            "id": p.id,
            "country": p.country,
            "agency": p.agency,
            "forms": list(p.forms),
            "name": localised(p.name, "en", p.id),
            "reviewed": p.reviewed.isoformat(),
        }
        for p in catalog.for_country(country)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        forms = ", ".join(r["forms"]) or "-"
        click.echo(f"{r['country']}  {r['id']:24} {r['agency']:10} {forms:28} {r['name']}")


@programs_group.command("check")
@click.option("--on", "on", default=None, help="the day to check figures for (default: today)")
@click.option("--ahead", default=60, show_default=True, help="days a figure must be known ahead")
@_friendly
def check_cmd(on: str | None, ahead: int) -> None:
    """Load every program strictly; check maps, extractors, sources and dates; fail when a
    figure screening needs has no value on the day or runs out within --ahead days."""
    settings = _settings()
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise click.BadParameter(f"{on!r} is not a date (YYYY-MM-DD)", param_hint="--on") from None
    problems, warnings = catalog_problems(settings, day, ahead)
    for w in warnings:
        click.echo(f"warning: {w}")
    if problems:
        raise ProgramError(str(settings.programs_dir), problems)
    click.echo("programs: every program loads, every map exists, every expression compiles")


def _print_screening(screening: Any) -> None:
    click.echo(f"screening on {screening.on.isoformat()} ({screening.language})")
    for r in screening.results:
        click.echo(f"{r.status:13} {r.program}: {r.name}")
        for c in r.criteria:
            extra = f" [missing: {', '.join(c.missing)}]" if c.missing else ""
            extra += f" ({c.reason})" if c.reason and not c.missing else ""
            click.echo(f"    {c.status:14} {c.explanation}{extra}")
        if r.status != "not_eligible":
            for text in r.to_confirm:
                click.echo(f"    to confirm:    {text}")


def _load_client(target: str) -> tuple[Any, int | None]:
    from formfill.profile.validation import load_profile

    path = Path(target)
    if path.suffix.lower() == ".json" or path.exists():
        return load_profile(path), None
    if not target.isdigit():
        raise click.BadParameter(f"{target!r}: give a profile .json file or a client id")
    from formfill.store import Actor, clients, open_store, session_scope

    engine, sessions = open_store(Settings.from_env())
    try:
        with session_scope(sessions) as s:
            profile, _version = clients.load_profile(s, Actor.system("cli"), int(target))
    finally:
        engine.dispose()
    return profile, int(target)


@click.command("screen")
@click.argument("target", metavar="PROFILE.json|CLIENT_ID")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default today.")
@click.option("--country", help="Only programs of this country.")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--apply",
    "apply_ids",
    multiple=True,
    metavar="PROGRAM_ID",
    help="Create a draft application for this program (CLIENT_ID only).",
)
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="With --apply: when the right starts (default: --on).",
)
@_friendly
def screen_cmd(
    target: str,
    on: datetime | None,
    country: str | None,
    as_json: bool,
    apply_ids: tuple[str, ...],
    start: datetime | None,
) -> None:
    """Screen one client against every program: eligible, not eligible or unknown (and why)."""
    from formfill.programs.catalog import load_catalog
    from formfill.programs.screening import screen

    day = on.date() if on else date.today()
    catalog = load_catalog(_settings().programs_dir)
    profile, client_id = _load_client(target)
    wanted = [p.id for p in catalog.for_country(country)]
    result = screen(profile, catalog, day, programs=wanted)
    created: list[dict[str, Any]] = []
    if apply_ids:
        if client_id is None:
            click.echo("error: --apply needs a CLIENT_ID from the store", err=True)
            sys.exit(EXIT_BAD_INPUT)
        created = _apply(catalog, client_id, apply_ids, start.date() if start else day)
    if as_json:
        click.echo(
            json.dumps(result.to_dict() | {"created": created}, ensure_ascii=False, indent=1)
        )
        return
    _print_screening(result)
    for c in created:
        dues = ", ".join(f"{d['kind']} {d['due']}" for d in c["deadlines"]) or "no claim deadline"
        click.echo(f"created application {c['id']} for {c['program']} ({dues})")


def _apply(catalog: Any, client_id: int, ids: tuple[str, ...], start: date) -> list[dict[str, Any]]:
    from formfill.cases.apply import AlreadyOpen, open_application
    from formfill.store import Actor, open_store, session_scope

    programs = [catalog.get(pid) for pid in ids]
    engine, sessions = open_store(Settings.from_env())
    out: list[dict[str, Any]] = []
    try:
        with session_scope(sessions) as s:
            for program in programs:
                try:
                    made = open_application(s, Actor.system("cli"), client_id, program, start)
                except AlreadyOpen as e:
                    click.echo(f"not created: {e}", err=True)
                    continue
                out.append(
                    {
                        "id": made.application.id,
                        "program": program.id,
                        "form": made.application.form_id,
                        "deadlines": [
                            {"kind": d.kind, "due": d.due.isoformat()} for d in made.deadlines
                        ],
                    }
                )
    finally:
        engine.dispose()
    return out


def register(cli: click.Group) -> None:
    """Add ``programs`` and ``screen`` to the formfill command group."""
    cli.add_command(programs_group)
    cli.add_command(screen_cmd)
