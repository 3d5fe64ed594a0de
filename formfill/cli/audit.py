"""``formfill audit export --since DATE [-o FILE]``: the audit log from a day on, oldest first, as
JSON lines (one entry per line: when, who, action, object, client number, names of fields; never
a value), for an auditor or a log archive. The export is itself recorded in the log."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import IO

import click

from formfill.cli.common import _friendly
from formfill.config import PRIVATE_FILE, Settings


@click.group("audit")
def audit_group() -> None:
    """The audit log: who read, changed, downloaded or was refused what, and when."""


@audit_group.command("export")
@click.option(
    "--since",
    "since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The first day (YYYY-MM-DD, UTC) whose entries are written.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (made readable by this user only); default: standard output.",
)
@_friendly
def export_cmd(since: datetime, output: Path | None) -> None:
    """Write every entry from SINCE on as JSON lines, oldest first."""
    from formfill.store import Actor, open_store, session_scope
    from formfill.store.audit import export_lines, record

    start = datetime.combine(since.date(), time(), UTC)
    engine, sessions = open_store(Settings.from_env())
    n = 0
    try:
        with session_scope(sessions) as session:
            target: IO[str]
            if output is None:
                target = sys.stdout
            else:
                fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
                target = os.fdopen(fd, "w", encoding="utf-8")
            try:
                for line in export_lines(session, start):
                    target.write(line + "\n")
                    n += 1
            finally:
                if output is not None:
                    target.close()
            record(session, Actor.system("cli"), "export", "audit_log", f"since {start.date()}")
    finally:
        engine.dispose()
    if output is not None:
        click.echo(f"{n} entries from {start.date()} written to {output}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(audit_group)
