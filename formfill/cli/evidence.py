"""``formfill ocr`` and ``formfill extract``: evidence from the command line (a shell: parse the
arguments, make one formfill call, print). cli.py registers them with ``register(cli)``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from formfill.cli.common import EXIT_BAD_INPUT
from formfill.config import Settings
from formfill.errors import FormfillError
from formfill.evidence import ocr
from formfill.evidence.extract import extract_evidence, read_pages
from formfill.evidence.extractors import load_extractors
from formfill.evidence.files import Page, read_evidence


def _page_json(page: Page) -> dict[str, object]:
    return {
        "page": page.number,
        "source": page.source,
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "skew": round(page.skew, 2),
        "notes": list(page.notes),
        "words": [
            {"text": w.text, "box": [round(v, 1) for v in w.box], "conf": w.conf, "line": w.line}
            for w in page.words
        ],
    }


def _fail(error: FormfillError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.command("ocr")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", default=None, help="Tesseract languages (default: FORMFILL_OCR_LANG).")
@click.option("--json", "as_json", is_flag=True, help="Pages with words, boxes and confidences.")
def ocr_command(files: tuple[Path, ...], lang: str | None, as_json: bool) -> None:
    """Print the text of each page of FILES (pages separated by a form feed). A PDF page with a
    text layer is read, not OCRed."""
    settings = Settings.from_env()
    lang = lang or settings.ocr_languages
    out: list[dict[str, object]] = []
    try:
        if not ocr.is_available():
            raise FormfillError("tesseract is not installed (apt install tesseract-ocr)")
        for path in files:
            evidence = read_evidence(path)
            pages = read_pages(evidence, lang)
            if as_json:
                out.append(
                    {
                        "file": str(path),
                        "evidence_id": evidence.id,
                        "pages": [_page_json(p) for p in pages],
                    }
                )
            else:
                click.echo("\f".join(p.text() for p in pages))
    except FormfillError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@click.command("extract")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", default=None, help="Tesseract languages (default: FORMFILL_OCR_LANG).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def extract_command(file: Path, lang: str | None, as_json: bool) -> None:
    """Print the document type of FILE and the profile values it proposes. Nothing is written
    to a profile: a specialist accepts, corrects or rejects each proposal."""
    settings = Settings.from_env()
    try:
        doc_types = load_extractors(settings.extractors_dir)
        evidence = read_evidence(file)
        result = extract_evidence(evidence, doc_types, lang or settings.ocr_languages)
    except FormfillError as e:
        _fail(e)
        return
    if as_json:
        payload = {
            "file": str(file),
            "evidence_id": result.evidence_id,
            "doc_type": result.doc_type,
            "language": result.language,
            "proposals": [p.as_dict() for p in result.proposals],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"{file}: {result.doc_type or 'not recognised'} ({result.language or '?'})")
    for p in result.proposals:
        flag = "REVIEW" if p.needs_review else "ok"
        where = f"p{p.page}" if p.page else "implied"
        note = f"  [{p.note}]" if p.note else ""
        click.echo(f"  {flag:6} {p.confidence:4.2f} {where:7} {p.path} = {p.value}{note}")


def register(cli: click.Group) -> None:
    """Add ``ocr`` and ``extract`` to the ``formfill`` command group."""
    cli.add_command(ocr_command)
    cli.add_command(extract_command)
