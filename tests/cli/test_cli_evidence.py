"""`formfill ocr` and `formfill extract` print text, JSON and clear errors."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from formfill.cli.evidence import register
from tests.data.evidence.build import SAMPLES, render_pdf


def _cli() -> click.Group:
    @click.group()
    def cli() -> None:
        pass

    register(cli)
    return cli


def test_extract_json_lists_type_and_proposals(tmp_path):
    """extract --json prints the document type and proposals with paths and confidences."""
    path = tmp_path / "slip.pdf"
    path.write_bytes(render_pdf(SAMPLES[0]))
    result = CliRunner().invoke(_cli(), ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["doc_type"] == "pay_slip"
    paths = {p["path"]: p["value"] for p in data["proposals"]}
    assert paths["income.sources[0].amount"] == "42500.00"


def test_ocr_reads_a_text_layer_and_separates_pages(tmp_path):
    """ocr prints a text-layer PDF's text; --json has words with boxes and confidences."""
    path = tmp_path / "slip.pdf"
    path.write_bytes(render_pdf(SAMPLES[1]))
    result = CliRunner().invoke(_cli(), ["ocr", str(path)])
    assert result.exit_code == 0 and "Brutoloon" in result.output
    result = CliRunner().invoke(_cli(), ["ocr", str(path), "--json"])
    page = json.loads(result.output)[0]["pages"][0]
    assert page["source"] == "text" and page["words"][0]["conf"] == 100.0


def test_bad_input_is_an_error_message_not_a_traceback(tmp_path):
    """A file that is no document exits 2 with the reason."""
    path = tmp_path / "notes.pdf"
    path.write_text("hello")
    result = CliRunner().invoke(_cli(), ["extract", str(path)])
    assert result.exit_code == 2 and "not a PDF, JPEG, PNG or TIFF" in result.output
