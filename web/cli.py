"""The web shell's commands: ``formfill up``. formfill/cli/main.py registers them (via importlib)
when the web shell is installed beside formfill, as it does for the worker shell."""

from __future__ import annotations

import sys

import click

from formfill.config import Settings
from formfill.errors import FormfillError


@click.command("up")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(0, 64))
def up_cmd(host: str, port: int, workers: int) -> None:
    """Start everything: Redis, the database (migrated, demo data on first start), workers and
    the web app on http://HOST:PORT."""
    from web.server import run

    try:
        sys.exit(run(Settings.from_env(), host, port, workers, click.echo))
    except FormfillError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)


def register(cli: click.Group) -> None:
    cli.add_command(up_cmd)
