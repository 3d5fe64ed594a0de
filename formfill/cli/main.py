"""The ``formfill`` command. A shell: parse arguments, make one formfill call, print the result.

Every FormfillError becomes its message on stderr and exit status 2 (bad input) or 1 (a fill that
did not fully land); never a traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from formfill.cli import audit as cli_audit
from formfill.cli import batch as cli_batch
from formfill.cli import doctor as cli_doctor
from formfill.cli import evidence as cli_evidence
from formfill.cli import forms as cli_forms
from formfill.cli import map as cli_map
from formfill.cli import programs as cli_programs
from formfill.cli import queue as cli_queue
from formfill.cli import store as cli_store
from formfill.cli import users as cli_users
from formfill.cli.common import EXIT_NOT_LANDED, _friendly
from formfill.config import Settings
from formfill.errors import Problem, ValuesError
from formfill.report import FillReport, Status


def _load_values(path: Path) -> dict[str, str | bool]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ValuesError([Problem(str(path), f"cannot read: {e.strerror}")]) from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValuesError([Problem(str(path), f"not valid JSON: {e}")]) from e
    if not isinstance(raw, dict):
        raise ValuesError([Problem(str(path), "must be a JSON object of field name -> value")])
    problems = []
    out: dict[str, str | bool] = {}
    for k, v in raw.items():
        if isinstance(v, bool | str):
            out[k] = v
        elif isinstance(v, int | float):
            out[k] = str(v)
        else:
            problems.append(Problem(f"{path}: {k}", "a value must be text, true or false"))
    if problems:
        raise ValuesError(problems)
    return out


def print_report(report: FillReport, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return
    c = report.counts()
    summary = ", ".join(f"{v} {k}" for k, v in c.items() if v)
    click.echo(f"{report.document}: {summary or 'nothing to do'}")
    for note in report.notes:
        click.echo(f"  note: {note}")
    for o in report.outcomes:
        if o.status in (Status.FILLED, Status.BLANK):
            continue
        label = f" ({o.label})" if o.label and o.label != o.field else ""
        click.echo(f"  {o.status.value:9} {o.field}{label}: {o.reason}")
    for t in report.to_check:
        click.echo(f"  check    {t}")


@click.group()
@click.version_option(package_name="formfill")
def cli() -> None:
    """formfill: fill agency forms from one client profile, and prove every fill."""


@cli.command()
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_friendly
def inspect(form: Path, as_json: bool) -> None:
    """List the fields of FORM.pdf (or a Word form): name, type, page, rectangle, states."""
    if form.suffix.lower() == ".docx":
        from formfill.docx import templates as docx_fill

        dfields = docx_fill.inspect_docx(form)
        if as_json:
            click.echo(
                json.dumps([docx_fill.field_dict(d) for d in dfields], ensure_ascii=False, indent=1)
            )
        else:
            for d in dfields:
                click.echo(f"{d.kind:10} {d.source:7} {d.name}")
        return
    from formfill.pdf.inspect import inspect_pdf

    inv = inspect_pdf(form)
    if as_json:
        click.echo(json.dumps(inv.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"{inv.path}: {len(inv.fields)} fields, {inv.pages} pages, {inv.fingerprint}")
    if inv.has_xfa:
        click.echo("  XFA packet present (hybrid forms are filled through the AcroForm)")
    for f in inv.fields:
        pages = ",".join(str(p) for p in f.pages) or "-"
        extra = []
        if f.states:
            extra.append("states=" + "|".join(f.states))
        if f.options:
            extra.append("options=" + "|".join(e for e, _ in f.options[:12]))
        if f.max_len is not None:
            extra.append(f"maxlen={f.max_len}" + (" comb" if f.comb else ""))
        for flag, on in (
            ("read-only", f.read_only),
            ("required", f.required),
            ("multiline", f.multiline),
            ("hidden", f.hidden),
            ("orphan", f.orphan),
        ):
            if on:
                extra.append(flag)
        rect = f.rects[0] if f.rects else ()
        tip = f"  «{f.tooltip}»" if f.tooltip else ""
        click.echo(f"{f.kind:9} p{pages:4} {f.name}  {list(rect)} {' '.join(extra)}{tip}")


@cli.command("fill-pdf")
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--values",
    "values_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON: full field name -> text, true/false, or export value.",
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--flatten", is_flag=True, help="Burn the values into the page, remove the form.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_friendly
def fill_pdf_cmd(form: Path, values_path: Path, output: Path, flatten: bool, as_json: bool) -> None:
    """Fill FORM.pdf with VALUES; print the verification report. Exit 1 if a value did not land."""
    from formfill.fill import fill_pdf_values

    report = fill_pdf_values(form, _load_values(values_path), output, flatten=flatten)
    print_report(report, as_json)
    if not report.ok:
        sys.exit(EXIT_NOT_LANDED)


@cli.command()
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--values", "values_path", required=True, type=click.Path(path_type=Path, dir_okay=False)
)
@click.option("--json", "as_json", is_flag=True)
@_friendly
def verify(document: Path, values_path: Path, as_json: bool) -> None:
    """Check that every value of VALUES is in DOCUMENT and shows. Exit 1 if not."""
    from formfill.pdf.verify import verify_pdf_file

    report = verify_pdf_file(document, _load_values(values_path))
    print_report(report, as_json)
    if not report.ok:
        sys.exit(EXIT_NOT_LANDED)


def main() -> None:
    cli(prog_name="formfill")


cli_map.register(cli)
cli_store.register(cli)
cli_forms.register(cli)
cli_batch.register(cli)
cli_queue.register(cli)
cli_programs.register(cli)
cli_evidence.register(cli)
cli_users.register(cli)
cli_audit.register(cli)
cli.add_command(cli_doctor.doctor_cmd)

WEB_SHELL = "web.cli"  # `formfill up`; absent when formfill is installed without the web shell
try:
    importlib.import_module(WEB_SHELL).register(cli)
except ModuleNotFoundError as _e:
    if _e.name not in ("web", WEB_SHELL):
        raise


def _parse_extras(items: tuple[str, ...]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.isidentifier():
            raise ValuesError([Problem(f"--set {item}", "give KEY=VALUE, KEY a plain name")])
        if key in out:
            prev = out[key]
            out[key] = [*(prev if isinstance(prev, list) else [prev]), value]
        else:
            out[key] = value
    for key in ("enclosures", "agencies"):  # lists even when given once
        if key in out and not isinstance(out[key], list):
            out[key] = [out[key]]
    return out


def _today() -> date:
    return date.today()


@cli.command()
@click.argument("form_id")
@click.option(
    "--profile",
    "profile_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The client profile (JSON).",
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
@click.option("--flatten", is_flag=True, help="Burn the values into the page, remove the form.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The fill date (default today): ages and fill.date use it.",
)
@click.option("--force", is_flag=True, help="Fill even if the blank changed since it was mapped.")
@click.option("--allow-missing", is_flag=True, help="Fill even if required values are missing.")
@click.option(
    "--set",
    "extras",
    multiple=True,
    metavar="KEY=VALUE",
    help="A fact of this letter for Word templates (fill.KEY); repeat a key for a list.",
)
@click.option("--json", "as_json", is_flag=True)
@_friendly
def fill(
    form_id: str,
    profile_path: Path,
    output: Path,
    flatten: bool,
    on: datetime | None,
    force: bool,
    allow_missing: bool,
    extras: tuple[str, ...],
    as_json: bool,
) -> None:
    """Fill FORM_ID (a map id or a Word template id) for one client; verify; write OUTPUT.

    OUTPUT may be a folder: the file is then named after the form."""
    from formfill.config import Settings
    from formfill.fill import FormCatalogue, fill_form, write_atomic
    from formfill.profile.validation import load_profile

    profile = load_profile(profile_path)
    forms = FormCatalogue(Settings.from_env())
    result = fill_form(
        forms,
        form_id,
        profile,
        on=on.date() if on else _today(),
        flatten=flatten,
        force=force,
        allow_missing=allow_missing,
        extras=_parse_extras(extras),
    )
    target = output / f"{form_id}{result.suffix}" if output.is_dir() else output
    write_atomic(target, result.data)
    result.report.document = str(target)
    print_report(result.report, as_json)
    if not result.report.ok:
        sys.exit(EXIT_NOT_LANDED)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to write (default instance/out).",
)
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option(
    "--store",
    "seed_store",
    is_flag=True,
    help="Also seed the database: demo users, 12 synthetic clients and their applications.",
)
@click.option(
    "--clients",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Seed the database with N synthetic clients (implies --store).",
)
@_friendly
def demo(out_dir: Path | None, on: datetime | None, seed_store: bool, clients: int | None) -> None:
    """Fill every sample form and template for every demo client into instance/out/.

    With --store or --clients N, first seed the database (migrated to head) with the demo users
    and synthetic clients and print the logins; a database that has users is left as it is.
    FORMFILL_DEMO_PASSWORD sets the users' password."""
    from formfill.config import Settings
    from formfill.fill.demo import run_demo

    settings = Settings.from_env()
    if seed_store or clients is not None:
        _seed_demo_store(settings, 12 if clients is None else clients)
    rows = run_demo(settings, out_dir or settings.out_dir, on.date() if on else _today())
    width = max((len(r.client) for r in rows), default=6)
    failed = 0
    for r in rows:
        click.echo(f"{r.client:{width}}  {r.form:34} {r.status:10} {r.detail}")
        failed += r.status != "ok"
    click.echo(
        f"\n{len(rows) - failed}/{len(rows)} documents written under {out_dir or settings.out_dir}"
    )
    if failed:
        sys.exit(EXIT_NOT_LANDED)


def _seed_demo_store(settings: Settings, clients: int) -> None:
    from formfill.cases.demo_seed import seed

    result = seed(settings, clients=clients)
    if result.created:
        click.echo(f"demo store seeded: {result.clients} synthetic clients")
    else:
        click.echo(
            f"demo store: the database has users already, nothing added ({result.clients} clients)"
        )
    for email, role in result.users:
        click.echo(f"  login {email:26} {role}")
    note = "" if result.created else " (if it was the same when they were seeded)"
    click.echo(f"  password {result.password}{note}\n")
