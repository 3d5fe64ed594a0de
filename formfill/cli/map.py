"""`formfill map ...`: draft maps from blank forms, check them, stamp them, follow form versions."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from formfill.cli.common import EXIT_BAD_INPUT, EXIT_NOT_LANDED, _friendly


@click.group("map")
def map_group() -> None:
    """Form maps: check them against their blank forms, stamp fingerprints."""


def _map_paths(settings_maps: Path, maps: tuple[Path, ...]) -> list[Path]:
    return list(maps) if maps else sorted(settings_maps.glob("*/*.toml"))


@map_group.command("check")
@click.argument("maps", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also report, for this client, mapped fields that come out empty or overflow.",
)
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@_friendly
def map_check(maps: tuple[Path, ...], profile_path: Path | None, on: datetime | None) -> None:
    """Validate maps (all under form_maps/ when none given) against their blank forms: fields
    mapped, deliberately skipped (with the reason) and unmapped, each with its label."""
    from formfill.config import Settings
    from formfill.fill import FormCatalogue, profile_coverage, review_map
    from formfill.maps.check import check_map
    from formfill.profile.validation import load_profile

    settings = Settings.from_env()
    forms = FormCatalogue(settings)
    paths = _map_paths(settings.maps_dir, maps)
    if not paths:
        raise click.ClickException(f"no maps found under {settings.maps_dir}")
    profile = load_profile(profile_path) if profile_path else None
    day = on.date() if on else date.today()
    bad = 0
    for path in paths:
        result = check_map(settings, path)
        warnings: list[str] = []
        if result.fmap is not None:
            problems, warnings = review_map(forms, result.fmap)
            result.problems.extend(problems)
        status = "ok" if result.ok else "PROBLEMS"
        click.echo(f"{status:8} {path}: {result.summary()}")
        for p in result.problems:
            click.echo(f"  - {p}")
        for w in warnings:
            click.echo(f"  warning:  {w}")
        for name in result.unmapped:
            click.echo(f"  unmapped: {result.label(name)}")
        if result.fmap is not None:
            for f in result.fmap.fields:
                if f.skip:
                    click.echo(f"  skipped:  {result.label(f.field)}: {f.skip}")
        if profile is not None and result.fmap is not None and result.ok:
            cov = profile_coverage(forms, result.fmap, profile, day)
            for name, why in cov.empty:
                click.echo(f"  empty:    {result.label(name)}: {why}")
            for name, why in cov.overflow:
                click.echo(f"  overflow: {result.label(name)}: {why}")
        bad += not result.ok
    click.echo(f"{len(paths) - bad}/{len(paths)} maps ok")
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@map_group.command("new")
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", default=None, help="Agency folder name (default: the form's folder).")
@click.option("--id", "form_id", default=None, help="Map id (default: the file name).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the draft here (default: print it).")  # fmt: skip
@_friendly
def map_new(form: Path, agency: str | None, form_id: str | None, output: Path | None) -> None:
    """Draft a complete map of FORM.pdf: every field with a suggested profile path or condition,
    its confidence and why, and its label. Unsure fields are left for a person (TODO)."""
    import re as _re

    from formfill.config import Settings
    from formfill.fill import write_atomic
    from formfill.maps.draft.passes import draft_map
    from formfill.maps.draft.render import render_toml

    settings = Settings.from_env()
    fid = form_id or _re.sub(r"[^a-z0-9._-]+", "-", form.stem.lower()).strip("-")
    ag = agency or _re.sub(r"[^a-z0-9._-]+", "-", form.resolve().parent.name.lower())
    try:
        source = str(form.resolve().relative_to(settings.root))
    except ValueError:
        source = str(form)
    draft = draft_map(form)
    text = render_toml(draft, form_id=fid, agency=ag, source=source)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))
    counts = draft.counts()
    click.echo(
        f"{form.name}: {len(draft.suggestions)} fields: "
        + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())),
        err=True,
    )


@map_group.command("diff")
@click.argument("map_path", metavar="MAP", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new_form", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the migrated map here.")  # fmt: skip
@_friendly
def map_diff_cmd(map_path: Path, new_form: Path, output: Path | None) -> None:
    """Compare the form MAP was made for with NEW_FORM: fields added, removed, renamed, moved,
    changed; optionally write the migrated map. Exit 1 when something needs a person."""
    from formfill.config import Settings
    from formfill.fill import write_atomic
    from formfill.maps.diff import diff_forms, migrate_map
    from formfill.maps.loader import load_map

    settings = Settings.from_env()
    fmap = load_map(map_path)
    diff = diff_forms(settings.root / fmap.source, new_form)
    click.echo(f"{fmap.id}: {diff.summary()}")
    for c in diff.fields:
        if c.kind != "same" or c.changes:
            click.echo("  " + c.describe())
    try:
        new_source = str(new_form.resolve().relative_to(settings.root))
    except ValueError:
        new_source = str(new_form)
    text, todo = migrate_map(fmap, diff, new_source)
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
        click.echo(f"migrated map written to {output}")
    if todo:
        click.echo("needs a person:")
        for t in todo:
            click.echo(f"  - {t}")
        sys.exit(EXIT_NOT_LANDED)


@map_group.command("stamp")
@click.argument("maps", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@_friendly
def map_stamp(maps: tuple[Path, ...]) -> None:
    """Record the fingerprint of each map's blank form in the map (after you checked it)."""
    from formfill.config import Settings
    from formfill.maps.check import stamp_map

    settings = Settings.from_env()
    for path in _map_paths(settings.maps_dir, maps):
        fp = stamp_map(settings, path)
        click.echo(f"{path}: {fp}")


def register(cli: click.Group) -> None:
    cli.add_command(map_group)
