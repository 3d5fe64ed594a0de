"""CLI commands of the forms in the store: ``forms list | import | export | publish | retire``.

A shell: parse, one store call (formfill.store.forms), print. Every FormfillError becomes
``error: message`` and exit status 2. ``--by EMAIL`` names the person who makes or publishes a
version (the history and the audit log name them); without it the version is the CLI's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from formfill.cli.common import _friendly
from formfill.config import Settings
from formfill.errors import FormfillError


@click.group("forms")
def forms_group() -> None:
    """Agency forms in the store: versions of each form's blank and map."""


def _actor(session: Any, email: str | None) -> Any:
    from formfill.store import Actor, users

    if email is None:
        return Actor.system("cli")
    user = users.user_by_email(session, email)
    if not user.active:
        raise FormfillError(f"user {user.email} is deactivated")
    return Actor.of(user)


def _when(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _version_dict(v: Any) -> dict[str, Any]:
    return {
        "version": v.version,
        "status": v.status,
        "fingerprint": v.fingerprint,
        "blank": v.blank_name,
        "blank_artifact": v.blank_artifact,
        "created_at": _when(v.created_at),
        "created_by": v.created_by,
        "published_at": _when(v.published_at),
        "published_by": v.published_by,
        "retired_at": _when(v.retired_at),
        "retired_by": v.retired_by,
    }


@forms_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def list_cmd(as_json: bool) -> None:
    """Every form with its versions (the current one is the newest published)."""
    from formfill.store import open_store, session_scope
    from formfill.store.forms import list_forms

    engine, sessions = open_store(Settings.from_env())
    try:
        with session_scope(sessions) as session:
            rows: list[dict[str, Any]] = [
                {
                    "id": f.id,
                    "agency": f.agency,
                    "kind": f.kind,
                    "versions": [_version_dict(v) for v in f.versions],
                }
                for f in list_forms(session)
            ]
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no forms in the store (`formfill db upgrade` imports form_maps/)")
    for f in rows:
        published = [v["version"] for v in f["versions"] if v["status"] == "published"]
        current = f"current @{max(published)}" if published else "no published version"
        click.echo(f"{f['id']:32} {f['agency']:12} {f['kind']:5} {current}")
        for v in f["versions"]:
            who = f" by user {v['published_by']}" if v["published_by"] else ""
            when = v["published_at"] or v["created_at"]
            click.echo(
                f"  @{v['version']:<3} {v['status']:9} {v['fingerprint'][:19]}  "
                f"{v['blank']}  {when}{who}"
            )


def _find_blank(map_path: Path, source: str, root: Path) -> Path:
    """The blank of a map file: beside it under its source's file name (what ``export``
    writes), else its ``source`` in the checkout."""
    for candidate in (map_path.parent / Path(source).name, root / source):
        if candidate.is_file():
            return candidate
    raise FormfillError(
        f"{map_path}: no blank form: neither {map_path.parent / Path(source).name} nor "
        f"{root / source} exists (give it with --blank FILE)"
    )


@forms_group.command("import")
@click.argument("map_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--blank",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The blank form (default: beside the map under its source's name, else its source).",
)
@click.option("--draft", is_flag=True, help="Keep it a draft (default: publish it).")
@click.option("--by", "by_email", help="Who makes (and publishes) it: a user's email.")
@_friendly
def import_cmd(map_file: Path, blank: Path | None, draft: bool, by_email: str | None) -> None:
    """Store MAP_FILE and its blank as a new version of its form, published unless --draft
    (refused unless `map check` passes). The same map and blank again is that version."""
    from formfill.maps.loader import load_map
    from formfill.store import open_store, session_scope
    from formfill.store.forms import add_version

    settings = Settings.from_env()
    fmap = load_map(map_file)  # the strict loader, with the file's own name and folder
    blank_path = blank or _find_blank(map_file, fmap.source, settings.root)
    try:
        blank_data = blank_path.read_bytes()
    except OSError as e:
        raise FormfillError(f"{blank_path}: cannot read the blank: {e.strerror or e}") from None
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as session:
            version = add_version(
                session,
                settings,
                _actor(session, by_email),
                map_file.read_text(encoding="utf-8"),
                blank_data,
                blank_path.name,
                publish_it=not draft,
            )
            label, status = f"{version.form_id}@{version.version}", version.status
    finally:
        engine.dispose()
    click.echo(f"{label}: {status}")


@forms_group.command("export")
@click.argument("ref", metavar="ID[@VERSION]")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True)
@_friendly
def export_cmd(ref: str, output: Path) -> None:
    """Write a version's map and blank to OUTPUT/<agency>/ (the current published version
    without @VERSION): `forms import` reads them back."""
    from formfill import artifacts
    from formfill.fill import write_atomic
    from formfill.store import open_store, session_scope
    from formfill.store.forms import get_version, parse_ref

    settings = Settings.from_env()
    form_id, number = parse_ref(ref)
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as session:
            v = get_version(session, form_id, number)
            folder = output / v.form.agency
            map_path = folder / f"{v.form_id}.toml"
            blank_path = folder / v.blank_name
            text, artifact, label = v.map_text, v.blank_artifact, f"{v.form_id}@{v.version}"
    finally:
        engine.dispose()
    write_atomic(map_path, text.encode("utf-8"))
    write_atomic(blank_path, artifacts.read(settings, artifact))
    click.echo(f"{label}: wrote {map_path} and {blank_path}")


@forms_group.command("publish")
@click.argument("ref", metavar="ID@VERSION")
@click.option("--by", "by_email", help="Who publishes it: a user's email.")
@_friendly
def publish_cmd(ref: str, by_email: str | None) -> None:
    """Publish a draft version (refused unless `map check` passes against its blank)."""
    _change(ref, by_email, "publish")


@forms_group.command("retire")
@click.argument("ref", metavar="ID@VERSION")
@click.option("--by", "by_email", help="Who retires it: a user's email.")
@_friendly
def retire_cmd(ref: str, by_email: str | None) -> None:
    """Retire a published version: new fills no longer use it."""
    _change(ref, by_email, "retire")


def _change(ref: str, by_email: str | None, what: str) -> None:
    from formfill.store import forms as store_forms
    from formfill.store import open_store, session_scope

    settings = Settings.from_env()
    form_id, number = store_forms.parse_ref(ref)
    if number is None:
        raise FormfillError(f"{ref}: name the version (ID@VERSION)")
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as session:
            actor = _actor(session, by_email)
            if what == "publish":
                v = store_forms.publish(session, settings, actor, form_id, number)
            else:
                v = store_forms.retire(session, actor, form_id, number)
            status = v.status
    finally:
        engine.dispose()
    click.echo(f"{form_id}@{number}: {status}")


def register(cli: click.Group) -> None:
    """Add ``forms`` to the formfill command group."""
    cli.add_command(forms_group)
