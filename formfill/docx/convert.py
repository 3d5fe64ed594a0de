"""Word to PDF: a filled .docx as a PDF, by LibreOffice headless (``soffice``, Debian's
libreoffice-writer-nogui; ``scripts/bootstrap.sh`` installs it).

Each conversion runs in a fresh temporary directory with its own LibreOffice profile
(``-env:UserInstallation``), so conversions in parallel (workers, web requests) never share or
lock a profile, and nothing of a client's document stays behind. It runs with a time limit and
size limits on what goes in and what comes out; any failure is a :class:`ConversionError`
naming the document and the reason, never a hang or a traceback.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from formfill.errors import ConversionError

__all__ = ["ConvertLimits", "available", "docx_to_pdf"]

SOFFICE_NAMES = ("soffice", "libreoffice")


@dataclass(frozen=True)
class ConvertLimits:
    seconds: float = 60.0  # a filled form of a few pages takes 2-5 s
    max_input_bytes: int = 20 * 1024 * 1024
    max_output_bytes: int = 50 * 1024 * 1024


def soffice(override: str | None = None) -> str | None:
    """The LibreOffice executable: ``override`` (Settings.soffice, FORMFILL_SOFFICE) looked up on
    PATH, else soffice/libreoffice on PATH; None when there is none."""
    if override:
        return shutil.which(override)
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available(override: str | None = None) -> bool:
    return soffice(override) is not None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """The whole process group: soffice starts soffice.bin, which a plain kill would orphan."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()  # reaps it and closes its pipes


def _convert(data: bytes, source: str, limits: ConvertLimits, executable: str | None) -> bytes:
    if len(data) > limits.max_input_bytes:
        raise ConversionError(
            source, f"the document is {len(data)} bytes, past the limit of {limits.max_input_bytes}"
        )
    if not data.startswith(b"PK"):
        raise ConversionError(source, "not a Word document (.docx is a ZIP; this is not)")
    exe = soffice(executable)
    if exe is None:
        where = f"FORMFILL_SOFFICE={executable!r} is not" if executable else "LibreOffice is not"
        raise ConversionError(
            source, f"{where} an executable here; scripts/bootstrap.sh installs LibreOffice"
        )
    with tempfile.TemporaryDirectory(prefix="formfill-convert-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        doc = work / "in" / "document.docx"
        doc.write_bytes(data)
        out = work / "out"
        cmd = [
            exe,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(doc),
        ]
        # least privilege: LibreOffice gets no key or URL of ours, only what it needs to run
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "LANG": "C.UTF-8",
        }
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            _stdout, stderr = proc.communicate(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ConversionError(
                source, f"LibreOffice did not finish within {limits.seconds:g} s"
            ) from None
        pdf = out / "document.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            why = stderr.decode("utf-8", "replace").strip().splitlines()
            detail = f" ({why[-1][:200]})" if why else ""
            status = f", exit status {proc.returncode}" if proc.returncode else ""
            raise ConversionError(
                source, f"LibreOffice could not read it as a Word document{status}{detail}"
            )
        size = pdf.stat().st_size
        if size > limits.max_output_bytes:
            raise ConversionError(
                source, f"its PDF is {size} bytes, past the limit of {limits.max_output_bytes}"
            )
        result = pdf.read_bytes()
    if not result.startswith(b"%PDF"):
        raise ConversionError(source, "LibreOffice wrote something that is not a PDF")
    return result


_CACHE: OrderedDict[tuple[str, ConvertLimits], bytes] = OrderedDict()
_CACHE_SIZE = 16
_LOCK = threading.Lock()


def docx_to_pdf(
    data: bytes,
    source: str = "document",
    limits: ConvertLimits | None = None,
    executable: str | None = None,
) -> bytes:
    """``data`` (a .docx) as PDF bytes; ConversionError when it cannot be converted.
    ``executable``: Settings.soffice (None: LibreOffice on PATH).

    The last few conversions are kept in memory by the document's digest (a packet and the
    previews of its pages convert the same document once)."""
    limits = limits or ConvertLimits()
    key = (hashlib.sha256(data).hexdigest(), limits)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    pdf = _convert(data, source, limits, executable)
    with _LOCK:
        _CACHE[key] = pdf
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return pdf
