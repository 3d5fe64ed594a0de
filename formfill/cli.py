"""The ``formfill`` command. A shell: parse arguments, make one formfill call, print the result.

Every FormfillError becomes its message on stderr and exit status 2 (bad input) or 1 (a fill that
did not fully land); never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from formfill.errors import FormfillError, Problem, ValuesError
from formfill.report import FillReport, Status

F = TypeVar("F", bound=Callable[..., Any])

EXIT_NOT_LANDED = 1
EXIT_BAD_INPUT = 2


def _friendly(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FormfillError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


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
        from formfill import docx_fill

        fields = docx_fill.inspect_docx(form)
        if as_json:
            click.echo(json.dumps([f.to_dict() for f in fields], ensure_ascii=False, indent=1))
        else:
            for f in fields:
                click.echo(f"{f.kind:10} {f.name}")
        return
    from formfill.pdf_inspect import inspect_pdf

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
        for flag, on in (("read-only", f.read_only), ("required", f.required),
                         ("multiline", f.multiline), ("hidden", f.hidden), ("orphan", f.orphan)):
            if on:
                extra.append(flag)
        rect = f.rects[0] if f.rects else ()
        tip = f"  «{f.tooltip}»" if f.tooltip else ""
        click.echo(
            f"{f.kind:9} p{pages:4} {f.name}  {list(rect)} {' '.join(extra)}{tip}"
        )


@cli.command("fill-pdf")
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--values", "values_path", required=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="JSON: full field name -> text, true/false, or export value.")
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
@click.option("--values", "values_path", required=True,
              type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@_friendly
def verify(document: Path, values_path: Path, as_json: bool) -> None:
    """Check that every value of VALUES is in DOCUMENT and shows. Exit 1 if not."""
    from formfill.verify import verify_pdf_file

    report = verify_pdf_file(document, _load_values(values_path))
    print_report(report, as_json)
    if not report.ok:
        sys.exit(EXIT_NOT_LANDED)


def main() -> None:
    cli(prog_name="formfill")
