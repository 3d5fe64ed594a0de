"""A batch's outputs for people: per client one merged PDF packet with a cover sheet, and the
whole batch as a ZIP (the outputs, the packets and the status as JSON).

pypdf merges the filled PDFs; reportlab draws the cover sheet. Word outputs cannot be merged into
a PDF: the cover lists them and the ZIP holds them.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from formfill import artifacts
from formfill.config import Settings
from formfill.pdf.font import find_font_file, winansi_fits
from formfill.store.batches import batch_dict, get_batch
from formfill.store.clients import client_label, latest_version

__all__ = ["batch_zip", "client_packet"]


@dataclass(frozen=True)
class PacketEntry:
    form: str
    status: str
    artifact: str | None
    error: str | None


def _fonts(texts: list[str], font_path: str | None) -> tuple[str, str]:
    """(regular, bold): Helvetica when every text fits WinAnsi, else the Unicode fallback font
    (DejaVu Sans; names like "Zdeněk Čapek" lose their letters in Helvetica)."""
    if all(winansi_fits(t) for t in texts):
        return "Helvetica", "Helvetica-Bold"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = find_font_file(font_path)
    name = "FormfillUnicode-" + hashlib.sha256(path.encode()).hexdigest()[:8]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name, name


def _cover(
    label: str,
    batch_id: int,
    on: date,
    entries: list[PacketEntry],
    font_path: str | None = None,
) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)  # invariant: same input, same bytes
    texts = [label] + [f"{e.form} {e.error or ''}" for e in entries]
    regular, bold = _fonts(texts, font_path)
    _width, height = A4
    y = height - 72
    c.setFont(bold, 16)
    c.drawString(72, y, f"Packet for {label}")
    y -= 22
    c.setFont(regular, 10)
    c.drawString(72, y, f"Batch {batch_id}, {on.isoformat()}")
    sections = [
        ("Inside this packet", [e for e in entries if e.status == "done" and e.artifact]),
        ("Still missing", [e for e in entries if e.status != "done"]),
    ]
    for title, rows in sections:
        y -= 30
        c.setFont(bold, 12)
        c.drawString(72, y, title)
        c.setFont(regular, 10)
        if not rows:
            y -= 16
            c.drawString(84, y, "(none)")
        for e in rows:
            y -= 16
            if y < 72:
                c.showPage()
                c.setFont(regular, 10)
                y = height - 72
            why = "" if e.status == "done" else f" - {e.status}: {e.error or 'not filled yet'}"
            c.drawString(84, y, f"{e.form}{why}"[:110])
    c.showPage()
    c.save()
    return buf.getvalue()


def _entries(session: Session, batch_id: int, client_id: int) -> list[PacketEntry]:
    batch = get_batch(session, batch_id)
    return [
        PacketEntry(i.form_id, i.status, i.output_artifact, i.error)
        for i in batch.items
        if i.client_id == client_id
    ]


def client_packet(
    settings: Settings, session: Session, batch_id: int, client_id: int, on: date
) -> bytes:
    """One PDF: a cover sheet (what is inside, what is still missing), then every filled PDF."""
    entries = _entries(session, batch_id, client_id)
    label = client_label(latest_version(session, client_id), client_id)
    writer = PdfWriter()
    cover = _cover(label, batch_id, on, entries, settings.font_path)
    writer.append(PdfReader(io.BytesIO(cover)))
    for e in entries:
        if e.status != "done" or e.artifact is None:
            continue
        data = artifacts.read(settings, e.artifact)
        if data.startswith(b"%PDF"):
            writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def batch_zip(settings: Settings, session: Session, batch_id: int, on: date) -> bytes:
    """The batch as a ZIP: ``client-N/<form>.pdf|.docx``, ``client-N/packet.pdf`` and
    ``status.json``."""
    data = batch_dict(get_batch(session, batch_id))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in data["items"]:
            if item["output"]:
                content = artifacts.read(settings, item["output"])
                suffix = ".pdf" if content.startswith(b"%PDF") else ".docx"
                z.writestr(f"client-{item['client']}/{item['form']}{suffix}", content)
        for client_id in sorted({int(i["client"]) for i in data["items"]}):
            packet = client_packet(settings, session, batch_id, client_id, on)
            z.writestr(f"client-{client_id}/packet.pdf", packet)
        z.writestr("status.json", json.dumps(data, indent=2, ensure_ascii=False))
    return buf.getvalue()
