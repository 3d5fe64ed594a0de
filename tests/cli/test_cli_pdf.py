"""The real `formfill` entry point on PDFs, run as a subprocess: fill-pdf and verify succeed on
a sample form; a JPEG named .pdf, a truncated PDF and an XFA-only PDF each end with a non-zero
exit status and one clear 'error: ...' line on stderr, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

VALUES = {
    "First Name": "Testa",
    "Last Name": "Eksempelsen",
    "SSN": "123456789",
    "State": "IL",
    "Household Status": "Married",
    "Interpreter": "Sí",
    "Certify": True,
}


def formfill(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI module the way `formfill ...` does."""
    return subprocess.run(
        [sys.executable, "-m", "formfill", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_fill_then_verify(samples: dict[str, Path], tmp_path: Path) -> None:
    """fill-pdf exits 0 and writes the output; verify on it with the same values exits 0."""
    values = tmp_path / "values.json"
    values.write_text(json.dumps(VALUES, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "filled.pdf"
    r = formfill(
        "fill-pdf", str(samples["housing-assistance"]), "--values", str(values), "-o", str(out)
    )
    assert r.returncode == 0, r.stderr
    assert out.exists() and out.read_bytes().startswith(b"%PDF-")
    assert "7 filled" in r.stdout
    v = formfill("verify", str(out), "--values", str(values))
    assert v.returncode == 0, v.stdout + v.stderr
    assert "7 filled" in v.stdout


def test_fill_json_report(samples: dict[str, Path], tmp_path: Path) -> None:
    """fill-pdf --json prints the report as JSON with ok true and one entry per value."""
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"Fornavn": "Testa"}), encoding="utf-8")
    out = tmp_path / "filled.pdf"
    r = formfill(
        "fill-pdf",
        str(samples["nav-barnetrygd"]),
        "--values",
        str(values),
        "-o",
        str(out),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True and report["fields"][0]["field"] == "Fornavn"


def test_verify_mismatch_exits_1(samples: dict[str, Path], tmp_path: Path) -> None:
    """verify exits 1 (not landed) when a value is not in the document, naming the field."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"First Name": "Testa"}), encoding="utf-8")
    out = tmp_path / "filled.pdf"
    assert (
        formfill(
            "fill-pdf", str(samples["housing-assistance"]), "--values", str(good), "-o", str(out)
        ).returncode
        == 0
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"First Name": "Other"}), encoding="utf-8")
    v = formfill("verify", str(out), "--values", str(bad))
    assert v.returncode == 1
    assert "First Name" in v.stdout


def _bad_inputs(
    samples: dict[str, Path], tmp_path: Path, jpeg_bytes: bytes, xfa_only: bytes
) -> dict[str, tuple[Path, str]]:
    jpeg = tmp_path / "photo.pdf"
    jpeg.write_bytes(jpeg_bytes)
    data = samples["housing-assistance"].read_bytes()
    half = tmp_path / "half.pdf"
    half.write_bytes(data[: len(data) // 2])
    xfa = tmp_path / "xfa.pdf"
    xfa.write_bytes(xfa_only)
    return {"jpeg": (jpeg, "JPEG"), "truncated": (half, "truncated"), "xfa": (xfa, "XFA")}


@pytest.mark.parametrize("kind", ["jpeg", "truncated", "xfa"])
def test_bad_input_one_line_error(
    samples: dict[str, Path],
    tmp_path: Path,
    kind: str,
    jpeg_bytes: bytes,
    xfa_only_pdf: Callable[..., bytes],
) -> None:
    """A document formfill cannot fill exits non-zero with one 'error: ...' line that names the
    problem, and no traceback; no output file is written."""
    path, word = _bad_inputs(samples, tmp_path, jpeg_bytes, xfa_only_pdf())[kind]
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"First Name": "Testa"}), encoding="utf-8")
    out = tmp_path / "out.pdf"
    r = formfill("fill-pdf", str(path), "--values", str(values), "-o", str(out))
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and word in lines[0], lines[0]
    assert "Traceback" not in r.stderr + r.stdout
    assert not out.exists()


def test_bad_values_file(samples: dict[str, Path], tmp_path: Path) -> None:
    """A values file that is not JSON is reported in one error line, exit status 2."""
    values = tmp_path / "values.json"
    values.write_text("{not json", encoding="utf-8")
    r = formfill(
        "fill-pdf",
        str(samples["housing-assistance"]),
        "--values",
        str(values),
        "-o",
        str(tmp_path / "o.pdf"),
    )
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "JSON" in r.stderr
    assert "Traceback" not in r.stderr
